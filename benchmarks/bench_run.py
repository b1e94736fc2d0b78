"""Speed of ``barometer run``: sequential, ``--jobs 2``, unchanged (cache), and overheads.

Runs on a copy of the project (notebooks + data/raw) in a temporary folder,
so the real ``reports/`` is untouched.  Sample waves missing from data/raw are
generated with ``barometer synth`` (as ``make samples`` does).  The package
source is hashed once at the start: edits made to the tree while the
benchmark runs do not invalidate its cache.

    .venv/bin/python benchmarks/bench_run.py
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from barometer import paths
from barometer.pipeline import run, runner
from barometer.pipeline.execute import execute, kernel_environment
from barometer.pipeline.notebooks import NotebookSpec
from barometer.pipeline.scan import privacy_scan
from barometer.waves import list_waves

SAMPLES = {"2025": (520, 2025), "2026": (610, 2026)}
TRIVIAL = '# %% tags=["parameters"]\nwave: str = "2025"\n\n# %%\n1 + 1\n'
IMPORTS = TRIVIAL + "\n# %%\nimport matplotlib.pyplot\nimport pandas\nimport barometer.tables\n"


def _copy_project(dst: Path) -> None:
    src = paths.project_root()
    shutil.copy(src / "pyproject.toml", dst / "pyproject.toml")
    shutil.copytree(src / "notebooks", dst / "notebooks", ignore=shutil.ignore_patterns("*.ipynb"))
    raw = src / "data" / "raw"
    if raw.is_dir():
        shutil.copytree(raw, dst / "data" / "raw")
    (dst / "data" / "raw").mkdir(parents=True, exist_ok=True)
    for wave, (n, seed) in SAMPLES.items():
        if not (dst / "data" / "raw" / wave / "wave.yaml").is_file():
            from barometer.synth import write_wave

            write_wave(wave=wave, n=n, seed=seed, out=dst / "data" / "raw" / wave)


def _timed(label: str, root: Path, **kwargs) -> tuple[str, float, int, str]:
    buffer = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(buffer):
        code = run(root=root, **kwargs)
    seconds = time.perf_counter() - start
    done = [line for line in buffer.getvalue().splitlines() if line.startswith("done in")]
    return label, seconds, code, done[0] if done else ""


def _step_seconds(root: Path) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for record in sorted((root / "reports").glob("*/run.json")):
        for name, step in json.loads(record.read_text())["steps"].items():
            out.setdefault(name, []).append(float(step.get("seconds", 0.0)))
    return out


def _kernel_overhead(root: Path, text: str, repeats: int = 3) -> float:
    """Mean wall time of papermill on a tiny notebook: kernel start, injection, save."""
    source = root / "trivial" / "00_trivial.py"
    source.parent.mkdir(exist_ok=True)
    source.write_text(text, encoding="utf-8")
    spec = NotebookSpec("00_trivial", source, "wave", ())
    times = []
    with kernel_environment(root):
        for _ in range(repeats):
            out = execute(
                spec, root / "trivial" / "out.ipynb", {"wave": "2025"}, cwd=root, timeout=60
            )
            times.append(out.seconds)
    return statistics.mean(times)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="barometer-bench-") as tmp:
        root = Path(tmp)
        _copy_project(root)
        os.environ["BAROMETER_ROOT"] = str(root)
        pinned = runner.package_source_hash()
        runner.package_source_hash = lambda: pinned  # see the module docstring
        n_notebooks = len(list((root / "notebooks").glob("0[1-5]_*.py")))
        rows = [_timed("sequential (--jobs 1, --force)", root, jobs=1, force=True)]
        rows.append(_timed("parallel (--jobs 2, --force)", root, jobs=2, force=True))
        steps = _step_seconds(root)
        rows.append(_timed("second run, unchanged (cache)", root, jobs=2))
        start = time.perf_counter()
        privacy_scan(list_waves())
        scan_seconds = time.perf_counter() - start
        overhead = _kernel_overhead(root, TRIVIAL)
        imports = _kernel_overhead(root, IMPORTS)
    print(f"{'run (waves 2025 + 2026)':<34}{'seconds':>9}  {'exit':>4}  summary")
    for label, seconds, code, summary in rows:
        print(f"{label:<34}{seconds:>9.1f}  {code:>4}  {summary}")
    print(f"\nnotebooks 01-05 found: {n_notebooks}; seconds per step in the --jobs 2 run:")
    for name, values in sorted(steps.items()):
        print(f"  {name:<20}{' '.join(f'{v:7.1f}' for v in values)}")
    print(f"\n{'kernel + papermill, trivial notebook':<40}{overhead:>7.2f} s per step")
    print(f"{'  + imports (pandas, matplotlib, tables)':<40}{imports:>7.2f} s per step")
    print(f"{'privacy scan of reports/ + figures/':<40}{scan_seconds:>7.2f} s per run")
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: runner {me:.0f} MiB, largest kernel {kids:.0f} MiB")
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
