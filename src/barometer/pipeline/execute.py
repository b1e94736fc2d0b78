"""Execute one notebook with papermill, in its own kernel.

The kernel is always the Python running the pipeline: :func:`kernel_environment`
writes a private kernelspec named ``barometer`` pointing at
``sys.executable`` and puts it first on ``JUPYTER_PATH`` for the duration of
the run, so a stale ``barometer`` kernel registered elsewhere (another
virtualenv, the user's folder) can never be picked up.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import papermill

from barometer.pipeline.notebooks import KERNEL_NAME, NotebookSpec, to_notebook


@contextlib.contextmanager
def kernel_environment(root: Path) -> Iterator[Path]:
    """Provide the ``barometer`` kernel and ``BAROMETER_ROOT`` to kernels started inside.

    Parameters
    ----------
    root : pathlib.Path
        The project root the notebooks must see (``paths.project_root()``).

    Yields
    ------
    pathlib.Path
        The private Jupyter data folder holding ``kernels/barometer``.
    """
    saved = {key: os.environ.get(key) for key in ("JUPYTER_PATH", "BAROMETER_ROOT")}
    with tempfile.TemporaryDirectory(prefix="barometer-kernel-") as tmp:
        spec_dir = Path(tmp) / "kernels" / KERNEL_NAME
        spec_dir.mkdir(parents=True)
        spec = {
            "argv": [
                sys.executable,
                "-m",
                "ipykernel_launcher",
                "-f",
                "{connection_file}",
                "--IPKernelApp.log_level=CRITICAL",  # shutdown chatter is not news
            ],
            "display_name": "Python (barometer)",
            "language": "python",
        }
        (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
        path = os.pathsep.join(p for p in (tmp, saved["JUPYTER_PATH"]) if p)
        os.environ["JUPYTER_PATH"] = path
        os.environ["BAROMETER_ROOT"] = str(root)
        try:
            yield Path(tmp)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def declared_parameters(notebook: nbformat.NotebookNode) -> dict[str, str]:
    """Return ``{name: annotated type name}`` of the cell tagged ``parameters``.

    The type is papermill's ``inferred_type_name`` (``"str"``, ``"list"``,
    ``"None"`` when not annotated).
    """
    with tempfile.TemporaryDirectory(prefix="barometer-inspect-") as tmp:
        path = Path(tmp) / "notebook.ipynb"
        nbformat.write(notebook, path)
        found = papermill.inspect_notebook(str(path))
    return {name: str(info.get("inferred_type_name", "None")) for name, info in found.items()}


@dataclass
class Execution:
    """How one notebook execution ended.

    Attributes
    ----------
    ok : bool
        True when every cell ran.
    seconds : float
        Wall time.
    cell : int or None
        On failure, the 1-based number of the failing cell in the source
        notebook (as JupyterLab shows it, the injected parameters not counted).
    ename, evalue : str or None
        The exception's class name and message.
    """

    ok: bool
    seconds: float
    cell: int | None = None
    ename: str | None = None
    evalue: str | None = None

    def error_dict(self) -> dict[str, Any] | None:
        """Return the error as a JSON-ready dict (None when ok)."""
        if self.ok:
            return None
        return {"cell": self.cell, "ename": self.ename, "evalue": self.evalue}


def _source_cell_number(output: Path, cell_index: int) -> int:
    """Map papermill's cell index onto the source notebook's 1-based cell number.

    ``cell_index`` counts the injected parameters cell, which the source does
    not have when it sits before the failing cell.
    """
    try:
        executed = nbformat.read(output, as_version=4)
    except (OSError, ValueError):
        return cell_index + 1
    cells = [c for c in executed.cells if "papermill-error-cell-tag" not in _tags(c)]
    injected = [i for i, c in enumerate(cells) if "injected-parameters" in _tags(c)]
    shift = 1 if injected and injected[0] < cell_index else 0
    return cell_index + 1 - shift


def _stopped_cell(output: Path) -> int | None:
    """Return the source cell number of the last cell papermill started (timeouts, dead kernels)."""
    try:
        executed = nbformat.read(output, as_version=4)
    except (OSError, ValueError):
        return None
    started = [
        i
        for i, cell in enumerate(executed.cells)
        if cell.get("metadata", {}).get("papermill", {}).get("start_time")
    ]
    return _source_cell_number(output, started[-1]) if started else None


def _tags(cell: nbformat.NotebookNode) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def execute(
    spec: NotebookSpec,
    output: Path,
    parameters: dict[str, Any],
    *,
    cwd: Path,
    timeout: int,
) -> Execution:
    """Execute a notebook source with papermill and write the executed copy.

    Parameters
    ----------
    spec : NotebookSpec
        The notebook.
    output : pathlib.Path
        Where the executed ``.ipynb`` goes (kept even when a cell fails).
    parameters : dict
        Injected as Python literals: a wave id ``"2025"`` stays a ``str``.
    cwd : pathlib.Path
        Working directory of the kernel (the project root).
    timeout : int
        Seconds allowed to each cell.

    Returns
    -------
    Execution
        Success, wall time, and on failure the cell and exception.
    """
    output.parent.mkdir(parents=True, exist_ok=True)
    notebook = to_notebook(spec)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="barometer-nb-") as tmp:
        source = Path(tmp) / f"{spec.name}.ipynb"
        nbformat.write(notebook, source)
        try:
            papermill.execute_notebook(
                str(source),
                str(output),
                parameters=parameters,
                kernel_name=KERNEL_NAME,
                language="python",
                progress_bar=False,
                log_output=False,
                # Not papermill's ``cwd=``: it os.chdir()s the whole process, and two
                # notebooks run by parallel threads would then leave it in the wrong
                # folder. nbclient starts the kernel in ``resources.metadata.path``.
                resources={"metadata": {"path": str(cwd)}},
                execution_timeout=timeout,
                request_save_on_cell_execute=True,
            )
        except papermill.PapermillExecutionError as exc:
            result = Execution(
                False,
                time.perf_counter() - start,
                _source_cell_number(output, exc.cell_index),
                exc.ename,
                str(exc.evalue),
            )
        except Exception as exc:  # timeouts, dead kernels: reported as the step's failure
            cell = _stopped_cell(output)
            result = Execution(
                False, time.perf_counter() - start, cell, type(exc).__name__, str(exc)
            )
        else:
            result = Execution(True, time.perf_counter() - start)
    _relabel_input(output, spec, cwd)
    return result


def _relabel_input(output: Path, spec: NotebookSpec, root: Path) -> None:
    """Record the jupytext source (not the temporary copy) as papermill's input path."""
    if not output.is_file():
        return
    executed = nbformat.read(output, as_version=4)
    meta = executed.metadata.get("papermill")
    if meta is None:
        return
    try:
        meta["input_path"] = spec.path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        meta["input_path"] = spec.path.name
    nbformat.write(executed, output)
