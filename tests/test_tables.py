"""Tests of barometer.tables: crosstabs, suppression, findings, workbook, French formats."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from barometer import survey
from barometer.codebook import load_codebook, multiple_variable
from barometer.survey import holm
from barometer.tables import (
    TOP_BOX,
    TOTAL,
    TOTAL_LABEL,
    crosstab,
    crosstabs,
    export_workbook,
    finding,
    format_number,
    format_percent,
    format_pvalue,
    format_test,
    safe_text,
    suppress,
)

REFERENCE = Path(__file__).parent / "reference" / "tables"
CB = load_codebook("v1")
NNBSP = "\u202f"


# --------------------------------------------------------------------------- fixtures


def categorical(values, question_id: str) -> pd.Categorical:
    question = CB.question(question_id)
    return pd.Categorical(values, categories=question.codes, ordered=question.ordered)


def multiple_columns(frame: pd.DataFrame, question_id: str, ticked: dict[str, np.ndarray], asked):
    """Add the nullable-boolean columns of a multiple question (NA where not asked)."""
    for code in CB.question(question_id).codes:
        values = ticked.get(code, np.zeros(len(frame), dtype=bool))
        column = pd.array(values, dtype="boolean")
        column[~np.asarray(asked)] = pd.NA
        frame[multiple_variable(question_id, code)] = column


@pytest.fixture(scope="module")
def reference_data() -> pd.DataFrame:
    """The R reference sample as a respondents table (codebook conventions)."""
    raw = pd.read_csv(REFERENCE / "tables_data.csv", keep_default_na=True)
    data = pd.DataFrame(
        {
            "org_type": categorical(raw["org_type"], "org_type"),
            "ai_charter": categorical(raw["ai_charter"], "ai_charter"),
            "opportunity_threat": categorical(
                raw["opportunity_threat"].astype(str), "opportunity_threat"
            ),
            "opportunity_threat_num": raw["opportunity_threat"].astype(float),
            "weight": raw["w"],
        }
    )
    asked = raw["tools__chatgpt"].notna().to_numpy()
    chatgpt = raw["tools__chatgpt"].fillna(0).to_numpy() == 1
    multiple_columns(data, "tools", {"chatgpt": chatgpt}, asked)
    return data


@pytest.fixture(scope="module")
def reference() -> dict:
    return json.loads((REFERENCE / "reference.json").read_text(encoding="utf-8"))


def banner_data(seed: int = 3, n: int = 240) -> pd.DataFrame:
    """Respondents with a strong difference of ai_status between three types."""
    rng = np.random.default_rng(seed)
    org = np.repeat(["association", "commune", "edtech"], n // 3)
    use = {"association": 0.15, "commune": 0.45, "edtech": 0.85}
    regular = rng.random(n) < np.array([use[o] for o in org])
    status = np.where(regular, "regular", rng.choice(["occasional", "not_considered"], n))
    data = pd.DataFrame(
        {
            "org_type": categorical(org, "org_type"),
            "ai_status": categorical(status, "ai_status"),
            "ai_referent": categorical(rng.choice(["yes", "no"], n), "ai_referent"),
            "weight": rng.uniform(0.5, 2.0, n),
        }
    )
    asked = np.isin(status, ["regular", "occasional"])
    multiple_columns(data, "tools", {"chatgpt": rng.random(n) < 0.7}, asked)
    return data


@pytest.fixture(scope="module")
def status() -> tuple[pd.DataFrame, object]:
    """The banner data and its ai_status × org_type table (built once: tables are slow-ish)."""
    data = banner_data()
    return data, crosstab(data, "ai_status", "org_type", codebook=CB)


# --------------------------------------------------------------------------- agreement with R


@pytest.mark.parametrize("design", ["weighted", "stratified"])
@pytest.mark.parametrize("row", ["ai_charter", "tools", "opportunity_threat"])
def test_crosstab_matches_r(reference_data, reference, design, row):
    strata = "org_type" if design == "stratified" else None
    table = crosstab(
        reference_data, row, "org_type", codebook=CB, strata=strata, min_count=1, letters=False
    )
    assert (table.frame["letters"] == "").all()
    expected = reference[design][row]
    frame = table.frame.assign(
        row=table.frame["row"].astype(str), col=table.frame["col"].astype(str)
    )
    for cell in expected["cells"]:
        code = "chatgpt" if row == "tools" else str(cell["row"])
        got = frame[(frame["row"] == code) & (frame["col"] == cell["col"])].iloc[0]
        assert got["percent"] == pytest.approx(100 * cell["estimate"], abs=1e-6)
        assert got["ci_low"] == pytest.approx(100 * cell["ci_low"], abs=1e-6)
        assert got["ci_high"] == pytest.approx(100 * cell["ci_high"], abs=1e-6)
        assert got["base"] == cell["base"]
    test = table.test if row != "tools" else table.option_tests.set_index("row").loc["chatgpt"]
    for key in ("statistic", "df", "df_denom", "pvalue"):
        value = getattr(test, key) if row != "tools" else test[key]
        assert value == pytest.approx(expected["test"][key], rel=1e-6, abs=1e-9)
    if row == "opportunity_threat":
        means = table.means.assign(col=table.means["col"].astype(str)).set_index("col")
        for cell in expected["means"]:
            for key in ("mean", "ci_low", "ci_high"):
                assert means.loc[cell["col"], key] == pytest.approx(cell[key], abs=1e-6)


# --------------------------------------------------------------------------- values, order, labels


def test_cells_equal_survey_proportion(status):
    data, table = status
    weights = data["weight"].to_numpy()
    status = data["ai_status"].astype(object)
    for code in ("regular", "occasional"):
        y = (status == code).astype(float).to_numpy()
        for col in ("association", "edtech"):
            domain = np.where(data["org_type"].astype(object) == col, y, np.nan)
            direct = survey.proportion(domain, weights)
            cell = table.frame[(table.frame["row"] == code) & (table.frame["col"] == col)].iloc[0]
            assert cell["percent"] == pytest.approx(100 * direct.estimate, abs=1e-12)
            assert cell["ci_low"] == pytest.approx(100 * direct.ci_low, abs=1e-12)
            assert cell["n"] == int(np.nansum(domain))
            assert cell["base"] == direct.n


def test_order_and_labels_come_from_codebook(status):
    _, table = status
    frame = table.frame
    question = CB.question("ai_status")
    assert list(frame["row"].cat.categories) == question.codes
    assert list(frame.drop_duplicates("row")["row"]) == question.codes
    assert list(frame.drop_duplicates("row")["row_label"]) == [o.label for o in question.options]
    # Ensemble first, then the observed types in codebook order, with their labels.
    assert list(frame.drop_duplicates("col")["col"].astype(str)) == [
        TOTAL,
        "association",
        "commune",
        "edtech",
    ]
    org_type = CB.question("org_type")
    assert frame.drop_duplicates("col")["col_label"].tolist() == [
        TOTAL_LABEL,
        *(org_type.label(c) for c in ("association", "commune", "edtech")),
    ]
    assert table.question_text == question.text
    assert CB.question("org_type").text in table.title


def test_array_row_uses_parent_question_codes_and_routing_note():
    rng = np.random.default_rng(0)
    codes = CB.question("stages").codes
    data = banner_data()
    data["stage_conception"] = categorical(rng.choice(codes, len(data)), "stages")
    table = crosstab(data, "stage_conception", "org_type", codebook=CB)
    assert list(table.frame["row"].cat.categories) == codes
    assert "Conception" in table.question_text
    assert "Usage régulier" in table.note  # routing written from the codebook
    with pytest.raises(ValueError, match="stage_conception"):
        crosstab(data, "stages", "org_type", codebook=CB)
    rows = CB.question("stages").rows
    every_stage = data.assign(**{r.id: data["stage_conception"] for r in rows})
    expanded = crosstabs(every_stage, ["stages", "ai_status"], None, codebook=CB)
    assert list(expanded) == [f"{r.id}__ensemble" for r in rows] + ["ai_status__ensemble"]
    for table, row in zip(list(expanded.values())[:5], rows, strict=True):
        assert table.question_text.endswith(row.label)


def test_multiple_question_base_is_respondents_asked():
    data = banner_data()
    table = crosstab(data, "tools", "org_type", codebook=CB)
    asked = data[multiple_variable("tools", "chatgpt")].notna()
    frame = table.frame[table.frame["row"] == "chatgpt"].set_index(
        table.frame.loc[table.frame["row"] == "chatgpt", "col"].astype(str)
    )
    assert frame.loc[TOTAL, "base"] == asked.sum()
    for col in ("association", "commune", "edtech"):
        in_col = (data["org_type"] == col) & asked
        assert frame.loc[col, "base"] == in_col.sum()
        ticked = data.loc[in_col, multiple_variable("tools", "chatgpt")].astype(bool)
        w = data.loc[in_col, "weight"]
        assert frame.loc[col, "percent"] == pytest.approx(100 * (w * ticked).sum() / w.sum())
    assert list(table.frame.drop_duplicates("row")["row"]) == CB.question("tools").codes
    assert table.test is None and set(table.option_tests.columns) >= {"pvalue", "pvalue_holm"}


def test_scale_top_box_and_mean():
    rng = np.random.default_rng(5)
    data = banner_data()
    scores = rng.choice(list("12345"), len(data))
    data["opportunity_threat"] = categorical(scores, "opportunity_threat")
    data["opportunity_threat_num"] = scores.astype(float)
    table = crosstab(data, "opportunity_threat", "org_type", codebook=CB)
    top = table.frame[(table.frame["row"] == TOP_BOX) & (table.frame["col"] == TOTAL)].iloc[0]
    y = np.isin(scores, ["4", "5"]).astype(float)
    assert top["percent"] == pytest.approx(100 * survey.proportion(y, data["weight"]).estimate)
    mean = table.means.iloc[0]
    direct = survey.mean(scores.astype(float), data["weight"])
    assert (mean["col"], mean["mean"], mean["ci_low"]) == (
        TOTAL,
        pytest.approx(direct.estimate),
        pytest.approx(direct.ci_low),
    )


def test_col_none_keeps_ensemble_only():
    data = banner_data()
    table = crosstab(data, "ai_status", None, codebook=CB)
    assert set(table.frame["col"].astype(str)) == {TOTAL}
    assert table.test is None
    assert finding(table) is None
    total = table.frame["percent"].sum()
    assert total == pytest.approx(100.0)


def test_letters_are_survey_column_tests(status):
    data, table = status
    y = (data["ai_status"].astype(object) == "regular").astype(float)
    groups = pd.Categorical(
        data["org_type"].astype(object), categories=["association", "commune", "edtech"]
    )
    expected = survey.column_tests(y, groups, data["weight"])
    got = table.frame[(table.frame["row"] == "regular") & (table.frame["col"] != TOTAL)]
    assert got["letters"].tolist() == expected["higher_than"].tolist()
    assert "AB" in got["letters"].tolist()  # EdTech above both (85 % vs 15 % and 45 %)


def test_external_column_such_as_a_profile():
    data = banner_data()
    data["profile"] = pd.Categorical(
        np.where(data["org_type"] == "edtech", "p2", "p1"), categories=["p1", "p2"]
    )
    table = crosstab(
        data,
        "ai_status",
        "profile",
        codebook=CB,
        col_labels={"p1": "Explorateurs", "p2": "Intégrateurs"},
        col_text="Profil d'usage",
    )
    assert table.frame.drop_duplicates("col")["col_label"].tolist() == [
        TOTAL_LABEL,
        "Explorateurs",
        "Intégrateurs",
    ]
    assert table.col_text == "Profil d'usage"


# --------------------------------------------------------------------------- small cells


def tiny_cell_data() -> pd.DataFrame:
    """Two respondents of 'commune' answer 'yes': a cell under 5."""
    org = ["association"] * 60 + ["commune"] * 40
    referent = ["yes"] * 25 + ["no"] * 35 + ["yes"] * 2 + ["no"] * 38
    return pd.DataFrame(
        {
            "org_type": categorical(org, "org_type"),
            "ai_referent": categorical(referent, "ai_referent"),
            "weight": np.linspace(0.5, 1.5, 100),
        }
    )


def test_small_cell_is_hidden_with_its_complement():
    table = crosstab(tiny_cell_data(), "ai_referent", "org_type", codebook=CB)
    frame = table.frame.set_index([table.frame["row"].astype(str), table.frame["col"].astype(str)])
    assert frame.loc[("yes", "commune"), "n"] == 2
    assert frame.loc[("yes", "commune"), "suppression"] == "small"
    # 'no' in the same column would give 100 % - x: hidden too.
    assert frame.loc[("no", "commune"), "suppression"] == "complement"
    published = table.published.set_index(
        [table.published["row"].astype(str), table.published["col"].astype(str)]
    )
    for key in [("yes", "commune"), ("no", "commune")]:
        assert published.loc[key, ["percent", "ci_low", "ci_high"]].isna().all()
    assert published.loc[("yes", "commune"), "display"] == "n<5"
    assert published.loc[("no", "commune"), "display"] == "–"
    assert "n" not in published.columns
    wide = table.wide()
    assert wide.loc["Oui", "Commune (B)"] == "n<5"
    assert "5 répondants" in table.note


def test_small_cell_never_reaches_the_workbook(tmp_path):
    table = crosstab(tiny_cell_data(), "ai_referent", "org_type", codebook=CB)
    path = export_workbook([table], tmp_path / "t.xlsx", wave="2025", synthetic=True)
    hidden = table.frame[table.frame["suppressed"]]
    secret = hidden[["percent", "ci_low", "ci_high"]].to_numpy().ravel()
    sheet = load_workbook(path)["T01"]
    numbers = [
        c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, int | float)
    ]
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    for value in secret:
        assert not any(abs(number - value) < 1e-6 for number in numbers)
        assert not any(format_number(value, 1) in text for text in texts)
    assert "n<5" in texts and "–" in texts
    # The count of the small cell (2) is not written either (only bases: 100, 60, 40).
    assert sorted(n for n in numbers if float(n).is_integer()) == [40, 60, 100]


def determined_cells(table: np.ndarray, hidden: np.ndarray, relations) -> list[tuple]:
    """Hidden cells fixed by the published relations (independent check: matrix ranks).

    A hidden cell is recomputable when its unit vector lies in the row space of
    the relations restricted to the hidden cells: adding it leaves the rank unchanged.
    """
    cells = [tuple(c) for c in np.argwhere(hidden)]
    matrix = np.array([[coef.get(cell, 0.0) for cell in cells] for coef in relations])
    rank = np.linalg.matrix_rank(matrix)
    out = []
    for k, cell in enumerate(cells):
        unit = np.zeros(len(cells))
        unit[k] = 1.0
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            out.append(cell)
    return out


@settings(max_examples=150, deadline=None)
@given(
    st.integers(2, 5).flatmap(
        lambda rows: st.integers(2, 5).flatmap(
            lambda cols: st.lists(
                st.lists(st.integers(0, 30), min_size=cols, max_size=cols),
                min_size=rows,
                max_size=rows,
            )
        )
    )
)
def test_no_small_cell_can_be_recomputed(groups):
    counts = np.array(groups)
    table = np.column_stack([counts.sum(axis=1), counts])  # Ensemble first
    primary, secondary = suppress(table, 5, exclusive=True, total=0)
    hidden = primary | secondary
    bases = table.sum(axis=0)
    small = (table > 0) & (table < 5)  # privacy.small_cells: empty cells disclose nobody
    assert (primary == (small | ((bases > 0) & (bases < 5))[None, :])).all()
    assert not (primary & secondary).any()
    assert (table[secondary] > 0).all()  # an empty complement would protect nothing
    n_rows, n_cols = table.shape
    columns = [{(i, j): 1.0 for i in range(n_rows)} for j in range(n_cols)]
    rows = [{(i, j): 1.0 if j == 0 else -1.0 for j in range(n_cols)} for i in range(n_rows)]
    exposed = determined_cells(table, hidden, columns + rows)
    assert not [cell for cell in exposed if primary[cell] and table[cell] > 0]


# --------------------------------------------------------------------------- workbook


def test_workbook_contents_and_one_sheet_a_table(tmp_path, status):
    data, adoption = status
    tables = {
        "adoption": adoption,
        "outils": crosstab(data, "tools", "org_type", codebook=CB),
    }
    path = export_workbook(tables, tmp_path / "out" / "tables.xlsx", wave="2025", synthetic=True)
    book = load_workbook(path)
    assert book.sheetnames == ["Sommaire", "T01", "T02"]
    contents = book["Sommaire"]
    assert "synthétiques" in contents["A2"].value
    assert [contents.cell(5 + k, 2).value for k in range(2)] == [t.title for t in tables.values()]
    assert [contents.cell(5 + k, 3).hyperlink.location for k in range(2)] == [
        "'T01'!A1",
        "'T02'!A1",
    ]
    assert [contents.cell(5 + k, 4).value for k in range(2)] == ["adoption", "outils"]
    sheet = book["T01"]
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert sheet["A1"].value == tables["adoption"].title
    assert any(t.startswith("Test de Rao–Scott (F = ") for t in texts)
    assert any("Échantillon volontaire" in t for t in texts)
    assert any(t.startswith("Base : ") for t in texts)
    assert "Usage régulier" in texts and "Ensemble" in texts
    percent_cells = [c for row in sheet.iter_rows() for c in row if c.number_format.endswith('%"')]
    assert percent_cells and all(isinstance(c.value, int | float) for c in percent_cells)
    again = export_workbook(tables, tmp_path / "again.xlsx", wave="2025", synthetic=True)
    assert again.read_bytes() == path.read_bytes()


def test_formula_injection_is_neutralised(tmp_path):
    data = banner_data()
    data["profile"] = pd.Categorical(
        np.where(data["org_type"] == "edtech", "p2", "p1"), categories=["p1", "p2"]
    )
    evil = {"p1": '=HYPERLINK("http://evil","x")', "p2": "@SUM(A1:A2)"}
    table = crosstab(
        data,
        "ai_status",
        "profile",
        codebook=CB,
        col_labels=evil,
        col_text="+cmd|' /C calc'!A0",
        title="-2+3",
    )
    path = export_workbook([table], tmp_path / "t.xlsx", wave="2025", synthetic=False)
    book = load_workbook(path)
    cells = [
        c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None
    ]
    assert all(c.data_type != "f" for c in cells)
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert all(not t.startswith(("=", "+", "-", "@", "\t", "\r")) for t in texts)
    assert "'-2+3" in texts
    assert any(t.startswith("'=HYPERLINK") for t in texts)
    with zipfile.ZipFile(path) as archive:
        xml = "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".xml"))
    assert "<f>" not in xml
    assert safe_text("\tx") == "'\tx" and safe_text("Association") == "Association"


# --------------------------------------------------------------------------- findings


def test_finding_only_when_test_rejects(status):
    _, table = status
    assert table.test.pvalue < 0.05
    sentence = finding(table)
    edtech = table.frame[(table.frame["row"] == "regular") & (table.frame["col"] == "edtech")].iloc[
        0
    ]
    assert sentence.startswith("La réponse « Usage régulier » est plus fréquente pour « EdTech » ")
    assert f"({format_percent(edtech['percent'])})" in sentence
    assert "que pour « Association »" in sentence

    # Same distribution in every column: the referent question is independent of type.
    flat = banner_data()
    flat["ai_referent"] = categorical(np.tile(["yes", "no", "no", "yes"], 60), "ai_referent")
    neutral = crosstab(flat, "ai_referent", "org_type", codebook=CB)
    assert neutral.test.pvalue >= 0.05
    assert finding(neutral) is None
    assert finding(neutral, neutral=True).startswith("Pas de différence significative selon « ")


def test_finding_for_multiple_question_uses_holm_adjusted_option_tests():
    data = banner_data()
    table = crosstab(data, "tools", "org_type", codebook=CB)
    assert (table.option_tests["pvalue_holm"] >= 0.05).all()  # chatgpt ticked at 70 % everywhere
    assert finding(table) is None


def test_holm_matches_statsmodels():
    from statsmodels.stats.multitest import multipletests

    for pvalues in ([0.01, 0.04, 0.03, 0.2], [0.5, 0.001, 0.04, 0.04, 0.9]):
        expected = multipletests(pvalues, method="holm")[1]
        np.testing.assert_allclose(holm(np.array(pvalues)), expected, rtol=0, atol=1e-15)


# --------------------------------------------------------------------------- French formats


def test_french_number_formats():
    assert format_number(1234567.891, 2) == f"1{NNBSP}234{NNBSP}567,89"
    assert format_number(0.5, 0) == "1"  # half away from zero, as French publications round
    assert format_number(-2.25, 1) == "\u22122,3"
    assert format_percent(54.4) == f"54{NNBSP}%"
    assert format_percent(float("nan")) == "–"
    assert format_pvalue(0.04) == "p = 0,04"
    assert format_pvalue(0.0499) == "p = 0,0499"
    assert format_pvalue(0.0004) == "p < 0,001"
    assert format_test(3.214, 2.06, 1040.3, 0.04) == (
        f"Test de Rao–Scott (F = 3,21 ; ddl = 2,1 et 1{NNBSP}040 ; p = 0,04)"
    )
    with pytest.raises(ValueError, match="pvalue"):
        format_pvalue(1.5)


# --------------------------------------------------------------------------- bad input


def test_bad_input_is_named():
    data = banner_data()
    with pytest.raises(ValueError, match="nonexistent"):
        crosstab(data, "nonexistent", "org_type", codebook=CB)
    with pytest.raises(ValueError, match="multiple question"):
        crosstab(data, "ai_status", "tools", codebook=CB)
    with pytest.raises(ValueError, match="weight='poids'"):
        crosstab(data, "ai_status", "org_type", codebook=CB, weight="poids")
    bad = data.assign(ai_status=data["ai_status"].astype(object).where(data.index > 0, "peut-être"))
    with pytest.raises(ValueError, match="peut-être"):
        crosstab(bad, "ai_status", "org_type", codebook=CB)
    strings = data.assign(**{multiple_variable("tools", "chatgpt"): "Oui"})
    with pytest.raises(TypeError, match="tools__chatgpt"):
        crosstab(strings, "tools", "org_type", codebook=CB)
    with pytest.raises(ValueError, match="min_count"):
        crosstab(data, "ai_status", "org_type", codebook=CB, min_count=0)
    with pytest.raises(TypeError, match="Crosstab"):
        export_workbook(["not a table"], "x.xlsx", wave="2025", synthetic=True)
    with pytest.raises(ValueError, match="empty"):
        export_workbook([], "x.xlsx", wave="2025", synthetic=True)
