"""Write the corpus of malformed exports (deterministic: no randomness).

Run from the project root: ``.venv/bin/python tests/data/malformed/make_corpus.py``.
Each file is described in README.md beside this script; tests/test_ingest.py
reads the expectations from ``EXPECTED`` below.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from barometer.codebook import load_codebook

HERE = Path(__file__).resolve().parent
V1 = load_codebook("v1")
HEADER = V1.export_columns()

BASE = {
    "submitdate": "2025-03-10 10:00:00",
    "startdate": "2025-03-10 09:50:00",
    "lastpage": "8",
    "consent": "J'accepte",
    "publishconsent": "Non",
    "orgtype": "Association",
    "orgsize": "1 à 9 salariés",
    "purpose[SQ001]": "Oui",
    "audiences[SQ001]": "Oui",
    "region": "Bretagne",
    "role": "Direction",
    "maturity": "En bonne voie",
    "aistatus": "Usage régulier",
    "usagemode": "Usage encadré par la structure",
    "frequency": "Hebdomadaire",
    "tools[SQ001]": "Oui",
    "access": "Version gratuite",
    "stage[SQ001]": "Oui, régulièrement",
    "tasks[SQ001]": "Oui",
    "benefits[SQ001]": "Oui",
    "barriers[SQ001]": "Oui",
    "charter": "Non",
    "referent": "Non",
    "training": "Aucune",
    "datarule": "Aucune règle",
    "beneficiaryinfo": "Parfois",
    "sovereignty": "4",
    "preference": "Indifférent",
    "footprint": "Parfois",
    "footprintsearch": "Ne sait pas",
    "expectations[SQ001]": "Oui",
    "stance": "Pragmatique",
    "opportunity": "5 - Une opportunité",
}

# file name -> (kind, expected text in the message / report); kind is "error" (an
# ExportError, `barometer validate` exits 1), "unusable" (readable but nothing to keep,
# exit 1) or "usable" (exit 0; the problem ends in a flag or the quarantine)
EXPECTED: dict[str, tuple[str, str]] = {
    "empty.csv": ("error", "empty file"),
    "binary.csv": ("error", "binary content"),
    "not-a-table.csv": ("error", "not a table"),
    "header-only.csv": ("error", "no answer rows"),
    "duplicated-header.csv": ("error", "duplicated header 'region' (columns"),
    "missing-columns.csv": ("unusable", "colonne 'consent'"),
    "ragged-row.csv": ("error", "row 4 has"),
    "unclosed-quote.csv": ("error", "row 4"),
    "bad-encoding.csv": ("error", "unknown encoding"),
    "value-without-header.csv": ("error", "has values but no header"),
    "fake.xlsx": ("error", "not an XLSX workbook"),
    "old-excel.xls": ("error", "old binary Excel"),
    "all-refused.csv": ("unusable", "aucune réponse exploitable"),
    "unknown-answers.csv": ("usable", "ligne 3, colonne 'region'"),
    "bad-dates.csv": ("usable", "ligne 2, colonne 'submitdate'"),
    "duplicate-ids.csv": ("usable", "même identifiant de réponse que la ligne 3"),
    "cp1252-semicolon.csv": ("usable", "Verdict : utilisable"),
}
ROWS: dict[str, int] = {
    "all-refused.csv": 3,
    "unknown-answers.csv": 3,
    "bad-dates.csv": 2,
    "duplicate-ids.csv": 3,
    "cp1252-semicolon.csv": 3,
}
"""Answer rows in the readable files (the log must account for every one)."""


def row(rid: str, **cells: str) -> list[str]:
    values = {**BASE, "id": rid, **cells}
    return [values.get(column, "") for column in HEADER]


def table(rows: list[list[str]], header: list[str] = HEADER, delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def main() -> None:
    write = {
        "empty.csv": b"",
        "binary.csv": bytes(range(256)) * 4,
        "not-a-table.csv": "Bonjour,\nvoici les réponses du questionnaire.\n".replace(
            ",", ""
        ).encode("utf-8"),
        "header-only.csv": table([]).encode("utf-8"),
        "duplicated-header.csv": table(
            [[*row("1", region="Bretagne"), "Corse"]], header=[*HEADER, "region"]
        ).encode("utf-8"),
        "missing-columns.csv": table(
            [[v for c, v in zip(HEADER, row("1"), strict=True) if c not in ("consent", "region")]],
            header=[c for c in HEADER if c not in ("consent", "region")],
        ).encode("utf-8"),
        "ragged-row.csv": table([row("1"), row("2"), [*row("3"), "en trop"]]).encode("utf-8"),
        "unclosed-quote.csv": table([row("1"), row("2"), row("3")])
        .replace(",Bretagne,", ',"Bretagne,')
        .encode("utf-8")
        .replace(b',"Bretagne,', b",Bretagne,", 2),
        "bad-encoding.csv": table([row("1", region="Bretagne")])
        .encode("cp1252")
        .replace(b"Bretagne", b"Bret\x81\x8dgne"),
        "value-without-header.csv": table([[*row("1"), "orphan"]], header=[*HEADER, ""]).encode(
            "utf-8"
        ),
        "fake.xlsx": table([row("1")]).encode("utf-8"),
        "old-excel.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504,
        "all-refused.csv": table([row(str(i), consent="Je refuse") for i in (1, 2, 3)]).encode(
            "utf-8"
        ),
        "unknown-answers.csv": table(
            [row("1"), row("2", region="Atlantide"), row("3", **{"tools[SQ002]": "peut-être"})]
        ).encode("utf-8"),
        "bad-dates.csv": table([row("1", submitdate="hier soir"), row("2")]).encode("utf-8"),
        "duplicate-ids.csv": table(
            [
                row("7", submitdate="2025-03-11 10:00:00"),
                row("7", submitdate="2025-03-12 10:00:00"),
                row("8"),
            ]
        ).encode("utf-8"),
        "cp1252-semicolon.csv": table(
            [row("1", region="Île-de-France"), row("2", region="IDF"), row("3")], delimiter=";"
        ).encode("cp1252"),
    }
    assert set(write) == set(EXPECTED)
    for name, data in write.items():
        (HERE / name).write_bytes(data)


if __name__ == "__main__":
    main()
