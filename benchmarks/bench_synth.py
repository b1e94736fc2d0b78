"""Time and memory of the synthetic generator: `python benchmarks/bench_synth.py`.

For each wave layout (2025: LimeSurvey CSV, 2026: forms XLSX) and size, prints
the wall time of `generate` (draw + render in memory) and of `write_wave`
(the same plus writing the export, wave.yaml and ground truth), measured with
`time.perf_counter`, and the process's peak resident memory so far
(`resource.getrusage`).  Memory is not traced with tracemalloc, which slows
this pure-Python-heavy code several times over.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from barometer.synth import generate, write_wave


def peak_mib() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(func) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 10_000, 100_000])
    args = parser.parse_args()
    generate("2025", 10, 0)  # load codebooks and modules once
    header = ("wave", "rows", "generate s", "write s", "peak RSS MiB")
    print("{:<6}{:>9}{:>12}{:>10}{:>14}".format(*header))
    with tempfile.TemporaryDirectory() as tmp:
        for wave in ("2025", "2026"):
            for n in args.sizes:
                gen_s = timed(lambda w=wave, n=n: generate(w, n, 1))
                out = Path(tmp) / f"{wave}-{n}"
                write_s = timed(lambda w=wave, n=n, o=out: write_wave(w, n, 1, o))
                print(f"{wave:<6}{n:>9}{gen_s:>12.2f}{write_s:>10.2f}{peak_mib():>14.0f}")


if __name__ == "__main__":
    main()
