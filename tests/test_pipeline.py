"""Tests of ``barometer run``: notebooks executed per wave, HTML, cache, privacy scan.

End-to-end tests build a tiny project in a temporary folder (two waves with a
hand-written 2-row export, fake notebooks) and execute it with real kernels.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from pathlib import Path

import nbformat
import pytest

from barometer.pipeline import cache, run, runner
from barometer.pipeline.notebooks import discover_notebooks, parse_header
from barometer.pipeline.publish import ensure_alt, public_notebook, set_lang, table_of_contents
from barometer.pipeline.scan import scan_rows

TINY_PNG = (  # a 2 x 2 red PNG
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AA"
    "RAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg=="
)
EMAIL = "alice@asso-exemple.fr"
ORG = "Association Les Amis du Code"

WAVE_YAML = """wave: "{wave}"
codebook: v1
file: export.csv
format: csv
fieldwork: {{start: {wave}-03-01, end: {wave}-04-30}}
synthetic: true
"""
EXPORT = f"id,email,orgname,ipaddr\n101,{EMAIL},{ORG},10.1.2.3\n102,,Fondation Numérique,\n"

NB_CLEAN = """# barometer: scope=wave
# %% tags=["parameters"]
wave: str = "2024"  # vague

# %% [markdown]
# # Nettoyage de la vague
#
# ## Répartition

# %%
import base64

from IPython.display import Image, display

from barometer import paths

out = paths.processed_dir(wave)
out.mkdir(parents=True, exist_ok=True)
(out / "wave-type.txt").write_text(type(wave).__name__ + ":" + wave)
display(Image(data=base64.b64decode("PNG")))  # a figure, without matplotlib's import time

# %%
if wave == "FAILING":
    raise RuntimeError("boom " + wave)
""".replace("PNG", TINY_PNG)

NB_TABLES = """# barometer: scope=wave, needs=01
# %% tags=["parameters"]
wave: str = "2024"

# %% [markdown]
# # Tableaux

# %%
from barometer import paths

print("lu :", (paths.processed_dir(wave) / "wave-type.txt").read_text())
"""

NB_TRENDS = """# barometer: scope=all, needs=01_clean
# %% tags=["parameters"]
waves: list = []

# %% [markdown]
# # Évolutions

# %%
print(", ".join(waves))
"""

NB_PRIVATE = """# barometer: scope=private, needs=01_clean
# %% tags=["parameters"]
wave: str = "2024"

