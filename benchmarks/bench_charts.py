"""Speed and memory of the figure functions and of save_figure.

Prints one line per case: wall time (time.perf_counter, best of 3) and peak
Python memory (tracemalloc) of drawing a figure from a tidy table, laying it
out (finish_figure) and, for the last cases, writing PNG (300 dpi), SVG and
CSV.  Run: ``.venv/bin/python benchmarks/bench_charts.py``.
"""

from __future__ import annotations

import tempfile
import time
import tracemalloc
from collections.abc import Callable

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd

from barometer import charts

RNG = np.random.default_rng(7)
TYPES = list(charts.TYPE_COLORS)[:8]
SOURCE = charts.source_line("2025", 480, synthetic=True)


def bars_frame(n_categories: int, groups: list[str]) -> pd.DataFrame:
    rows = []
    for i in range(n_categories):
        for group in groups:
            p = float(RNG.uniform(5, 80))
            rows.append(
                {
                    "row": f"c{i}",
                    "row_label": f"Réponse numéro {i}",
                    "col": group,
                    "col_label": group,
                    "percent": p,
                    "ci_low": p - 5,
                    "ci_high": p + 5,
                    "suppressed": bool(RNG.random() < 0.05),
                    "fragile": bool(RNG.random() < 0.1),
                }
            )
    frame = pd.DataFrame(rows)
    frame.loc[frame["suppressed"], ["percent", "ci_low", "ci_high"]] = np.nan
    return frame


def likert_frame(n_bars: int, n_answers: int) -> pd.DataFrame:
    rows = []
    for b in range(n_bars):
        shares = RNG.dirichlet(np.ones(n_answers)) * 100
        for k, share in enumerate(shares):
            rows.append(
                {
                    "col": f"b{b}",
                    "col_label": f"Groupe {b}",
                    "row": str(k + 1),
                    "row_label": str(k + 1),
                    "percent": float(share),
                }
            )
    return pd.DataFrame(rows)


def heat_frame(n_rows: int, n_cols: int) -> pd.DataFrame:
    rows = [
        {
            "row": f"r{i}",
            "row_label": f"Ligne {i}",
            "col": f"k{j}",
            "col_label": f"Col. {j}",
            "percent": float(RNG.uniform(0, 100)),
        }
        for i in range(n_rows)
        for j in range(n_cols)
    ]
    return pd.DataFrame(rows)


def vtest_frame(n_categories: int, n_profiles: int) -> pd.DataFrame:
    rows = [
        {
            "cluster": k,
            "variable": f"q{i // 3}",
            "category": f"modalité {i}",
            "v_test": float(RNG.normal(0, 6)),
        }
        for k in range(1, n_profiles + 1)
        for i in range(n_categories)
    ]
    return pd.DataFrame(rows)


def draw(function: Callable, frame: pd.DataFrame, **kwargs) -> Callable[[], object]:
    def run():
        ax = function(frame, **kwargs)
        return charts.finish_figure(
            ax.figure,
            title="Un titre qui énonce le résultat",
            subtitle="La question posée ?",
            source=SOURCE,
        )

    return run


def draw_and_save(function: Callable, frame: pd.DataFrame, **kwargs) -> Callable[[], object]:
    folder = tempfile.mkdtemp(prefix="bench-charts-")

    def run():
        fig = draw(function, frame, **kwargs)()
        return charts.save_figure(
            fig,
            "bench",
            alt="Texte alternatif",
            data=frame,
            wave="2025",
            title="Titre",
            base=480,
            out_dir=folder,
        )

    return run


def measure(run: Callable[[], object], repeat: int = 3) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return min(times), peak / 2**20


def main() -> None:
    cases = [
        ("bars_with_ci, 13 options", draw(charts.bars_with_ci, bars_frame(13, ["ensemble"]))),
        (
            "bars_with_ci, 4 options × 9 groupes",
            draw(charts.bars_with_ci, bars_frame(4, ["ensemble", *TYPES]), group="col"),
        ),
        ("bars_with_ci, 60 options", draw(charts.bars_with_ci, bars_frame(60, ["ensemble"]))),
        ("diverging_bars, 9 barres × 5", draw(charts.diverging_bars, likert_frame(9, 5))),
        ("stacked_bars, 9 barres × 5", draw(charts.stacked_bars, likert_frame(9, 5))),
        ("stage_heatmap, 9 × 5", draw(charts.stage_heatmap, heat_frame(9, 5))),
        ("stage_heatmap, 40 × 12", draw(charts.stage_heatmap, heat_frame(40, 12))),
        ("profile_heatmap, 12 × 4", draw(charts.profile_heatmap, vtest_frame(12, 4))),
        ("profile_heatmap, 40 × 8", draw(charts.profile_heatmap, vtest_frame(40, 8))),
        (
            "+ save_figure (PNG 300 dpi, SVG, CSV), 13 options",
            draw_and_save(charts.bars_with_ci, bars_frame(13, ["ensemble"])),
        ),
        ("+ save_figure, 40 × 12 heatmap", draw_and_save(charts.stage_heatmap, heat_frame(40, 12))),
    ]
    print(f"{'case':<52} {'wall (s)':>9} {'peak (MiB)':>11}")
    for name, run in cases:
        seconds, mebibytes = measure(run)
        print(f"{name:<52} {seconds:>9.3f} {mebibytes:>11.1f}")


if __name__ == "__main__":
    main()
