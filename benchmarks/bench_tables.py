"""Benchmark of barometer.tables: Rao–Scott test, crosstab and the full workbook.

Run from the repository root::

    .venv/bin/python benchmarks/bench_tables.py            # 10 000 and 1 000 000 rows
    .venv/bin/python benchmarks/bench_tables.py --quick    # 10 000 rows only

Prints, for each step, the wall time (``time.perf_counter``, best of the
repeats) and the peak Python memory of one more run (``tracemalloc``, which
sees numpy's buffers).  The respondents are generated here from the codebook
(uniform answers, routing respected): a stand-in of the same shape as
``data/processed/<wave>/respondents.parquet``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from barometer import survey
from barometer.codebook import Codebook, load_codebook, multiple_variable
from barometer.tables import crosstab, crosstabs, export_workbook

WORKBOOK_ROWS = [
    "ai_status",
    "stages",
    "tools",
    "barriers",
    "ai_charter",
    "ai_referent",
    "training",
    "personal_data_rule",
    "expectations",
    "stance",
    "opportunity_threat",
]


def synthetic_respondents(n: int, codebook: Codebook, seed: int = 0) -> pd.DataFrame:
    """Return ``n`` respondents with every substantive question, uniform answers."""
    rng = np.random.default_rng(seed)
    columns: dict[str, object] = {}
    answers: dict[str, np.ndarray] = {}
    for question in codebook.substantive:
        if not question.is_categorical:
            continue
        asked = np.ones(n, dtype=bool)
        if question.asked_if is not None:
            asked = np.isin(answers[question.asked_if.question], question.asked_if.codes)
        codes = question.codes
        if question.type == "multiple":
            for code in codes:
                values = pd.array(rng.random(n) < 0.3, dtype="boolean")
                values[~asked] = pd.NA
                columns[multiple_variable(question.id, code)] = values
            continue
        variables = [r.id for r in question.rows] if question.type == "array" else [question.id]
        for variable in variables:
            drawn = rng.choice(np.array(codes, dtype=object), n)
            answers[variable] = np.where(asked, drawn, None)
            columns[variable] = pd.Categorical(
                answers[variable], categories=codes, ordered=question.ordered
            )
            if question.type == "scale":
                columns[f"{variable}_num"] = pd.to_numeric(pd.Series(answers[variable]))
    columns["weight"] = rng.lognormal(0.0, 0.4, n)
    return pd.DataFrame(columns)


def measure(step: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Best wall time of ``repeats`` runs, and the peak traced memory of one more (MiB)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best, peak / 2**20


def steps_for(data: pd.DataFrame, codebook: Codebook) -> dict[str, Callable[[], object]]:
    """The timed steps on one respondents table."""
    status, org, weights = data["ai_status"], data["org_type"], data["weight"]
    return {
        "rao_scott ai_status × org_type": lambda: survey.rao_scott(status, org, weights),
        "crosstab ai_status × org_type": lambda: crosstab(
            data, "ai_status", "org_type", codebook=codebook
        ),
        "crosstab tools × org_type": lambda: crosstab(data, "tools", "org_type", codebook=codebook),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 000 rows only")
    args = parser.parse_args()
    codebook = load_codebook("v1")
    sizes = [10_000] if args.quick else [10_000, 1_000_000]
    results = []
    for n in sizes:
        data = synthetic_respondents(n, codebook, seed=1)
        repeats = 3 if n <= 10_000 else 1
        for name, step in steps_for(data, codebook).items():
            seconds, peak = measure(step, repeats)
            results.append((name, n, seconds, peak))
    wave = synthetic_respondents(1_000, codebook, seed=2)
    with tempfile.TemporaryDirectory() as folder:

        def workbook() -> Path:
            tables = crosstabs(wave, WORKBOOK_ROWS, "org_type", codebook=codebook)
            tables |= crosstabs(wave, ["ai_status"], "org_size", codebook=codebook)
            return export_workbook(
                tables, Path(folder) / "tables.xlsx", wave="bench", synthetic=True
            )

        seconds, peak = measure(workbook, 1)
        results.append(("full workbook (25 tables)", len(wave), seconds, peak))
    print(f"{'step':<34} {'rows':>10} {'wall (s)':>10} {'peak (MiB)':>11}")
    for name, n, seconds, peak in results:
        print(f"{name:<34} {n:>10,} {seconds:>10.3f} {peak:>11.1f}")


if __name__ == "__main__":
    main()
