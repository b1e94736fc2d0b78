"""Cleaning rules on hand-built rows, and the log's balance on generated waves."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barometer.clean import REASONS, CleaningConfig, clean_wave, parse_datetimes
from barometer.codebook import load_codebook

# the valid answers of one respondent, shared with the malformed-export corpus
sys.path.insert(0, str(Path(__file__).parent / "data" / "malformed"))
from make_corpus import BASE

V1 = load_codebook("v1")
V2 = load_codebook("v2")


def v1_row(**answers):
    """A complete, valid v1 export row; keyword arguments override cells by column."""
    row = dict.fromkeys(V1.export_columns(), "")
    base = {**BASE, "id": "1", "ipaddr": "192.0.2.1"}
    row.update(base)
    row.update(answers)
    return row


def frame(*rows, start=2):
    """A raw export as ingest returns it: strings, None for empty, source rows as index."""
    records = [{k: (v if v != "" else None) for k, v in row.items()} for row in rows]
    index = pd.RangeIndex(start, start + len(rows), name="source_row")
    return pd.DataFrame(records, index=index, dtype=object)


def clean(*rows, codebook=V1, **config):
    return clean_wave(frame(*rows), codebook, "2025", config=config)


# --------------------------------------------------------------- happy path
def test_complete_row_is_kept_with_codes_and_types():
    result = clean(v1_row())
    r = result.respondents
    assert len(r) == 1 and result.quarantine.empty
    assert r.loc[2, "org_type"] == "association"
    assert list(r["org_type"].cat.categories) == V1.question("org_type").codes
    assert r["org_size"].cat.ordered and not r["org_type"].cat.ordered
    assert r.loc[2, "tools__chatgpt"] == True  # noqa: E712  (nullable boolean)
    assert r.loc[2, "tools__claude"] == False  # noqa: E712
    assert r["tools__chatgpt"].dtype == "boolean"
    assert r.loc[2, "sovereignty_importance_num"] == 4.0
    assert r.loc[2, "opportunity_threat"] == "5"
    assert r.loc[2, "completion"] == 1.0
    assert str(r.loc[2, "submitted_date"]) == "2025-03-10"
    assert not r[["flag_routing_contradiction", "flag_too_many_choices"]].any().any()
    for identifier in ("email", "orgname", "org_name", "contact_email", "ip_address", "id"):
        assert identifier not in r.columns


def test_multiple_all_na_when_nothing_ticked():
    result = clean(v1_row(**{"expectations[SQ001]": ""}))
    values = result.respondents.filter(like="expectations__")
    assert values.isna().all(axis=None)


# --------------------------------------------------------------- row rules
def test_refused_and_missing_consent_are_quarantined():
    result = clean(v1_row(consent="Je refuse"), v1_row(id="2", consent=""), v1_row(id="3"))
    q = result.quarantine.set_index("source_row")
    assert q.loc[2, "reason"] == "consent_refused"
    assert q.loc[3, "reason"] == "consent_missing"
    assert q.loc[2, "reason_label"] == REASONS["consent_refused"]
    assert list(result.respondents.index) == [4]
    assert result.log.by_reason["consent_refused"] == 1


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("orgname", "TEST asso"),
        ("orgname", "test"),
        ("email", "test@asso.fr"),
        ("testimonyuse", "essai"),
        ("email", "toto@example.com"),
        ("orgname", "asso test"),
        ("orgname", "Test AI4Impact"),
    ],
)
def test_test_submissions_are_quarantined(cell, value):
    result = clean(v1_row(**{cell: value}), v1_row(id="2", orgname="Les Testeurs du Rhône"))
    assert list(result.quarantine["reason"]) == ["test"]
    assert list(result.respondents.index) == [3]  # "Testeurs" is not a test pattern


def test_test_patterns_are_configurable():
    result = clean(v1_row(orgname="ZZZ"), test_patterns=[r"^zzz$"])
    assert list(result.quarantine["reason"]) == ["test"]


def test_abandoned_by_last_page_and_by_missing_submission():
    # 5 / 8 = 0.625 < 0.75 (shown rounded down: 62 %); 6 / 8 = 0.75 is kept (threshold inclusive)
    result = clean(
        v1_row(lastpage="5"), v1_row(id="2", lastpage="6"), v1_row(id="3", submitdate="")
    )
    q = result.quarantine.set_index("source_row")
    assert q.loc[2, "reason"] == "abandoned" and "62 %" in q.loc[2, "detail"]
    assert q.loc[4, "reason"] == "abandoned" and q.loc[4, "detail"] == "réponse non soumise"
    assert list(result.respondents.index) == [3]
    assert result.respondents.loc[3, "completion"] == 0.75


def test_min_completion_is_configurable():
    result = clean(v1_row(lastpage="5"), min_completion=0.5)
    assert result.quarantine.empty


def test_duplicates_keep_the_latest_submission():
    early = v1_row(id="1", email="A@asso.fr", submitdate="2025-03-12 10:00:00")
    late = v1_row(id="2", email=" a@ASSO.fr", submitdate="2025-03-14 10:00:00")
    other = v1_row(id="3", orgname="Les Amis de l'École", submitdate="2025-03-11 09:00:00")
    same_org = v1_row(id="4", orgname="les amis de l ecole", submitdate="2025-03-13 09:00:00")
    result = clean(late, early, other, same_org)  # rows 2, 3, 4, 5
    q = result.quarantine.set_index("source_row")
    assert sorted(q.index) == [3, 4]
    assert set(q["reason"]) == {"duplicate"}
    assert "ligne 2" in q.loc[3, "detail"] and "adresse électronique" in q.loc[3, "detail"]
    assert "ligne 5" in q.loc[4, "detail"] and "nom de l'organisation" in q.loc[4, "detail"]
    assert sorted(result.respondents.index) == [2, 5]


def test_duplicates_chain_through_email_and_name():
    # row 2 shares the e-mail with row 3, row 3 the name with row 4: one organisation
    rows = [
        v1_row(id="1", email="x@a.fr", submitdate="2025-03-01 10:00:00"),
        v1_row(id="2", email="x@a.fr", orgname="Asso X", submitdate="2025-03-02 10:00:00"),
        v1_row(id="3", orgname="ASSO X", submitdate="2025-03-03 10:00:00"),
    ]
    result = clean(*rows)
    assert list(result.respondents.index) == [4]
    assert result.log.by_reason["duplicate"] == 2


def test_a_test_row_does_not_displace_the_real_answer():
    real = v1_row(id="1", email="x@a.fr", submitdate="2025-03-01 10:00:00")
    later_abandoned = v1_row(id="2", email="x@a.fr", submitdate="", lastpage="2")
    result = clean(real, later_abandoned)
    assert list(result.respondents.index) == [2]
    assert list(result.quarantine["reason"]) == ["abandoned"]


def test_duplicate_keys_configurable():
    rows = [v1_row(id="1", email="x@a.fr"), v1_row(id="2", email="x@a.fr")]
    assert len(clean(*rows, duplicate_keys=[]).respondents) == 2
    assert len(clean(*rows).respondents) == 1


# ------------------------------------------------------------ answer rules
def test_label_variants_and_aliases_are_resolved():
    rows = [
        v1_row(id="1", region="  IDF "),
        v1_row(id="2", region="ile de france"),
        v1_row(id="3", region="Île-de-France", orgtype="ASSO", orgsize="1-9"),
    ]
    result = clean(*rows)
    assert list(result.respondents["region"]) == ["idf"] * 3
    assert list(result.respondents["org_type"]) == ["association"] * 3
    assert result.log.rules["label_variant"] == 3
    assert result.log.by_question["label_variant"] == {"region": 2, "org_type": 1, "org_size": 1}
    assert not result.respondents["flag_unknown_answer"].any()


def test_unknown_answer_is_missing_and_flagged_never_guessed():
    result = clean(v1_row(region="Atlantide"), v1_row(id="2"))
    r = result.respondents
    assert pd.isna(r.loc[2, "region"]) and r.loc[2, "flag_unknown_answer"]
    assert r.loc[3, "region"] == "bretagne" and not r.loc[3, "flag_unknown_answer"]
    assert result.log.by_question["unknown_answer"] == {"region": 1}
    f = result.findings
    assert (f["source_row"].tolist(), f["column"].tolist()) == ([2], ["region"])


def test_unknown_answers_can_be_quarantined():
    result = clean(v1_row(region="Atlantide"), unknown_answers="quarantine")
    assert list(result.quarantine["reason"]) == ["unknown_answer"]
    assert "region" in result.quarantine["detail"].iloc[0]


def test_unknown_checkbox_value_makes_the_question_missing():
    result = clean(v1_row(**{"tools[SQ002]": "peut-être"}))
    r = result.respondents
    assert r.filter(like="tools__").isna().all(axis=None)
    assert r["flag_unknown_answer"].iloc[0]


def test_other_free_text_is_kept():
    result = clean(
        v1_row(
            orgtype="Autre (précisez)",
            **{"orgtype[other]": "Coopérative", "tools[other]": "Perplexity"},
        )
    )
    r = result.respondents
    assert r["org_type"].iloc[0] == "autre"
    assert r["org_type__other_text"].iloc[0] == "Coopérative"
    assert r["tools__other_text"].iloc[0] == "Perplexity"
    assert result.log.rules["other_text"] == 1


def test_routing_contradiction_is_cleared_and_flagged():
    # tools ticked although ai_status says "N'envisage pas": not asked, so cleared
    result = clean(v1_row(aistatus="N'envisage pas"))
    r = result.respondents
    assert r["flag_routing_contradiction"].iloc[0]
    assert r.filter(like="tools__").isna().all(axis=None)
    assert pd.isna(r["usage_mode"].iloc[0]) and pd.isna(r["stage_conception"].iloc[0])
    assert r["barriers__skills"].iloc[0] == True  # noqa: E712  (asked of everyone: kept)
    assert result.log.by_question["routing_contradiction"]["tools"] == 1


def test_population_band_routing_on_org_type():
    asked = v1_row(orgtype="Commune", popband="Moins de 3 500 habitants")
    not_asked = v1_row(id="2", popband="Moins de 3 500 habitants")
    r = clean(asked, not_asked).respondents
    assert r.loc[2, "population_band"] == "lt_3500" and not r.loc[2, "flag_routing_contradiction"]
    assert pd.isna(r.loc[3, "population_band"]) and r.loc[3, "flag_routing_contradiction"]


def test_too_many_barriers_flagged_not_cut():
    ticks = {f"barriers[SQ00{i}]": "Oui" for i in range(1, 6)}
    r = clean(v1_row(**ticks)).respondents
    assert r["flag_too_many_choices"].iloc[0]
    assert r.filter(like="barriers__").sum(axis=1).iloc[0] == 5


def test_log_balances_and_flow_ends_with_kept():
    rows = [v1_row(id=str(i)) for i in range(5)]
    rows[0]["consent"] = "Je refuse"
    rows[1]["orgname"] = "test"
    result = clean(*rows)
    log = result.log
    assert (log.rows_in, log.rows_kept, log.rows_quarantined) == (5, 3, 2)
    assert log.flow[-1]["restantes"] == 3
    assert sum(step["retirées"] for step in log.flow) == 2
    assert set(log.to_dict()) >= {"rows_in", "rows_kept", "rows_quarantined", "by_reason", "rules"}


def test_testimonies_carry_publish_consent():
    result = clean(v1_row(testimonyuse="Nous rédigeons nos rapports.", publishconsent="Oui"))
    t = result.testimonies
    assert t[["question", "publish_consent"]].values.tolist() == [["testimony_use", True]]


def test_missing_columns_raise_a_clear_error():
    raw = frame(v1_row()).drop(columns=["region"])
    with pytest.raises(ValueError, match="'region'"):
        clean_wave(raw, V1, "2025")


def test_bad_config_key_raises():
    with pytest.raises(ValueError, match="unknown key"):
        CleaningConfig.from_mapping({"min_completeness": 0.5})
    with pytest.raises(ValueError, match="unknown_answers"):
        CleaningConfig.from_mapping({"unknown_answers": "guess"})


def test_parse_datetimes_day_first_never_month_first():
    parsed = parse_datetimes(pd.Series(["03/04/2025 10:00", "2025-04-03", "13/31/2025"]))
    assert parsed.iloc[0] == pd.Timestamp("2025-04-03 10:00")
    assert parsed.iloc[1] == pd.Timestamp("2025-04-03")
    assert pd.isna(parsed.iloc[2])


# -------------------------------------------------------------- forms (v2)
def v2_row(**answers):
    """A complete v2 (forms) row: answers by question id, labels as cell values."""
    row = dict.fromkeys(V2.export_columns(), "")
    cells = {
        "response_id": "1",
        "submitted_at": "14/03/2026 10:00:00",
        "consent": "J'accepte",
        "publish_consent": "Non",
        "org_type": "Association",
        "org_size": "1 à 9 salariés",
        "purpose": "Éducative",
        "audiences": "Familles",
        "region": "Bretagne",
        "respondent_role": "Direction",
        "digital_maturity": "En bonne voie",
        "ai_status": "Usage régulier",
        "tools": "ChatGPT",
        "barriers": "Coût",
        "ai_charter": "Non",
        "ai_referent": "Non",
        "training": "Aucune",
        "personal_data_rule": "Aucune règle",
        "beneficiary_info": "Parfois",
        "sovereignty_importance": "3",
        "solution_preference": "Indifférent",
        "footprint_considered": "Parfois",
        "footprint_vs_search": "Ne sait pas",
        "expectations": "Formations",
        "stance": "Pragmatique",
        "opportunity_threat": "4",
    }
    cells.update(answers)
    for qid, value in cells.items():
        row[V2.columns_of(V2.question(qid))[qid]] = value
    return row


def test_forms_multiple_split_knows_labels_with_commas():
    cell = (
        "ChatGPT, IA intégrée à un logiciel (Canva, Notion…), "
        "Transcription ou traduction (Whisper, DeepL…)"
    )
    r = clean(v2_row(tools=cell), codebook=V2).respondents
    ticked = sorted(
        c for c in r.filter(like="tools__") if c != "tools__other_text" and r[c].iloc[0]
    )
    assert ticked == ["tools__chatgpt", "tools__integrated", "tools__transcription"]
    assert pd.isna(r["tools__other_text"].iloc[0])


def test_forms_leftover_text_is_other_when_question_has_other():
    r = clean(v2_row(tools="ChatGPT, Outil maison, fait par nous"), codebook=V2).respondents
    assert r["tools__autre"].iloc[0] == True  # noqa: E712
    assert r["tools__other_text"].iloc[0] == "Outil maison, fait par nous"
    assert not r["flag_unknown_answer"].iloc[0]


def test_forms_leftover_text_is_unknown_without_other():
    r = clean(v2_row(audiences="Familles, Martiens"), codebook=V2).respondents
    assert r["audiences__familles"].iloc[0] == True  # noqa: E712
    assert r["flag_unknown_answer"].iloc[0]


def test_forms_single_with_other_takes_free_text():
    r = clean(v2_row(org_type="Tiers-lieu"), codebook=V2).respondents
    assert r["org_type"].iloc[0] == "autre"
    assert r["org_type__other_text"].iloc[0] == "Tiers-lieu"


def test_forms_completion_is_share_of_core_questions():
    # v2 asks 21 questions of everyone (sections A-G without routing): 4 left empty
    # -> 17 / 21 = 0.81, kept; 6 left empty -> 15 / 21 = 0.71 < 0.75, abandoned
    core = [q for q in V2.substantive if q.asked_if is None]
    assert len(core) == 21
    empty = {q: "" for q in ("stance", "expectations", "footprint_vs_search", "training")}
    result = clean(v2_row(**empty), codebook=V2)
    assert result.respondents["completion"].iloc[0] == pytest.approx(17 / 21)
    more = {**empty, **{q: "" for q in ("ai_charter", "ai_referent")}}
    assert list(clean(v2_row(**more), codebook=V2).quarantine["reason"]) == ["abandoned"]


# ----------------------------------------------------- property: balance
_REGIONS = ["Bretagne", "IDF", "Atlantide", ""]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["J'accepte", "Je refuse", "", "peut-être"]),
            st.sampled_from(["", "test", "Asso A", "Asso B"]),
            st.sampled_from(["", "2025-03-10 10:00:00", "2025-03-11 10:00:00", "hier"]),
            st.sampled_from(["8", "2", ""]),
            st.sampled_from(_REGIONS),
            st.sampled_from(["Usage régulier", "N'envisage pas", ""]),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_log_always_balances_and_no_row_is_lost(rows):
    built = [
        v1_row(id=str(i), consent=c, orgname=o, submitdate=s, lastpage=p, region=g, aistatus=a)
        for i, (c, o, s, p, g, a) in enumerate(rows)
    ]
    result = clean(*built)
    log = result.log
    assert log.rows_in == len(rows) == log.rows_kept + log.rows_quarantined
    kept, quarantined = set(result.respondents.index), set(result.quarantine["source_row"])
    assert kept.isdisjoint(quarantined) and kept | quarantined == set(range(2, 2 + len(rows)))
    # at most one kept respondent per organisation name
    names = pd.Series([r[1] for r in rows], index=range(2, 2 + len(rows)))
    kept_names = names[sorted(kept)]
    assert not kept_names[kept_names.isin(["Asso A", "Asso B"])].duplicated().any()


def test_cleaning_is_deterministic():
    rows = [v1_row(id="1", orgname="A", region="IDF"), v1_row(id="2", orgname="a", region="x")]
    first, second = clean(*rows), clean(*rows)
    pd.testing.assert_frame_equal(first.respondents, second.respondents)
    pd.testing.assert_frame_equal(first.quarantine, second.quarantine)


# ------------------------------------------- property: generated waves
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    wave=st.sampled_from(["2025", "2026"]),
    n=st.integers(min_value=20, max_value=60),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_generated_waves_balance_and_recover_the_planted_rows(wave, n, seed):
    from barometer.synth import generate

    raw, truth = generate(wave, n=n, seed=seed)
    raw = raw.copy()
    raw.index = pd.RangeIndex(2, 2 + n, name="source_row")
    result = clean_wave(raw, V1 if wave == "2025" else V2, wave)
    log = result.log
    assert log.rows_in == n == log.rows_kept + log.rows_quarantined
    truth.index = raw.index
    bad = truth[["is_test", "is_superseded", "abandoned", "consent_refused"]].any(axis=1)
    assert sorted(result.respondents.index) == list(truth.index[~bad.to_numpy()])
    assert sorted(result.quarantine["source_row"]) == list(truth.index[bad.to_numpy()])
