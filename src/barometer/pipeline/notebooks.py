"""Discover the notebook sources and read what each one declares.

A notebook is a jupytext ``py:percent`` file ``notebooks/NN_name.py``.  How
the pipeline runs it is declared by one comment line anywhere in its first
40 lines (by convention the first line of the file)::

    # barometer: scope=wave, needs=01_clean

``scope``
    ``wave`` (run once per wave, output in ``reports/<wave>/``), ``all`` (run
    once after every wave's ``needs``, output in ``reports/trends/``) or
    ``private`` (run per wave only when asked for by name, output in
    ``reports/<wave>/private/``, never linked from the index).
``needs``
    Notebooks (names or their ``NN`` prefix, separated by ``+`` or spaces)
    whose outputs this one reads.  Notebooks that do not need each other may
    run at the same time.

A notebook without the line falls back on :data:`MANIFEST` (the six
notebooks of the barometer), and an unknown notebook on
``scope=wave`` needing every earlier wave notebook (safe, sequential).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat

SCOPES = ("wave", "all", "private")
KERNEL_NAME = "barometer"
TRENDS = "trends"
"""Folder (under ``reports/``, ``figures/``, ``data/processed/``) of cross-wave notebooks."""

MANIFEST: dict[str, dict[str, object]] = {
    "01_clean": {"scope": "wave", "needs": ()},
    "02_tables": {"scope": "wave", "needs": ("01_clean",)},
    "03_profiles": {"scope": "wave", "needs": ("01_clean",)},
    "04_figures": {"scope": "wave", "needs": ("01_clean", "02_tables", "03_profiles")},
    "05_trends": {"scope": "all", "needs": ("01_clean",)},
    "06_peer_report": {"scope": "private", "needs": ("01_clean",)},
}
"""Defaults for the barometer's own notebooks when their header line is absent."""

_NAME_RE = re.compile(r"^(\d{2})_[A-Za-z0-9_]+$")
_HEADER_RE = re.compile(r"^#\s*barometer:\s*(?P<body>.*)$", re.MULTILINE)
_HEADER_LINES = 40


@dataclass(frozen=True)
class NotebookSpec:
    """A notebook source and how the pipeline runs it.

    Attributes
    ----------
    name : str
        The file stem, e.g. ``"02_tables"``.
    path : pathlib.Path
        The jupytext source.
    scope : str
        ``"wave"``, ``"all"`` or ``"private"``.
    needs : tuple of str
        Names of the notebooks whose outputs it reads.
    """

    name: str
    path: Path
    scope: str
    needs: tuple[str, ...]

    @property
    def number(self) -> str:
        """The two-digit prefix, e.g. ``"02"``."""
        return self.name[:2]

    def source_hash(self) -> str:
        """Return the SHA-256 of the source file."""
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def parse_header(text: str, path: Path | str = "<notebook>") -> dict[str, object] | None:
    """Read the ``# barometer: key=value, ...`` line of a notebook source.

    Parameters
    ----------
    text : str
        The source text.
    path : pathlib.Path or str
        Used in error messages only.

    Returns
    -------
    dict or None
        ``{"scope": str, "needs": tuple}`` (keys present only when written),
        or None when the line is absent.

    Examples
    --------
    >>> parse_header("# barometer: scope=all, needs=01_clean")
    {'scope': 'all', 'needs': ('01_clean',)}
    """
    head = "\n".join(text.splitlines()[:_HEADER_LINES])
    match = _HEADER_RE.search(head)
    if match is None:
        return None
    out: dict[str, object] = {}
    for item in filter(None, (part.strip() for part in match["body"].split(","))):
        key, sep, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not sep:
            raise ValueError(f"{path}: barometer header item {item!r} is not key=value")
        if key == "scope":
            if value not in SCOPES:
                raise ValueError(f"{path}: scope must be one of {SCOPES}, not {value!r}")
            out["scope"] = value
        elif key == "needs":
            out["needs"] = tuple(re.split(r"[\s+]+", value)) if value else ()
        else:
            raise ValueError(f"{path}: unknown barometer header key {key!r} (scope, needs)")
    return out


def _resolve_needs(spec: NotebookSpec, names: list[str]) -> tuple[str, ...]:
    resolved = []
    for need in spec.needs:
        matches = [n for n in names if n == need or n[:2] == need]
        if len(matches) != 1:
            raise ValueError(
                f"{spec.path}: needs {need!r}, which matches "
                f"{'no notebook' if not matches else 'several notebooks'} in {spec.path.parent}"
            )
        if matches[0] == spec.name:
            raise ValueError(f"{spec.path}: a notebook cannot need itself")
        resolved.append(matches[0])
    return tuple(resolved)


def discover_notebooks(folder: Path) -> list[NotebookSpec]:
    """Return the notebooks ``NN_name.py`` of a folder, in number order.

    Parameters
    ----------
    folder : pathlib.Path
        Usually ``paths.notebooks_dir()``.

    Returns
    -------
    list of NotebookSpec
        With ``needs`` resolved to notebook names.

    Raises
    ------
    ValueError
        When the folder is missing, two notebooks share a number, a header is
        malformed, or a ``needs`` names no notebook or a later one.
    """
    if not folder.is_dir():
        raise ValueError(f"{folder}: no notebooks folder")
    specs: list[NotebookSpec] = []
    for path in sorted(folder.glob("*.py")):
        if not _NAME_RE.match(path.stem):
            continue
        header = parse_header(path.read_text(encoding="utf-8"), path)
        default = MANIFEST.get(path.stem)
        if header is None and default is None:
            earlier = tuple(s.name for s in specs if s.scope == "wave")
            header = {"scope": "wave", "needs": earlier}
        merged = {**(default or {}), **(header or {})}
        scope = str(merged.get("scope", "wave"))
        needs = tuple(merged.get("needs", ()))  # type: ignore[arg-type]
        specs.append(NotebookSpec(path.stem, path, scope, needs))
    numbers = [s.number for s in specs]
    clash = sorted({n for n in numbers if numbers.count(n) > 1})
    if clash:
        raise ValueError(f"{folder}: several notebooks numbered {', '.join(clash)}")
    names = [s.name for s in specs]
    resolved = [NotebookSpec(s.name, s.path, s.scope, _resolve_needs(s, names)) for s in specs]
    for spec in resolved:
        later = [n for n in spec.needs if n > spec.name]
        if later:
            raise ValueError(f"{spec.path}: needs a later notebook ({', '.join(later)})")
    return resolved


def to_notebook(spec: NotebookSpec) -> nbformat.NotebookNode:
    """Read a jupytext source as a notebook bound to the ``barometer`` kernel.

    Parameters
    ----------
    spec : NotebookSpec
        The notebook.

    Returns
    -------
    nbformat.NotebookNode
        With ``kernelspec`` metadata naming :data:`KERNEL_NAME`.
    """
    notebook = jupytext.read(spec.path, fmt="py:percent")
    notebook.metadata["kernelspec"] = {
        "name": KERNEL_NAME,
        "display_name": "Python (barometer)",
        "language": "python",
    }
    notebook.metadata.setdefault("language_info", {"name": "python"})
    return notebook
