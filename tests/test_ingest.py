"""Reading exports: encodings, delimiters, XLSX, and the malformed corpus."""

from __future__ import annotations

import csv
import shutil
import sys
from pathlib import Path

import openpyxl
import pytest

from barometer import cli
from barometer.codebook import load_codebook
from barometer.ingest import ExportError, align_columns, check_columns, read_export, sniff_delimiter

MALFORMED = Path(__file__).parent / "data" / "malformed"
sys.path.insert(0, str(MALFORMED))
from make_corpus import EXPECTED, ROWS  # noqa: E402

V1 = load_codebook("v1")

TEXT = (
    "id;region;testimony\n"
    '1;Île-de-France;"Une ligne\nsur deux lignes, avec « guillemets »"\n'
    "2;;\n"
    "\n"
    "3;IDF;  \n"
)


# ---------------------------------------------------------------- CSV flavours
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_reads_every_encoding_and_keeps_row_numbers(tmp_path, encoding):
    path = tmp_path / "export.csv"
    path.write_bytes(TEXT.encode(encoding))
    frame = read_export(path)
    assert list(frame.columns) == ["id", "region", "testimony"]
    # spreadsheet row numbers: the header is row 1; the blank line (row 4) is skipped but counted
    assert list(frame.index) == [2, 3, 5]
    assert frame.index.name == "source_row"
    assert frame.loc[2, "region"] == "Île-de-France"
    assert frame.loc[2, "testimony"] == "Une ligne\nsur deux lignes, avec « guillemets »"
    assert frame.loc[3, "region"] is None or frame["region"].isna()[3]
    assert frame["testimony"].isna()[5]  # whitespace-only cell is empty


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_detects_delimiters(tmp_path, delimiter):
    path = tmp_path / "export.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(["id", "Quel est le type, au juste ?", "region"])
        writer.writerow(["1", "Association", "Bretagne"])
    frame = read_export(path)
    assert list(frame.columns) == ["id", "Quel est le type, au juste ?", "region"]
    assert frame.loc[2, "region"] == "Bretagne"


def test_sniff_delimiter_ignores_quoted_commas():
    assert sniff_delimiter('id;"Nom, prénom, fonction";region') == ";"
    assert sniff_delimiter("une seule colonne") is None


