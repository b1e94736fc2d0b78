"""Synthetic waves that look like real survey exports, with their ground truth.

No real answer exists in this repository.  :func:`generate` draws answers
from four latent usage profiles (see :mod:`barometer.synth.model`), plants
the mess real exports contain (test submissions, duplicates, abandoned
answers, refused consent, region variants, stray spaces and case, "Autre"
free text, too many barriers, routing contradictions, identifiers in free
text; see :mod:`barometer.synth.sample`) and lays the rows out as the survey
tool of the wave exports them (:mod:`barometer.synth.export`).
:func:`write_wave` writes the export, a ``wave.yaml`` and a ground-truth CSV.

Everything comes from one :class:`numpy.random.Generator` seeded by ``seed``:
the same arguments always give the same bytes.

Examples
--------
>>> raw, truth = generate("2025", n=40, seed=1)
>>> len(raw) == len(truth) == 40
True
>>> raw["consent"].iloc[0] in ("J'accepte", "Je refuse")
True
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
import shlex
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from barometer.codebook import Codebook, load_codebook
from barometer.synth.export import csv_bytes, render, write_bytes, xlsx_bytes
from barometer.synth.params import PROFILES
from barometer.synth.sample import MESS, MessRates, Sample, build_sample, fieldwork

__all__ = [
    "MESS",
    "PROFILES",
    "MessRates",
    "default_codebook",
    "fieldwork",
    "generate",
    "generate_sample",
    "generator_command",
    "write_wave",
]

FIRST_WAVE = 2025
"""Waves up to this year use questionnaire v1, later ones v2."""
EXPORT_NAMES = {"limesurvey_csv": ("export.csv", "csv"), "forms_xlsx": ("export.xlsx", "xlsx")}
GROUND_TRUTH = "ground-truth.csv"
MAX_ROWS = 1_000_000


def default_codebook(wave: str) -> str:
    """Return the codebook version of a wave: "2025" → "v1", later waves → "v2".

    Examples
    --------
    >>> default_codebook("2026")
    'v2'
    """
    return "v1" if _year(wave) <= FIRST_WAVE else "v2"


def _year(wave: str) -> int:
    if not isinstance(wave, str):
        raise TypeError(f"wave must be a string such as '2025', not {type(wave).__name__}")
    match = re.fullmatch(r"(\d{4})[\w-]*", wave)
    if match is None:
        raise ValueError(f"wave {wave!r} must start with a four-digit year, e.g. '2025'")
    return int(match.group(1))


def _check_counts(n: object, seed: object) -> None:
    if isinstance(n, bool) or not isinstance(n, int | np.integer):
        raise TypeError(f"n must be an integer, not {type(n).__name__}")
    if not 1 <= n <= MAX_ROWS:
        raise ValueError(f"n must be between 1 and {MAX_ROWS}, not {n}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise TypeError(f"seed must be an integer, not {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"seed must be non-negative, not {seed}")


def _load(wave: str, codebook: str | None) -> Codebook:
    version = codebook if codebook is not None else default_codebook(wave)
    return load_codebook(version)


def generate_sample(wave: str, n: int, seed: int, codebook: str | None = None) -> Sample:
    """Draw a synthetic sample (answers as codes, with its planted mess).

    Parameters
    ----------
    wave : str
        Wave id starting with its year, e.g. ``"2025"``.
    n : int
        Number of export rows.
    seed : int
        Seed of the random generator.
    codebook : str, optional
        Codebook version; by default from the wave (see :func:`default_codebook`).

    Returns
    -------
    Sample
        The rows before rendering.
    """
    _year(wave)
    _check_counts(n, seed)
    book = _load(wave, codebook)
    return build_sample(np.random.default_rng(seed), int(n), book, wave)


def generate(
    wave: str, n: int, seed: int, codebook: str | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generate a synthetic export and its ground truth, in memory.

    Parameters
    ----------
    wave : str
        Wave id starting with its year, e.g. ``"2025"``.
    n : int
        Number of export rows (duplicates, tests and abandoned answers included).
    seed : int
        Seed of the random generator.
    codebook : str, optional
        Codebook version; ``"v1"`` for 2025, ``"v2"`` for later waves by default.

    Returns
    -------
    raw : pandas.DataFrame
        The export laid out exactly as the survey tool writes it: one column per
        export column of the codebook, every cell a string (``""`` when empty).
    truth : pandas.DataFrame
        One row per export row: ``response_id``, latent ``profile`` and every
        planted mess flag; no e-mail nor organisation name.

    Raises
    ------
    ValueError
        For a wave without a year, a non-positive ``n``, a negative seed or an
        unknown codebook.
    """
    sample = generate_sample(wave, n, seed, codebook)
    return render(sample), sample.truth()


