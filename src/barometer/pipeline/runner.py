"""Plan and run the steps of ``barometer run``: notebooks × waves, in parallel.

A *step* is one notebook for one wave (``scope=wave``), for all waves at
once (``scope=all``, key ``trends``) or a private one (``scope=private``).  A
step starts when the steps it ``needs`` have succeeded; independent steps run
at the same time, up to ``jobs``, each in its own kernel.  A failing step
stops its wave (later steps of that wave are not run) but not the others.
"""

from __future__ import annotations

import sys
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from barometer import paths
from barometer.codebook import load_codebook
from barometer.pipeline.cache import (
    RECORD_NAME,
    RunRecord,
    changed_files,
    file_hash,
    git_commit,
    outputs_intact,
    package_source_hash,
    package_versions,
    snapshot,
    text_hash,
)
from barometer.pipeline.execute import Execution, declared_parameters, execute
from barometer.pipeline.notebooks import TRENDS, NotebookSpec, to_notebook
from barometer.pipeline.publish import render_html
from barometer.waves import Wave

OK, CACHED, FAILED, NOT_RUN = "ok", "cached", "failed", "not run"


@dataclass
class Step:
    """One notebook to execute for one wave (or for all waves)."""

    key: str
    spec: NotebookSpec
    waves: tuple[Wave, ...]
    parameters: dict[str, Any]
    needs: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        """``"<key>/<notebook>"``, e.g. ``"2025/02_tables"``."""
        return f"{self.key}/{self.spec.name}"

    @property
    def folder(self) -> Path:
        """Where its executed notebook and page go."""
        base = paths.reports_dir(self.key)
        return base / "private" if self.spec.scope == "private" else base

    @property
    def ipynb(self) -> Path:
        """The executed notebook."""
        return self.folder / f"{self.spec.name}.ipynb"

    @property
    def html(self) -> Path:
        """The public page."""
        return self.folder / f"{self.spec.name}.html"

    @property
    def synthetic(self) -> bool:
        """True when any wave it reads is synthetic."""
        return any(w.synthetic for w in self.waves)

    @property
    def label(self) -> str:
        """French name of what it covers, for page footers."""
        return "évolutions entre vagues" if self.key == TRENDS else f"vague {self.key}"


@dataclass
class StepResult:
    """How a step ended, for the progress lines and the summary table."""

    step: Step
    status: str
    seconds: float = 0.0
    message: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    execution: Execution | None = None


def _parameters(
    spec: NotebookSpec, wave_ids: list[str], key: str, extra: dict[str, Any]
) -> dict[str, Any]:
    """Return the parameters injected into a notebook.

    A per-wave notebook gets ``wave`` (always a ``str``); a cross-wave one gets
    ``waves`` if it declares it, as a list or, when annotated ``str``, as
    comma-separated ids.  ``extra`` values are passed to the notebooks that
    declare them.
    """
    declared = declared_parameters(to_notebook(spec))
    chosen = {name: value for name, value in extra.items() if name in declared}
    if spec.scope == "all":
        if "waves" in declared:
            ids = [str(w) for w in wave_ids]
            chosen["waves"] = ",".join(ids) if declared["waves"] == "str" else ids
        return chosen
    if "wave" not in declared:
        raise ValueError(
            f"{spec.path}: no `wave` assignment in a cell tagged parameters "
            f'(add `# %% tags=["parameters"]` then `wave: str = "{key}"`)'
        )
    return {**chosen, "wave": str(key)}