def test_explicit_hints_are_honoured_and_checked(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes("a|b\n1|é\n".encode("cp1252"))
    assert read_export(path, encoding="cp1252", delimiter="|").loc[2, "b"] == "é"
    with pytest.raises(ExportError, match="cannot be decoded as utf-8"):
        read_export(path, encoding="utf-8")
    with pytest.raises(ExportError, match="unknown encoding 'klingon'"):
        read_export(path, encoding="klingon")


def test_trailing_empty_fields_are_tolerated(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("a,b\n1,2,,\n3\n", encoding="utf-8")
    frame = read_export(path)
    assert frame.loc[2, "b"] == "2" and frame["b"].isna()[3]


# ------------------------------------------------------------------------ XLSX
def _workbook(path: Path) -> None:
    book = openpyxl.Workbook()
    first = book.active
    first.title = "Notes"
    first.append(["rien", "ici"])
    first.append(["x", "y"])
    sheet = book.create_sheet("Réponses")
    sheet.append(["Horodateur", "Note", "Texte", None])
    import datetime as dt

    sheet.append([dt.datetime(2026, 3, 14, 10, 22, 31), 3.0, "Oui, régulièrement", None])
    sheet.append([None, None, None, None])
    sheet.append([dt.datetime(2026, 3, 15, 9, 0, 0), 4, " ", None])
    book.save(path)


def test_reads_xlsx_first_or_named_sheet(tmp_path):
    path = tmp_path / "export.xlsx"
    _workbook(path)
    assert list(read_export(path).columns) == ["rien", "ici"]
    frame = read_export(path, sheet="Réponses")
    assert list(frame.columns) == ["Horodateur", "Note", "Texte"]
    assert list(frame.index) == [2, 4]  # Excel row numbers; the empty row 3 is skipped
    assert frame.loc[2, "Horodateur"] == "2026-03-14 10:22:31"
    assert frame.loc[2, "Note"] == "3"  # a float 3.0 reads as the label "3"
    assert frame["Texte"].isna()[4]
    assert list(read_export(path, sheet=1).columns) == ["Horodateur", "Note", "Texte"]
    with pytest.raises(ExportError, match="no sheet 'Feuil1'; sheets: Notes, Réponses"):
        read_export(path, sheet="Feuil1")


def test_xlsx_content_wins_over_a_csv_name(tmp_path):
    path = tmp_path / "export.csv"
    _workbook(path)
    assert list(read_export(path).columns) == ["rien", "ici"]


# -------------------------------------------------------------------- columns
def test_check_columns_names_the_missing_ones_and_aligns_near_misses(tmp_path):
    columns = V1.export_columns()
    path = tmp_path / "export.csv"
    renamed = {"region": " REGION", "orgtype": "OrgType"}
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(
            [[renamed.get(c, c) for c in columns if c != "consent"], ["x"] * (len(columns) - 1)]
        )
    frame = read_export(path)
    with pytest.raises(ExportError, match=r"export\.csv: header misses 1 column.*'consent'"):
        check_columns(frame, V1, path)
    aligned = align_columns(frame, V1)
    assert {"region", "orgtype"} <= set(aligned.columns)


# ------------------------------------------------------------ malformed corpus
def test_corpus_is_complete():
    files = sorted(p.name for p in MALFORMED.iterdir() if p.suffix in (".csv", ".xlsx", ".xls"))
    assert files == sorted(EXPECTED)
    assert len(files) >= 12


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_malformed_file_via_validate_command(name, capsys):
    kind, expected = EXPECTED[name]
    code = cli.main(["validate", str(MALFORMED / name)])
    out, err = capsys.readouterr()
    assert code == (0 if kind == "usable" else 1)
    assert expected in out
    assert "Traceback" not in out + err
    if kind == "error":
        # the one-line read error names the file
        assert f"{MALFORMED / name}:" in out


@pytest.mark.parametrize("name", sorted(n for n, (k, _) in EXPECTED.items() if k == "error"))
def test_malformed_file_raises_export_error_naming_the_file(name):
    with pytest.raises(ExportError) as info:
        read_export(MALFORMED / name)
    message = str(info.value)
    assert message.startswith(str(MALFORMED / name)) and "\n" not in message
    assert EXPECTED[name][1] in message


@pytest.mark.parametrize("name", sorted(ROWS))
def test_readable_files_lose_no_row(name, capsys):
    from barometer.prepare import validate_export

    report = validate_export(MALFORMED / name)
    assert report.rows == ROWS[name]
    assert report.log.rows_in == report.log.rows_kept + report.log.rows_quarantined == ROWS[name]


@pytest.mark.parametrize("name", ["ragged-row.csv", "empty.csv", "missing-columns.csv"])
def test_clean_command_prints_one_line_error(name, tmp_path, monkeypatch, capsys):
    """`barometer clean` on a registered wave whose export is broken: exit 1, one stderr line."""
    folder = tmp_path / "data" / "raw" / "2025"
    folder.mkdir(parents=True)
    shutil.copy(MALFORMED / name, folder / "export.csv")
    (folder / "wave.yaml").write_text(
        'wave: "2025"\ncodebook: v1\nfile: export.csv\nformat: csv\n'
        "fieldwork: {start: 2025-03-03, end: 2025-04-30}\nsynthetic: true\n",
        encoding="utf-8",
    )
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    monkeypatch.setenv("BAROMETER_ROOT", str(tmp_path))
    monkeypatch.setenv("BAROMETER_SECRET", "test-secret")
    code = cli.main(["clean", "--wave", "2025"])
    _, err = capsys.readouterr()
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("barometer: error: ")
    assert str(folder / "export.csv") in lines[0]
    assert not (tmp_path / "data" / "processed" / "2025").exists()
