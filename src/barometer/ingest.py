r"""Read raw survey exports: the only module that opens files under ``data/raw``.

Whatever the survey tool (or a colleague re-saving the file in Excel) wrote,
:func:`read_export` returns the same thing: a DataFrame of strings, one
column per export column, ``NA`` for empty cells, indexed by ``source_row``,
the row number a spreadsheet shows for that answer (the header is row 1, the
first answer row 2), so that every later message can cite it.

CSV files may be UTF-8 (with or without BOM), UTF-16 (with BOM) or cp1252,
delimited by ``,``, ``;``, tab or ``|``, with quoted multi-line free text.
XLSX workbooks are read from their first sheet or a named one.  Anything
unreadable raises an :class:`ExportError` whose one-line message names the
file and the problem.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "export.csv"
>>> _ = path.write_text("id;region\n1;IDF\n2;\n", encoding="cp1252")
>>> frame = read_export(path)
>>> frame.loc[2, "region"], frame["region"].isna().tolist(), frame.index.name
('IDF', [False, True], 'source_row')
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from barometer.codebook import Codebook, normalise_label

if TYPE_CHECKING:  # pragma: no cover
    from barometer.waves import Wave

SOURCE_ROW = "source_row"
"""Name of the index: the spreadsheet row number of each answer (header = 1)."""

DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
FALLBACK_ENCODINGS: tuple[str, ...] = ("utf-8", "cp1252")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_XLSX_SUFFIXES = (".xlsx", ".xlsm")


class ExportError(ValueError):
    """A raw export cannot be read as a table of answers."""


def read_export(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    format: str | None = None,
) -> pd.DataFrame:
    """Read a CSV or XLSX export as a table of strings.

    Parameters
    ----------
    path : str or pathlib.Path
        The export file.
    sheet : str or int, optional
        XLSX only: the sheet name or 0-based position; the first sheet by default.
    encoding : str, optional
        CSV only: the text encoding; detected when absent (BOM, UTF-8, cp1252).
    delimiter : str, optional
        CSV only: the field delimiter; detected on the header line when absent.
    format : {"csv", "xlsx"}, optional
        Forces the format; otherwise taken from the file's content and suffix.

    Returns
    -------
    pandas.DataFrame
        One column per header cell (whitespace-trimmed), every cell a string
        or ``NA``; the index, named ``source_row``, holds spreadsheet row numbers.

    Raises
    ------
    ExportError
        Empty file, binary content, not a table, undecodable text, duplicated
        or missing header, a row longer than the header, unknown sheet.
    """
    path = Path(path)
    if not path.is_file():
        raise ExportError(f"{path}: no such file")
    head = _read_head(path)
    if not head.strip():
        raise ExportError(f"{path}: empty file")
    kind = _detect_format(path, head, format)
    if kind == "xlsx":
        header, rows = _xlsx_rows(path, sheet)
    else:
        text = _decode(path, encoding)
        header, rows = _csv_rows(path, text, delimiter)
    return _frame(path, header, rows)


def read_wave_export(wave: Wave) -> pd.DataFrame:
    """Read a registered wave's export with the hints of its ``wave.yaml``.

    Parameters
    ----------
    wave : barometer.waves.Wave
        The wave (its file, format, encoding, delimiter, sheet).

    Returns
    -------
    pandas.DataFrame
        As :func:`read_export`.
    """
    return read_export(
        wave.file,
        sheet=wave.sheet,
        encoding=wave.encoding,
        delimiter=wave.delimiter,
        format=wave.format,
    )


def check_columns(frame: pd.DataFrame, codebook: Codebook, path: str | Path) -> pd.DataFrame:
    """Check that an export holds every column the codebook requires.

    A header that differs from the codebook's only by accents, case, spaces,
    hyphens or apostrophes (an export re-saved by hand) is renamed to the
    codebook's spelling.

    Parameters
    ----------
    frame : pandas.DataFrame
        The raw export, as :func:`read_export` returns it.
    codebook : barometer.codebook.Codebook
        The questionnaire version of the export.
    path : str or pathlib.Path
        The export file, named in the error message.

    Returns
    -------
    pandas.DataFrame
        The frame, with near-miss headers renamed to the codebook's spelling.

    Raises
    ------
    ExportError
        When required columns are missing: the message lists them.
    """
    frame = align_columns(frame, codebook)
    missing = missing_columns(frame.columns, codebook)
    if missing:
        shown = ", ".join(repr(c) for c in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise ExportError(
            f"{path}: header misses {len(missing)} column(s) required by codebook "
            f"{codebook.version}: {shown}{more}"
        )
    return frame


def align_columns(frame: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Rename headers that match a codebook column but for accents, case or spacing.

    Parameters
    ----------
    frame : pandas.DataFrame
        The raw export.
    codebook : barometer.codebook.Codebook
        The questionnaire version of the export.

    Returns
    -------
    pandas.DataFrame
        The frame, near-miss headers renamed (only when the match is unique).

    Examples
    --------
    >>> from barometer.codebook import load_codebook
    >>> frame = pd.DataFrame(columns=["ID", " Region"])
    >>> list(align_columns(frame, load_codebook("v1")).columns)
    ['id', 'region']
    """
    renames = _header_renames(frame.columns, codebook.export_columns())
    return frame.rename(columns=renames) if renames else frame


