"""Tests of the synthetic generator (barometer.synth) and of the shipped sample waves."""

from __future__ import annotations

import csv
import io
import re
import shlex
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from barometer import cli
from barometer.codebook import Codebook, Question, load_codebook, normalise_label
from barometer.synth import MESS, default_codebook, generate, generate_sample, write_wave
from barometer.synth.sample import fieldwork
from barometer.synth.text import EMAIL_DOMAINS, OTHER_TEXTS, TEST_EMAILS, TEST_ORG_NAMES
from barometer.waves import load_wave

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?:\+33 ?|0)[1-9](?:[ .]?\d{2}){4}")
FICTION_PHONE = re.compile(r"^(?:\+33 ?|0)(?:1[ .]?99[ .]?00|6[ .]?39[ .]?98)(?:[ .]?\d{2}){2}$")
N = 600  # rows of the fast samples


# ---------------------------------------------------------------- fixtures and helpers
@pytest.fixture(scope="module")
def v1() -> tuple[pd.DataFrame, pd.DataFrame, Codebook]:
    raw, truth = generate("2025", N, 11)
    return raw, truth, load_codebook("v1")


@pytest.fixture(scope="module")
def v2() -> tuple[pd.DataFrame, pd.DataFrame, Codebook]:
    raw, truth = generate("2026", N, 12)
    return raw, truth, load_codebook("v2")


@pytest.fixture(scope="module", params=["v1", "v2"])
def wave(request, v1, v2):
    return v1 if request.param == "v1" else v2


def column(cb: Codebook, qid: str, key: str | None = None) -> str:
    columns = cb.columns_of(cb.question(qid))
    return columns[key or qid]


def split_cell(cell: str, question: Question, separator: str) -> tuple[list[str], str | None]:
    """Split a forms cell knowing the labels (longest first); leftover text is "Autre"."""
    labels = sorted(question.labels.items(), key=lambda kv: -len(kv[1]))
    codes: list[str] = []
    pos = 0
    while pos < len(cell):
        for code, label in labels:
            end = pos + len(label)
            if cell.startswith(label, pos) and (
                end == len(cell) or cell.startswith(separator, end)
            ):
                codes.append(code)
                pos = end + len(separator)
                break
        else:
            return codes, cell[pos:]
    return codes, None


def ticked(raw: pd.DataFrame, cb: Codebook, qid: str) -> pd.DataFrame:
    """Return a boolean frame (rows x option codes) of a multiple question, both layouts."""
    question = cb.question(qid)
    if cb.export_format == "limesurvey_csv":
        return pd.DataFrame(
            {code: raw[column(cb, qid, code)].str.strip() != "" for code in question.codes}
        )
    parsed = [split_cell(c, question, cb.separator) for c in raw[column(cb, qid)]]
    other = question.other.code if question.other else None
    return pd.DataFrame(
        {
            code: [code in codes or (code == other and rest is not None) for codes, rest in parsed]
            for code in question.codes
        }
    )


def resolved(raw: pd.DataFrame, cb: Codebook, qid: str) -> pd.Series:
    return raw[column(cb, qid)].map(lambda v: cb.resolve(qid, v) if v.strip() else None)


def within_binomial(count: int, n: int, p: float, sds: float = 4.0) -> bool:
    """True when ``count`` successes out of ``n`` is within ``sds`` binomial sd of ``n p``."""
    return abs(count - n * p) <= sds * np.sqrt(n * p * (1 - p)) + 1


def completion(raw: pd.DataFrame, cb: Codebook) -> pd.Series:
    """Share of the questions asked of everyone (sections A to G) that a row answers."""
    asked = [
        q for q in cb.substantive if q.asked_if is None and q.is_categorical and q.section < "H"
    ]
    answered = pd.concat(
        [
            (raw[list(cb.columns_of(q).values())].apply(lambda s: s.str.strip() != "")).any(axis=1)
            for q in asked
        ],
        axis=1,
    )
    return answered.mean(axis=1)


