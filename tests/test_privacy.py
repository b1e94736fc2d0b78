"""Secrets, pseudonyms, scrubbing, output scans and small cells."""

from __future__ import annotations

import stat

import numpy as np
import pandas as pd
import pytest

from barometer.clean import clean_wave
from barometer.codebook import load_codebook
from barometer.privacy import (
    EMAIL_RE,
    PHONE_RE,
    SECRET_ENV,
    get_secret,
    pseudonym,
    pseudonym_key,
    scan_paths,
    scrub_text,
    small_cells,
)
from barometer.synth import generate


# ------------------------------------------------------------------ secrets
def test_secret_from_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv(SECRET_ENV, "from-env")
    assert get_secret(tmp_path / "key") == "from-env"
    assert not (tmp_path / "key").exists()


def test_secret_file_created_once_with_mode_0600(tmp_path, monkeypatch):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    path = tmp_path / ".barometer-secret"
    first = get_secret(path)
    assert len(first) == 64 and int(first, 16) >= 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert get_secret(path) == first


def test_secret_file_default_location_honours_project_root(tmp_path, monkeypatch):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    monkeypatch.setenv("BAROMETER_ROOT", str(tmp_path))
    secret = get_secret()
    assert (tmp_path / ".barometer-secret").read_text().strip() == secret


def test_empty_secret_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    path = tmp_path / "key"
    path.write_text("\n")
    with pytest.raises(ValueError, match="key file is empty"):
        get_secret(path)


# ---------------------------------------------------------------- pseudonyms
def test_pseudonym_is_hmac_sha256_prefix():
    # reference: printf 'contact@asso.fr' | openssl dgst -sha256 -hmac secret
    # -> 3aee2845b87c8e847580e5e001881aae3c94b6de8459aa9339ec79684e3dd994
    assert pseudonym("contact@asso.fr", "secret") == "3aee2845b87c8e84"


def test_pseudonym_depends_on_the_secret_and_refuses_empty_input():
    assert pseudonym("email:a@b.fr", "one") != pseudonym("email:a@b.fr", "two")
    with pytest.raises(ValueError, match="secret"):
        pseudonym("email:a@b.fr", "")
    with pytest.raises(ValueError, match="key"):
        pseudonym("", "secret")


def test_pseudonym_key_prefers_email_then_name_then_wave_and_id():
    assert pseudonym_key(" A@Asso.FR ", "Les Amis", "2025", "3") == "email:a@asso.fr"
    assert pseudonym_key(None, " Les  Amis de l'École", "2025", "3") == "org:les amis de l ecole"
    assert pseudonym_key("", None, "2025", "3") == "id:2025:3"
    assert pseudonym_key(None, None, "2026", None, row=12) == "id:2026:row12"


def _pseudonyms(wave: str, email: str, secret: str) -> tuple[str, pd.Series]:
    """Clean a generated wave whose first kept row is given ``email``; return its id."""
    raw, truth = generate(wave, n=60, seed=3)
    book = load_codebook("v1" if wave == "2025" else "v2")
    column = book.columns_of(book.by_role("email"))["contact_email"]
    complete = np.flatnonzero(
        ~truth[["is_test", "is_superseded", "abandoned", "consent_refused"]].any(axis=1)
    )
    raw = raw.copy()
    raw.loc[raw.index[complete[0]], column] = email
    result = clean_wave(raw, book, wave, pseudonymise=lambda key: pseudonym(key, secret))
    return result.respondents.loc[raw.index[complete[0]], "respondent_id"], result.respondents


def test_same_organisation_same_pseudonym_across_waves_and_keyed():
    in_2025, r2025 = _pseudonyms("2025", "Direction@Asso-Exemple.fr", "k1")
    in_2026, r2026 = _pseudonyms("2026", " direction@asso-exemple.fr", "k1")
    assert in_2025 == in_2026 == pseudonym("email:direction@asso-exemple.fr", "k1")
    other_key, _ = _pseudonyms("2025", "Direction@Asso-Exemple.fr", "k2")
    assert other_key != in_2025
    assert r2025["respondent_id"].str.fullmatch(r"[0-9a-f]{16}").all()
    assert r2025["respondent_id"].is_unique and r2026["respondent_id"].is_unique