def plan(
    specs: list[NotebookSpec],
    selected: list[Wave],
    every: list[Wave],
    names: list[str] | None,
    extra: dict[str, Any] | None = None,
) -> tuple[list[Step], list[StepResult]]:
    """Turn notebooks × waves into steps with their dependencies.

    Parameters
    ----------
    specs : list of NotebookSpec
        Every notebook found.
    selected : list of Wave
        The waves to run.
    every : list of Wave
        Every registered wave (cross-wave steps run only when all are selected).
    names : list of str or None
        Notebooks asked for by name or number (their ``needs`` are added);
        None means every non-private notebook.
    extra : dict, optional
        Further parameters, given to the notebooks that declare them.

    Returns
    -------
    steps : list of Step
        In execution order (wave, then number).
    skipped : list of StepResult
        Cross-wave steps left out because only some waves were selected.
    """
    chosen = _choose(specs, names)
    steps: list[Step] = []
    skipped: list[StepResult] = []
    selected_ids = [w.id for w in selected]
    for spec in (s for s in chosen if s.scope != "all"):
        for wave in selected:
            step = Step(
                wave.id, spec, (wave,), _parameters(spec, selected_ids, wave.id, extra or {})
            )
            step.needs = [f"{wave.id}/{n}" for n in spec.needs]
            steps.append(step)
    for spec in (s for s in chosen if s.scope == "all"):
        step = Step(
            TRENDS, spec, tuple(selected), _parameters(spec, selected_ids, TRENDS, extra or {})
        )
        step.needs = [f"{w.id}/{n}" for w in selected for n in spec.needs]
        if {w.id for w in selected} != {w.id for w in every}:
            skipped.append(
                StepResult(step, NOT_RUN, message="needs every wave (run without --wave)")
            )
            continue
        steps.append(step)
    order = {s.name: i for i, s in enumerate(specs)}
    steps.sort(key=lambda s: (s.key == TRENDS, order[s.spec.name], s.key))
    return steps, skipped


def _choose(specs: list[NotebookSpec], names: list[str] | None) -> list[NotebookSpec]:
    by_name = {s.name: s for s in specs}
    if names is None:
        return [s for s in specs if s.scope != "private"]
    wanted: set[str] = set()
    for name in names:
        match = [s for s in specs if name in (s.name, s.number)]
        if not match:
            raise ValueError(f"no notebook {name!r} (known: {', '.join(by_name) or 'none'})")
        stack = [match[0].name]
        while stack:
            current = stack.pop()
            if current not in wanted:
                wanted.add(current)
                stack.extend(by_name[current].needs)
    return [s for s in specs if s.name in wanted]