# ---------------------------------------------------------------- determinism
def test_same_seed_same_bytes_and_different_seed_different_bytes(tmp_path: Path) -> None:
    first = [write_wave(w, 300, 5, tmp_path / f"a{w}") for w in ("2025", "2026")]
    time.sleep(2.1)  # zip timestamps have a two-second resolution
    second = [write_wave(w, 300, 5, tmp_path / f"b{w}") for w in ("2025", "2026")]
    other = [write_wave(w, 300, 6, tmp_path / f"c{w}") for w in ("2025", "2026")]
    for a, b, c in zip(first, second, other, strict=True):
        assert a[0].read_bytes() == b[0].read_bytes()  # export
        assert a[2].read_bytes() == b[2].read_bytes()  # ground truth
        assert a[0].read_bytes() != c[0].read_bytes()
    with zipfile.ZipFile(first[1][0]) as book:
        stamps = {info.date_time for info in book.infolist()}
        core = book.read("docProps/core.xml").decode()
    assert stamps == {(2026, 4, 30, 18, 0, 0)}
    assert "2026-04-30T18:00:00Z" in core


def test_generate_is_pure_and_matches_written_export(tmp_path: Path) -> None:
    raw, truth = generate("2025", 200, 3)
    again, truth_again = generate("2025", 200, 3)
    pd.testing.assert_frame_equal(raw, again)
    pd.testing.assert_frame_equal(truth, truth_again)
    paths = write_wave("2025", 200, 3, tmp_path / "2025")
    read = pd.read_csv(paths[0], dtype=str, keep_default_na=False)
    assert read.to_numpy().tolist() == raw.to_numpy().tolist()
    assert list(read.columns) == list(raw.columns)


def test_xlsx_cells_read_back_as_the_raw_frame(tmp_path: Path) -> None:
    raw, _ = generate("2026", 150, 4)
    paths = write_wave("2026", 150, 4, tmp_path / "2026")
    read = pd.read_excel(paths[0], dtype=str).fillna("")
    assert list(read.columns) == list(raw.columns)
    assert read.to_numpy().tolist() == raw.to_numpy().tolist()


# ---------------------------------------------------------------- layouts
def test_every_codebook_column_is_in_the_header(wave) -> None:
    raw, _, cb = wave
    assert list(raw.columns) == cb.export_columns()
    assert all(isinstance(v, str) for v in raw.to_numpy().ravel())


def test_limesurvey_layout_values(v1) -> None:
    raw, truth, cb = v1
    for q in cb.of_type("multiple"):
        for code in q.codes:
            assert set(raw[column(cb, q.id, code)]) <= {cb.checked_value, ""}
    for q in cb.of_type("scale"):
        assert set(raw[column(cb, q.id)].str.strip()) <= {"", "1", "2", "3", "4", "5"}
    pages = cb.completion_pages
    lastpage = raw[column(cb, "last_page")].astype(int)
    assert lastpage.between(1, pages).all()
    submitted = raw[column(cb, "submitted_at")] != ""
    assert (submitted == ~truth["abandoned"]).all()
    assert (lastpage[truth["abandoned"]] / pages < cb.completion_min_share).all()


def test_forms_multiple_cells_parse_back_to_labels(v2) -> None:
    raw, _, cb = v2
    leftovers = 0
    for q in cb.of_type("multiple"):
        for cell in raw[column(cb, q.id)]:
            codes, rest = split_cell(cell, q, cb.separator)
            if rest is not None:
                assert q.other is not None, f"{q.id}: unparsed text {rest!r}"
                assert rest in OTHER_TEXTS[q.id]
                leftovers += 1
            assert len(codes) == len(set(codes))
    assert leftovers > 0
    # labels holding ", " are parsed as one option, never as two
    tools = cb.question("tools")
    comma_labels = [code for code, label in tools.labels.items() if ", " in label]
    assert comma_labels
    assert ticked(raw, cb, "tools")[comma_labels].to_numpy().any()


def test_label_cells_resolve_or_are_flagged(wave) -> None:
    raw, truth, cb = wave
    forms = cb.export_format == "forms_xlsx"
    for q in cb.substantive:
        if q.type not in ("single", "scale", "array"):
            continue
        for variable, col in cb.columns_of(q).items():
            if variable == "other":
                continue
            cells = raw[col]
            codes = cells.map(lambda v, q=q: cb.resolve(q.id, v) if v.strip() else "")
            unknown = codes.isna()
            if q.id == "region":
                assert (unknown == truth["region_unknown"]).all()
            elif forms and q.other is not None:
                assert truth.loc[unknown, "other_text"].all()
            else:
                assert not unknown.any(), f"{col}: {cells[unknown].tolist()[:3]}"


