"""Time `barometer peers --all` on a 600-answer synthetic wave (one process).

Generates a synthetic wave of 720 export rows (about 600 kept after
cleaning) in a temporary project, cleans it, then writes one peer report for
every respondent (not only those with a contact, to time the worst case).

Run: ``.venv/bin/python benchmarks/bench_peers.py``
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "data" / "raw").mkdir(parents=True)
        (root / "pyproject.toml").write_text("")
        os.environ["BAROMETER_ROOT"] = str(root)
        os.environ.setdefault("BAROMETER_SECRET", "benchmark-secret")
        from barometer.peers import write_wave_reports
        from barometer.prepare import prepare_wave
        from barometer.synth import write_wave

        write_wave("2026", 720, 11, root / "data" / "raw" / "2026")
        prepared = prepare_wave("2026")
        everyone = prepared.respondents["respondent_id"].tolist()
        started = time.perf_counter()
        mapping, _, _ = write_wave_reports("2026", respondents=everyone)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        header = ("respondents", "reports", "seconds", "ms/report", "peak RSS MiB")
        print(" ".join(f"{h:>13}" for h in header))
        print(
            f"{len(everyone):>13} {len(mapping):>13} {seconds:>13.1f} "
            f"{1000 * seconds / len(mapping):>13.1f} {peak:>13.0f}"
        )


if __name__ == "__main__":
    sys.exit(main())
