"""Time and memory of barometer.survey.rao_scott on large synthetic samples.

Run from the repository root::

    .venv/bin/python benchmarks/bench_survey.py

Prints one row a sample size and statistic: wall time (best of ``REPEATS``,
``time.perf_counter``) and the peak of Python-tracked memory during one call
(``tracemalloc``), beside the size of the input arrays.
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
import pandas as pd

from barometer.survey import rao_scott

SIZES = (10_000, 1_000_000)
REPEATS = 3


def make_sample(n: int, seed: int = 0) -> dict[str, object]:
    """Return a 4 x 5 table's worth of answers, lognormal weights and 3 strata."""
    rng = np.random.default_rng(seed)
    return {
        "x": pd.Series(rng.choice(["k1", "k2", "k3", "k4"], size=n)),
        "y": pd.Series(rng.choice(["m1", "m2", "m3", "m4", "m5"], size=n)),
        "weights": np.exp(rng.normal(0.0, 0.55, size=n)),
        "strata": rng.integers(0, 3, size=n),
    }


def measure(sample: dict[str, object], statistic: str) -> tuple[float, float]:
    """Return (best wall time in s, peak traced memory in MiB) of one rao_scott call."""
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        rao_scott(
            sample["x"],
            sample["y"],
            sample["weights"],
            strata=sample["strata"],
            statistic=statistic,
        )
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    rao_scott(
        sample["x"], sample["y"], sample["weights"], strata=sample["strata"], statistic=statistic
    )
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return min(times), peak / 2**20


def main() -> None:
    """Print the benchmark table."""
    print(f"{'rows':>10} {'statistic':>9} {'input MiB':>10} {'wall s':>8} {'peak MiB':>9}")
    for n in SIZES:
        sample = make_sample(n)
        input_mib = (
            sample["x"].memory_usage(deep=True)
            + sample["y"].memory_usage(deep=True)
            + sample["weights"].nbytes
            + sample["strata"].nbytes
        ) / 2**20
        for statistic in ("F", "Chisq"):
            wall, peak = measure(sample, statistic)
            print(f"{n:>10,} {statistic:>9} {input_mib:>10.1f} {wall:>8.3f} {peak:>9.1f}")


if __name__ == "__main__":
    main()