# ---------------------------------------------------------------- truth agrees with the file
def test_consent_refused_rows_hold_je_refuse_and_nothing_else(wave) -> None:
    raw, truth, cb = wave
    consent = raw[column(cb, "consent")]
    refuse = cb.by_role("consent").label("refuse")
    assert ((consent == refuse) == truth["consent_refused"]).all()
    substantive = [c for q in cb.substantive for c in cb.columns_of(q).values()]
    refused = raw.loc[truth["consent_refused"], substantive]
    assert (refused == "").all().all()


def test_abandoned_rows_are_incomplete(wave) -> None:
    raw, truth, cb = wave
    share = completion(raw, cb)
    assert (share[truth["abandoned"]] < cb.completion_min_share).all()
    kept = ~truth["abandoned"] & ~truth["consent_refused"]
    assert (share[kept] >= cb.completion_min_share).all()


def test_test_submissions_and_identifiers(wave) -> None:
    raw, truth, cb = wave
    org = raw[column(cb, "org_name")]
    email = raw[column(cb, "contact_email")]
    looks_test = org.isin(TEST_ORG_NAMES) | email.isin(TEST_EMAILS)
    assert (looks_test == truth["is_test"]).all()
    assert ((email != "") == truth["has_contact_email"]).all()
    assert ((org != "") == truth["has_org_name"]).all()


def test_duplicates_share_an_identifier_and_the_earlier_is_superseded(wave) -> None:
    raw, truth, cb = wave
    submitted = pd.to_datetime(raw[column(cb, "submitted_at")])
    keys = pd.DataFrame(
        {
            "org": raw[column(cb, "org_name")].map(normalise_label),
            "email": raw[column(cb, "contact_email")].str.strip().str.lower(),
        }
    )
    org_type = resolved(raw, cb, "org_type").fillna(raw[column(cb, "org_type")])
    groups = truth.dropna(subset=["duplicate_group"]).groupby("duplicate_group")
    assert len(groups) > 0
    for _, rows in groups:
        assert len(rows) == 2
        first, last = rows.index
        shared_org = keys.at[first, "org"] != "" and keys.at[first, "org"] == keys.at[last, "org"]
        shared_email = keys.at[first, "email"] != "" and (
            keys.at[first, "email"] == keys.at[last, "email"]
        )
        assert shared_org or shared_email
        assert submitted[first] < submitted[last]
        assert truth.at[first, "is_superseded"] and not truth.at[last, "is_superseded"]
        assert org_type[first] == org_type[last]
    # outside the pairs and the tests, no two rows share an identifier
    single = truth["duplicate_group"].isna() & ~truth["is_test"]
    for key in ("org", "email"):
        values = keys.loc[single, key]
        values = values[values != ""]
        assert values.is_unique


def test_too_many_barriers_and_routing_contradictions(wave) -> None:
    raw, truth, cb = wave
    barriers = ticked(raw, cb, "barriers").sum(axis=1)
    limit = cb.question("barriers").max_choices
    assert ((barriers > limit) == truth["too_many_barriers"]).all()
    tools = ticked(raw, cb, "tools").any(axis=1)
    users = resolved(raw, cb, "ai_status").isin(cb.question("tools").asked_if.codes)
    contradiction = tools & ~users
    assert (contradiction == truth["routing_contradiction"]).all()
    local_gov = resolved(raw, cb, "org_type").isin(cb.question("population_band").asked_if.codes)
    assert (raw.loc[~local_gov, column(cb, "population_band")] == "").all()
    not_considered = resolved(raw, cb, "ai_status") == "not_considered"
    assert not_considered[contradiction].all()


def test_region_variants_resolve_and_differ_from_the_label(wave) -> None:
    raw, truth, cb = wave
    cells = raw[column(cb, "region")]
    codes = resolved(raw, cb, "region")
    labels = set(cb.question("region").labels.values())
    variant = truth["region_variant"]
    assert codes[variant].notna().all()
    assert not cells[variant].isin(labels).any()
    plain = (cells != "") & ~variant & ~truth["region_unknown"]
    assert cells[plain].isin(labels).all()


