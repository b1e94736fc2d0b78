"""The privacy scan run before anything is published.

Everything under ``reports/`` and ``figures/`` is searched for:

* e-mail addresses and French phone numbers (``barometer.privacy`` patterns);
* the organisation names, e-mail addresses and IP addresses of the raw
  exports (read through ``barometer.ingest``, columns found by codebook role);
  names shorter than :data:`MIN_NAME_LENGTH` characters are not searched,
  since they would match ordinary words (the sample exports hold test
  submissions named "essai", a word any report may use);
* raw response ids — short integers that would match any number, so they are
  flagged only in a *table cell of an id-like column* (``id``, ``*_id``,
  ``identifiant*``) of a published CSV, JSON or XLSX file;
* unsuppressed small cells: in a CSV or XLSX table with a count column
  (``n``, ``effectif``), a row counting 1 to ``min_count - 1`` respondents
  must not show a number in a percentage or interval column.

Files are searched through a temporary copy (line numbers kept) where base64
images and long decimal fractions are blanked: random base64 text contains
short names by chance, and SVG coordinates or CSV floats (``83.077031 94.66``)
read as phone numbers (see :func:`neutralise`).
"""

from __future__ import annotations

import csv
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from barometer import paths
from barometer.codebook import load_codebook
from barometer.privacy import SCANNED_SUFFIXES, Hit, scan_paths
from barometer.waves import Wave

MIN_NAME_LENGTH = 6
MIN_COUNT = 5
_ID_COLUMN = re.compile(r"^(id|.*[_ ]id|id[_ ].*|identifiant.*|response.?id)$", re.IGNORECASE)
_COUNT_COLUMN = {"n", "effectif", "effectif non pondéré", "n non pondéré", "n (non pondéré)"}
_VALUE_COLUMN = re.compile(
    r"^(percent|pourcentage|pct|part|estimate|estimation|ci_low|ci_high|ic[ _]bas|ic[ _]haut"
    r"|mean|moyenne)$|%",
    re.IGNORECASE,
)
_BASE64 = re.compile(r"(data:image/[\w.+-]+;base64,)[A-Za-z0-9+/=\\n]+")
_NB_IMAGE = re.compile(r'("image/(?:png|jpeg|gif)":\s*")[^"]*(")')
_FRACTION = re.compile(r"(\d\.)\d{3,}")
_SAFE_MARK = {"", "n<5", "–", "-", "—", "s", "nd", "n.d.", "secret"}


def forbidden_strings(waves: Iterable[Wave]) -> tuple[set[str], set[str]]:
    """Return the direct identifiers of the raw exports: (strings, raw response ids).

    Parameters
    ----------
    waves : iterable of Wave
        The waves whose exports to read.

    Returns
    -------
    tuple of set of str
        Organisation names (at least :data:`MIN_NAME_LENGTH` characters),
        e-mail addresses and IP addresses; and the raw response ids.
    """
    from barometer.ingest import read_wave_export

    strings: set[str] = set()
    ids: set[str] = set()
    for wave in waves:
        codebook = load_codebook(wave.codebook)
        raw = read_wave_export(wave)
        for role, bucket in (
            ("org_name", strings),
            ("email", strings),
            ("ip_address", strings),
            ("response_id", ids),
        ):
            question = codebook.by_role(role)
            if question is None:
                continue
            for column in codebook.columns_of(question).values():
                if column in raw.columns:
                    values = raw[column].dropna().astype(str).str.strip()
                    bucket.update(v for v in values if v)
    strings = {s for s in strings if len(s) >= MIN_NAME_LENGTH or "@" in s}
    return strings, ids


def neutralise(text: str, suffix: str = "") -> str:
    """Blank what would match by chance: base64 images and long decimal fractions.

    Line breaks are kept, so line numbers stay those of the original file.
    Fractions of three digits or more (``83.077031`` in an SVG path, a float
    in a CSV) are masked: ``077031 94.66`` would otherwise read as a phone
    number.  Dotted phone numbers (``06.12.34.56.78``) have two-digit groups
    and are still found.

    Examples
    --------
    >>> neutralise("L 83.077031 94.66")
    'L 83.### 94.66'
    """
    text = _BASE64.sub(r"\1", text)
    if suffix == ".ipynb":
        text = _NB_IMAGE.sub(r"\1\2", text)
    return _FRACTION.sub(r"\1###", text)


def _forbidden_hits(original: Path, text: str, needles: list[str]) -> list[Hit]:
    """Return one hit per line holding a forbidden string (case-insensitive).

    ``barometer.privacy.scan_paths`` tests every string on every line in
    Python; searching each string in the whole casefolded file with
    ``str.find`` is faster by an order of magnitude and finds the same lines.
    """
    folded = text.casefold()
    lines: set[int] = set()
    for needle in needles:
        start = folded.find(needle)
        while start != -1:
            lines.add(folded.count("\n", 0, start) + 1)
            start = folded.find(needle, start + 1)
    return [Hit(original, line, "chaîne interdite") for line in sorted(lines)]