def missing_columns(columns: Iterable[str], codebook: Codebook) -> list[str]:
    """Return the codebook's export columns absent from ``columns``, in codebook order.

    Examples
    --------
    >>> from barometer.codebook import load_codebook
    >>> missing_columns(["id"], load_codebook("v1"))[:2]
    ['submitdate', 'startdate']
    """
    present = set(columns)
    return [c for c in codebook.export_columns() if c not in present]


def _header_renames(columns: Iterable[str], required: Sequence[str]) -> dict[str, str]:
    present = list(columns)
    present_set = set(present)
    by_norm: dict[str, list[str]] = {}
    for column in present:
        by_norm.setdefault(normalise_label(column), []).append(column)
    renames: dict[str, str] = {}
    for wanted in required:
        if wanted in present_set:
            continue
        candidates = [c for c in by_norm.get(normalise_label(wanted), []) if c not in required]
        if len(candidates) == 1:
            renames[candidates[0]] = wanted
    return renames


# --------------------------------------------------------------------- format
def _read_head(path: Path, size: int = 8192) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(size)
    except OSError as exc:
        raise ExportError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def _detect_format(path: Path, head: bytes, forced: str | None) -> str:
    if forced not in (None, "csv", "xlsx"):
        raise ExportError(f"{path}: format must be 'csv' or 'xlsx', not {forced!r}")
    if head.startswith(_ZIP_MAGIC):
        return "xlsx"
    if head.startswith(_OLE_MAGIC):
        raise ExportError(
            f"{path}: an old binary Excel (.xls) workbook; re-save it as .xlsx or CSV"
        )
    if forced == "xlsx" or path.suffix.lower() in _XLSX_SUFFIXES:
        raise ExportError(f"{path}: not an XLSX workbook (the file is not a zip archive)")
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ExportError(f"{path}: binary content, not a text export")
    return "csv"


# ------------------------------------------------------------------------ CSV
def _decode(path: Path, encoding: str | None) -> str:
    data = path.read_bytes()
    if encoding is not None:
        try:
            return data.decode(_python_codec(path, encoding)).lstrip("\ufeff")
        except UnicodeDecodeError as exc:
            raise ExportError(
                f"{path}: cannot be decoded as {encoding} (byte {exc.start}); "
                "remove the encoding hint to detect it"
            ) from None
    if data.startswith(codecs.BOM_UTF8):
        return _strict(path, data, "utf-8-sig")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(path, data, "utf-16")
    for candidate in FALLBACK_ENCODINGS:
        try:
            text = data.decode(candidate)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            break
        return text
    raise ExportError(
        f"{path}: unknown encoding (neither UTF-8 nor cp1252); "
        "re-save as UTF-8 or give `encoding` in wave.yaml"
    )


def _python_codec(path: Path, encoding: str) -> str:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise ExportError(f"{path}: unknown encoding {encoding!r}") from None
    return "utf-8-sig" if name == "utf-8" else name


