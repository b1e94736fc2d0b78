"""The wave registry: ``data/raw/<wave>/wave.yaml``.

Adding a wave needs no code: drop its export and a ``wave.yaml`` into
``data/raw/<wave>/``.  This module reads and checks those files; a malformed
one is a :class:`WaveError` naming the file and the problem.

A ``wave.yaml`` holds::

    wave: "2025"                  # the wave id, a string
    title: "Vague 2025"           # optional, French
    codebook: v1                  # questionnaire version
    file: export-2025.csv         # the raw export, beside wave.yaml
    format: csv                   # csv or xlsx
    encoding: utf-8               # optional (csv): detected when absent
    delimiter: ","                # optional (csv): detected when absent
    sheet: null                   # optional (xlsx): first sheet when absent
    fieldwork: {start: 2025-03-03, end: 2025-04-30}
    synthetic: true               # sample data made by `barometer synth`
    generator: "barometer synth …" # optional: the exact command
    ground_truth: ground-truth.csv # optional, synthetic waves only
    cleaning: {}                  # optional overrides of cleaning rules
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from barometer import paths

_KEYS = {
    "wave",
    "title",
    "codebook",
    "file",
    "format",
    "encoding",
    "delimiter",
    "sheet",
    "fieldwork",
    "synthetic",
    "generator",
    "ground_truth",
    "cleaning",
}
_REQUIRED = ("wave", "codebook", "file", "format", "fieldwork", "synthetic")
FORMATS = ("csv", "xlsx")


class WaveError(ValueError):
    """A ``wave.yaml`` is missing, malformed or inconsistent."""


@dataclass(frozen=True)
class Wave:
    """One survey wave as its ``wave.yaml`` describes it."""

    id: str
    codebook: str
    file: Path
    format: str
    fieldwork_start: dt.date
    fieldwork_end: dt.date
    synthetic: bool
    title: str = ""
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | int | None = None
    generator: str | None = None
    ground_truth: Path | None = None
    cleaning: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    @property
    def folder(self) -> Path:
        """The wave's raw folder."""
        return self.file.parent


def _date(value: object, path: Path, key: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise WaveError(f"{path}: {key}: {value!r} is not a date (YYYY-MM-DD)") from None


def load_wave(path: str | Path) -> Wave:
    """Read and check one ``wave.yaml`` (or the folder holding it).

    Parameters
    ----------
    path : str or pathlib.Path
        The ``wave.yaml`` file or its folder.

    Returns
    -------
    Wave
        The checked description; ``file`` is an absolute path.

    Raises
    ------
    WaveError
        When the file is missing, malformed, or names a missing export.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "wave.yaml"
    if not path.is_file():
        raise WaveError(f"{path}: no wave.yaml")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise WaveError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise WaveError(f"{path}: expected a mapping of keys")
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise WaveError(f"{path}: unknown key(s) {', '.join(unknown)}")
    missing = [k for k in _REQUIRED if k not in data]
    if missing:
        raise WaveError(f"{path}: missing key(s) {', '.join(missing)}")
    if data["format"] not in FORMATS:
        raise WaveError(f"{path}: format must be one of {FORMATS}, not {data['format']!r}")
    fieldwork = data["fieldwork"]
    if not isinstance(fieldwork, dict) or {"start", "end"} - set(fieldwork):
        raise WaveError(f"{path}: fieldwork needs start and end dates")
    start = _date(fieldwork["start"], path, "fieldwork.start")
    end = _date(fieldwork["end"], path, "fieldwork.end")
    if end < start:
        raise WaveError(f"{path}: fieldwork ends ({end}) before it starts ({start})")
    export = (path.parent / str(data["file"])).resolve()
    if not export.is_file():
        raise WaveError(f"{path}: the export file {data['file']!r} is not beside wave.yaml")
    wave_id = str(data["wave"])
    if wave_id != path.parent.name:
        raise WaveError(f"{path}: wave {wave_id!r} does not match its folder {path.parent.name!r}")
    truth = data.get("ground_truth")
    return Wave(
        id=wave_id,
        codebook=str(data["codebook"]),
        file=export,
        format=str(data["format"]),
        fieldwork_start=start,
        fieldwork_end=end,
        synthetic=bool(data["synthetic"]),
        title=str(data.get("title") or f"Vague {wave_id}"),
        encoding=data.get("encoding"),
        delimiter=data.get("delimiter"),
        sheet=data.get("sheet"),
        generator=data.get("generator"),
        ground_truth=(path.parent / str(truth)).resolve() if truth else None,
        cleaning=dict(data.get("cleaning") or {}),
        path=path.resolve(),
    )


def list_waves(raw_dir: str | Path | None = None) -> list[Wave]:
    """Return every registered wave, sorted by id.

    Parameters
    ----------
    raw_dir : str or pathlib.Path, optional
        The folder holding one sub-folder per wave; ``data/raw`` by default.
    """
    base = Path(raw_dir) if raw_dir is not None else paths.raw_dir()
    return [load_wave(p) for p in sorted(base.glob("*/wave.yaml"))]


def get_wave(wave_id: str, raw_dir: str | Path | None = None) -> Wave:
    """Return the wave with this id, or raise a :class:`WaveError` listing the known ones."""
    base = Path(raw_dir) if raw_dir is not None else paths.raw_dir()
    folder = base / str(wave_id)
    if not (folder / "wave.yaml").is_file():
        known = ", ".join(w.id for w in list_waves(base)) or "none"
        raise WaveError(f"{folder}: no wave {wave_id!r} (known waves: {known})")
    return load_wave(folder)