def test_case_space_mess_is_counted_per_cell(wave) -> None:
    raw, truth, cb = wave
    count = pd.Series(0, index=raw.index)
    for q in cb.substantive:
        if q.id == "region" or q.type not in ("single", "scale", "array"):
            continue
        plain = set(q.codes if q.type == "scale" else q.labels.values())
        for key, col in cb.columns_of(q).items():
            if key == "other":
                continue
            cells = raw[col]
            resolves = cells.map(lambda v, q=q: v != "" and cb.resolve(q.id, v) is not None)
            count += (resolves & ~cells.isin(plain)).astype(int)
    assert (count == truth["case_space_cells"]).all()


def test_testimony_flags_match_their_text(wave) -> None:
    raw, truth, cb = wave
    columns = [c for q in cb.questions if q.role == "testimony" for c in cb.columns_of(q).values()]
    text = raw[columns].agg(" ".join, axis=1)
    assert ((raw[columns] != "").any(axis=1) == truth["has_testimony"]).all()
    assert (text.str.contains(EMAIL) == truth["testimony_has_email"]).all()
    assert (text.str.contains(PHONE) == truth["testimony_has_phone"]).all()
    org = raw[column(cb, "org_name")].str.strip()
    mentions = [o != "" and o in t for o, t in zip(org, text, strict=True)]
    assert (pd.Series(mentions) == truth["testimony_has_org_name"]).all()


# ---------------------------------------------------------------- rates
RATE_CHECKS = [
    ("is_test", None, MESS.test),
    ("is_superseded", None, MESS.duplicate),
    ("abandoned", None, MESS.abandoned),
    ("consent_refused", None, MESS.consent_refused),
    ("too_many_barriers", None, MESS.too_many_barriers),
    ("routing_contradiction", None, MESS.routing_contradiction),
    ("region_unknown", None, MESS.region_unknown),
    ("region_variant", "answered_region", MESS.region_variant),
    ("has_contact_email", "complete", MESS.contact_email),
    ("has_org_name", "complete", MESS.org_name),
    ("has_testimony", "complete", MESS.testimony),
    ("testimony_has_email", "writers", MESS.testimony_email),
    ("testimony_has_phone", "writers", MESS.testimony_phone),
    ("testimony_has_name", "writers", MESS.testimony_name),
]


@pytest.mark.parametrize(("flag", "base", "target"), RATE_CHECKS)
def test_planted_rates_within_binomial_tolerance(v1, v2, flag, base, target) -> None:
    truth = pd.concat([v1[1], v2[1]], ignore_index=True)
    raws = [v1[0][column(v1[2], "region")], v2[0][column(v2[2], "region")]]
    region = pd.concat(raws, ignore_index=True)
    complete = ~truth["abandoned"] & ~truth["consent_refused"] & ~truth["is_test"]
    bases = {
        None: pd.Series(True, index=truth.index),
        "answered_region": (region != "") & ~truth["region_unknown"],
        "complete": complete,
        "writers": complete & truth["has_testimony"],
    }
    rows = bases[base]
    count, n = int(truth.loc[rows, flag].sum()), int(rows.sum())
    assert within_binomial(count, n, target), f"{flag}: {count}/{n} vs {target}"


def test_case_space_rate_per_label_cell(v1) -> None:
    raw, truth, cb = v1
    cells = 0
    for q in cb.substantive:
        if q.id != "region" and q.type in ("single", "scale", "array"):
            cols = [c for k, c in cb.columns_of(q).items() if k != "other"]
            cells += int((raw[cols] != "").to_numpy().sum())
    assert within_binomial(int(truth["case_space_cells"].sum()), cells, MESS.case_space)


# ---------------------------------------------------------------- planted relationships
@pytest.fixture(scope="module")
def large() -> tuple[pd.DataFrame, pd.DataFrame, Codebook]:
    raw, truth = generate("2025", 6000, 99)
    keep = ~truth["abandoned"] & ~truth["consent_refused"] & ~truth["is_test"]
    return raw[keep].reset_index(drop=True), truth[keep].reset_index(drop=True), load_codebook("v1")


