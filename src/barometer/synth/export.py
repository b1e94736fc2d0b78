"""Lay a synthetic sample out as the survey tools export it, and write the files.

Two layouts, both read from the codebook (``codebook.columns_of``):

- ``limesurvey_csv`` (wave 2025): one column per option of a multiple
  question (the codebook's checked value or empty), one per array row, an
  ``[other]`` column for "Autre" free text, full labels as values, scales as
  "1".."5", ``lastpage`` and an empty ``submitdate`` for unfinished answers;
- ``forms_xlsx`` (wave 2026): one column per question headed by its text,
  multiple answers joined with the codebook's separator in one cell (the
  "Autre" answer as the respondent's own words), array rows as
  "<text> [<row label>]".

Writing is byte-for-byte reproducible: the XLSX document properties and the
zip entries' timestamps are fixed.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

from barometer.codebook import Codebook, Question
from barometer.synth.sample import Sample

SHEET_TITLE = "Réponses au formulaire 1"
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"


def render(sample: Sample) -> pd.DataFrame:
    """Return the export as a frame of strings, one column per export column.

    Parameters
    ----------
    sample : Sample
        The rows to lay out.

    Returns
    -------
    pandas.DataFrame
        Every cell a ``str``; ``""`` where the export cell is empty.
    """
    codebook = sample.codebook
    columns: dict[str, np.ndarray] = {}
    for question in codebook.questions:
        for key, column in codebook.columns_of(question).items():
            columns[column] = _cells(sample, question, key)
    filled = {k: np.where(v == None, "", v) for k, v in columns.items()}  # noqa: E711
    return pd.DataFrame(filled, dtype=str)


def _cells(sample: Sample, question: Question, key: str) -> np.ndarray:
    """Return the cells of one export column."""
    codebook = sample.codebook
    forms = codebook.export_format == "forms_xlsx"
    if question.type == "metadata":
        return _metadata(sample, question)
    if question.type == "text":
        return _text(sample, question)
    if key == "other":
        return _or_empty(sample.answers.other.get(question.id))
    if question.type == "multiple":
        ticks = sample.answers.ticks[question.id]
        if forms:
            return _joined(codebook, question, ticks, sample.answers.other.get(question.id))
        column = ticks[:, question.codes.index(key)]
        return np.where(column, codebook.checked_value, "").astype(object)
    variable = key if question.type == "array" else question.id
    return _labels(sample, question, variable, forms)


def _or_empty(values: np.ndarray | None) -> np.ndarray:
    if values is None:
        return np.array([], dtype=object)
    return np.array(["" if v is None else v for v in values], dtype=object)


def _format_times(values: np.ndarray) -> np.ndarray:
    out = np.datetime_as_string(values, unit="s")
    return np.array(["" if "NaT" in v else v.replace("T", " ") for v in out], dtype=object)


def _metadata(sample: Sample, question: Question) -> np.ndarray:
    role = question.role
    if role == "response_id":
        return sample.response_id.astype(str).astype(object)
    if role == "submitted":
        return _format_times(sample.submitted)
    if role == "started":
        return _format_times(sample.started)
    if role == "last_page":
        return sample.last_page.astype(str).astype(object)
    if role == "ip_address":
        return sample.ip_address.copy()
    return np.full(sample.n, "", dtype=object)


def _text(sample: Sample, question: Question) -> np.ndarray:
    if question.role == "email":
        return _or_empty(sample.email)
    if question.role == "org_name":
        return _or_empty(sample.org_name)
    if question.id in sample.texts:
        return _or_empty(sample.texts[question.id])
    return np.full(sample.n, "", dtype=object)


def _labels(sample: Sample, question: Question, variable: str, forms: bool) -> np.ndarray:
    """Return label cells of a single, scale or array-row variable, mess included."""
    codes = pd.Series(sample.answers.codes[variable], dtype=object)
    labels = {c: c if question.type == "scale" else question.label(c) for c in question.codes}
    out = codes.map(labels).fillna("").to_numpy(dtype=object)
    messed = sample.mess_cells.get(variable)
    if messed is not None:
        out = np.where(messed != None, messed, out)  # noqa: E711
    other = sample.answers.other.get(question.id)
    if forms and question.other is not None and other is not None:
        free = (codes == question.other.code).to_numpy() & (other != None)  # noqa: E711
        out = np.where(free, other, out)
    if question.id == "region":
        out = np.where(sample.region_text != None, sample.region_text, out)  # noqa: E711
    return out


def _joined(
    codebook: Codebook, question: Question, ticks: np.ndarray, other: np.ndarray | None
) -> np.ndarray:
    """Join the ticked labels of each row in option order; "Autre" is its free text, last."""
    other_code = question.other.code if question.other is not None else None
    out = np.full(len(ticks), "", dtype=object)
    order = [c for c in question.codes if c != other_code]
    if other_code is not None:
        order.append(other_code)
    for code in order:
        rows = np.flatnonzero(ticks[:, question.codes.index(code)])
        part = np.full(len(rows), question.label(code), dtype=object)
        if code == other_code and other is not None:
            part = np.where(other[rows] != None, other[rows], part)  # noqa: E711
        current = out[rows]
        out[rows] = np.where(current == "", part, current + codebook.separator + part)
    return out


# ---------------------------------------------------------------- CSV
def csv_bytes(frame: pd.DataFrame, *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    """Encode the export as LimeSurvey writes it, or as French Excel re-saves it.

    Parameters
    ----------
    frame : pandas.DataFrame
        The export frame of strings.
    encoding : str
        ``utf-8`` (LimeSurvey) or e.g. ``cp1252`` (Excel).
    delimiter : str
        ``,`` (LimeSurvey) or ``;`` (French Excel).

    Returns
    -------
    bytes
        LimeSurvey style (UTF-8 and comma): every field quoted, LF line ends;
        otherwise Excel style: minimal quoting, CRLF line ends.

    Raises
    ------
    ValueError
        When a cell cannot be written in ``encoding``.
    """
    limesurvey = _is_default_csv(encoding, delimiter)
    buffer = io.StringIO(newline="")
    writer = csv.writer(
        buffer,
        delimiter=delimiter,
        quoting=csv.QUOTE_ALL if limesurvey else csv.QUOTE_MINIMAL,
        lineterminator="\n" if limesurvey else "\r\n",
    )
    writer.writerow(list(frame.columns))
    writer.writerows(frame.to_numpy(dtype=object).tolist())
    try:
        return buffer.getvalue().encode(encoding)
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start : exc.end]
        raise ValueError(f"encoding {encoding!r} cannot write the character {bad!r}") from None


def _is_default_csv(encoding: str, delimiter: str) -> bool:
    return codecs.lookup(encoding).name == "utf-8" and delimiter == ","


# ---------------------------------------------------------------- XLSX
def xlsx_bytes(frame: pd.DataFrame, codebook: Codebook, stamp: dt.datetime) -> bytes:
    """Write the export as an online-forms XLSX, reproducibly.

    IDs and untouched scale answers are numbers, timestamps are date cells,
    everything else text; empty cells are left out.

    Parameters
    ----------
    frame : pandas.DataFrame
        The export frame of strings (see :func:`render`).
    codebook : Codebook
        Tells which columns hold ids, timestamps and scales.
    stamp : datetime.datetime
        The fixed creation and modification time of the document.

    Returns
    -------
    bytes
        The workbook; the same frame and stamp always give the same bytes.
    """
    kinds = _column_kinds(frame, codebook)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.append(list(frame.columns))
    for row in frame.to_numpy(dtype=object).tolist():
        sheet.append([_typed(value, kind) for value, kind in zip(row, kinds, strict=True)])
    props = workbook.properties
    props.creator = "barometer synth"
    props.title = "Données synthétiques"
    props.created = stamp
    props.modified = stamp
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _fixed_zip(buffer.getvalue(), stamp)


def _column_kinds(frame: pd.DataFrame, codebook: Codebook) -> list[str]:
    kinds: dict[str, str] = {}
    for q in codebook.questions:
        for column in codebook.columns_of(q).values():
            if q.role == "response_id":
                kinds[column] = "int"
            elif q.role in ("submitted", "started"):
                kinds[column] = "datetime"
            elif q.type == "scale":
                kinds[column] = "int"
    return [kinds.get(c, "text") for c in frame.columns]


def _typed(value: str, kind: str) -> object:
    if value == "":
        return None
    if kind == "int" and value.isdigit():
        return int(value)
    if kind == "datetime":
        return dt.datetime.strptime(value, TIMESTAMP_FORMAT)
    return value


def _fixed_zip(data: bytes, stamp: dt.datetime) -> bytes:
    """Rewrite a zip with constant entry timestamps and a fixed modification property."""
    when = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + when.encode() + rb"\g<2>",
                    content,
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, content)
    return out.getvalue()


def write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` and return the path."""
    path.write_bytes(data)
    return path