def _strict(path: Path, data: bytes, codec: str) -> str:
    try:
        return data.decode(codec).lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise ExportError(f"{path}: invalid {codec} text at byte {exc.start}") from None


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\r\n\t")
    return controls > max(2, len(sample) // 100)


def _first_line(text: str) -> str:
    """Return the header line, honouring quoted line breaks."""
    quoted = False
    for i, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char in "\r\n" and not quoted:
            return text[:i]
    return text


def sniff_delimiter(header_line: str) -> str | None:
    """Return the delimiter used on a header line, or None when it holds no delimiter.

    A count outside quotes of each candidate (``,`` ``;`` tab ``|``): more
    predictable on survey headers than :class:`csv.Sniffer`, which guesses
    from letter frequencies and picks spaces or quotes on French question texts.

    Examples
    --------
    >>> sniff_delimiter('id;"Nom, prénom";region')
    ';'
    """
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in header_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else None


def _csv_rows(
    path: Path, text: str, delimiter: str | None
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    header_line = _first_line(text)
    if not header_line.strip():
        raise ExportError(f"{path}: the first line is empty; expected the header row")
    if delimiter is None:
        delimiter = sniff_delimiter(header_line)
        if delimiter is None:
            raise ExportError(f"{path}: not a table: no delimiter (, ; tab |) on the header line")
    elif len(delimiter) != 1:
        raise ExportError(f"{path}: delimiter must be one character, not {delimiter!r}")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise ExportError(f"{path}: row 1: {exc}") from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        number = 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ExportError(f"{path}: row {number + 1}: {exc}") from None
            number += 1
            yield number, row

    return header, rows()


# ----------------------------------------------------------------------- XLSX
def _xlsx_rows(
    path: Path, sheet: str | int | None
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    with path.open("rb") as handle:  # a handle, so that openpyxl ignores the suffix
        try:
            book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
            raise ExportError(f"{path}: not a readable XLSX workbook ({exc})") from None
        try:
            name = _sheet_name(path, book.sheetnames, sheet)
            cells = book[name].iter_rows(values_only=True)
            header = [_cell_text(v) or "" for v in next(cells, ())]
            if not any(header):
                raise ExportError(f"{path}: sheet {name!r} is empty; expected the header row")
            rows = [
                (number, [_cell_text(v) or "" for v in values])
                for number, values in enumerate(cells, start=2)
            ]
        finally:
            book.close()
    return header, iter(rows)


def _sheet_name(path: Path, names: list[str], sheet: str | int | None) -> str:
    if not names:
        raise ExportError(f"{path}: the workbook has no sheet")
    if sheet is None:
        return names[0]
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise ExportError(f"{path}: no sheet #{sheet}; sheets: {', '.join(names)}")
        return names[sheet]
    if sheet not in names:
        raise ExportError(f"{path}: no sheet {sheet!r}; sheets: {', '.join(names)}")
    return sheet


def _cell_text(value: object) -> str | None:
    """Return a workbook cell as the text the survey tool showed."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ---------------------------------------------------------------------- frame
def _frame(path: Path, header: list[str], rows: Iterator[tuple[int, list[str]]]) -> pd.DataFrame:
    names = [h.strip().lstrip("\ufeff") for h in header]
    width = len(names)
    numbers: list[int] = []
    records: list[list[str]] = []
    for number, row in rows:
        if len(row) > width:
            extra = [v for v in row[width:] if v.strip()]
            if extra:
                raise ExportError(
                    f"{path}: row {number} has {len(row)} fields but the header has {width} "
                    f"(first extra value in column {width + 1}); check the delimiter and quotes"
                )
            row = row[:width]
        if not any(v.strip() for v in row):
            continue
        numbers.append(number)
        records.append(row + [""] * (width - len(row)))
    keep = _check_header(path, names, records)
    columns = [names[i] for i in keep]
    if not records:
        raise ExportError(f"{path}: the header has no answer rows below it")
    array = np.array(records, dtype=object)[:, keep]
    frame = pd.DataFrame(array, columns=columns, index=pd.Index(numbers, name=SOURCE_ROW))
    frame = frame.apply(_blank_to_na)
    return frame


def _blank_to_na(column: pd.Series) -> pd.Series:
    values = column.astype("string")
    return values.mask(values.str.strip() == "")


def _check_header(path: Path, names: list[str], records: list[list[str]]) -> list[int]:
    """Return the positions of the columns to keep; fail on a broken header."""
    keep: list[int] = []
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if not name:
            if any(r[i].strip() for r in records):
                raise ExportError(
                    f"{path}: column {i + 1} has values but no header; name it or delete it"
                )
            continue
        if name in seen:
            raise ExportError(
                f"{path}: duplicated header {name!r} (columns {seen[name] + 1} and {i + 1})"
            )
        seen[name] = i
        keep.append(i)
    if len(keep) < 2:
        raise ExportError(f"{path}: not a table: the header has {len(keep)} named column(s)")
    return keep
