"""The real notebooks, run by `barometer run` on small synthetic waves.

A throwaway project gets three synthetic waves made by `barometer synth`:
2025 (questionnaire v1, CSV), 2026 and 2027 (v2, XLSX). The third wave is
added exactly as a researcher would add a new year — an export and its
``wave.yaml`` in ``data/raw/2027/`` — and the pipeline picks it up with no
code change: it is cleaned, analysed, and appears in the trends.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from barometer.cli import main
from barometer.codebook import load_codebook
from barometer.ingest import read_wave_export
from barometer.pipeline import run
from barometer.waves import list_waves

ROOT = Path(__file__).resolve().parents[1]
WAVES = {"2025": 160, "2026": 160, "2027": 160}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("barometer")
    (root / "pyproject.toml").write_text("")
    shutil.copytree(
        ROOT / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns("*.ipynb")
    )
    patch = pytest.MonkeyPatch()
    patch.setenv("BAROMETER_ROOT", str(root))
    patch.setenv("BAROMETER_SECRET", "end-to-end-secret")
    for seed, (wave, n) in enumerate(WAVES.items(), start=1):
        out = root / "data" / "raw" / wave
        assert (
            main(["synth", "--wave", wave, "--n", str(n), "--seed", str(seed), "--out", str(out)])
            == 0
        )
    code = run(jobs=2, root=root, timeout=900)
    assert code == 0, "barometer run failed on the synthetic project: see the captured output"
    yield root
    patch.undo()


def _identifiers(root: Path) -> set[str]:
    """E-mails and organisation names of every raw export."""
    found: set[str] = set()
    for wave in list_waves(root / "data" / "raw"):
        codebook = load_codebook(wave.codebook)
        raw = read_wave_export(wave)
        for role in ("email", "org_name"):
            question = codebook.by_role(role)
            column = codebook.columns_of(question)[question.id]
            found |= {v.strip() for v in raw[column].dropna() if len(v.strip()) >= 6}
    return found


def test_every_wave_is_cleaned_analysed_and_published(project):
    assert [w.id for w in list_waves(project / "data" / "raw")] == list(WAVES)
    for wave in WAVES:
        processed = project / "data" / "processed" / wave
        for name in ("respondents.parquet", "quarantine.csv", "cleaning-log.json",
                     "testimonies.parquet", "profiles.parquet"):  # fmt: skip
            assert (processed / name).is_file(), (wave, name)
        reports = project / "reports" / wave
        for name in ("01_clean", "02_tables", "03_profiles", "04_figures"):
            assert (reports / f"{name}.ipynb").is_file()
            assert (reports / f"{name}.html").is_file()
        assert (reports / "tables.xlsx").is_file()
        manifest = pd.read_csv(project / "figures" / wave / "manifest.csv")
        assert len(manifest) >= 12
        assert manifest["alt"].str.len().min() > 20
    index = (project / "reports" / "index.html").read_text(encoding="utf-8")
    for wave in WAVES:
        assert f"{wave}/02_tables.html" in index
    assert "synthétiques" in index


def test_public_pages_have_no_code_and_are_french(project):
    pages = sorted((project / "reports").glob("*/*.html"))
    assert len(pages) >= 13
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert '<html lang="fr"' in html, page
        # code cells keep only their outputs: no source editor, no highlighted code, no prompt
        assert not re.search(r'class="[^"]*(jp-Editor|highlight|jp-InputPrompt)', html), page
        assert "import pandas" not in html and "from barometer" not in html, page
        assert all(alt for alt in re.findall(r'<img[^>]*alt="([^"]*)"', html)), page
        assert len(re.findall(r"<img", html)) == len(re.findall(r'<img[^>]*alt="[^"]+"', html))


def test_no_identifier_reaches_any_output(project):
    identifiers = _identifiers(project)
    assert len(identifiers) > 50  # the synthetic exports do hold names and addresses
    pattern = re.compile("|".join(re.escape(i) for i in sorted(identifiers, key=len, reverse=True)))
    outputs = [p for folder in ("reports", "figures", "data/processed")
               for p in (project / folder).rglob("*") if p.is_file()]  # fmt: skip
    assert outputs
    for path in outputs:
        if path.suffix == ".parquet":
            frame = pd.read_parquet(path)
            text = frame.astype(str).to_csv(index=False)
        elif path.suffix in (".png", ".xlsx"):
            continue  # binary: the xlsx text is scanned by the pipeline, the png has no text
        else:
            text = path.read_text(encoding="utf-8", errors="replace")
        hit = pattern.search(text)
        assert hit is None, f"{path} holds an identifier of the raw exports"
        assert not re.search(r"[\w.+-]+@example\.(org|fr|com)", text), path


def test_the_new_wave_appears_in_the_trends(project):
    estimates = pd.read_csv(project / "data" / "processed" / "trends" / "trend-estimates.csv",
                            dtype={"wave": str})  # fmt: skip
    assert set(estimates["wave"]) == set(WAVES)
    changes = pd.read_csv(project / "data" / "processed" / "trends" / "trend-changes.csv",
                          dtype={"wave_from": str, "wave_to": str})  # fmt: skip
    assert {("2025", "2026"), ("2026", "2027")} <= set(
        zip(changes["wave_from"], changes["wave_to"], strict=True)
    )
    # 2026's "Département" and "Région" were folded into 2025's category before comparing
    groups = set(estimates.loc[estimates["wave"] == "2026", "group"])
    assert "departement" not in groups and "region" not in groups
    assert "ai_budget" not in set(estimates["indicator"])  # a question of one wave only
    page = (project / "reports" / "trends" / "05_trends.html").read_text(encoding="utf-8")
    assert "2027" in page


def test_second_run_is_all_cached(project, capsys):
    assert run(root=project, jobs=2) == 0
    out = capsys.readouterr().out
    assert re.search(r"0 run, \d+ unchanged, 0 failed", out), out