def test_sobriety_cited_more_with_an_environmental_purpose(large) -> None:
    raw, _, cb = large
    env = ticked(raw, cb, "purpose")["environnementale"]
    sobriety = ticked(raw, cb, "barriers")["sobriety"]
    ratio = sobriety[env].mean() / sobriety[~env].mean()
    assert 1.2 < ratio < 2.0


def test_families_worries_higher_in_education(large) -> None:
    raw, _, cb = large
    education = ticked(raw, cb, "purpose")["educative"] | (
        resolved(raw, cb, "org_type") == "edtech"
    )
    families = ticked(raw, cb, "barriers")["families"]
    assert families[education].mean() > 2 * families[~education].mean()


def test_users_share_by_type_follows_the_plausible_distributions(large) -> None:
    raw, _, cb = large
    users = resolved(raw, cb, "ai_status").isin(cb.question("tools").asked_if.codes)
    types = resolved(raw, cb, "org_type")
    local_gov = cb.question("population_band").asked_if.codes
    group = types.where(~types.isin(local_gov), "collectivite")
    share = users.groupby(group).mean()
    # questionnaire.md: associations ~40 %, foundations ~60 %, collectivités ~65 %,
    # mission-driven companies ~70 %, EdTech ~90 %
    targets = {
        "association": 0.40,
        "fondation": 0.60,
        "collectivite": 0.65,
        "entreprise_mission": 0.70,
        "edtech": 0.90,
    }
    for key, target in targets.items():
        assert abs(share[key] - target) < 0.06, (key, share[key])
    assert share["association"] < min(share["fondation"], share["collectivite"])
    assert max(share["collectivite"], share["entreprise_mission"]) < share["edtech"]


def test_marginals_follow_the_plausible_distributions(large) -> None:
    raw, _, cb = large
    users = resolved(raw, cb, "ai_status").isin(cb.question("tools").asked_if.codes)
    tools = ticked(raw, cb, "tools")[users].mean()
    # questionnaire.md: ChatGPT ~78 %, Gemini ~28 %, Copilot ~25 %, Le Chat ~18 %, Claude ~8 %
    for code, target in {"chatgpt": 0.78, "gemini": 0.28, "copilot": 0.25, "le_chat": 0.18}.items():
        assert abs(tools[code] - target) < 0.05, (code, tools[code])
    charter = resolved(raw, cb, "ai_charter").value_counts(normalize=True)
    assert abs(charter["adopted"] - 0.15) < 0.04
    assert abs(charter["in_progress"] - 0.25) < 0.04
    stance = resolved(raw, cb, "stance").value_counts(normalize=True)
    for code, target in {"convinced": 0.35, "pragmatic": 0.42, "reluctant": 0.23}.items():
        assert abs(stance[code] - target) < 0.04, (code, stance[code])
    used = ["regularly", "occasionally"]
    for row, target in {"stage_valorisation": 0.65, "stage_evaluation": 0.22}.items():
        cells = raw.loc[users, column(cb, "stages", row)]
        share = cells.map(lambda v: cb.resolve("stages", v)).isin(used).mean()
        assert abs(share - target) < 0.05, (row, share)


def test_profiles_drive_governance(large) -> None:
    raw, truth, cb = large
    charter = resolved(raw, cb, "ai_charter")
    adopted = (charter == "adopted").groupby(truth["profile"]).mean()
    assert adopted["advanced_integrators"] > 0.5 > adopted["equipped_teams"]
    assert adopted["equipped_teams"] > adopted["individual_explorers"]
    users = resolved(raw, cb, "ai_status").isin(cb.question("tools").asked_if.codes)
    sceptical = truth["profile"] == "non_users_sceptical"
    assert not users[sceptical].any()
    assert users[~sceptical].all()


# ---------------------------------------------------------------- files and privacy
def test_excel_csv_decodes_with_cp1252_and_holds_the_same_content(tmp_path: Path) -> None:
    utf8 = write_wave("2025", 300, 8, tmp_path / "utf8")[0].read_bytes()
    excel_paths = write_wave("2025", 300, 8, tmp_path / "excel", encoding="cp1252", delimiter=";")
    excel = excel_paths[0].read_bytes()
    with pytest.raises(UnicodeDecodeError):
        excel.decode("utf-8")
    rows_utf8 = list(csv.reader(io.StringIO(utf8.decode("utf-8"), newline="")))
    rows_excel = list(csv.reader(io.StringIO(excel.decode("cp1252"), newline=""), delimiter=";"))
    assert rows_excel == rows_utf8
    assert b"\r\n" in excel
    meta = (tmp_path / "excel" / "wave.yaml").read_text(encoding="utf-8")
    assert 'encoding: "cp1252"' in meta and 'delimiter: ";"' in meta


