"""Harmonisation of v2 onto v1, indicators, and the change statistics."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from barometer.codebook import load_codebook
from barometer.indicators import expand_indicators, indicator_values, load_indicator_config
from barometer.trends import (
    change,
    change_sentences,
    harmonise,
    trend_inputs,
    wave_changes,
    wave_estimates,
)

V1, V2 = load_codebook("v1"), load_codebook("v2")


def _v2_frame() -> pd.DataFrame:
    q = V2.question("org_type")
    frame = pd.DataFrame(
        {
            "org_type": pd.Categorical(
                ["departement", "region", "association", None], categories=q.codes
            ),
            "ai_budget": pd.Categorical(["none", "lt_1000", None, None]),
            "tools__le_chat": pd.array([True, False, pd.NA, True], dtype="boolean"),
            "tools__agents": pd.array([True, True, pd.NA, False], dtype="boolean"),
            "tools__chatgpt": pd.array([False, True, pd.NA, True], dtype="boolean"),
            "stage_suivi": pd.Categorical(["regularly", "considered", None, "occasionally"]),
            "weight": [1.0, 2.0, 1.0, 1.0],
        }
    )
    return frame


def test_departement_and_region_fold_into_the_2025_category():
    result = harmonise(_v2_frame(), V2, "v1")
    assert result.version == "v1"
    org = result.data["org_type"]
    assert list(org.cat.categories) == V1.question("org_type").codes
    assert org.tolist()[:3] == ["departement_region", "departement_region", "association"]
    assert pd.isna(org.iloc[3])


def test_questions_and_options_of_one_wave_are_dropped_not_compared():
    result = harmonise(_v2_frame(), V2, "v1")
    assert "ai_budget" not in result.data
    assert "tools__agents" not in result.data
    assert set(result.dropped) == {"ai_budget", "tools__agents"}


def test_relabelled_option_keeps_its_values():
    result = harmonise(_v2_frame(), V2, "v1")
    le_chat = result.data["tools__le_chat"]
    assert le_chat.tolist()[:2] == [True, False]
    assert V1.question("tools").label("le_chat") == "Le Chat (Mistral)"


def test_array_rows_take_v1_categories():
    result = harmonise(_v2_frame(), V2, "v1")
    assert list(result.data["stage_suivi"].cat.categories) == V1.question("stages").codes


def test_v1_onto_v1_is_identity():
    frame = _v2_frame().drop(columns=["ai_budget", "tools__agents"])
    frame["org_type"] = pd.Categorical(["commune"] * 4, categories=V1.question("org_type").codes)
    result = harmonise(frame, V1, "v1")
    pd.testing.assert_frame_equal(result.data, frame)
    assert result.dropped == ()


def test_indicator_values_single_and_multiple():
    specs = {s.id: s for s in expand_indicators(V1)}
    frame = pd.DataFrame(
        {
            "ai_status": pd.Categorical(
                ["regular", "occasional", "not_considered", None],
                categories=V1.question("ai_status").codes,
            ),
            "tools__chatgpt": pd.array([True, False, pd.NA, pd.NA], dtype="boolean"),
        }
    )
    adoption = indicator_values(frame, specs["adoption"]).tolist()
    assert adoption[:3] == [1.0, 1.0, 0.0] and math.isnan(adoption[3])
    chatgpt = indicator_values(frame, specs["tools__chatgpt"]).tolist()
    assert chatgpt[:2] == [1.0, 0.0] and all(math.isnan(v) for v in chatgpt[2:])


def test_every_declared_indicator_exists_in_v1():
    specs = expand_indicators(V1)
    families = {s.family for s in specs}
    assert families == {
        "adoption", "stages", "tools", "barriers", "governance", "expectations", "stance",
    }  # fmt: skip
    assert len([s for s in specs if s.family == "barriers"]) == len(V1.question("barriers").options)


def test_unknown_indicator_code_is_refused():
    config = [{"id": "x", "family": "f", "question": "ai_status", "codes": ["sometimes"]}]
    with pytest.raises(ValueError, match=r"codes \['sometimes'\] are not options of 'ai_status'"):
        expand_indicators(V1, config)
    assert load_indicator_config()[0]["id"] == "adoption"


def test_change_matches_hand_computation():
    # difference 0.10, se = sqrt(0.03² + 0.04²) = 0.05, z = 2, p = 2 (1 - Φ(2)) = 0.0455003
    result = change(0.40, 0.03, 0.50, 0.04)
    assert result.difference == pytest.approx(0.10)
    assert result.se == pytest.approx(0.05)
    assert result.statistic == pytest.approx(2.0)
    assert result.pvalue == pytest.approx(0.04550026, abs=1e-8)
    assert result.ci_low == pytest.approx(0.10 - 1.959963985 * 0.05, abs=1e-9)


def _wave(values, weights):
    return pd.DataFrame(
        {
            "ai_status": pd.Categorical(values, categories=V1.question("ai_status").codes),
            "org_type": pd.Categorical(["association"] * len(values)),
            "weight": weights,
        }
    )


def test_wave_estimates_and_changes_against_hand_values():
    w1 = _wave(["regular", "not_considered", "regular", "dont_know"], [1.0, 1.0, 2.0, 2.0])
    w2 = _wave(["regular", "occasional", "regular", "not_considered"], [1.0, 1.0, 1.0, 1.0])
    specs = [s for s in expand_indicators(V1) if s.id == "adoption"]
    estimates = wave_estimates({"2025": w1, "2026": w2}, specs, by=None, min_n=1)
    first = estimates.set_index("wave").loc["2025"]
    # p = (1 + 2) / 6 = 0.5; z_i = w_i (y_i - p) / 6 = (1/12, -1/12, 1/6, -1/6);
    # var = n/(n-1) Σ z_i² = 4/3 · (2/144 + 2/36) = 4/3 · 10/144 = 0.0925926
    assert first["estimate"] == pytest.approx(0.5)
    assert first["se"] == pytest.approx(math.sqrt(4 / 3 * 10 / 144), abs=1e-12)
    second = estimates.set_index("wave").loc["2026"]
    # p = 0.75, z_i = (y_i - 0.75) / 4 → Σ z² = (3 · 0.0625² + 0.1875²) = 0.046875
    assert second["se"] == pytest.approx(math.sqrt(4 / 3 * 0.046875 / 1), abs=1e-12)
    changes = wave_changes(estimates, min_base=1)
    row = changes.iloc[0]
    assert row["change_points"] == pytest.approx(25.0)
    expected = change(first["estimate"], first["se"], second["estimate"], second["se"])
    assert row["pvalue"] == pytest.approx(expected.pvalue)
    assert not row["significant"]  # four answers a wave cannot support a change


def test_sentences_only_for_significant_changes():
    changes = pd.DataFrame(
        {
            "label": ["Usage régulier de l'IA", "Charte adoptée"],
            "group": ["ensemble", "association"],
            "wave_from": ["2025", "2025"],
            "wave_to": ["2026", "2026"],
            "estimate_from": [0.30, 0.10],
            "estimate_to": [0.42, 0.11],
            "change_points": [12.0, 1.0],
            "pvalue": [0.001, 0.6],
            "significant": [True, False],
        }
    )
    sentences = change_sentences(changes, {"ensemble": "l'ensemble des répondants"})
    assert sentences == [
        "« Usage régulier de l'IA » progresse de 12 points chez l'ensemble des répondants "
        "entre 2025 et 2026 (30\u202f% → 42\u202f%, p = 0,001)."
    ]


def test_trend_inputs_harmonise_every_wave_onto_the_root_version():
    frame = _v2_frame()
    v1_frame = frame.drop(columns=["ai_budget", "tools__agents"]).assign(
        org_type=pd.Categorical(["commune"] * 4, categories=V1.question("org_type").codes)
    )
    data, target, dropped = trend_inputs({"2025": (v1_frame, V1), "2026": (frame, V2)})
    assert target.version == "v1"
    assert dropped["2025"] == ()
    assert "tools__agents" in dropped["2026"]
    assert np.array_equal(
        data["2026"]["org_type"].cat.categories, data["2025"]["org_type"].cat.categories
    )


def test_change_table_is_french():
    changes = pd.DataFrame(
        {
            "label": ["Usage régulier de l'IA"],
            "group": ["ensemble"],
            "wave_from": ["2025"],
            "wave_to": ["2026"],
            "estimate_from": [0.305],
            "estimate_to": [0.25],
            "change_points": [-5.5],
            "ci_low": [-9.25],
            "ci_high": [-1.75],
            "pvalue": [0.0042],
            "pvalue_holm": [0.0042],
            "significant": [True],
        }
    )
    from barometer.trends import change_table

    row = change_table(changes).iloc[0]
    assert row["Avant"] == "30,5\u202f%"
    assert row["Évolution (points)"] == "\u22125,5"
    assert row["IC à 95\u202f% (points)"] == "[\u22129,3 ; \u22121,8]"  # half away from zero
    assert row["p (Holm)"] == "0,0042"


def test_groups_under_the_small_cell_threshold_are_not_estimated():
    codes = V1.question("ai_status").codes
    frame = pd.DataFrame(
        {
            "ai_status": pd.Categorical(["regular"] * 6 + ["not_considered"], categories=codes),
            "org_type": pd.Categorical(["association"] * 6 + ["edtech"]),
            "weight": 1.0,
        }
    )
    specs = [s for s in expand_indicators(V1) if s.id == "adoption"]
    estimates = wave_estimates({"2025": frame}, specs, by="org_type")
    assert set(estimates["group"]) == {"ensemble", "association"}  # the lone EdTech is left out


def _panel_wave(ids, statuses):
    return pd.DataFrame(
        {
            "respondent_id": ids,
            "ai_status": pd.Categorical(statuses, categories=V1.question("ai_status").codes),
            "weight": 1.0,
        }
    )


def test_panel_links_organisations_through_their_pseudonym_only():
    from barometer.trends import panel_changes, panel_sizes

    ids = [f"p{i:03d}" for i in range(40)]
    first = _panel_wave([*ids, "x1", "x2"], ["not_considered"] * 30 + ["regular"] * 12)
    # 20 of the 30 non-users became users; the 10 users stayed users; two newcomers
    second = _panel_wave(
        [*ids, "y1", "y2"], ["regular"] * 20 + ["not_considered"] * 10 + ["regular"] * 12
    )
    sizes = panel_sizes({"2025": first, "2026": second})
    assert sizes.to_dict("records") == [
        {"wave_from": "2025", "wave_to": "2026", "n_from": 42, "n_to": 42, "panel": 40}
    ]
    specs = [s for s in expand_indicators(V1) if s.id == "adoption"]
    changes = panel_changes({"2025": first, "2026": second}, specs, min_panel=30)
    row = changes.iloc[0]
    assert row["panel"] == 40
    assert row["share_from"] == pytest.approx(25.0)  # 10 of the 40 panel members
    assert row["share_to"] == pytest.approx(75.0)  # 30 of 40
    # McNemar exact: 20 discordant pairs all one way → p = 2 · 0.5^20
    assert row["pvalue"] == pytest.approx(2 * 0.5**20)
    assert panel_changes({"2025": first, "2026": second}, specs, min_panel=41).empty


def test_changes_are_holm_adjusted_within_each_group():
    from barometer.survey import holm

    rows = []
    for i, (before, after) in enumerate([(0.30, 0.45), (0.30, 0.36), (0.50, 0.52)]):
        for wave, p in (("2025", before), ("2026", after)):
            rows.append({"indicator": f"i{i}", "label": f"i{i}", "family": "f", "group": "ensemble",
                         "wave": wave, "estimate": p, "se": 0.03, "n": 300})  # fmt: skip
    changes = wave_changes(pd.DataFrame(rows))
    raw = changes["pvalue"].to_numpy()
    assert changes["pvalue_holm"].to_numpy() == pytest.approx(holm(raw))
    # raw p: 0.0004, 0.157, 0.637 → only the first survives the adjustment
    assert changes["significant"].tolist() == [True, False, False]
    assert (changes["pvalue_holm"] >= changes["pvalue"]).all()