# %%
print("rapport privé")
"""


def make_project(root: Path, failing: str = "never") -> Path:
    """Write a project with waves 2025 and 2026 and four fake notebooks."""
    (root / "pyproject.toml").write_text("[project]\nname = 'fake'\n")
    for wave in ("2025", "2026"):
        folder = root / "data" / "raw" / wave
        folder.mkdir(parents=True)
        (folder / "wave.yaml").write_text(WAVE_YAML.format(wave=wave))
        (folder / "export.csv").write_text(EXPORT, encoding="utf-8")
    notebooks = root / "notebooks"
    notebooks.mkdir()
    (notebooks / "01_clean.py").write_text(NB_CLEAN.replace("FAILING", failing))
    (notebooks / "02_tables.py").write_text(NB_TABLES, encoding="utf-8")
    (notebooks / "05_trends.py").write_text(NB_TRENDS, encoding="utf-8")
    (notebooks / "06_peer_report.py").write_text(NB_PRIVATE, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A tiny project run once with two jobs; yields (root, exit code, output)."""
    root = make_project(tmp_path_factory.mktemp("project"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BAROMETER_ROOT", str(root))
        # Other code in the package changes while we test: pin its hash so that
        # only what a test changes can invalidate the cache.
        mp.setattr(runner, "package_source_hash", lambda: "pinned")
        import contextlib
        import io

        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            code = run(jobs=2, timeout=120)
        yield root, code, buffer.getvalue()


def rerun(root: Path, capsys, monkeypatch, **kwargs) -> tuple[int, str]:
    monkeypatch.setenv("BAROMETER_ROOT", str(root))
    monkeypatch.setattr(runner, "package_source_hash", lambda: "pinned")
    capsys.readouterr()
    code = run(timeout=120, **kwargs)
    return code, capsys.readouterr().out


# ------------------------------------------------------------------ units
def test_parse_header_reads_scope_and_needs():
    assert parse_header("# barometer: scope=all, needs=01_clean + 02") == {
        "scope": "all",
        "needs": ("01_clean", "02"),
    }
    assert parse_header("# %%\nx = 1\n") is None


def test_parse_header_rejects_unknown_scope_naming_the_file():
    with pytest.raises(ValueError, match=r"nb\.py: scope must be one of"):
        parse_header("# barometer: scope=weekly", "nb.py")


def test_discover_resolves_needs_and_falls_back_on_manifest(tmp_path):
    (tmp_path / "01_clean.py").write_text("# %%\nx = 1\n")
    (tmp_path / "02_tables.py").write_text("# %%\nx = 1\n")
    (tmp_path / "03_other.py").write_text("# barometer: needs=02\n# %%\nx = 1\n")
    (tmp_path / "helpers.py").write_text("")  # not NN_name: ignored
    specs = {s.name: s for s in discover_notebooks(tmp_path)}
    assert sorted(specs) == ["01_clean", "02_tables", "03_other"]
    assert specs["02_tables"].needs == ("01_clean",)  # from MANIFEST
    assert specs["03_other"].needs == ("02_tables",)  # "02" resolved to the name


def test_discover_rejects_a_need_that_matches_nothing(tmp_path):
    (tmp_path / "01_clean.py").write_text("# barometer: needs=09\n# %%\n")
    with pytest.raises(ValueError, match="needs '09'"):
        discover_notebooks(tmp_path)


def test_ensure_alt_and_lang():
    page = '<html lang="en"><img src="a.png"><img alt="" src="b"><img alt="Carte" src="c">'
    fixed = ensure_alt(set_lang(page), default="Figure")
    assert fixed.startswith('<html lang="fr">')
    assert re.findall(r'alt="([^"]*)"', fixed) == ["Figure", "Figure", "Carte"]


def test_table_of_contents_lists_headings_with_anchors():
    page = (
        '<h1 id="Titre">Titre<a class="anchor-link" href="#Titre">¶</a></h1>'
        '<h2 id="Part-A">Part A</h2>'
    )
    toc = table_of_contents(page)
    assert 'aria-label="Sommaire"' in toc
    assert '<a href="#Titre">Titre</a>' in toc and '<a href="#Part-A">Part A</a>' in toc
    assert table_of_contents("<p>rien</p>") == ""


def test_public_notebook_sets_alt_from_heading_and_drops_stderr():
    nb = nbformat.v4.new_notebook()
    image = nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo="})
    given = nbformat.v4.new_output(
        "display_data",
        data={"image/png": "iVBORw0KGgo="},
        metadata={"image/png": {"alt": "Mon alt"}},
    )
    warning = nbformat.v4.new_output("stream", name="stderr", text="UserWarning: /home/x")
    code = nbformat.v4.new_code_cell("plot()")
    code.outputs = [image, given, warning, copy.deepcopy(image)]
    nb.cells = [nbformat.v4.new_markdown_cell("# Rapport\n## Adoption de l'IA"), code]
    out = public_notebook(nb)
    outputs = out.cells[1].outputs
    assert [o.metadata["image/png"]["alt"] for o in outputs] == [
        "Figure : Adoption de l'IA",
        "Mon alt",
        "Figure : Adoption de l'IA (2)",  # numbered under the same heading
    ]
    assert out.metadata["title"] == "Rapport"
    assert nb.cells[1].outputs[2].name == "stderr"  # the input is not modified


def test_scan_rows_flags_small_cells_and_raw_ids_only_in_id_columns():
    rows = [
        (1, ["id", "modalité", "n", "percent"]),
        (2, ["101", "Oui", 3, 12.5]),  # raw id in id column, n=3 with a shown percent
        (3, ["x", "Non", 3, "n<5"]),  # suppressed: fine
        (4, ["y", "101", 40, 60.0]),  # 101 outside the id column: not an id
        (5, ["z", "Peut-être", 0, 0.0]),  # empty cell discloses nobody
    ]
    hits = scan_rows(Path("t.csv"), rows, {"101"})
    assert [(h.line, h.what) for h in hits] == [
        (2, "identifiant de réponse brut"),
        (2, "petite case non masquée (n < 5)"),
    ]


def test_scan_text_ignores_coordinates_and_base64_but_finds_phones_and_names(tmp_path):
    from barometer.pipeline.scan import scan_text

    # an SVG path whose decimals read "07 70 31 94 66" once the point is ignored
    (tmp_path / "fig.svg").write_text("<path d='M 1 2\nL 83.077031 94.66\n'/>\n")
    # a base64 image that happens to contain a short forbidden name
    (tmp_path / "page.html").write_text(
        '<p>ok</p>\n<img src="data:image/png;base64,AAAsavolabAAA=">\n<p>Savolab</p>\n'
    )
    (tmp_path / "notes.md").write_text("Rappeler le 06.12.34.56.78\n")
    hits = scan_text([tmp_path], {"Savolab"})
    found = sorted((h.file.name, h.line, h.what) for h in hits)
    assert found == [("notes.md", 1, "téléphone"), ("page.html", 3, "chaîne interdite")]


def test_run_rejects_bad_arguments(tmp_path, monkeypatch):
    root = make_project(tmp_path)
    monkeypatch.setenv("BAROMETER_ROOT", str(root))
    with pytest.raises(ValueError, match="jobs must be at least 1"):
        run(jobs=0)
    with pytest.raises(ValueError, match=r"unknown wave\(s\) 2031 \(known: 2025, 2026\)"):
        run(waves=["2031"])
    with pytest.raises(ValueError, match="no notebook '42'"):
        run(notebooks=["42"])


def test_fingerprint_changes_with_the_package_source(tmp_path, monkeypatch):
    root = make_project(tmp_path)
    monkeypatch.setenv("BAROMETER_ROOT", str(root))
    from barometer.waves import list_waves

    waves = list_waves()
    steps, _ = runner.plan(discover_notebooks(root / "notebooks"), waves, waves, None)
    monkeypatch.setattr(runner, "package_source_hash", lambda: "a")
    first = runner.Runner(steps, root, jobs=1, html=False, force=False, timeout=5)
    monkeypatch.setattr(runner, "package_source_hash", lambda: "b")
    second = runner.Runner(steps, root, jobs=1, html=False, force=False, timeout=5)
    assert first.fingerprint(steps[0]) != second.fingerprint(steps[0])
    assert first.fingerprint(steps[0]) == first.fingerprint(steps[0])


def test_cross_wave_notebook_gets_waves_in_its_declared_type(tmp_path, monkeypatch):
    root = make_project(tmp_path)
    monkeypatch.setenv("BAROMETER_ROOT", str(root))
    from barometer.waves import list_waves

    trends = root / "notebooks" / "05_trends.py"
    waves = list_waves()
    specs = discover_notebooks(root / "notebooks")
    steps, skipped = runner.plan(specs, waves, waves, None)
    assert [s.parameters for s in steps if s.key == "trends"] == [{"waves": ["2025", "2026"]}]
    trends.write_text(NB_TRENDS.replace("waves: list = []", 'waves: str = ""'))
    steps, _ = runner.plan(discover_notebooks(root / "notebooks"), waves, waves, None)
    assert [s.parameters for s in steps if s.key == "trends"] == [{"waves": "2025,2026"}]
    # one wave only: the cross-wave notebook is left out, saying why
    steps, skipped = runner.plan(specs, waves[:1], waves, None)
    assert all(s.key != "trends" for s in steps)
    assert [r.message for r in skipped] == ["needs every wave (run without --wave)"]


# -------------------------------------------------------------- end to end
@pytest.mark.slow
def test_run_executes_every_wave_and_publishes(project):
    root, code, out = project
    assert code == 0, out
    for wave in ("2025", "2026"):
        for name in ("01_clean", "02_tables"):
            assert (root / "reports" / wave / f"{name}.ipynb").is_file()
            assert (root / "reports" / wave / f"{name}.html").is_file()
    assert (root / "reports" / "trends" / "05_trends.ipynb").is_file()
    executed = nbformat.read(root / "reports" / "trends" / "05_trends.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in executed.cells for o in c.get("outputs", []))
    assert "2025, 2026" in printed
    assert not (root / "reports" / "2025" / "private").exists()  # private: only on request
    assert re.search(r"01_clean\s+ok\s+\d", out)  # the summary table


@pytest.mark.slow
def test_wave_id_arrives_as_a_string(project):
    root, _, _ = project
    text = (root / "data" / "processed" / "2025" / "wave-type.txt").read_text()
    assert text == "str:2025"


@pytest.mark.slow
def test_html_pages_are_public_french_and_accessible(project):
    root, _, _ = project
    page = (root / "reports" / "2025" / "01_clean.html").read_text(encoding="utf-8")
    assert re.search(r'<html lang="fr">', page)
    assert not re.search(r'class="[^"]*jp-(Input|Output)Prompt', page)  # no prompts
    assert not re.search(r'class="[^"]*(jp-CodeMirrorEditor|highlight)', page)  # no code cells
    assert "import matplotlib" not in page and "write_text" not in page  # no code shown
    images = re.findall(r"<img\b[^>]*>", page)
    assert images, "the figure should be embedded"
    assert all(re.search(r'alt="[^"]+"', img) for img in images)
    assert all("data:image/png;base64," in img for img in images)  # embedded
    assert 'alt="Figure : Répartition"' in images[0]
    toc = re.search(r'<nav class="barometer-toc".*?</nav>', page, re.DOTALL)
    assert toc, "a table of contents at the top"
    assert ">Répartition</a>" in toc.group(0)
    targets = re.findall(r'href="#([^"]+)"', toc.group(0))
    ids = set(re.findall(r'<h[1-3] id="([^"]+)"', page))
    assert len(targets) == 2 and set(targets) <= ids  # every entry points at a heading
    assert "Données synthétiques" in page


@pytest.mark.slow
def test_index_links_waves_trends_and_states_synthetic(project):
    root, _, _ = project
    index = (root / "reports" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in index
    for href in ("2025/01_clean.html", "2026/02_tables.html", "trends/05_trends.html"):
        assert f'href="{href}"' in index
    assert ">Nettoyage de la vague</a>" in index  # page titles from the notebooks' headings
    assert index.count("Données synthétiques") == 3  # 2 waves + trends
    assert "private" not in index and "06_peer_report" not in index


@pytest.mark.slow
def test_run_json_records_inputs_versions_and_timing(project):
    root, _, _ = project
    record = json.loads((root / "reports" / "2025" / "run.json").read_text())
    export = root / "data" / "raw" / "2025" / "export.csv"
    assert (
        record["inputs"]["data/raw/2025/export.csv"]
        == hashlib.sha256(export.read_bytes()).hexdigest()
    )
    assert record["codebooks"] == ["v1"]
    assert set(cache.PACKAGES) <= set(record["packages"])
    assert record["packages"]["pandas"]
    assert "git_commit" in record
    assert record["parameters"]["01_clean"] == {"wave": "2025"}
    assert record["status"] == "ok"
    assert record["steps"]["01_clean"]["seconds"] > 0
    assert "data/processed/2025/wave-type.txt" in record["steps"]["01_clean"]["outputs"]


@pytest.mark.slow
def test_second_run_is_skipped_then_changes_rerun_what_they_touch(project, capsys, monkeypatch):
    root, _, _ = project
    notebook = root / "reports" / "2025" / "01_clean.ipynb"
    stamp = notebook.stat().st_mtime_ns
    code, out = rerun(root, capsys, monkeypatch, jobs=2)
    assert code == 0
    assert out.count("unchanged, skipped (cache)") == 5, out
    assert notebook.stat().st_mtime_ns == stamp
    # Edit 02's source and delete one output of 2026/01: exactly these re-run.
    source = root / "notebooks" / "02_tables.py"
    source.write_text(source.read_text() + "\n# une remarque\n")
    (root / "data" / "processed" / "2026" / "wave-type.txt").unlink()
    code, out = rerun(root, capsys, monkeypatch, jobs=2)
    assert code == 0, out
    ran = set(re.findall(r"\[(\w+)\] (\w+): ok in", out))
    assert ran == {("2025", "02_tables"), ("2026", "02_tables"), ("2026", "01_clean")}
    # trends needs 2026/01, whose regenerated output is identical: still cached
    assert "[trends] 05_trends: unchanged" in out


@pytest.mark.slow
def test_force_reruns_an_unchanged_step_and_private_runs_on_request(project, capsys, monkeypatch):
    root, _, _ = project
    code, out = rerun(root, capsys, monkeypatch, waves=["2025"], notebooks=["06"], force=True)
    assert code == 0
    assert re.search(r"\[2025\] 01_clean: ok in", out)  # unchanged, but forced (and needed)
    assert re.search(r"\[2025\] 06_peer_report: ok in", out)  # private: run when named
    assert "05_trends" not in out and "02_tables" not in out  # not selected
    private = root / "reports" / "2025" / "private"
    assert (private / "06_peer_report.ipynb").is_file()
    code, _ = rerun(root, capsys, monkeypatch)  # republish: the private page is never linked
    index = (root / "reports" / "index.html").read_text(encoding="utf-8")
    assert code == 0 and "private" not in index and "06_peer_report" not in index


@pytest.mark.slow
def test_privacy_scan_blocks_publication(project, capsys, monkeypatch):
    root, _, _ = project
    planted = root / "reports" / "2025" / "notes.md"
    planted.write_text(f"Notes\nContact : {EMAIL}\n")
    leak = root / "figures" / "2026" / "data.csv"
    leak.parent.mkdir(parents=True, exist_ok=True)
    leak.write_text(f"organisation,score\n{ORG.upper()},3\n")
    try:
        code, out = rerun(root, capsys, monkeypatch)
        assert code == 1
        assert f"{planted}:2: courriel" in out
        assert f"{leak}:2: chaîne interdite" in out
        assert EMAIL not in out and ORG not in out  # the report names no identifier
        assert not (root / "reports" / "index.html").exists()
    finally:
        planted.unlink()
        leak.unlink()
    code, _ = rerun(root, capsys, monkeypatch)
    assert code == 0 and (root / "reports" / "index.html").is_file()


@pytest.mark.slow
def test_a_failing_notebook_stops_its_wave_only(tmp_path, capsys, monkeypatch):
    root = make_project(tmp_path, failing="2026")
    code, out = rerun(root, capsys, monkeypatch, jobs=2)
    assert code == 1
    # Cells of 01_clean.py: 1 the header comment, 2 parameters, 3 markdown,
    # 4 the image, 5 the raise -> "cell 5".
    assert re.search(r"wave 2026, notebook 01_clean: cell 5: RuntimeError: boom 2026", out)
    kept = nbformat.read(root / "reports" / "2026" / "01_clean.ipynb", as_version=4)
    errors = [o for c in kept.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors and errors[0].ename == "RuntimeError"  # kept for inspection, with the error
    assert not (root / "reports" / "2026" / "01_clean.html").exists()
    assert "[2026] 02_tables: not run" in out  # the wave stopped
    assert not (root / "reports" / "2026" / "02_tables.ipynb").exists()
    assert "[trends] 05_trends: not run" in out
    assert (root / "reports" / "2025" / "02_tables.html").is_file()  # the other wave finished
    record = json.loads((root / "reports" / "2026" / "run.json").read_text())
    assert record["status"] == "failed"
    assert record["steps"]["01_clean"]["error"] == {
        "cell": 5,
        "ename": "RuntimeError",
        "evalue": "boom 2026",
    }


@pytest.mark.slow
def test_index_lists_figures_and_workbook_once_small_cells_are_hidden(project, capsys, monkeypatch):
    from openpyxl import Workbook

    root, _, _ = project
    figures = root / "figures" / "2025"
    figures.mkdir(parents=True, exist_ok=True)
    (figures / "adoption.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (figures / "adoption.csv").write_text("row,n,percent\nregular,40,54.0\n")
    (figures / "manifest.csv").write_text(
        "id,title,files,alt,base,wave\n"
        "adoption,Adoption de l'IA,adoption.png;adoption.svg;adoption.csv,"
        "Barres : 54 % des organisations utilisent l'IA,40,2025\n",
        encoding="utf-8",
    )
    workbook = root / "reports" / "2025" / "tables.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.title = "T1"
    sheet.append(["Adoption par type"])
    sheet.append(["Modalité", "Effectif", "%"])
    sheet.append(["Usage régulier", 3, 12.5])  # 3 respondents and their percentage shown
    book.save(workbook)
    try:
        code, out = rerun(root, capsys, monkeypatch)
        assert code == 1
        assert f"{workbook}:3: petite case non masquée (n < 5), feuille « T1 »" in out
        sheet["C3"] = "n<5"
        book.save(workbook)
        code, out = rerun(root, capsys, monkeypatch)
        assert code == 0, out
        index = (root / "reports" / "index.html").read_text(encoding="utf-8")
        assert 'href="2025/tables.xlsx"' in index
        assert 'href="../figures/2025/adoption.png">Adoption de l&#x27;IA</a>' in index
        assert 'href="../figures/2025/adoption.csv"' in index
        assert "54 % des organisations utilisent l&#x27;IA" in index
    finally:
        workbook.unlink(missing_ok=True)
        for name in ("adoption.png", "adoption.csv", "manifest.csv"):
            (figures / name).unlink(missing_ok=True)


@pytest.mark.slow
def test_parallel_run_leaves_the_process_working_directory_alone(tmp_path, capsys, monkeypatch):
    # papermill's cwd= would os.chdir() the process from two threads at once and
    # leave it in one of the projects: the kernels get their folder another way
    root = make_project(tmp_path)
    before = Path.cwd()
    code, _ = rerun(root, capsys, monkeypatch, jobs=2, force=True)
    assert code == 0
    assert Path.cwd() == before