def scan_text(folders: list[Path], forbidden: set[str]) -> list[Hit]:
    """Scan text files for e-mails, phone numbers and forbidden strings.

    Each file is read through :func:`neutralise`; e-mails and phone numbers
    are found by ``barometer.privacy.scan_paths`` (on a temporary copy),
    forbidden strings by :func:`_forbidden_hits`.

    Parameters
    ----------
    folders : list of pathlib.Path
        Folders to search (missing ones are skipped).
    forbidden : set of str
        Strings that must not appear (case-insensitive).

    Returns
    -------
    list of Hit
        With the original file paths and line numbers.
    """
    needles = sorted({f.strip().casefold() for f in forbidden if f and len(f.strip()) >= 3})
    hits: list[Hit] = []
    with tempfile.TemporaryDirectory(prefix="barometer-scan-") as tmp:
        copies: dict[Path, Path] = {}
        for folder in (f for f in folders if f.is_dir()):
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                suffix = path.suffix.lower()
                if suffix not in SCANNED_SUFFIXES:
                    continue
                copy = Path(tmp) / f"{len(copies)}{suffix}"
                text = neutralise(path.read_text(encoding="utf-8", errors="replace"), suffix)
                copy.write_text(text, encoding="utf-8")
                copies[copy] = path
                hits.extend(_forbidden_hits(path, text, needles))
        hits.extend(Hit(copies[h.file], h.line, h.what) for h in scan_paths(list(copies)))
    return hits


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace("\u202f", "").replace("\xa0", "").replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def scan_rows(file: Path, rows: Iterable[tuple[int, list[object]]], raw_ids: set[str]) -> list[Hit]:
    """Check the rows of one table for raw ids and unsuppressed small cells.

    Parameters
    ----------
    file : pathlib.Path
        Named in the hits.
    rows : iterable of (line number, cells)
        The table, header rows included (a header is any row with an id-like
        or a count column).
    raw_ids : set of str
        Raw response ids of the exports.

    Returns
    -------
    list of Hit
    """
    hits: list[Hit] = []
    id_cols: list[int] = []
    count_col: int | None = None
    value_cols: list[int] = []
    for line, cells in rows:
        names = [str(c).strip() if c is not None else "" for c in cells]
        lowered = [n.lower() for n in names]
        if any(_ID_COLUMN.match(n) for n in names) or any(n in _COUNT_COLUMN for n in lowered):
            id_cols = [i for i, n in enumerate(names) if _ID_COLUMN.match(n)]
            counts = [i for i, n in enumerate(lowered) if n in _COUNT_COLUMN]
            count_col = counts[0] if counts else None
            value_cols = [i for i, n in enumerate(names) if _VALUE_COLUMN.search(n)]
            continue
        for i in id_cols:
            if i < len(cells) and cells[i] is not None and str(cells[i]).strip() in raw_ids:
                hits.append(Hit(file, line, "identifiant de réponse brut"))
        if count_col is None or count_col >= len(cells):
            continue
        n = _number(cells[count_col])
        if n is None or not 0 < n < MIN_COUNT:
            continue
        shown = [
            i
            for i in value_cols
            if i < len(cells)
            and cells[i] is not None
            and str(cells[i]).strip().lower() not in _SAFE_MARK
            and _number(cells[i]) is not None
            and _number(cells[i]) == _number(cells[i])  # not NaN
        ]
        if shown:
            hits.append(Hit(file, line, f"petite case non masquée (n < {MIN_COUNT})"))
    return hits


def _csv_rows(path: Path) -> Iterable[tuple[int, list[object]]]:
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        sample = handle.read(4096)
        handle.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        for number, row in enumerate(csv.reader(handle, dialect), start=1):
            yield number, list(row)


def _xlsx_rows(path: Path) -> dict[str, list[tuple[int, list[object]]]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        return {
            sheet.title: [
                (i, list(r)) for i, r in enumerate(sheet.iter_rows(values_only=True), start=1)
            ]
            for sheet in book.worksheets
        }
    finally:
        book.close()


def _json_rows(path: Path, raw_ids: set[str]) -> list[Hit]:
    hits = []
    pattern = re.compile(r'"([^"]+)"\s*:\s*"?([0-9]+)"?')
    text = path.read_text(encoding="utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), start=1):
        for key, value in pattern.findall(line):
            if _ID_COLUMN.match(key) and value in raw_ids:
                hits.append(Hit(path, number, "identifiant de réponse brut"))
    return hits


def scan_tables(folders: list[Path], raw_ids: set[str]) -> list[Hit]:
    """Scan the CSV, JSON and XLSX tables of ``folders`` (see :func:`scan_rows`).

    XLSX hits name the file and, as line, the sheet's row number; the sheet is
    given in ``what``.
    """
    hits: list[Hit] = []
    for folder in (f for f in folders if f.is_dir()):
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            suffix = path.suffix.lower()
            if suffix == ".csv":
                hits.extend(scan_rows(path, _csv_rows(path), raw_ids))
            elif suffix == ".json":
                hits.extend(_json_rows(path, raw_ids))
            elif suffix == ".xlsx":
                for sheet, rows in _xlsx_rows(path).items():
                    for hit in scan_rows(path, rows, raw_ids):
                        hits.append(Hit(hit.file, hit.line, f"{hit.what}, feuille « {sheet} »"))
    return hits


def privacy_scan(waves: Iterable[Wave], folders: list[Path] | None = None) -> list[Hit]:
    """Run every check of this module on the published folders.

    Parameters
    ----------
    waves : iterable of Wave
        Every registered wave (their exports give the forbidden strings).
    folders : list of pathlib.Path, optional
        Defaults to ``reports/`` and ``figures/``.

    Returns
    -------
    list of Hit
        Empty when publication may proceed.
    """
    folders = folders or [paths.reports_dir(), paths.figures_dir()]
    strings, raw_ids = forbidden_strings(waves)
    hits = scan_text(folders, strings) + scan_tables(folders, raw_ids)
    return sorted(hits, key=lambda h: (str(h.file), h.line, h.what))
