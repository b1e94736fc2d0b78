"""``barometer run``: execute every notebook for every wave and publish the results.

One call re-executes the notebooks ``notebooks/NN_*.py`` (jupytext percent
sources) with papermill for each registered wave, writes the executed copies
to ``reports/<wave>/NN_name.ipynb``, renders them as public French HTML
pages, scans everything under ``reports/`` and ``figures/`` for identifiers,
and writes ``reports/index.html``.  Steps whose inputs did not change are
skipped; ``reports/<wave>/run.json`` records what ran, on what, with what.

Modules: :mod:`.notebooks` (discovery and the ``# barometer:`` header),
:mod:`.execute` (papermill and the kernel), :mod:`.cache` (fingerprints and
run records), :mod:`.runner` (plan, parallel execution), :mod:`.publish`
(HTML pages and index), :mod:`.scan` (privacy scan).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from barometer import paths
from barometer.pipeline.execute import kernel_environment
from barometer.pipeline.notebooks import MANIFEST, TRENDS, NotebookSpec, discover_notebooks
from barometer.pipeline.publish import WaveEntry, build_index, render_html
from barometer.pipeline.runner import (
    CACHED,
    FAILED,
    NOT_RUN,
    OK,
    Runner,
    StepResult,
    echo,
    plan,
    summary_table,
)
from barometer.pipeline.scan import privacy_scan
from barometer.waves import Wave, list_waves

__all__ = [
    "CACHED",
    "FAILED",
    "MANIFEST",
    "NOT_RUN",
    "OK",
    "NotebookSpec",
    "build_index",
    "discover_notebooks",
    "privacy_scan",
    "render_html",
    "run",
]


def _check_arguments(jobs: object, timeout: object) -> None:
    if isinstance(jobs, bool) or not isinstance(jobs, int):
        raise TypeError(f"jobs must be an integer, not {type(jobs).__name__}")
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout < 1:
        raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")


def _select(every: list[Wave], waves: Sequence[str] | None) -> list[Wave]:
    if not every:
        raise ValueError(f"{paths.raw_dir()}: no wave registered (data/raw/<wave>/wave.yaml)")
    if waves is None or len(waves) == 0:
        return every
    if isinstance(waves, str):
        raise TypeError("waves must be a list of wave ids, not a single string")
    known = {w.id: w for w in every}
    unknown = [str(w) for w in waves if str(w) not in known]
    if unknown:
        raise ValueError(f"unknown wave(s) {', '.join(unknown)} (known: {', '.join(known)})")
    return [known[w] for w in dict.fromkeys(str(w) for w in waves)]


def _entries(every: list[Wave], results: dict[str, StepResult]) -> list[WaveEntry]:
    entries = []
    for wave in every:
        failed = tuple(
            r.step.spec.name
            for r in results.values()
            if r.step.key == wave.id and r.status == FAILED
        )
        entries.append(WaveEntry(wave.id, wave.title or f"Vague {wave.id}", wave.synthetic, failed))
    if any(paths.reports_dir(TRENDS).glob("*.html")):
        failed = tuple(
            r.step.spec.name
            for r in results.values()
            if r.step.key == TRENDS and r.status == FAILED
        )
        synthetic = any(w.synthetic for w in every)
        entries.append(WaveEntry(TRENDS, "Évolutions entre vagues", synthetic, failed))
    return entries


def _publish(every: list[Wave], results: dict[str, StepResult], html: bool) -> bool:
    """Scan, then write the index when the scan is clean; return True when clean."""
    index = paths.reports_dir() / "index.html"
    start = time.perf_counter()
    hits = privacy_scan(every)
    if hits:
        index.unlink(missing_ok=True)
        echo(f"privacy scan: {len(hits)} finding(s); nothing published:")
        for hit in hits:
            echo(f"barometer: error: privacy scan: {hit.file}:{hit.line}: {hit.what}")
        return False
    echo(f"privacy scan: clean ({time.perf_counter() - start:.1f} s)")
    if html:
        build_index(_entries(every, results), index)
        echo(f"index: {index}")
    return True


def run(
    waves: Sequence[str] | None = None,
    jobs: int = 1,
    html: bool = True,
    force: bool = False,
    *,
    root: str | Path | None = None,
    notebooks: Sequence[str] | None = None,
    timeout: int = 600,
    parameters: Mapping[str, Any] | None = None,
) -> int:
    """Execute the notebooks for the waves, publish HTML and the index; return an exit code.

    Parameters
    ----------
    waves : sequence of str, optional
        Wave ids (default: every wave registered under ``data/raw``).
    jobs : int
        Notebooks executed at the same time (each in its own kernel).
    html : bool
        Render public pages and ``reports/index.html`` (``--no-html``: execute only).
    force : bool
        Re-execute steps whose inputs did not change.
    root : str or pathlib.Path, optional
        Project root (default ``paths.project_root()``); kernels see it as
        ``BAROMETER_ROOT`` and run in it.
    notebooks : sequence of str, optional
        Notebooks to run, by name or number (``"02_tables"``, ``"06"``),
        with what they need; the only way to run a ``private`` notebook.
        Default: every non-private notebook.
    timeout : int
        Seconds allowed to each cell.
    parameters : mapping, optional
        Further notebook parameters (e.g. ``{"respondent": "…"}`` for the
        peer report), given to the notebooks whose parameters cell declares
        them; ``wave`` and ``waves`` are set by the pipeline.

    Returns
    -------
    int
        0 when every step succeeded (or was unchanged) and the privacy scan is
        clean, 1 otherwise.

    Raises
    ------
    ValueError
        Unknown wave or notebook, no wave registered, malformed notebook header,
        a notebook without a ``wave`` parameter.
    """
    _check_arguments(jobs, timeout)
    root = Path(root).resolve() if root is not None else paths.project_root()
    with kernel_environment(root):
        every = list_waves()
        selected = _select(every, waves)
        specs = discover_notebooks(paths.notebooks_dir())
        extra = dict(parameters or {})
        reserved = sorted({"wave", "waves"} & set(extra))
        if reserved:
            raise ValueError(
                f"parameters: {', '.join(reserved)} is set by the pipeline (use waves=)"
            )
        names = list(notebooks) if notebooks else None
        steps, skipped = plan(specs, selected, every, names, extra)
        echo(
            f"barometer run: {len(steps)} step(s), waves {', '.join(w.id for w in selected)}, "
            f"jobs {jobs}{', forced' if force else ''}"
        )
        start = time.perf_counter()
        scheduler = Runner(steps, root, jobs=jobs, html=html, force=force, timeout=timeout)
        results = scheduler.run()
        for result in skipped:
            echo(f"[{result.step.key}] {result.step.spec.name}: not run ({result.message})")
        ordered = [results[s.id] for s in steps] + skipped
        echo(summary_table(ordered))
        clean = _publish(every, results, html)
        failed = [r for r in results.values() if r.status in (FAILED, NOT_RUN)]
        echo(
            f"done in {time.perf_counter() - start:.1f} s: "
            f"{sum(r.status == OK for r in results.values())} run, "
            f"{sum(r.status == CACHED for r in results.values())} unchanged, "
            f"{len(failed)} failed or not run"
        )
        for result in (r for r in failed if r.status == FAILED):
            echo(f"barometer: error: {result.message}")
    return 0 if clean and not failed else 1
