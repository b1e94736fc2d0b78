"""The results workbook: a contents sheet and one formatted sheet a table.

Only published values reach the workbook (:attr:`Crosstab.published`):
a suppressed cell is written as the text ``"n<5"`` or ``"–"``, never as its
value, and cell counts are not written (only column bases).  Every text cell
goes through :func:`safe_text`, which neutralises spreadsheet formulas
(CSV/XLSX injection).  The file is byte-for-byte deterministic: fixed
document dates and fixed ZIP entry times.

Examples
--------
>>> safe_text("=1+1")
"'=1+1"
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from barometer.tables.banner import TOTAL, Crosstab

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula."""

PERCENT_FORMAT = '0.0"\u202f%"'
FRAGILE_FORMAT = '"("0.0"\u202f%)"'
INTERVAL_FORMAT = "0.0"
COUNT_FORMAT = "#,##0"
MEAN_FORMAT = "0.00"
_FIXED_DATE = dt.datetime(2000, 1, 1)
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_SUB_COLUMNS = ("%", "IC bas", "IC haut", "Sig.")
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_THIN = Side(style="thin", color="999999")


def safe_text(value: str) -> str:
    """Neutralise a text that a spreadsheet would run as a formula.

    Parameters
    ----------
    value : str
        Any text (label, free answer, title).

    Returns
    -------
    str
        The text, prefixed with an apostrophe when it begins with ``=``,
        ``+``, ``-``, ``@``, a tab or a carriage return (OWASP's advice).

    Examples
    --------
    >>> safe_text("@SUM(A1)"), safe_text("Association")
    ("'@SUM(A1)", 'Association')
    """
    if not isinstance(value, str):
        raise TypeError(f"safe_text expects a str, got {type(value).__name__}")
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _put(ws: Worksheet, row: int, column: int, value, number_format: str | None = None, **style):
    """Write one cell: texts neutralised and typed as text, numbers with a format."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = safe_text(value)
        cell.data_type = "s"
    elif value is None or (isinstance(value, float) and np.isnan(value)):
        cell.value = None
    else:
        cell.value = value.item() if isinstance(value, np.generic) else value
        if number_format:
            cell.number_format = number_format
    for key, item in style.items():
        setattr(cell, key, item)
    return cell


def export_workbook(
    tables: Sequence[Crosstab] | Mapping[str, Crosstab],
    path: str | Path,
    *,
    wave: str,
    synthetic: bool,
) -> Path:
    """Write the tables to one XLSX workbook with a contents sheet.

    Parameters
    ----------
    tables : list of Crosstab or dict of str to Crosstab
        The tables, in the order to number them (a dict's keys are listed in
        the contents as identifiers).
    path : str or pathlib.Path
        Where to write the ``.xlsx`` (parent folders are created).
    wave : str
        The wave id, named in the contents.
    synthetic : bool
        True for synthetic data: the contents say so in the first lines.

    Returns
    -------
    pathlib.Path
        The written file.
    """
    items = _items(tables)
    if not isinstance(wave, str) or not wave:
        raise TypeError(f"wave must be a non-empty string, got {wave!r}")
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ValueError(f"path must end with .xlsx, got {path.name!r}")
    workbook = Workbook()
    contents = workbook.active
    contents.title = "Sommaire"
    sheets = [f"T{k:02d}" for k in range(1, len(items) + 1)]
    _write_contents(contents, items, sheets, wave=wave, synthetic=synthetic)
    for (_, table), name in zip(items, sheets, strict=True):
        _write_table(workbook.create_sheet(name), table, synthetic=synthetic)
    workbook.properties.creator = "barometer"
    workbook.properties.created = _FIXED_DATE
    workbook.properties.modified = _FIXED_DATE
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    _make_reproducible(path)
    return path


def _items(tables) -> list[tuple[str | None, Crosstab]]:
    if isinstance(tables, Mapping):
        items = [(str(key), value) for key, value in tables.items()]
    elif isinstance(tables, Sequence) and not isinstance(tables, str):
        items = [(None, value) for value in tables]
    else:
        raise TypeError(f"tables must be a list or a dict of Crosstab, got {type(tables).__name__}")
    if not items:
        raise ValueError("tables is empty: nothing to export")
    for key, value in items:
        if not isinstance(value, Crosstab):
            where = f"table {key!r}" if key is not None else "a table"
            raise TypeError(f"{where} is a {type(value).__name__}, not a Crosstab")
    if len(items) > 99:
        raise ValueError(f"at most 99 tables a workbook, got {len(items)}")
    return items


def _write_contents(ws: Worksheet, items, sheets, *, wave: str, synthetic: bool) -> None:
    _put(ws, 1, 1, f"Baromètre AI4Impact — vague {wave} : tableaux de résultats", font=_TITLE)
    source = (
        "Données synthétiques : ces chiffres ne décrivent aucune organisation réelle."
        if synthetic
        else "Données de l'enquête AI4Impact (échantillon volontaire)."
    )
    _put(ws, 2, 1, source, font=Font(bold=synthetic, color="C00000" if synthetic else "000000"))
    keyed = any(key is not None for key, _ in items)
    headers = ["N°", "Titre", "Feuille"] + (["Identifiant"] if keyed else [])
    for j, header in enumerate(headers, start=1):
        _put(ws, 4, j, header, font=_BOLD, fill=_HEADER_FILL)
    for k, ((key, table), sheet) in enumerate(zip(items, sheets, strict=True), start=1):
        row = 4 + k
        _put(ws, row, 1, k)
        _put(ws, row, 2, table.title)
        link = _put(ws, row, 3, sheet)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{sheet}'!A1")
        link.style = "Hyperlink"
        if keyed:
            _put(ws, row, 4, key or "")
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 100
    ws.column_dimensions["C"].width = 10
    ws.column_dimensions["D"].width = 36
    ws.freeze_panes = "A5"


def _write_table(ws: Worksheet, table: Crosstab, *, synthetic: bool) -> None:
    pub = table.published
    columns = list(dict.fromkeys(pub["col"].astype(str)))
    first = pub.drop_duplicates("col").set_index(pub.drop_duplicates("col")["col"].astype(str))
    _put(ws, 1, 1, table.title, font=_TITLE)
    _put(ws, 2, 1, f"Question : {table.question_text}", font=Font(italic=True))
    if table.col_text:
        _put(ws, 3, 1, f"Colonnes : {table.col_text}", font=Font(italic=True))
    if synthetic:
        _put(ws, 4, 1, "Données synthétiques.", font=Font(bold=True, color="C00000"))
    header, sub = 6, 7
    _put(ws, header, 1, "Réponse", font=_BOLD, fill=_HEADER_FILL)
    _put(ws, sub, 1, "", fill=_HEADER_FILL)
    for j, code in enumerate(columns):
        start = 2 + 4 * j
        label = first.loc[code, "col_label"]
        letter = first.loc[code, "col_letter"]
        text = label if code == TOTAL or not letter else f"{label} ({letter})"
        _put(
            ws,
            header,
            start,
            text,
            font=_BOLD,
            fill=_HEADER_FILL,
            alignment=Alignment(horizontal="center", wrap_text=True),
        )
        ws.merge_cells(start_row=header, start_column=start, end_row=header, end_column=start + 3)
        for k, name in enumerate(_SUB_COLUMNS):
            _put(
                ws,
                sub,
                start + k,
                name,
                font=_BOLD,
                fill=_HEADER_FILL,
                alignment=Alignment(horizontal="center"),
                border=Border(bottom=_THIN),
            )
    line = sub + 1
    for _, cells in pub.groupby("row", observed=True, sort=True):
        _put(ws, line, 1, str(cells["row_label"].iloc[0]))
        for cell in cells.itertuples():
            start = 2 + 4 * columns.index(str(cell.col))
            _write_cell(ws, line, start, cell)
        line += 1
    _put(ws, line, 1, "Base (non pondérée)", font=_BOLD)
    for j, code in enumerate(columns):
        _put(ws, line, 2 + 4 * j, int(first.loc[code, "base"]), COUNT_FORMAT, font=_BOLD)
    line += 1
    if table.means is not None:
        line = _write_means(ws, line, table, columns)
    line += 1
    for text in table.note_lines:
        _put(ws, line, 1, text, alignment=Alignment(wrap_text=False))
        line += 1
    ws.column_dimensions["A"].width = 48
    for j in range(2, 2 + 4 * len(columns)):
        ws.column_dimensions[get_column_letter(j)].width = 8
    ws.freeze_panes = ws.cell(row=sub + 1, column=2)


def _write_cell(ws: Worksheet, line: int, start: int, cell) -> None:
    """Percent (or its mask), interval bounds and letters of one published cell."""
    if cell.suppressed:
        _put(ws, line, start, str(cell.display), alignment=Alignment(horizontal="right"))
        return
    _put(ws, line, start, float(cell.percent), FRAGILE_FORMAT if cell.fragile else PERCENT_FORMAT)
    _put(ws, line, start + 1, _number(cell.ci_low), INTERVAL_FORMAT)
    _put(ws, line, start + 2, _number(cell.ci_high), INTERVAL_FORMAT)
    if cell.letters:
        _put(ws, line, start + 3, str(cell.letters))


def _write_means(ws: Worksheet, line: int, table: Crosstab, columns: list[str]) -> int:
    _put(ws, line, 1, "Moyenne (IC)", font=_BOLD)
    means = table.means.set_index(table.means["col"].astype(str))
    for j, code in enumerate(columns):
        start = 2 + 4 * j
        row = means.loc[code]
        if row["suppressed"]:
            _put(ws, line, start, "–", alignment=Alignment(horizontal="right"))
            continue
        _put(ws, line, start, _number(row["mean"]), MEAN_FORMAT)
        _put(ws, line, start + 1, _number(row["ci_low"]), MEAN_FORMAT)
        _put(ws, line, start + 2, _number(row["ci_high"]), MEAN_FORMAT)
    return line + 1


def _number(value) -> float | None:
    value = float(value)
    return None if np.isnan(value) else value


def _make_reproducible(path: Path) -> None:
    """Rewrite the archive with fixed dates, so that equal inputs give equal bytes.

    openpyxl stamps the save time in ``docProps/core.xml`` and in the ZIP
    entries, whatever the workbook properties say.
    """
    with zipfile.ZipFile(path) as archive:
        entries = [(info, archive.read(info.filename)) for info in archive.infolist()]
    stamp = _FIXED_DATE.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    entries = [
        (info, _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", payload))
        if info.filename == "docProps/core.xml"
        else (info, payload)
        for info, payload in entries
    ]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for info, payload in entries:
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            archive.writestr(fixed, payload)
