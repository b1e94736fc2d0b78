"""Every standard location of the project, from its root.

No notebook or module builds a path by hand: they ask this module.  The root
is found from ``BAROMETER_ROOT`` when set (tests point it at a temporary
folder), otherwise by walking up from the current directory to the folder
that holds ``pyproject.toml`` and ``data/``, otherwise from this file.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
CODEBOOK_DIR = PACKAGE_DIR / "codebooks"
CONFIG_DIR = PACKAGE_DIR / "config"


def _looks_like_root(path: Path) -> bool:
    return (path / "pyproject.toml").is_file() and (path / "data").is_dir()


def project_root() -> Path:
    """Return the project root.

    Returns
    -------
    pathlib.Path
        ``$BAROMETER_ROOT`` if set, else the nearest parent of the working
        directory that looks like the project, else the source checkout that
        holds this package.
    """
    env = os.environ.get("BAROMETER_ROOT")
    if env:
        return Path(env).expanduser().resolve()
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if _looks_like_root(candidate):
            return candidate
    source_root = PACKAGE_DIR.parents[1]
    if _looks_like_root(source_root):
        return source_root
    return here


def data_dir() -> Path:
    """Return ``<root>/data``."""
    return project_root() / "data"


def raw_dir(wave: str | None = None) -> Path:
    """Return ``data/raw`` or ``data/raw/<wave>`` (immutable exports)."""
    base = data_dir() / "raw"
    return base / str(wave) if wave is not None else base


def processed_dir(wave: str | None = None) -> Path:
    """Return ``data/processed`` or ``data/processed/<wave>``."""
    base = data_dir() / "processed"
    return base / str(wave) if wave is not None else base


def figures_dir(wave: str | None = None) -> Path:
    """Return ``figures`` or ``figures/<wave>``."""
    base = project_root() / "figures"
    return base / str(wave) if wave is not None else base


def reports_dir(wave: str | None = None) -> Path:
    """Return ``reports`` or ``reports/<wave>``."""
    base = project_root() / "reports"
    return base / str(wave) if wave is not None else base


def notebooks_dir() -> Path:
    """Return the folder of the notebook sources (jupytext percent ``.py``)."""
    return project_root() / "notebooks"


def secret_file() -> Path:
    """Return the local, git-ignored file that holds the pseudonymisation key."""
    return project_root() / ".barometer-secret"
