"""Time and memory of the wave preparation steps on synthetic respondents.

Run from the project root::

    .venv/bin/python benchmarks/bench_clean.py                  # 500 and 100,000 rows
    .venv/bin/python benchmarks/bench_clean.py --sizes 500 --waves 2025

For each wave and size, a synthetic export is drawn with ``barometer.synth.generate``
(not timed), then each step is timed (wall time with time.perf_counter, best of
``--repeats`` runs for small sizes, one run above 10,000 rows) and its peak
memory traced in a separate run (tracemalloc: Python and numpy allocations):

* ``lecture``: ``read_export`` of the export written as UTF-8 CSV;
* ``nettoyage``: ``clean_wave`` with pseudonyms (HMAC) computed;
* ``textes``: scrubbing the "Autre" texts and the testimonies;
* ``pondération``: within-type raking (``prepare.weigh``).
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from barometer.clean import clean_wave
from barometer.codebook import load_codebook
from barometer.ingest import read_export
from barometer.prepare import scrub_other_texts, scrub_testimonies, weigh
from barometer.privacy import pseudonym
from barometer.synth import default_codebook, generate

SECRET = "benchmark-secret"


def measure(func: Callable[[], Any], repeats: int) -> tuple[float, float, Any]:
    """Return (best wall time in s, peak traced memory in MiB, last result)."""
    best = float("inf")
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    func()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best, peak / 2**20, result


def bench(wave: str, n_rows: int, repeats: int) -> list[dict[str, Any]]:
    raw, _ = generate(wave, n=n_rows, seed=1)
    codebook = load_codebook(default_codebook(wave))
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        raw.to_csv(path, index=False, encoding="utf-8")
        seconds, mib, frame = measure(lambda: read_export(path), repeats)
        rows.append(_row(wave, n_rows, "lecture", seconds, mib))
    seconds, mib, result = measure(
        lambda: clean_wave(frame, codebook, wave, pseudonymise=lambda k: pseudonym(k, SECRET)),
        repeats,
    )
    rows.append(_row(wave, n_rows, "nettoyage", seconds, mib))

    def scrub() -> pd.DataFrame:
        scrub_testimonies(result)
        return scrub_other_texts(result, codebook)

    seconds, mib, respondents = measure(scrub, repeats)
    rows.append(_row(wave, n_rows, "textes", seconds, mib))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        seconds, mib, _ = measure(lambda: weigh(respondents, codebook), repeats)
    rows.append(_row(wave, n_rows, "pondération", seconds, mib))
    return rows


def _row(wave: str, n_rows: int, step: str, seconds: float, mib: float) -> dict[str, Any]:
    return {"vague": wave, "lignes": n_rows, "étape": step, "temps (s)": seconds, "pic (Mio)": mib}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,100000", help="export rows, comma-separated")
    parser.add_argument("--waves", default="2025,2026", help="waves, comma-separated")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs (small sizes)")
    args = parser.parse_args()
    rows = []
    for wave in args.waves.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            repeats = args.repeats if size <= 10_000 else 1
            rows.extend(bench(wave.strip(), size, repeats))
    table = pd.DataFrame(rows)
    print(table.to_string(index=False, float_format=lambda v: f"{v:,.3f}"))


if __name__ == "__main__":
    main()
