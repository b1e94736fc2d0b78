"""Time MCA + HCPC on synthetic respondents of growing size.

Run from the repository root::

    .venv/bin/python benchmarks/bench_profiles.py

Prints, for 500, 10,000 and 100,000 respondents (12 categorical questions with
3 to 5 answers, 4 planted profiles, unequal weights): the wall time of the
MCA fit, of the HCPC fit (consolidated; pre-clustered into 500 groups above
5,000 rows) and the peak memory traced by ``tracemalloc`` during both.
"""

from __future__ import annotations

import resource
import time
import tracemalloc

import numpy as np
import pandas as pd

from barometer.profiles import HCPC, MCA

SIZES = (500, 10_000, 100_000)


def synthetic_answers(n_rows: int, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    latent = rng.integers(0, 4, n_rows)
    columns = {}
    for j in range(12):
        n_levels = 3 + j % 3
        favourite = (latent + j) % n_levels
        codes = np.where(rng.random(n_rows) < 0.6, favourite, rng.integers(0, n_levels, n_rows))
        levels = [f"réponse {k + 1}" for k in range(n_levels)]
        columns[f"q{j + 1}"] = pd.Categorical.from_codes(codes, categories=levels)
    return pd.DataFrame(columns), rng.lognormal(0.0, 0.5, n_rows)


def run(n_rows: int) -> dict[str, float]:
    answers, weights = synthetic_answers(n_rows)
    tracemalloc.start()
    start = time.perf_counter()
    mca = MCA(n_components=5).fit(answers, sample_weight=weights)
    middle = time.perf_counter()
    hcpc = HCPC().fit(mca.row_coordinates_, sample_weight=weights)
    end = time.perf_counter()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "rows": n_rows,
        "mca_s": middle - start,
        "hcpc_s": end - middle,
        "total_s": end - start,
        "peak_mib": peak / 2**20,
        "clusters": hcpc.n_clusters_,
    }


def main() -> None:
    results = [run(n) for n in SIZES]
    print(f"{'rows':>8} {'MCA (s)':>8} {'HCPC (s)':>9} {'total (s)':>10} {'peak MiB':>9} {'K':>3}")
    for r in results:
        print(
            f"{r['rows']:>8,} {r['mca_s']:>8.2f} {r['hcpc_s']:>9.2f} {r['total_s']:>10.2f} "
            f"{r['peak_mib']:>9.1f} {r['clusters']:>3}"
        )
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process max RSS: {max_rss:.0f} MiB")


if __name__ == "__main__":
    main()