# ------------------------------------------------------------------ scrubbing
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Écrivez à marie.dupont@asso-exemple.fr.", "Écrivez à [courriel]."),
        ("Tél : 06 12 34 56 78", "Tél : [téléphone]"),
        ("Tél : 06.12.34.56.78 ou 0612345678", "Tél : [téléphone] ou [téléphone]"),
        ("Appelez le +33 6 12 34 56 78", "Appelez le [téléphone]"),
        ("Standard : +33 (0)1 23 45 67 89", "Standard : [téléphone]"),
        ("Voir https://asso.fr/rapport?id=3 et www.asso.org.", "Voir [lien] et [lien]."),
        ("Contactez Jean Dupont pour en savoir plus", "Contactez [nom] pour en savoir plus"),
        ("Bonjour, je suis Aurélie Lefèvre-Martin.", "Bonjour, je suis [nom]."),
        ("Merci à Sophie Martin et à Camille", "Merci à [nom] et à Camille"),
        ("Notre chargée Nathalie Bernard a tout fait", "Notre chargée [nom] a tout fait"),
    ],
)
def test_scrub_text_replaces_identifiers(text, expected):
    assert scrub_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Nous utilisons Le Chat et Microsoft Copilot depuis 2024.",
        "Budget de 10 000 € par an, 75011 Paris, Île-de-France.",
        "Le Grand Est et la Région Sud sont en avance.",
        "Un code 01 23 45 67 n'est pas un numéro complet.",
    ],
)
def test_scrub_text_leaves_ordinary_text_alone(text):
    assert scrub_text(text) == text


def test_scrub_text_removes_own_organisation_whatever_the_spelling():
    names = ["Les Amis de l'École Verte"]
    text = "Chez LES AMIS DE L’ECOLE  VERTE, l'IA aide ; les amis de l ecole verte aussi."
    assert scrub_text(text, names=names) == (
        "Chez [organisation], l'IA aide ; [organisation] aussi."
    )
    assert scrub_text(None) is None
    with pytest.raises(TypeError, match="text must be a string"):
        scrub_text(42)


def test_email_and_phone_patterns():
    assert EMAIL_RE.fullmatch("prenom.nom+barometre@sous.domaine.fr")
    assert not EMAIL_RE.search("pas d'arobase ici")
    assert PHONE_RE.search("0033 6 12 34 56 78")
    assert not PHONE_RE.search("12345678901")
    assert not PHONE_RE.search("2025-03-03\n2025-03-04")  # dates on two lines
    assert not PHONE_RE.search("0924948060ab12cd")  # a pseudonym is not a number


# ---------------------------------------------------------------------- scan
def test_scan_paths_reports_file_line_and_kind_never_the_value(tmp_path):
    (tmp_path / "report.html").write_text("<p>ok</p>\n<p>mail: a.b@c.fr</p>\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "table.csv").write_text("x,y\n1,06 12 34 56 78\n", encoding="utf-8")
    (tmp_path / "sub" / "notes.md").write_text("Les Amis du Rhône\n", encoding="utf-8")
    (tmp_path / "data.parquet").write_bytes(b"a.b@c.fr")  # binary outputs are not scanned
    hits = scan_paths([tmp_path], forbidden=["les amis du rhône", "ab"])
    found = sorted((h.file.name, h.line, h.what) for h in hits)
    assert found == [
        ("notes.md", 1, "chaîne interdite n°1"),
        ("report.html", 2, "courriel"),
        ("table.csv", 2, "téléphone"),
    ]
    assert all("@" not in h.what for h in hits)
    with pytest.raises(ValueError, match="no such file"):
        scan_paths([tmp_path / "absent"])


# --------------------------------------------------------------- small cells
def test_small_cells_masks_positive_counts_below_threshold():
    counts = pd.DataFrame({"a": [0, 1, 4], "b": [5, 12, 3]}, index=["x", "y", "z"])
    mask = small_cells(counts, 5)
    expected = pd.DataFrame(
        {"a": [False, True, True], "b": [False, False, True]}, index=counts.index
    )
    pd.testing.assert_frame_equal(mask, expected)
    assert small_cells(np.array([2, 7]), 3).tolist() == [True, False]


@pytest.mark.parametrize(
    ("counts", "threshold", "error"),
    [
        (pd.Series([1, 2]), 0, ValueError),
        (pd.Series([1, 2]), 2.5, TypeError),
        (pd.Series([1, -2]), 3, ValueError),
        (pd.Series([1, None]), 3, ValueError),
    ],
)
def test_small_cells_refuses_bad_input(counts, threshold, error):
    with pytest.raises(error):
        small_cells(counts, threshold)
