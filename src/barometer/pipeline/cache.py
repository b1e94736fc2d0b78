"""What a step depends on, and the run record ``reports/<wave>/run.json``.

A step (one notebook for one wave) is skipped when its *fingerprint* — the
hash of everything it reads — equals the one recorded after its last
successful run, and what that run produced is still on disk unchanged.  The
fingerprint covers the raw export and ``wave.yaml``, the codebook file, the
notebook source, the package (version and source files), the versions of
the scientific libraries, the parameters, and the hashes of the files the
upstream notebooks it ``needs`` wrote.

Outputs are found by comparing the output folders (``data/processed/<key>``,
``figures/<key>``, ``reports/<key>``) before and after the step: files
created or changed are its outputs.  When two notebooks of a wave run at the
same time each may claim the other's files; that only makes the cache more
cautious, never wrong.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from barometer import paths

PACKAGES = (
    "barometer",
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "scikit-learn",
    "matplotlib",
    "papermill",
    "nbconvert",
)
RECORD_NAME = "run.json"
_CHUNK = 1 << 20


def file_hash(path: Path) -> str:
    """Return the SHA-256 hex digest of a file, read in 1 MiB chunks.

    Parameters
    ----------
    path : pathlib.Path
        The file.

    Returns
    -------
    str
        64 hex characters.
    """
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def text_hash(value: object) -> str:
    """Return the SHA-256 of a JSON-serialisable value (keys sorted)."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def package_versions() -> dict[str, str | None]:
    """Return the installed version of each package of :data:`PACKAGES` (None if absent)."""
    out: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def package_source_hash() -> str:
    """Return one hash of the barometer package's ``.py`` and ``.yaml`` files.

    The version number rarely changes while the code does: hashing the
    source makes a changed function re-run the notebooks that call it.
    """
    digest = hashlib.sha256()
    for path in sorted(paths.PACKAGE_DIR.rglob("*")):
        if path.suffix in {".py", ".yaml", ".j2"} and "__pycache__" not in path.parts:
            digest.update(path.relative_to(paths.PACKAGE_DIR).as_posix().encode())
            digest.update(file_hash(path).encode())
    return digest.hexdigest()


def git_commit(root: Path) -> str | None:
    """Return the commit checked out at ``root``, or None without git or commits."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and len(commit) == 40 else None


def snapshot(folders: list[Path], exclude: set[Path]) -> dict[Path, tuple[int, int]]:
    """Return ``{file: (mtime_ns, size)}`` for every file under ``folders``.

    Parameters
    ----------
    folders : list of pathlib.Path
        Folders to walk (missing ones are ignored).
    exclude : set of pathlib.Path
        Files or folders to leave out (the pipeline's own products).
    """
    state: dict[Path, tuple[int, int]] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in folder.rglob("*"):
            if not path.is_file() or any(p in exclude for p in (path, *path.parents)):
                continue
            info = path.stat()
            state[path] = (info.st_mtime_ns, info.st_size)
    return state


def changed_files(
    before: dict[Path, tuple[int, int]], after: dict[Path, tuple[int, int]], root: Path
) -> dict[str, str]:
    """Return ``{path relative to root: sha256}`` of files created or changed."""
    out = {}
    for path, state in sorted(after.items()):
        if before.get(path) != state:
            out[path.relative_to(root).as_posix()] = file_hash(path)
    return out


def outputs_intact(outputs: dict[str, str], root: Path) -> bool:
    """Return True when every recorded output still exists with the same hash."""
    for rel, digest in outputs.items():
        path = root / rel
        if not path.is_file() or file_hash(path) != digest:
            return False
    return True


@dataclass
class RunRecord:
    """The run record of one output folder (a wave, or ``trends``).

    Attributes
    ----------
    path : pathlib.Path
        ``reports/<key>/run.json``.
    data : dict
        Its content: ``key``, ``waves``, ``codebooks``, ``inputs`` (file →
        SHA-256), ``packages``, ``git_commit``, ``parameters``, ``status``,
        ``updated`` and ``steps`` (notebook → ``fingerprint``, ``status``,
        ``seconds``, ``started``, ``outputs``, ``error``).
    """

    path: Path
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> RunRecord:
        """Read a record; a missing or unreadable file gives an empty one."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        if not isinstance(data, dict):
            data = {}
        data.setdefault("steps", {})
        return cls(path, data)

    def step(self, name: str) -> dict[str, Any]:
        """Return what was recorded for a notebook (empty dict if nothing)."""
        return dict(self.data["steps"].get(name) or {})

    def save(self) -> None:
        """Write the record (pretty JSON, keys sorted)."""
        self.data["updated"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".json.tmp")
        tmp.write_text(
            json.dumps(self.data, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
        os.replace(tmp, self.path)
