"""Tests of the visual charter and the figure functions (barometer.charts).

Every frame is built by hand here, with the columns that barometer.tables and
barometer.profiles produce; expected values are written out by hand.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from barometer import charts
from barometer.codebook import load_codebook

NNBSP = "\u202f"
CB = load_codebook("v1")


def bar_patches(ax) -> list[Rectangle]:
    """Bars drawn in the axes (legend proxies live in the legend, not here)."""
    return [p for p in ax.patches if isinstance(p, Rectangle) and p.get_width() > 0]


def texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def tick_labels(ax, axis: str = "y") -> list[str]:
    labels = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
    return [t.get_text().replace("\n", " ") for t in labels]


def barriers_frame() -> pd.DataFrame:
    """Four barriers (codebook order), percent with CIs; 'sobriety' suppressed."""
    q = CB.question("barriers")
    codes = ["skills", "data_protection", "sobriety", "families"]
    return pd.DataFrame(
        {
            "row": codes,
            "row_label": [q.label(c) for c in codes],
            "col": "ensemble",
            "col_label": "Ensemble",
            "percent": [42.5, 30.0, np.nan, 12.25],
            "ci_low": [36.0, 25.0, np.nan, 8.0],
            "ci_high": [49.0, 35.5, np.nan, 17.0],
            "n": [204, 144, 3, 59],
            "base": 480,
            "suppressed": [False, False, True, False],
            "fragile": [False, False, False, True],
        }
    )


def adoption_frame() -> pd.DataFrame:
    """ai_status by two organisation types; one suppressed cell."""
    q = CB.question("ai_status")
    rows = []
    shares = {"association": [20, 20, 20, 30, 10], "edtech": [60, 30, 5, 3, 2]}
    for col, values in shares.items():
        for option, value in zip(q.options, values, strict=True):
            rows.append(
                {
                    "row": option.code,
                    "row_label": option.label,
                    "col": col,
                    "col_label": CB.question("org_type").label(col),
                    "percent": float(value),
                    "suppressed": col == "edtech" and option.code == "dont_know",
                    "fragile": col == "edtech",
                }
            )
    frame = pd.DataFrame(rows)
    frame.loc[frame["suppressed"], "percent"] = np.nan
    return frame


# ---------------------------------------------------------------- charter


def test_format_percent_is_french():
    assert charts.format_percent(42.5, 1) == f"42,5{NNBSP}%"
    # half away from zero, not Python's half to even (format(42.5, ".0f") == "42")
    assert charts.format_percent(42.5) == f"43{NNBSP}%"
    assert charts.format_percent(0.05, 1) == f"0,1{NNBSP}%"
    assert charts.format_percent(float("nan")) == "–"


def test_format_number_thousands_and_minus():
    assert charts.format_number(1234567.891, 1) == f"1{NNBSP}234{NNBSP}567,9"
    assert charts.format_number(-2.25, 1) == "\u22122,3"
    assert charts.format_number(-0.04, 1) == "0,0"
    with pytest.raises(ValueError, match="decimals"):
        charts.format_number(1.0, -1)


def test_format_share_small_values():
    assert charts.format_share(0.03) == f"<{NNBSP}0,1{NNBSP}%"
    assert charts.format_share(2.24) == f"2,2{NNBSP}%"
    assert charts.format_share(96.6) == f"97{NNBSP}%"


def test_source_line_states_wave_base_weighting_and_caveat():
    line = charts.source_line("2025", 1480, synthetic=True)
    assert line == (
        "Source\u00a0: baromètre AI4Impact, vague 2025 (données synthétiques) — "
        f"base\u00a0: 1{NNBSP}480 répondants, pondérés par type d'organisation — "
        "échantillon volontaire"
    )
    unweighted = charts.source_line("2026", 1, weighting=None)
    assert "1 répondant, non pondérés" in unweighted and "synthétiques" not in unweighted
    with pytest.raises(TypeError, match="wave"):
        charts.source_line(2025, 480)
    with pytest.raises(TypeError, match="base"):
        charts.source_line("2025", 480.5)


def test_type_colours_are_fixed_distinct_and_cover_both_codebooks():
    codes = set(CB.question("org_type").codes) | set(load_codebook("v2").question("org_type").codes)
    assert codes <= set(charts.TYPE_COLORS)
    assert len(set(charts.TYPE_COLORS.values())) == len(charts.TYPE_COLORS)
    assert charts.type_color("association") == "#332288"
    assert charts.type_color("edtech") == "#882255"
    with pytest.raises(ValueError, match="'ong'"):
        charts.type_color("ong")


def test_profile_colours_fixed_by_number():
    assert charts.profile_color(1) == "#E69F00"
    assert charts.profile_color(4) == "#0072B2"
    with pytest.raises(ValueError, match="outside"):
        charts.profile_color(11)
    with pytest.raises(TypeError):
        charts.profile_color("2")


def test_diverging_colours_orange_negative_purple_positive():
    colours = charts.diverging_colors(2, 1, 2)
    red = [int(c[1:3], 16) for c in colours]
    blue = [int(c[5:7], 16) for c in colours]
    assert red[0] > blue[0] and red[1] > blue[1]  # oranges
    assert blue[3] > red[3] - 40 and blue[4] > red[4]  # purples
    assert colours[2] == "#CFCFCF"


def test_charter_sizes_for_a4():
    assert charts.FIGURE_WIDTH == pytest.approx(6.3)
    rc = charts.CHARTER_RC
    assert min(rc["font.size"], rc["xtick.labelsize"], rc["legend.fontsize"]) >= 9
    fig, ax = charts.new_figure(2.0)
    assert fig.get_size_inches()[0] == pytest.approx(6.3)
    assert all(t.get_fontsize() >= 9 for t in ax.get_yticklabels())


# ---------------------------------------------------------------- figures


def test_bars_with_ci_draws_in_order_french_labels_and_hides_suppressed():
    frame = barriers_frame().iloc[[3, 0, 2, 1]]  # shuffled rows…
    q = CB.question("barriers")
    frame = frame.assign(row=pd.Categorical(frame["row"], categories=q.codes))  # …codebook order
    ax = charts.bars_with_ci(frame, decimals=1)
    assert tick_labels(ax) == [
        q.label(c) for c in ("skills", "data_protection", "sobriety", "families")
    ]
    bars = bar_patches(ax)
    assert len(bars) == 3  # the suppressed barrier has no bar
    assert sorted(round(b.get_width(), 2) for b in bars) == [12.25, 30.0, 42.5]
    assert sorted(texts(ax)) == sorted([f"42,5{NNBSP}%", f"30,0{NNBSP}%", f"12,3{NNBSP}%"])
    fragile = [b for b in bars if b.get_hatch()]
    assert [round(b.get_width(), 2) for b in fragile] == [12.25]
    notes = charts.figure_notes(ax)
    assert charts.SUPPRESSED_NOTE in notes and charts.FRAGILE_NOTE in notes
    assert tick_labels(ax, "x")[0] == f"0{NNBSP}%"


def test_bars_with_ci_grouped_uses_fixed_type_colours():
    q = CB.question("barriers")
    rows = []
    for code in ("skills", "sobriety"):
        for col in ("ensemble", "association", "edtech"):
            rows.append(
                {
                    "row": code,
                    "row_label": q.label(code),
                    "col": col,
                    "col_label": col.title(),
                    "percent": 30.0,
                    "ci_low": 25.0,
                    "ci_high": 35.0,
                    "suppressed": (code, col) == ("sobriety", "edtech"),
                }
            )
    ax = charts.bars_with_ci(pd.DataFrame(rows), group="col", group_label="col_label")
    colours = [to_hex(b.get_facecolor()).upper() for b in bar_patches(ax)]
    assert colours == ["#3A3A3A", "#332288", "#882255", "#3A3A3A", "#332288"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["Ensemble", "Association", "Edtech"]


def test_diverging_bars_split_negative_and_positive_answers():
    st = CB.question("stages")
    rows = []
    values = {"stage_conception": [40, 20, 30, 10], "stage_evaluation": [10, 10, 30, 50]}
    for stage, shares in values.items():
        for option, share in zip(st.options, shares, strict=True):
            rows.append(
                {
                    "stage": stage,
                    "stage_label": stage.removeprefix("stage_").title(),
                    "row": option.code,
                    "row_label": option.label,
                    "percent": float(share),
                    "suppressed": (stage, option.code) == ("stage_evaluation", "occasionally"),
                }
            )
    frame = pd.DataFrame(rows)
    frame.loc[frame["suppressed"], "percent"] = np.nan
    ax = charts.diverging_bars(frame, bar="stage", bar_label="stage_label", positive_first=True)
    bars = bar_patches(ax)
    assert len(bars) == 7
    # conception (y = 0): « Oui » answers right of zero, « Non » answers left of it, the
    # most extreme farthest: ponctuellement 0→20, régulièrement 20→60, envisagé −30→0,
    # pas pertinent −40→−30
    conception = {round(b.get_x(), 6): b.get_width() for b in bars if abs(b.get_y() + 0.34) < 1e-9}
    assert conception == {0.0: 20.0, 20.0: 40.0, -30.0: 30.0, -40.0: 10.0}
    assert f"40{NNBSP}%" in texts(ax) and f"20{NNBSP}%" in texts(ax)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [
        st.label(c) for c in ("not_relevant", "considered", "occasionally", "regularly")
    ]
    assert all(
        label.endswith(f"{NNBSP}%") and "\u2212" not in label for label in tick_labels(ax, "x")
    )
    assert charts.SUPPRESSED_NOTE in charts.figure_notes(ax)


def test_diverging_bars_scale_has_a_neutral_middle():
    rows = [
        {
            "col": "ensemble",
            "col_label": "Ensemble",
            "row": str(k),
            "row_label": str(k),
            "percent": p,
        }
        for k, p in zip(range(1, 6), [10, 10, 20, 30, 30], strict=True)
    ]
    ax = charts.diverging_bars(pd.DataFrame(rows))
    spans = sorted(
        (round(b.get_x(), 6), round(b.get_x() + b.get_width(), 6)) for b in bar_patches(ax)
    )
    assert spans == [(-30.0, -20.0), (-20.0, -10.0), (-10.0, 10.0), (10.0, 40.0), (40.0, 70.0)]


def test_stacked_bars_fill_100_percent_and_skip_suppressed():
    ax = charts.stacked_bars(adoption_frame(), muted=["dont_know"])
    assert tick_labels(ax) == ["Association", "EdTech"]
    bars = bar_patches(ax)
    assert len(bars) == 9
    association = [b for b in bars if abs(b.get_y() + 0.34) < 1e-9]
    assert association[-1].get_x() + association[-1].get_width() == pytest.approx(100.0)
    assert to_hex(association[-1].get_facecolor()).upper() == "#CFCFCF"  # « Ne sait pas » muted
    assert all(b.get_hatch() for b in bars if b.get_y() > 0)  # EdTech is fragile


def test_stage_heatmap_blanks_suppressed_cells():
    rows = []
    for i, row in enumerate(CB.question("stages").rows[:3]):
        for j, col in enumerate(("association", "commune")):
            rows.append(
                {
                    "row": row.id,
                    "row_label": row.label,
                    "col": col,
                    "col_label": CB.question("org_type").label(col),
                    "percent": 10.0 * (i + 1) + j + 0.5,
                    "suppressed": (i, j) == (2, 1),
                    "fragile": (i, j) == (0, 1),
                }
            )
    ax = charts.stage_heatmap(pd.DataFrame(rows), decimals=1)
    cells = ax.collections[0].get_array()
    assert cells.shape == (3, 2)
    assert cells.mask.tolist() == [[False, False], [False, False], [False, True]]
    assert texts(ax) == [
        f"10,5{NNBSP}%",
        f"11,5{NNBSP}%",
        f"20,5{NNBSP}%",
        f"21,5{NNBSP}%",
        f"30,5{NNBSP}%",
    ]
    assert tick_labels(ax) == ["Conception", "Pilotage", "Suivi"]
    assert sum(1 for p in ax.patches if p.get_hatch()) == 1


def profile_description() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "cluster": [1, 1, 2, 3],
            "variable": ["ai_status", "training", "ai_status", "ai_charter"],
            "category": ["not_considered", "none", "regular", "adopted"],
            "cla_mod": [60.0, 40.0, 55.0, 70.0],
            "mod_cla": [80.0, 70.0, 65.0, 50.0],
            "global": [20.0, 30.0, 25.0, 15.0],
            "p_value": [1e-9, 1e-3, 1e-6, 1e-8],
            "v_test": [6.04, 3.25, -2.26, 5.5],
        }
    )


def test_profile_heatmap_vtests_and_profile_colours():
    ax = charts.profile_heatmap(profile_description(), cluster_labels={2: "Explorateurs"})
    assert tick_labels(ax, "x") == ["Profil 1", "Profil 2", "Profil 3"]
    assert "Profil 2 : Explorateurs." in charts.figure_notes(ax)
    assert tick_labels(ax)[0] == "ai_status\u00a0: not_considered"
    assert texts(ax) == ["6,0", "3,3", "\u22122,3", "5,5"]
    cells = ax.collections[0].get_array()
    assert int(cells.mask.sum()) == 4 * 3 - 4  # only described cells are coloured
    bands = {p.get_gid(): to_hex(p.get_facecolor()).upper() for p in ax.patches if p.get_gid()}
    assert bands == {"profile-1": "#E69F00", "profile-2": "#56B4E9", "profile-3": "#009E73"}


def test_profile_sizes_colours_and_counts():
    frame = pd.DataFrame(
        {
            "cluster": [1, 2],
            "label": ["Sceptiques", "Explorateurs"],
            "percent": [31.25, 68.75],
            "n": [150, 1330],
        }
    )
    ax = charts.profile_sizes(frame, label="label")
    assert [to_hex(b.get_facecolor()).upper() for b in bar_patches(ax)] == ["#E69F00", "#56B4E9"]
    assert texts(ax) == ["31\u202f% (n\u00a0=\u00a0150)", "69\u202f% (n\u00a0=\u00a01\u202f330)"]
    with pytest.raises(ValueError, match="profile number"):
        charts.profile_sizes(frame.assign(cluster=[0, 1]))


def test_sample_composition_types_coloured_and_small_shares_readable():
    rows = []
    for code, sample, population in (("association", 45.0, 96.6), ("edtech", 10.0, 0.03)):
        rows += [
            {
                "row": code,
                "row_label": code,
                "source": "sample",
                "source_label": "Échantillon",
                "percent": sample,
            },
            {
                "row": code,
                "row_label": code,
                "source": "population",
                "source_label": "Population",
                "percent": population,
            },
        ]
    ax = charts.sample_composition(pd.DataFrame(rows))
    bars = bar_patches(ax)
    assert [to_hex(b.get_edgecolor()).upper() for b in bars if b.get_linewidth() > 0] == [
        "#332288",
        "#882255",
    ]  # population: outline in the type colour
    assert to_hex(bars[0].get_facecolor()).upper() == "#332288"
    assert texts(ax) == ["45\u202f%", "97\u202f%", "10\u202f%", f"<{NNBSP}0,1{NNBSP}%"]


def test_wave_comparison_points_hollow_fragile_and_no_suppressed():
    frame = pd.DataFrame(
        {
            "row": ["chatgpt", "chatgpt", "claude", "claude"],
            "row_label": ["ChatGPT", "ChatGPT", "Claude", "Claude"],
            "wave": ["2026", "2025", "2025", "2026"],
            "percent": [70.0, 78.0, 8.0, np.nan],
            "suppressed": [False, False, False, True],
            "fragile": [True, False, False, False],
        }
    )
    ax = charts.wave_comparison(frame)
    markers = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert len(markers) == 3
    hollow = [m for m in markers if m.get_markerfacecolor() == "white"]
    assert [m.get_xdata()[0] for m in hollow] == [70.0]
    assert texts(ax) == ["70\u202f%", "78\u202f%", "8\u202f%"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Vague 2025", "Vague 2026"]


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        (lambda f: f.drop(columns="ci_low"), ValueError, "'ci_low'"),
        (lambda f: f.assign(percent=[142.5, 30.0, np.nan, 12.25]), ValueError, "0–100"),
        (lambda f: f.assign(suppressed=False), ValueError, "not marked suppressed"),
        (lambda f: pd.concat([f, f.iloc[[0]]]), ValueError, "several rows"),
        (lambda f: f.iloc[0:0], ValueError, "empty"),
        (lambda f: f.to_dict(), TypeError, "DataFrame"),
        (lambda f: f.assign(ci_low=[45.0, 25.0, np.nan, 8.0]), ValueError, "excludes"),
    ],
)
def test_bad_tables_are_refused_with_a_clear_message(change, error, match):
    with pytest.raises(error, match=match):
        charts.bars_with_ci(change(barriers_frame()))


def test_finish_figure_adds_title_question_source_and_notes():
    ax = charts.bars_with_ci(barriers_frame())
    fig = ax.figure
    height = fig.get_size_inches()[1]
    title = "Le manque de compétences est le premier frein cité par les organisations " * 2
    charts.finish_figure(
        fig,
        title=title,
        subtitle=CB.question("barriers").text,
        source=charts.source_line("2025", 480, synthetic=True),
    )
    figure_texts = [t.get_text() for t in fig.texts]
    assert len(figure_texts) == 3
    assert "\n" in figure_texts[0]  # the long title is wrapped
    assert figure_texts[0].replace("\n", " ") == title.strip()
    assert "échantillon volontaire" in figure_texts[2] and charts.SUPPRESSED_NOTE in figure_texts[2]
    assert fig.get_size_inches()[1] > height
    with pytest.raises(ValueError, match="already"):
        charts.finish_figure(fig, title="Encore")
    with pytest.raises(ValueError, match="title"):
        charts.finish_figure(Figure(), title=" ")


# ---------------------------------------------------------------- saving


def finished_barriers() -> Figure:
    ax = charts.bars_with_ci(barriers_frame())
    return charts.finish_figure(
        ax.figure,
        title="Le manque de compétences freine d'abord",
        source=charts.source_line("2025", 480, synthetic=True),
    )


def save(fig, name, out_dir, alt="Barres horizontales : freins cités, compétences en tête."):
    return charts.save_figure(
        fig,
        name,
        alt=alt,
        data=barriers_frame(),
        wave="2025",
        title="Le manque de compétences freine d'abord",
        base=480,
        out_dir=out_dir,
    )


def test_save_figure_writes_files_and_manifest(tmp_path):
    result = save(finished_barriers(), "freins", tmp_path)
    for path in result["files"].values():
        assert path.is_file() and path.stat().st_size > 0
    assert result["files"]["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    manifest = charts.read_manifest(out_dir=tmp_path)
    assert manifest.to_dict("records") == [
        {
            "id": "freins",
            "title": "Le manque de compétences freine d'abord",
            "files": "freins.png;freins.svg;freins.csv",
            "alt": "Barres horizontales : freins cités, compétences en tête.",
            "base": "480",
            "wave": "2025",
        }
    ]


def test_save_figure_data_has_no_suppressed_value(tmp_path):
    frame = barriers_frame().assign(percent=[42.5, 30.0, 0.4, 12.25], letters=["a", "", "b", ""])
    charts.save_figure(
        finished_barriers(),
        "freins",
        alt="Texte",
        data=frame,
        wave="2025",
        title="Titre",
        base=480,
        out_dir=tmp_path,
    )
    written = pd.read_csv(tmp_path / "freins.csv")
    suppressed = written.loc[written["row"] == "sobriety"].iloc[0]
    assert suppressed[["percent", "ci_low", "ci_high", "n", "base", "letters"]].isna().all()
    assert suppressed["row_label"] == CB.question("barriers").label("sobriety")
    assert written.loc[written["row"] == "skills", "percent"].item() == 42.5
    assert "0.4" not in (tmp_path / "freins.csv").read_text()


def test_save_figure_same_input_same_bytes(tmp_path):
    first = save(finished_barriers(), "freins", tmp_path / "a")
    second = save(finished_barriers(), "freins", tmp_path / "b")
    for fmt in ("png", "svg", "csv"):
        assert first["files"][fmt].read_bytes() == second["files"][fmt].read_bytes(), fmt
    svg = first["files"]["svg"].read_text()
    assert "<dc:date>" not in svg
    again = save(finished_barriers(), "freins", tmp_path / "a")
    assert again["files"]["png"].read_bytes() == second["files"]["png"].read_bytes()


def test_manifest_replaces_a_rewritten_figure_and_sorts_ids(tmp_path):
    fig = finished_barriers()
    save(fig, "zz-derniere", tmp_path)
    save(fig, "aa-premiere", tmp_path, alt="Première version")
    save(fig, "aa-premiere", tmp_path, alt="Seconde version")
    manifest = charts.read_manifest(out_dir=tmp_path)
    assert manifest["id"].tolist() == ["aa-premiere", "zz-derniere"]
    assert manifest["alt"].tolist()[0] == "Seconde version"
    assert all(manifest["alt"].str.strip() != "")
    for files in manifest["files"]:
        assert all((tmp_path / f).is_file() for f in files.split(";"))
    sheet = charts.contact_sheet(out_dir=tmp_path).read_text(encoding="utf-8")
    assert sheet.count("<img ") == 2 and 'alt="Seconde version"' in sheet


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"alt": "  "}, ValueError, "alt"),
        ({"name": "Freins 2025"}, ValueError, "name"),
        ({"wave": 2025}, TypeError, "wave"),
        ({"base": -1}, ValueError, "base"),
        ({"data": [1, 2]}, TypeError, "DataFrame"),
    ],
)
def test_save_figure_refuses_bad_arguments(tmp_path, kwargs, error, match):
    arguments = {
        "name": "freins",
        "alt": "Texte",
        "data": barriers_frame(),
        "wave": "2025",
        "title": "Titre",
        "base": 480,
        "out_dir": tmp_path,
    }
    arguments.update(kwargs)
    name = arguments.pop("name")
    with pytest.raises(error, match=match):
        charts.save_figure(finished_barriers(), name, **arguments)


def test_save_figure_default_folder_is_figures_wave(tmp_path, monkeypatch):
    monkeypatch.setenv("BAROMETER_ROOT", str(tmp_path))
    result = save(finished_barriers(), "freins", None)
    assert result["files"]["png"] == tmp_path / "figures" / "2025" / "freins.png"
    assert (tmp_path / "figures" / "2025" / "manifest.csv").is_file()


def test_bars_with_ci_sort_puts_largest_first_and_suppressed_last():
    ax = charts.bars_with_ci(barriers_frame(), sort=True)
    q = CB.question("barriers")
    # 42.5 (skills) > 30.0 (data_protection) > 12.25 (families); sobriety suppressed
    assert tick_labels(ax) == [
        q.label(c) for c in ("skills", "data_protection", "families", "sobriety")
    ]


def test_french_spacing_and_measured_wrapping():
    assert charts.french_spacing("« Oui » : 42 % ; non ?") == (
        "«\u00a0Oui\u00a0»\u00a0: 42\u202f%\u202f; non\u202f?"
    )
    lines = charts.wrap_to_width("Manque de compétences ou de formation", 120.0)
    assert " ".join(lines) == "Manque de compétences ou de formation"
    assert all(charts.text_width(line) <= 120.0 for line in lines)


def test_finished_figure_keeps_every_text_inside_the_page():
    """No clipped text: titles, legend (nine types), labels and notes stay in the figure."""
    q = CB.question("barriers")
    rows = [
        {
            "row": code,
            "row_label": q.label(code),
            "col": col,
            "col_label": "Ensemble" if col == "ensemble" else CB.question("org_type").label(col),
            "percent": 95.0,
            "ci_low": 90.0,
            "ci_high": 99.0,
        }
        for code in ("sovereignty", "families")
        for col in ["ensemble", *CB.question("org_type").codes]
    ]
    ax = charts.bars_with_ci(pd.DataFrame(rows), group="col", group_label="col_label")
    fig = charts.finish_figure(
        ax.figure,
        title="Un titre assez long pour devoir passer à la ligne " * 3,
        subtitle=q.text,
        source=charts.source_line("2025", 480, synthetic=True),
    )
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    artists = [*fig.texts, *ax.texts, *ax.get_yticklabels(), ax.get_legend()]
    for artist in artists:
        box = artist.get_window_extent(renderer)
        assert page.x0 - 1 <= box.x0 and box.x1 <= page.x1 + 1, artist
        assert page.y0 - 1 <= box.y0 and box.y1 <= page.y1 + 1, artist
    legend = ax.get_legend().get_window_extent(renderer)
    title = fig.texts[1].get_window_extent(renderer)  # the subtitle, just above the legend
    assert legend.y1 <= title.y0 + 1