def test_emails_phones_and_addresses_are_reserved_for_fiction(wave) -> None:
    raw, _, cb = wave
    cells = " ".join(raw.to_numpy().ravel())
    domains = {m.split("@")[1].lower() for m in EMAIL.findall(cells)}
    assert domains and domains <= set(EMAIL_DOMAINS)
    phones = PHONE.findall(cells)
    assert phones and all(FICTION_PHONE.match(p) for p in phones)
    if "ip_address" in cb:
        ips = raw[column(cb, "ip_address")]
        assert ips.str.match(r"^(192\.0\.2|198\.51\.100|203\.0\.113)\.\d{1,3}$").all()


def test_ground_truth_holds_no_identifier(tmp_path: Path) -> None:
    paths = write_wave("2026", 300, 9, tmp_path / "2026")
    raw, _ = generate("2026", 300, 9)
    cb = load_codebook("v2")
    truth_text = paths[2].read_text(encoding="utf-8")
    cells = set(pd.read_csv(paths[2], dtype=str, keep_default_na=False).to_numpy().ravel())
    identifiers = {
        value.strip()
        for qid in ("contact_email", "org_name")
        for value in raw[column(cb, qid)]
        if value.strip()
    }
    assert identifiers and not cells & identifiers
    long_names = [v for v in identifiers if len(v) > 12]
    assert long_names and not any(v in truth_text for v in long_names)
    assert "@" not in truth_text


def test_wave_yaml_is_a_valid_registered_wave(tmp_path: Path) -> None:
    write_wave("2026", 120, 1, tmp_path / "2026")
    wave = load_wave(tmp_path / "2026")
    assert wave.id == "2026" and wave.codebook == "v2" and wave.format == "xlsx"
    assert (wave.fieldwork_start.isoformat(), wave.fieldwork_end.isoformat()) == (
        "2026-03-02",
        "2026-04-30",
    )
    assert wave.synthetic and wave.title == "Vague 2026 — données synthétiques"
    assert wave.ground_truth is not None and wave.ground_truth.is_file()
    assert wave.generator.startswith("barometer synth --wave 2026 --n 120 --seed 1 --out ")


def test_fieldwork_and_default_codebook() -> None:
    assert fieldwork("2025")[0].isoformat() == "2025-03-03"  # first Monday of March
    assert fieldwork("2027")[0].isoformat() == "2027-03-01"
    assert default_codebook("2025") == "v1" and default_codebook("2027") == "v2"
    raw, _ = generate("2025", 200, 2)
    start, end = fieldwork("2025")
    dates = pd.to_datetime(raw["startdate"]).dt.date
    assert dates.min() >= start and dates.max() <= end


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"wave": "vague"}, ValueError, "four-digit year"),
        ({"wave": 2025}, TypeError, "wave must be a string"),
        ({"n": 0}, ValueError, "n must be between"),
        ({"n": "10"}, TypeError, "n must be an integer"),
        ({"seed": -1}, ValueError, "seed must be non-negative"),
        ({"codebook": "v9"}, ValueError, "no codebook 'v9'"),
    ],
)
def test_bad_arguments_raise_clear_errors(kwargs, error, message) -> None:
    args = {"wave": "2025", "n": 10, "seed": 1} | kwargs
    with pytest.raises(error, match=message):
        generate(**args)


def test_write_wave_refuses_bad_csv_options_and_real_data(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="apply to CSV"):
        write_wave("2026", 10, 1, tmp_path / "x", encoding="cp1252")
    with pytest.raises(ValueError, match="not a known text encoding"):
        write_wave("2025", 10, 1, tmp_path / "y", encoding="klingon")
    with pytest.raises(ValueError, match="delimiter"):
        write_wave("2025", 10, 1, tmp_path / "y", delimiter=";;")
    real = tmp_path / "real"
    real.mkdir()
    (real / "wave.yaml").write_text("wave: '2025'\nsynthetic: false\n", encoding="utf-8")
    with pytest.raises(ValueError, match="refusing to overwrite real data"):
        write_wave("2025", 10, 1, real)
    assert not (real / "export.csv").exists()


