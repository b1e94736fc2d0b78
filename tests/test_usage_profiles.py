"""The bridge from respondents to profiles: readable categories, routing, outputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from factories import make_respondents

from barometer.codebook import load_codebook
from barometer.usage_profiles import NOT_ASKED, active_frame, fit_profiles

V1 = load_codebook("v1")


@pytest.fixture(scope="module")
def respondents() -> pd.DataFrame:
    return make_respondents(240, seed=11)


def test_active_frame_categories_are_prefixed_french_labels(respondents):
    frame = active_frame(respondents, V1, ["ai_status", "stages", "tools"])
    status = V1.question("ai_status")
    assert status.short in frame.columns
    expected = {f"{status.short} : {label}" for label in status.labels.values()}
    assert set(frame[status.short].dropna()) <= expected
    assert "Conception" in frame.columns  # an array row becomes a variable
    assert "ChatGPT" in frame.columns  # an option of a multiple question becomes yes/no
    assert "Outils : autre" in frame.columns  # the "Autre" option is named by its question


def test_routed_out_respondents_are_not_concerned(respondents):
    frame = active_frame(respondents, V1, ["tools", "stages"])
    users = respondents["ai_status"].astype(object).isin(["regular", "occasional"]).to_numpy()
    assert (frame.loc[~users, "ChatGPT"] == f"ChatGPT : {NOT_ASKED}").all()
    assert (frame.loc[~users, "Conception"] == f"Conception : {NOT_ASKED}").all()
    assert set(frame.loc[users, "ChatGPT"]) <= {"ChatGPT : oui", "ChatGPT : non"}


def test_text_questions_are_refused(respondents):
    with pytest.raises(ValueError, match=r"testimony_use.*not usable"):
        active_frame(respondents, V1, ["testimony_use"])


def test_fit_profiles_outputs(respondents):
    fit = fit_profiles(
        respondents, V1, ["ai_status", "stages", "ai_charter"], ["org_type"],
        n_clusters=3, names={2: "Équipes outillées"}, n_boot=3,
    )  # fmt: skip
    assert fit.hcpc.n_clusters_ == 3
    assert fit.names[2] == "Équipes outillées"
    assignments = fit.assignments(respondents["respondent_id"])
    assert list(assignments.columns) == ["respondent_id", "profile", "profile_name"]
    assert assignments["profile"].between(1, 3).all()
    sizes = fit.sizes(respondents["weight"].to_numpy())
    assert sizes["n"].sum() == len(respondents)
    assert sizes["share"].sum() == pytest.approx(100.0)
    weighted = respondents["weight"].groupby(fit.hcpc.labels_).sum()
    assert sizes.set_index("profile")["share"].to_numpy() == pytest.approx(
        100 * weighted.to_numpy() / weighted.sum()
    )
    assert set(fit.stability["measure"]) == {"ARI", "Jaccard"}
    card = fit.card(2, sizes)
    assert card.startswith("### Profil 2 — Équipes outillées")
    assert "\u202f%" in card and "." not in card.split("\n")[1].split("(")[0]


def test_supplementary_questions_describe_but_do_not_build(respondents):
    base = fit_profiles(respondents, V1, ["ai_status", "ai_charter"], n_clusters=3, n_boot=0)
    more = fit_profiles(
        respondents, V1, ["ai_status", "ai_charter"], ["org_type"], n_clusters=3, n_boot=0
    )
    assert np.array_equal(base.hcpc.labels_, more.hcpc.labels_)
    assert more.mca.supplementary_coordinates_ is not None


def test_profile_names_read_naturally():
    from barometer.usage_profiles import _naming_traits

    description = pd.DataFrame(
        {
            "cluster": [1, 1, 1, 1, 1],
            "category": [
                "Usage de l'IA : Usage régulier",
                "ChatGPT : oui",
                "Charte IA : Adoptée",
                "Claude : non",
                "Conception : non concerné",
            ],
            "v_test": [9.0, 8.0, 7.0, 6.0, 5.0],
        }
    )
    names = _naming_traits(description)["category"].tolist()
    assert names == ["Usage régulier", "ChatGPT", "Charte IA : Adoptée"]


def test_profiles_by_type_is_a_suppressed_published_table(respondents):
    fit = fit_profiles(respondents, V1, ["ai_status", "ai_charter"], n_clusters=3, n_boot=2)
    table = fit.by_question(respondents, V1, "org_type")
    frame = table.frame
    assert set(frame["col"].astype(str)) == {"ensemble", "1", "2", "3"}
    small = frame[(frame["n"] > 0) & (frame["n"] < 5)]
    assert not small.empty  # 240 respondents over 8 types × 3 profiles: some cells are tiny
    assert small["suppressed"].all()
    published = table.published
    assert published.loc[published["suppressed"], "percent"].isna().all()
    assert "Profil 1" in table.wide().columns.str.cat()
    french = fit.stability_table()
    assert list(french.columns[:3]) == ["Profil", "Mesure", "Moyenne"]
    assert french["Profil"].iloc[0] == "Ensemble"
