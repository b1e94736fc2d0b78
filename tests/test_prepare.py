"""Wave preparation end to end on generated and sample waves: outputs, truth, privacy."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from barometer import cli
from barometer.codebook import load_codebook
from barometer.ingest import read_export
from barometer.prepare import (
    OUTPUT_FILES,
    UNCALIBRATED,
    PreparedWave,
    prepare_wave,
    validate_export,
    weigh,
)
from barometer.privacy import EMAIL_RE, PHONE_RE, scan_paths
from barometer.synth import write_wave
from barometer.weighting import load_weighting_config

WAVES = ("2025", "2026")
N_ROWS = 300
SECRET = "test-secret"
IDENTIFIER_COLUMNS = {"contact_email", "org_name", "ip_address", "response_id", "email"}


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


SAMPLE_RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
"""The sample waves shipped with the repository (synthetic, with their ground truth)."""


@dataclass
class Case:
    """Waves prepared from one raw folder into one output folder."""

    raw: Path
    out: Path
    prepared: dict[str, PreparedWave]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("project")
    (root / "pyproject.toml").write_text("", encoding="utf-8")
    for wave in WAVES:
        write_wave(wave, N_ROWS, 11, root / "data" / "raw" / wave)
    return root


@pytest.fixture(scope="module", params=["generated", "sample"])
def case(request, project, tmp_path_factory) -> Case:
    """Prepare both waves, generated here (300 rows) or shipped in data/raw."""
    raw = project / "data" / "raw" if request.param == "generated" else SAMPLE_RAW
    out = tmp_path_factory.mktemp(f"out-{request.param}")
    before = _digest(raw)
    prepared = {
        wave: prepare_wave(wave, raw_dir=raw, out_dir=out / wave, secret=SECRET) for wave in WAVES
    }
    assert _digest(raw) == before  # nothing under data/raw was touched
    return Case(raw, out, prepared)


def _truth(raw: Path, wave: str) -> pd.DataFrame:
    truth = pd.read_csv(raw / wave / "ground-truth.csv")
    # the ground truth lists the export rows in order: spreadsheet row = position + 2
    truth.index = pd.RangeIndex(2, 2 + len(truth), name="source_row")
    return truth


def _export(raw: Path, wave: str) -> pd.DataFrame:
    return read_export(next((raw / wave).glob("export.*")))


# -------------------------------------------------------------------- outputs
@pytest.mark.parametrize("wave", WAVES)
def test_writes_every_output_and_a_one_line_summary(case, wave):
    result = case.prepared[wave]
    assert sorted(p.name for p in (case.out / wave).iterdir()) == sorted(OUTPUT_FILES.values())
    summary = result.summary()
    assert "\n" not in summary and f"vague {wave}" in summary
    assert f"{result.log.rows_kept} conservées" in summary


@pytest.mark.parametrize("wave", WAVES)
def test_log_balances_and_accounts_for_every_export_row(case, wave):
    n_rows = len(_truth(case.raw, wave))
    log = json.loads((case.out / wave / OUTPUT_FILES["log"]).read_text(encoding="utf-8"))
    assert log["rows_in"] == n_rows == log["rows_kept"] + log["rows_quarantined"]
    assert sum(log["by_reason"].values()) == log["rows_quarantined"]
    quarantine = pd.read_csv(case.out / wave / OUTPUT_FILES["quarantine"])
    respondents = pd.read_parquet(case.out / wave / OUTPUT_FILES["respondents"])
    assert len(quarantine) == log["rows_quarantined"] and len(respondents) == log["rows_kept"]
    assert list(quarantine.columns) == [
        "source_row",
        "respondent_id",
        "reason",
        "reason_label",
        "detail",
    ]
    assert log["flow"][-1]["restantes"] == log["rows_kept"]


@pytest.mark.parametrize("wave", WAVES)
def test_respondents_table_follows_the_conventions(case, wave):
    r = pd.read_parquet(case.out / wave / OUTPUT_FILES["respondents"])
    book = load_codebook("v1" if wave == "2025" else "v2")
    assert r["respondent_id"].str.fullmatch(r"[0-9a-f]{16}").all() and r["respondent_id"].is_unique
    assert (r["wave"] == wave).all()
    assert not IDENTIFIER_COLUMNS & set(r.columns)
    for question in book.substantive:
        for variable in question.variables:
            assert variable in r.columns, variable
    ordered = book.question("org_size")
    assert r["org_size"].cat.ordered and list(r["org_size"].cat.categories) == ordered.codes
    assert str(r["tools__chatgpt"].dtype) == "boolean"
    for flag in ("flag_routing_contradiction", "flag_too_many_choices", "flag_unknown_answer"):
        assert r[flag].dtype == bool
    assert r["completion"].between(0, 1).all()
    assert (r["weight"] > 0).all()


# --------------------------------------------------------------- ground truth
@pytest.mark.parametrize("wave", WAVES)
def test_planted_mess_is_recovered_exactly(case, wave):
    truth = _truth(case.raw, wave)
    reasons = case.prepared[wave].quarantine.set_index("source_row")["reason"]
    reasons = reasons.reindex(truth.index).fillna("kept")
    planted = pd.Series("kept", index=truth.index)
    # the generator plants one status a row; a superseded row is the earlier of a pair
    planted[truth["consent_refused"]] = "consent_refused"
    planted[truth["is_test"]] = "test"
    planted[truth["abandoned"]] = "abandoned"
    planted[truth["is_superseded"]] = "duplicate"
    pd.testing.assert_series_equal(
        reasons.astype(object), planted.astype(object), check_names=False
    )


@pytest.mark.parametrize("wave", WAVES)
def test_planted_flags_are_recovered_on_kept_rows(case, wave):
    truth = _truth(case.raw, wave)
    r = case.prepared[wave].respondents
    kept = truth.loc[r.index]
    assert (r["flag_routing_contradiction"] == kept["routing_contradiction"]).all()
    assert (r["flag_too_many_choices"] == kept["too_many_barriers"]).all()
    assert (r["flag_unknown_answer"] == kept["region_unknown"]).all()
    assert r.loc[kept["region_unknown"], "region"].isna().all()
    # region variants ("IDF", "Ile de France"…) resolve to a code, never to missing
    variants = kept["region_variant"] & ~kept["region_unknown"]
    assert variants.any() and r.loc[variants, "region"].notna().all()


# ------------------------------------------------------------------- privacy
@pytest.mark.parametrize("wave", WAVES)
def test_no_identifier_of_the_raw_export_reaches_the_outputs(case, wave):
    export = _export(case.raw, wave)
    real = export[~_truth(case.raw, wave)["is_test"].to_numpy()]  # "Test", "essai" are words
    book = load_codebook("v1" if wave == "2025" else "v2")
    identifiers = []
    for role in ("email", "org_name"):
        question = book.by_role(role)
        identifiers += real[book.columns_of(question)[question.id]].dropna().tolist()
    identifiers = sorted({i.strip() for i in identifiers if len(i.strip()) >= 4})
    assert len(identifiers) > 50
    out = case.out / wave
    assert scan_paths([out], forbidden=identifiers) == []
    for parquet in out.glob("*.parquet"):
        frame = pd.read_parquet(parquet)
        text = "\n".join(
            frame[c].dropna().astype(str).str.cat(sep="\n")
            for c in frame.columns
            if frame[c].dtype == object or str(frame[c].dtype) in ("string", "str")
        )
        folded = text.casefold()
        leaked = [i for i in identifiers if i.casefold() in folded]
        assert leaked == [], f"{parquet.name}: {len(leaked)} identifiers"
        assert not EMAIL_RE.search(text) and not PHONE_RE.search(text)


@pytest.mark.parametrize("wave", WAVES)
def test_testimonies_are_scrubbed_and_carry_publish_consent(case, wave):
    truth = _truth(case.raw, wave)
    result = case.prepared[wave]
    t = pd.read_parquet(case.out / wave / OUTPUT_FILES["testimonies"])
    assert list(t.columns) == ["respondent_id", "question", "text", "publish_consent"]
    assert t["publish_consent"].dtype == bool
    assert set(t["respondent_id"]) <= set(result.respondents["respondent_id"])
    kept = truth.loc[result.respondents.index]
    assert t["respondent_id"].nunique() == kept["has_testimony"].sum()
    joined = " ".join(t["text"])
    assert ("[courriel]" in joined) == bool(kept["testimony_has_email"].any())
    assert ("[téléphone]" in joined) == bool(kept["testimony_has_phone"].any())
    assert ("[organisation]" in joined) == bool(kept["testimony_has_org_name"].any())


def test_refuses_to_write_under_raw(project):
    raw = project / "data" / "raw"
    with pytest.raises(ValueError, match="refusing to write processed files under the raw"):
        prepare_wave("2025", raw_dir=raw, out_dir=raw / "2025" / "clean", secret=SECRET)


# ---------------------------------------------------------------- weighting
def test_weights_calibrate_each_type_to_its_structure(case):
    r = case.prepared["2025"].respondents
    config = load_weighting_config()
    association = r[r["org_type"] == "association"]
    target = next(
        c.share
        for s in config.types["association"].structures
        for c in s.cells
        if c.codes == ("none",) or list(c.codes) == ["none"]
    )
    # raking target read from config/weighting.yaml (0.8975667, derived from R&S 2024)
    share = association.loc[association["org_size"] == "none", "weight"].sum()
    assert share / association["weight"].sum() == pytest.approx(target, abs=1e-8)
    # within-type calibration keeps each type at its sample size
    sums = r.groupby("org_type", observed=True)["weight"].sum()
    counts = r.groupby("org_type", observed=True).size()
    pd.testing.assert_series_equal(sums, counts.astype(float), check_names=False)
    table = case.prepared["2025"].weight_diagnostics
    assert table["group"].iloc[-1] == "ensemble" and table["n"].iloc[-1] == len(r)


def test_uncalibrable_respondents_keep_weight_one(case):
    r = case.prepared["2025"].respondents.copy()
    first = r.index[(r["org_type"] == "association").to_numpy()][0]
    r.loc[first, "org_size"] = np.nan
    weights, table, notes = weigh(r, load_codebook("v1"))
    assert weights[first] == 1.0
    assert table.loc[table["group"] == UNCALIBRATED, "n"].tolist() == [1]
    assert any("poids 1" in n for n in notes)


# --------------------------------------------------------------- validation
@pytest.mark.parametrize("wave", WAVES)
def test_validate_wave_folder_reports_without_writing(project, wave):
    folder = project / "data" / "raw" / wave
    before = _digest(project)
    report = validate_export(folder)
    assert _digest(project) == before
    assert report.usable and report.rows == N_ROWS == report.log.rows_in
    text = report.render()
    assert "Verdict : utilisable" in text
    assert re.search(r"ligne \d+, colonne ['\"]", text)
    groups = report.groups()
    assert "routing_contradiction" in groups and "quarantine:duplicate" in groups


def test_cli_clean_and_validate(project, monkeypatch, capsys):
    monkeypatch.setenv("BAROMETER_ROOT", str(project))
    monkeypatch.setenv("BAROMETER_SECRET", SECRET)
    assert cli.main(["clean", "--wave", "2025"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("vague 2025 :") and err == ""
    written = project / "data" / "processed" / "2025"
    assert sorted(p.name for p in written.iterdir()) == sorted(OUTPUT_FILES.values())
    assert cli.main(["validate", str(project / "data" / "raw" / "2026")]) == 0
    assert cli.main(["clean", "--wave", "1999"]) == 1
    assert "no wave '1999'" in capsys.readouterr().err