def test_cli_reports_errors_on_one_line(tmp_path: Path, capsys) -> None:
    code = cli.main(
        ["synth", "--wave", "2026", "--n", "5", "--out", str(tmp_path), "--delimiter", ";"]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith("barometer: error:") and err.count("\n") == 1


# ---------------------------------------------------------------- shipped samples
def readme_commands() -> list[list[str]]:
    text = (RAW / "README.md").read_text(encoding="utf-8")
    lines = [
        line.strip() for line in text.splitlines() if line.strip().startswith("barometer synth")
    ]
    return [shlex.split(line) for line in lines]


def test_readme_documents_both_sample_waves() -> None:
    commands = readme_commands()
    waves = sorted(c[c.index("--wave") + 1] for c in commands)
    assert waves == ["2025", "2026"]
    for command in commands:
        wave = command[command.index("--wave") + 1]
        meta = load_wave(RAW / wave)
        assert meta.synthetic
        assert meta.generator == shlex.join(command)


@pytest.mark.parametrize("wave_id", ["2025", "2026"])
def test_shipped_sample_regenerates_byte_identically(tmp_path: Path, wave_id: str) -> None:
    command = next(c for c in readme_commands() if c[c.index("--wave") + 1] == wave_id)
    out = command.index("--out") + 1
    shipped = RAW / wave_id
    assert Path(command[out]) == shipped.relative_to(ROOT)
    command[out] = str(tmp_path / wave_id)
    assert cli.main(command[1:]) == 0
    for name in sorted(p.name for p in shipped.iterdir()):
        fresh = (tmp_path / wave_id / name).read_bytes()
        if name == "wave.yaml":
            fresh = fresh.replace(str(tmp_path / wave_id).encode(), f"data/raw/{wave_id}".encode())
        assert fresh == (shipped / name).read_bytes(), name


def test_shipped_samples_are_small_and_labelled_synthetic() -> None:
    assert (RAW / "2026" / "export.xlsx").stat().st_size < 500_000
    assert (RAW / "2025" / "export.csv").stat().st_size < 700_000
    readme = (RAW / "README.md").read_text(encoding="utf-8").lower()
    assert "synthetic" in readme and "read-only" in readme


def test_sample_object_exposes_codes_for_the_same_rows() -> None:
    sample = generate_sample("2025", 100, 21)
    raw, truth = generate("2025", 100, 21)
    cb = sample.codebook
    assert (sample.response_id == truth["response_id"].to_numpy()).all()
    codes = pd.Series(sample.answers.codes["ai_status"]).fillna("")
    assert (codes == resolved(raw, cb, "ai_status").fillna("")).all()


def test_profiles_are_recoverable_but_not_trivially_separable(wave) -> None:
    # the clustering the project publishes: MCA then HCPC on adoption, stages, tools, governance
    from sklearn.metrics import adjusted_rand_score

    from barometer.profiles import HCPC, MCA

    raw, truth, cb = wave
    keep = ~truth["abandoned"] & ~truth["consent_refused"] & ~truth["is_test"]
    active = {}
    for qid in ("ai_status", "usage_mode", "frequency", "access_model", "stages", "ai_charter"):
        q = cb.question(qid)
        for key, col in cb.columns_of(q).items():
            if key != "other":
                codes = raw.loc[keep, col].map(lambda v, q=q: cb.resolve(q.id, v) or "vide")
                active[col] = codes.to_numpy()
    for code, values in ticked(raw, cb, "tools")[keep].items():
        active[f"tools_{code}"] = np.where(values, "oui", "non")
    frame = pd.DataFrame(active).astype("category")
    coordinates = MCA(n_components=5).fit(frame).row_coordinates_
    profile = truth.loc[keep, "profile"].to_numpy()
    labels = HCPC(n_clusters=4, n_components=5).fit(coordinates).labels_
    assert adjusted_rand_score(profile, labels) >= 0.5
    users = profile != "non_users_sceptical"
    # among users, the three profiles overlap: a perfect recovery would mean no noise
    assert adjusted_rand_score(profile[users], labels[users]) < 0.9
