"""The codebook loads, describes the questionnaire, and refuses broken files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from barometer.codebook import (
    CodebookError,
    available_versions,
    load_codebook,
    multiple_variable,
    normalise_label,
)
from barometer.paths import CODEBOOK_DIR

# the questionnaire lies beside the repository (../shared), for developers and CI alike
QUESTIONNAIRE = Path(__file__).resolve().parents[2] / "shared" / "questionnaire.md"


def test_shipped_versions_load():
    assert available_versions() == ["v1", "v2"]
    v1, v2 = load_codebook("v1"), load_codebook("v2")
    assert v1.export_format == "limesurvey_csv"
    assert v2.export_format == "forms_xlsx"
    assert v2.previous_version == "v1"


def test_v1_holds_every_question_of_the_questionnaire():
    v1 = load_codebook("v1")
    expected = {
        "org_type", "org_size", "population_band", "purpose", "audiences", "region",
        "respondent_role", "digital_maturity", "ai_status", "usage_mode", "frequency",
        "tools", "access_model", "stages", "tasks", "benefits", "barriers", "ai_charter",
        "ai_referent", "training", "personal_data_rule", "beneficiary_info",
        "sovereignty_importance", "solution_preference", "footprint_considered",
        "footprint_vs_search", "expectations", "stance", "opportunity_threat",
        "testimony_use", "testimony_concern", "testimony_needs",
    }  # fmt: skip
    assert expected <= {q.id for q in v1.questions}
    stages = v1.question("stages")
    assert [r.id for r in stages.rows] == [
        "stage_conception", "stage_pilotage", "stage_suivi", "stage_evaluation",
        "stage_valorisation",
    ]  # fmt: skip
    assert v1.question("barriers").max_choices == 3
    assert len(v1.question("region").options) == 14


def test_labels_are_the_questionnaire_labels():
    """Every option label of the v1 tables of the questionnaire is in the codebook, verbatim."""
    text = QUESTIONNAIRE.read_text(encoding="utf-8").split("## Wave 2026")[0]
    v1 = load_codebook("v1")
    rows = re.findall(r"^\| (\w+) \| (?:single|multiple)[^|]*\| (.+?) \|$", text, flags=re.M)
    assert len(rows) >= 20
    for question_id, answers in rows:
        labels = [a.strip() for a in answers.split(" · ")]  # "·" alone is inclusive writing
        codebook_labels = list(v1.question(question_id).labels.values())
        if question_id == "region":
            continue  # "the 13 metropolitan regions" is spelled out in the codebook
        assert labels == codebook_labels, question_id


def test_v2_changes_are_mapped_onto_v1():
    v2 = load_codebook("v2")
    org_type = v2.question("org_type")
    assert org_type.previous.options["departement"] == "departement_region"
    assert org_type.previous.options["region"] == "departement_region"
    assert org_type.previous.options["association"] == "association"
    assert v2.question("ai_budget").previous.question is None
    tools = v2.question("tools")
    assert tools.previous.options["agents"] is None
    assert tools.label("le_chat") == "Le Chat"
    assert v2.resolve("tools", "Le Chat (Mistral)") == "le_chat"


@pytest.mark.parametrize(
    ("raw", "code"),
    [("Île-de-France", "idf"), ("ile de france", "idf"), (" IDF ", "idf"),
     ("ILE-DE-FRANCE", "idf"), ("Provence-Alpes-Côte d'Azur", "paca"), ("Bretagne du Sud", None)],
)  # fmt: skip
def test_resolve_folds_variants(raw, code):
    assert load_codebook("v1").resolve("region", raw) == code


def test_normalise_label():
    assert normalise_label("  Élu·e ") == "elue"
    assert normalise_label("N’envisage  pas") == normalise_label("N'envisage pas")


def test_export_columns_per_layout():
    v1, v2 = load_codebook("v1"), load_codebook("v2")
    assert v1.columns_of(v1.question("tools"))["chatgpt"] == "tools[SQ001]"
    assert v1.columns_of(v1.question("tools"))["other"] == "tools[other]"
    assert v2.columns_of(v2.question("tools")) == {"tools": v2.question("tools").text}
    stage_cols = v2.columns_of(v2.question("stages"))
    assert stage_cols["stage_suivi"].endswith("[Suivi]")
    assert len(set(v1.export_columns())) == len(v1.export_columns())


def test_variables_of_each_type():
    v1 = load_codebook("v1")
    assert v1.question("tools").variables[0] == multiple_variable("tools", "chatgpt")
    assert v1.question("stages").variables[-1] == "stage_valorisation"
    assert v1.question("stance").variables == ["stance"]
    assert {q.id for q in v1.identifiers} == {
        "response_id",
        "ip_address",
        "contact_email",
        "org_name",
    }


def test_round_trip_through_yaml(tmp_path):
    """Dumping the YAML and loading it again gives the same questionnaire."""
    document = yaml.safe_load((CODEBOOK_DIR / "v1.yaml").read_text(encoding="utf-8"))
    copy = tmp_path / "copy.yaml"
    copy.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    original, reloaded = load_codebook("v1"), load_codebook(copy)
    assert reloaded.questions == original.questions
    assert reloaded.export_columns() == original.export_columns()


def _broken(tmp_path: Path, edit) -> Path:
    document = yaml.safe_load((CODEBOOK_DIR / "v1.yaml").read_text(encoding="utf-8"))
    edit(document)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _question(document: dict, question_id: str) -> dict:
    return next(q for q in document["questions"] if q["id"] == question_id)


def _duplicate_id(d):
    _question(d, "org_size")["id"] = "org_type"


def _duplicate_code(d):
    _question(d, "org_size")["options"][1]["code"] = "none"


def _unknown_routing(d):
    _question(d, "tools")["asked_if"] = {"question": "ai_usage", "in": ["regular"]}


def _unknown_routing_option(d):
    _question(d, "tools")["asked_if"] = {"question": "ai_status", "in": ["sometimes"]}


def _unknown_key(d):
    _question(d, "stance")["colour"] = "blue"


def _alias_clash(d):
    _question(d, "region")["options"][0]["aliases"].append("IDF")


def _bad_type(d):
    _question(d, "stance")["type"] = "choice"


def _no_options(d):
    _question(d, "stance")["options"] = []


@pytest.mark.parametrize(
    ("edit", "question", "problem"),
    [
        (_duplicate_id, "org_type", "duplicate question id"),
        (_duplicate_code, "org_size", "duplicate option code 'none'"),
        (_unknown_routing, "tools", "routing to unknown question 'ai_usage'"),
        (_unknown_routing_option, "tools", "routing to unknown option(s) ['sometimes']"),
        (_unknown_key, "stance", "unknown key(s) 'colour'"),
        (_alias_clash, "region", "points at two options"),
        (_bad_type, "stance", "type 'choice'"),
        (_no_options, "stance", "needs options"),
    ],
)
def test_broken_codebook_is_refused_with_file_question_problem(tmp_path, edit, question, problem):
    path = _broken(tmp_path, edit)
    with pytest.raises(CodebookError) as info:
        load_codebook(path)
    message = str(info.value)
    assert str(path) in message
    assert f"question {question!r}" in message
    assert problem in message


def test_mapping_to_unknown_option_is_refused(tmp_path):
    document = yaml.safe_load((CODEBOOK_DIR / "v2.yaml").read_text(encoding="utf-8"))
    _question(document, "org_type")["options"][3]["previous"] = "departements"
    path = tmp_path / "v2.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (tmp_path / "v1.yaml").write_text((CODEBOOK_DIR / "v1.yaml").read_text(encoding="utf-8"))
    with pytest.raises(
        CodebookError, match=r"question 'org_type'.*unknown v1 option 'departements'"
    ):
        load_codebook(path)


def test_unknown_version_lists_shipped_ones():
    with pytest.raises(CodebookError, match="shipped versions: v1, v2"):
        load_codebook("v9")


def test_not_yaml(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("questions: [unclosed", encoding="utf-8")
    with pytest.raises(CodebookError, match="not valid YAML"):
        load_codebook(path)