class Runner:
    """Execute planned steps with caching, in parallel, and record them.

    Parameters
    ----------
    steps : list of Step
        From :func:`plan`.
    root : pathlib.Path
        Project root (kernels' working directory).
    jobs : int
        Steps run at the same time.
    html : bool
        Render each executed notebook as a public page.
    force : bool
        Re-run steps whose fingerprint did not change.
    timeout : int
        Seconds allowed to each cell.
    """

    def __init__(
        self, steps: list[Step], root: Path, *, jobs: int, html: bool, force: bool, timeout: int
    ) -> None:
        self.steps = {s.id: s for s in steps}
        self.root = root
        self.jobs = jobs
        self.html = html
        self.force = force
        self.timeout = timeout
        self.results: dict[str, StepResult] = {}
        self.records: dict[str, RunRecord] = {}
        self._hashes: dict[Path, str] = {}
        self._package = package_source_hash()
        self._versions = package_versions()
        self._commit = git_commit(root)
        own = {p for s in steps for p in (s.ipynb, s.html)}
        self._exclude = own | {paths.reports_dir(k) / "private" for k in {s.key for s in steps}}
        self._exclude |= {paths.reports_dir(k) / RECORD_NAME for k in {s.key for s in steps}}

    # ------------------------------------------------------------ fingerprints
    def _hash(self, path: Path) -> str:
        if path not in self._hashes:
            self._hashes[path] = file_hash(path)
        return self._hashes[path]

    def _rel(self, path: Path) -> str:
        resolved = path.resolve()
        for base, prefix in ((self.root.resolve(), ""), (paths.PACKAGE_DIR, "barometer/")):
            if resolved.is_relative_to(base):
                return prefix + resolved.relative_to(base).as_posix()
        return str(path)

    def inputs(self, step: Step) -> dict[str, str]:
        """Return ``{file: sha256}`` of the raw exports, ``wave.yaml`` and codebooks it reads."""
        files: list[Path] = []
        for wave in step.waves:
            files.append(wave.file)
            if wave.path is not None:
                files.append(wave.path)
            codebook = load_codebook(wave.codebook).path
            if codebook is not None:
                files.append(codebook)
        return {self._rel(p): self._hash(p) for p in files}

    def record(self, key: str) -> RunRecord:
        """Return the run record of a wave (or ``trends``), loaded once."""
        if key not in self.records:
            self.records[key] = RunRecord.load(paths.reports_dir(key) / RECORD_NAME)
        return self.records[key]

    def fingerprint(self, step: Step) -> str:
        """Hash everything the step reads (see :mod:`barometer.pipeline.cache`)."""
        upstream = {}
        for need in step.needs:
            key, name = need.split("/", 1)
            upstream[need] = self.record(key).step(name).get("outputs", {})
        return text_hash(
            {
                "inputs": self.inputs(step),
                "notebook": step.spec.source_hash(),
                "package": self._package,
                "packages": self._versions,
                "parameters": step.parameters,
                "scope": step.spec.scope,
                "upstream": upstream,
            }
        )

    def is_fresh(self, step: Step, fingerprint: str) -> bool:
        """Return True when the last run of this step is still valid."""
        last = self.record(step.key).step(step.spec.name)
        return (
            not self.force
            and last.get("status") == OK
            and last.get("fingerprint") == fingerprint
            and step.ipynb.is_file()
            and outputs_intact(last.get("outputs", {}), self.root)
        )

    # --------------------------------------------------------------- execution
    def _watched(self, step: Step) -> list[Path]:
        return [
            paths.processed_dir(step.key),
            paths.figures_dir(step.key),
            paths.reports_dir(step.key),
        ]

    def work(self, step: Step, fresh: bool) -> StepResult:
        """Execute (or reuse) one step and render its page; runs in a worker thread."""
        start = time.perf_counter()
        if fresh:
            if self.html and not step.html.is_file():
                render_html(step.ipynb, step.html, wave=step.label, synthetic=step.synthetic)
            outputs = self.record(step.key).step(step.spec.name).get("outputs", {})
            return StepResult(step, CACHED, time.perf_counter() - start, outputs=outputs)
        before = snapshot(self._watched(step), self._exclude)
        result = execute(
            step.spec, step.ipynb, step.parameters, cwd=self.root, timeout=self.timeout
        )
        outputs = changed_files(before, snapshot(self._watched(step), self._exclude), self.root)
        if not result.ok:
            step.html.unlink(missing_ok=True)
            where = f"cell {result.cell}" if result.cell is not None else "kernel"
            first_line = "".join((result.evalue or "").strip().splitlines()[:1])
            message = (
                f"wave {step.key}, notebook {step.spec.name}: {where}: {result.ename}: "
                f"{first_line} (executed notebook kept: {self._rel(step.ipynb)})"
            )
            return StepResult(step, FAILED, result.seconds, message, outputs, result)
        if self.html:
            try:
                render_html(step.ipynb, step.html, wave=step.label, synthetic=step.synthetic)
            except Exception as exc:
                message = (
                    f"wave {step.key}, notebook {step.spec.name}: HTML rendering failed: {exc!r}"
                )
                return StepResult(step, FAILED, time.perf_counter() - start, message, outputs)
        return StepResult(step, OK, time.perf_counter() - start, outputs=outputs, execution=result)

    def _save(self, result: StepResult, fingerprint: str | None) -> None:
        step = result.step
        rec = self.record(step.key)
        rec.data.update(
            {
                "key": step.key,
                "waves": [w.id for w in step.waves] if step.key == TRENDS else [step.key],
                "codebooks": sorted({w.codebook for w in step.waves}),
                "synthetic": step.synthetic,
                "packages": self._versions,
                "git_commit": self._commit,
            }
        )
        rec.data.setdefault("inputs", {}).update(self.inputs(step))
        rec.data.setdefault("parameters", {})[step.spec.name] = step.parameters
        if result.status == CACHED:
            entry = rec.step(step.spec.name)
            entry["last_checked"] = time.strftime("%Y-%m-%dT%H:%M:%S")
        else:
            entry = {
                "fingerprint": fingerprint,
                "status": result.status,
                "seconds": round(result.seconds, 3),
                "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
                "outputs": result.outputs,
                "notebook": self._rel(step.ipynb),
                "error": result.execution.error_dict() if result.execution else None,
            }
        rec.data["steps"][step.spec.name] = entry
        statuses = [s.get("status") for s in rec.data["steps"].values()]
        rec.data["status"] = FAILED if FAILED in statuses else OK
        rec.save()

    def _blocked(self, step: Step) -> str | None:
        for need in step.needs:
            done = self.results.get(need)
            if done is not None and done.status in (FAILED, NOT_RUN):
                return f"{need} did not succeed"
            if need not in self.steps and need not in self.results:
                return f"{need} is not part of this run"
        stopped = [
            r.step.spec.name
            for r in self.results.values()
            if r.step.key == step.key and r.status == FAILED
        ]
        return f"wave stopped after {stopped[0]} failed" if stopped else None

    def _ready(self, step: Step) -> bool:
        return all(
            need in self.results and self.results[need].status in (OK, CACHED)
            for need in step.needs
        )

    def run(self) -> dict[str, StepResult]:
        """Execute every step; return the results by step id."""
        pending = list(self.steps.values())
        running: dict[Future[StepResult], tuple[Step, str]] = {}
        with ThreadPoolExecutor(max_workers=self.jobs) as pool:
            while pending or running:
                for step in list(pending):
                    reason = self._blocked(step)
                    if reason is not None:
                        pending.remove(step)
                        self._finish(StepResult(step, NOT_RUN, message=reason), None)
                    elif self._ready(step) and len(running) < self.jobs:
                        pending.remove(step)
                        fingerprint = self.fingerprint(step)
                        fresh = self.is_fresh(step, fingerprint)
                        future = pool.submit(self.work, step, fresh)
                        running[future] = (step, fingerprint)
                if not running:
                    if pending:  # pragma: no cover - guarded by discover_notebooks
                        raise RuntimeError(f"steps cannot start: {[s.id for s in pending]}")
                    break
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    step, fingerprint = running.pop(future)
                    try:
                        result = future.result()
                    except Exception as exc:
                        result = StepResult(
                            step,
                            FAILED,
                            message=f"wave {step.key}, notebook {step.spec.name}: {exc!r}",
                        )
                    self._finish(result, fingerprint)
        return self.results

    def _finish(self, result: StepResult, fingerprint: str | None) -> None:
        self.results[result.step.id] = result
        echo(progress_line(result))
        if result.status != NOT_RUN:
            self._save(result, fingerprint)


def progress_line(result: StepResult) -> str:
    """Return the one-line report of a finished step."""
    head = f"[{result.step.key}] {result.step.spec.name}"
    if result.status == OK:
        return f"{head}: ok in {result.seconds:.1f} s"
    if result.status == CACHED:
        return f"{head}: unchanged, skipped (cache)"
    if result.status == FAILED:
        return f"{head}: FAILED after {result.seconds:.1f} s — {result.message}"
    return f"{head}: not run ({result.message})"


def summary_table(results: list[StepResult]) -> str:
    """Return the end-of-run table: wave, notebook, status, seconds."""
    lines = [f"{'wave':<10}{'notebook':<22}{'status':<10}{'seconds':>8}"]
    for r in results:
        lines.append(f"{r.step.key:<10}{r.step.spec.name:<22}{r.status:<10}{r.seconds:>8.1f}")
    return "\n".join(lines)


def echo(message: str) -> None:
    """Print a line of the run's log (stdout, flushed)."""
    print(message, file=sys.stdout, flush=True)
