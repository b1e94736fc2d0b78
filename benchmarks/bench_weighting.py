"""Time and memory of barometer.weighting.rake on synthetic respondents.

Run from the project root::

    .venv/bin/python benchmarks/bench_weighting.py

Prints one line per case: wall time (best of ``REPEATS`` runs, time.perf_counter)
and peak memory traced during one run (tracemalloc, Python and numpy allocations).
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
import pandas as pd

from barometer.weighting import rake

REPEATS = 3
SIZES = (500, 100_000)
MARGINS = {
    "org_size": {"none": 0.55, "1_9": 0.25, "10_49": 0.12, "50_249": 0.06, "250_plus": 0.02},
    "region": {f"r{j}": 1 / 13 for j in range(13)},
    "age": {"lt_5": 0.2, "5_19": 0.35, "20_49": 0.3, "50_plus": 0.15},
}


def make_frame(n_rows: int, seed: int = 1) -> pd.DataFrame:
    """Return synthetic respondents whose composition differs from ``MARGINS``."""
    rng = np.random.default_rng(seed)
    columns = {}
    for variable, spec in MARGINS.items():
        # Over- and under-represent alternate categories by half.
        tilt = np.array(list(spec.values())) * np.where(np.arange(len(spec)) % 2, 0.5, 1.5)
        columns[variable] = rng.choice(list(spec), size=n_rows, p=tilt / tilt.sum())
    frame = pd.DataFrame(columns)
    frame["org_type"] = rng.choice(["association", "commune", "edtech"], size=n_rows)
    frame["w0"] = rng.uniform(0.5, 3.0, n_rows)
    return frame


CASES = {
    "raking, 3 variables": {"base_weight": "w0"},
    "raking + trim (0.2, 5)": {"base_weight": "w0", "trim": (0.2, 5.0)},
    "raking by org_type": {"base_weight": "w0", "by": "org_type"},
}


def run(frame: pd.DataFrame, options: dict) -> pd.Series:
    """Rake ``frame`` with the options of one case."""
    margins = MARGINS
    if "by" in options:
        margins = {group: MARGINS for group in frame["org_type"].unique()}
    return rake(frame, margins, max_iter=1000, **options)


def measure(frame: pd.DataFrame, options: dict) -> tuple[float, float]:
    """Return (best wall time in seconds, peak traced memory in MiB)."""
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        run(frame, options)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    run(frame, options)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return min(times), peak / 2**20


def main() -> None:
    """Print the benchmark table."""
    print(f"{'rows':>8}  {'case':<24} {'wall time (s)':>14} {'peak memory (MiB)':>18}")
    for n_rows in SIZES:
        frame = make_frame(n_rows)
        for name, options in CASES.items():
            seconds, mebibytes = measure(frame, options)
            print(f"{n_rows:>8}  {name:<24} {seconds:>14.4f} {mebibytes:>18.2f}")


if __name__ == "__main__":
    main()