def generator_command(
    wave: str,
    n: int,
    seed: int,
    out: Path | str,
    *,
    codebook: str | None = None,
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> str:
    """Return the ``barometer synth`` command line that writes this wave.

    Examples
    --------
    >>> generator_command("2025", 520, 2025, "data/raw/2025")
    'barometer synth --wave 2025 --n 520 --seed 2025 --out data/raw/2025'
    """
    parts = ["barometer", "synth", "--wave", wave, "--n", str(n), "--seed", str(seed)]
    parts += ["--out", Path(out).as_posix()]
    if codebook is not None:
        parts += ["--codebook", codebook]
    if encoding != "utf-8":
        parts += ["--encoding", encoding]
    if delimiter != ",":
        parts += ["--delimiter", delimiter]
    return shlex.join(parts)


def write_wave(
    wave: str,
    n: int,
    seed: int,
    out: Path,
    *,
    codebook: str | None = None,
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> list[Path]:
    """Write a synthetic wave folder: export, ``wave.yaml`` and ground truth.

    Parameters
    ----------
    wave : str
        Wave id starting with its year, e.g. ``"2025"``.
    n : int
        Number of export rows.
    seed : int
        Seed of the random generator.
    out : pathlib.Path
        The folder to write (created if needed); ``data/raw/<wave>`` registers it.
    codebook : str, optional
        Codebook version; from the wave by default.
    encoding : str
        CSV encoding (``cp1252`` to mimic a French Excel re-save); CSV only.
    delimiter : str
        CSV delimiter (``;`` for French Excel); CSV only.

    Returns
    -------
    list of pathlib.Path
        The files written: export, ``wave.yaml``, ``ground-truth.csv``.

    Raises
    ------
    ValueError
        On bad arguments, an XLSX wave with CSV options, or when ``out`` holds a
        ``wave.yaml`` of real (non-synthetic) data, which is never overwritten.
    """
    book = _load(wave, codebook)
    file_name, fmt = EXPORT_NAMES[book.export_format]
    _check_csv_options(fmt, encoding, delimiter)
    out = Path(out)
    _refuse_real_data(out)
    raw, truth = generate(wave, n, seed, codebook)
    start, end = fieldwork(wave)
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        export = csv_bytes(raw, encoding=encoding, delimiter=delimiter)
    else:
        export = xlsx_bytes(raw, book, dt.datetime.combine(end, dt.time(18, 0)))
    command = generator_command(
        wave, n, seed, out, codebook=codebook, encoding=encoding, delimiter=delimiter
    )
    meta = _wave_yaml(wave, book.version, file_name, fmt, encoding, delimiter, start, end, command)
    truth_bytes = truth.to_csv(index=False, lineterminator="\n").encode("utf-8")
    return [
        write_bytes(out / file_name, export),
        write_bytes(out / "wave.yaml", meta.encode("utf-8")),
        write_bytes(out / GROUND_TRUTH, truth_bytes),
    ]


def _check_csv_options(fmt: str, encoding: str, delimiter: str) -> None:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ValueError(f"encoding {encoding!r} is not a known text encoding") from None
    if len(delimiter) != 1 or delimiter in '"\r\n':
        raise ValueError(f"delimiter must be one character other than a quote, not {delimiter!r}")
    if fmt == "xlsx" and (codecs.lookup(encoding).name != "utf-8" or delimiter != ","):
        raise ValueError("encoding and delimiter apply to CSV exports; this wave is XLSX")


def _refuse_real_data(out: Path) -> None:
    meta = out / "wave.yaml"
    if not meta.is_file():
        return
    try:
        data = yaml.safe_load(meta.read_text(encoding="utf-8"))
    except yaml.YAMLError:
        data = None
    if not isinstance(data, dict) or data.get("synthetic") is not True:
        raise ValueError(f"{meta}: not a synthetic wave; refusing to overwrite real data")


def _wave_yaml(
    wave: str,
    version: str,
    file_name: str,
    fmt: str,
    encoding: str,
    delimiter: str,
    start: dt.date,
    end: dt.date,
    command: str,
) -> str:
    """Return the text of ``wave.yaml`` (written by hand: stable key order and quoting)."""

    def quoted(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)

    lines = [
        "# Synthetic sample wave written by `barometer synth`: no real answers.",
        "# Raw data is read-only: regenerate with the command below, never edit.",
        f"wave: {quoted(wave)}",
        f"title: {quoted(f'Vague {wave} — données synthétiques')}",
        f"codebook: {version}",
        f"file: {file_name}",
        f"format: {fmt}",
    ]
    if fmt == "csv" and codecs.lookup(encoding).name != "utf-8":
        lines.append(f"encoding: {quoted(encoding)}")
    if fmt == "csv" and delimiter != ",":
        lines.append(f"delimiter: {quoted(delimiter)}")
    lines += [
        f"fieldwork: {{start: {start.isoformat()}, end: {end.isoformat()}}}",
        "synthetic: true",
        f"generator: {quoted(command)}",
        f"ground_truth: {GROUND_TRUTH}",
    ]
    return "\n".join(lines) + "\n"
