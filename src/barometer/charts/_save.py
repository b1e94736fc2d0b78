"""Save figures with their data and alt text; the manifest and the contact sheet.

``save_figure`` writes ``<name>.png`` (300 dpi), ``<name>.svg`` and
``<name>.csv`` (the data behind the figure, suppressed values removed) into
``figures/<wave>/`` and records the figure in ``figures/<wave>/manifest.csv``.
The same figure gives the same bytes: matplotlib's date and version stamps
are left out and the SVG ids are salted with a fixed string.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from barometer import paths
from barometer.charts._charter import (
    _check_base,
    charter,
)

MANIFEST = "manifest.csv"
MANIFEST_COLUMNS = ("id", "title", "files", "alt", "base", "wave")
CONTACT_SHEET = "index.html"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_FLAGS = ("suppressed", "fragile")
_SUPPRESSED_TEXT_COLUMNS = ("letters",)


def published_data(data: pd.DataFrame) -> pd.DataFrame:
    """Return the data behind a figure without the values of suppressed cells.

    Rows marked ``suppressed`` keep their codes and labels, but every numeric
    column (percent, CI, counts, bases) and the significance ``letters`` are
    emptied, so no suppressed value leaves the project.

    Parameters
    ----------
    data : pandas.DataFrame
        The tidy table drawn.

    Returns
    -------
    pandas.DataFrame
        A copy.

    Examples
    --------
    >>> frame = pd.DataFrame({"row": ["a", "b"], "percent": [3.0, 97.0], "n": [2, 60],
    ...     "suppressed": [True, False]})
    >>> published_data(frame)["percent"].tolist()
    [nan, 97.0]
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    out = data.copy()
    if "suppressed" not in out.columns:
        return out
    mask = out["suppressed"].fillna(False).astype(bool).to_numpy()
    if not mask.any():
        return out
    for column in out.columns:
        series = out[column]
        numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
        if column in _FLAGS or not (numeric or column in _SUPPRESSED_TEXT_COLUMNS):
            continue
        if pd.api.types.is_integer_dtype(series):
            out[column] = series.astype("Float64" if series.hasnans else "float64")
        out.loc[mask, column] = pd.NA if column in _SUPPRESSED_TEXT_COLUMNS else float("nan")
    return out


def _check_text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name} must not be empty")
    return value.strip()


def _figure_dir(wave: str, out_dir: str | Path | None) -> Path:
    folder = Path(out_dir) if out_dir is not None else paths.figures_dir(wave)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def read_manifest(wave: str | None = None, out_dir: str | Path | None = None) -> pd.DataFrame:
    """Read ``figures/<wave>/manifest.csv`` (empty frame with its columns if absent).

    Parameters
    ----------
    wave : str, optional
        The wave; needed unless ``out_dir`` is given.
    out_dir : str or pathlib.Path, optional
        The folder holding the manifest.

    Returns
    -------
    pandas.DataFrame
        Columns ``id, title, files, alt, base, wave`` as strings.
    """
    if out_dir is None and wave is None:
        raise ValueError("read_manifest needs a wave or an out_dir")
    folder = Path(out_dir) if out_dir is not None else paths.figures_dir(wave)
    path = folder / MANIFEST
    if not path.is_file():
        return pd.DataFrame({c: pd.Series(dtype=object) for c in MANIFEST_COLUMNS})
    manifest = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    if tuple(manifest.columns) != MANIFEST_COLUMNS:
        raise ValueError(
            f"{path}: unexpected columns {list(manifest.columns)}; "
            f"expected {list(MANIFEST_COLUMNS)}"
        )
    return manifest.astype(object)


def _write_manifest(folder: Path, entry: dict[str, str]) -> Path:
    manifest = read_manifest(out_dir=folder)
    manifest = manifest.loc[manifest["id"] != entry["id"]]
    manifest = pd.concat([manifest, pd.DataFrame([entry], dtype=object)], ignore_index=True)
    manifest = manifest.sort_values("id", kind="stable").reset_index(drop=True)
    path = folder / MANIFEST
    manifest.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    return path


def save_figure(
    fig: Figure,
    name: str,
    *,
    alt: str,
    data: pd.DataFrame,
    wave: str,
    title: str,
    base: int,
    out_dir: str | Path | None = None,
) -> dict:
    """Write a figure as PNG and SVG, its data as CSV, and record it in the manifest.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The finished figure (see ``finish_figure``).
    name : str
        File stem and manifest id: lower-case letters, digits, ``-`` and ``_``.
    alt : str
        French alternative text: what the figure shows and its main finding.
    data : pandas.DataFrame
        The tidy table drawn; written without suppressed values.
    wave : str
        The wave id (``"2025"``).
    title : str
        The figure's title, for the manifest.
    base : int
        The unweighted base of the figure.
    out_dir : str or pathlib.Path, optional
        Folder to write into; ``figures/<wave>/`` by default.

    Returns
    -------
    dict
        ``id``, ``title``, ``alt``, ``base``, ``wave``, ``files`` (format →
        path) and ``manifest`` (path).  Saving again replaces the files and
        the figure's manifest line; the same figure gives the same bytes.
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(
            f"name {name!r} must be lower-case letters, digits, '-' or '_' (it becomes file names)"
        )
    alt = _check_text(alt, "alt")
    title = _check_text(title, "title")
    wave = _check_text(wave, "wave")
    base = _check_base(base)
    table = published_data(data)
    folder = _figure_dir(wave, out_dir)
    files = {fmt: folder / f"{name}.{fmt}" for fmt in ("png", "svg", "csv")}
    with charter():
        fig.savefig(files["png"], format="png", dpi=300, metadata={"Software": None})
        fig.savefig(files["svg"], format="svg", metadata={"Date": None, "Creator": None})
    table.to_csv(files["csv"], index=False, lineterminator="\n", encoding="utf-8")
    entry = {
        "id": name,
        "title": title,
        "files": ";".join(p.name for p in files.values()),
        "alt": alt,
        "base": str(base),
        "wave": wave,
    }
    manifest = _write_manifest(folder, entry)
    return {**entry, "base": base, "files": files, "manifest": manifest}


def contact_sheet(
    wave: str | None = None, out_dir: str | Path | None = None, *, title: str | None = None
) -> Path:
    """Write ``index.html``: a grid of every figure of the manifest with its alt text.

    Parameters
    ----------
    wave : str, optional
        The wave; needed unless ``out_dir`` is given.
    out_dir : str or pathlib.Path, optional
        The folder of the figures and their manifest.
    title : str, optional
        Page title; « Figures de la vague <wave> » by default.

    Returns
    -------
    pathlib.Path
        The HTML file, beside the PNGs it shows.
    """
    folder = Path(out_dir) if out_dir is not None else paths.figures_dir(wave)
    manifest = read_manifest(wave, folder)
    if manifest.empty:
        raise ValueError(f"{folder / MANIFEST}: no figure recorded, nothing to show")
    missing = [
        f for files in manifest["files"] for f in files.split(";") if not (folder / f).is_file()
    ]
    if missing:
        raise ValueError(f"{folder}: files named in the manifest are missing: {missing}")
    heading = title or f"Figures de la vague {wave or manifest['wave'].iloc[0]}"
    cards = []
    for row in manifest.itertuples(index=False):
        png = next(f for f in row.files.split(";") if f.endswith(".png"))
        links = " · ".join(
            f'<a href="{html.escape(f)}">{html.escape(f.rsplit(".", 1)[1].upper())}</a>'
            for f in row.files.split(";")
        )
        cards.append(
            "<figure>\n"
            f'  <a href="{html.escape(png)}"><img src="{html.escape(png)}" '
            f'alt="{html.escape(row.alt)}" loading="lazy"></a>\n'
            f"  <figcaption><strong>{html.escape(row.title)}</strong><br>\n"
            f"  {html.escape(row.alt)}<br>\n"
            f"  <small>{html.escape(row.id)} — base\u00a0: {html.escape(row.base)} — "
            f"{links}</small></figcaption>\n"
            "</figure>"
        )
    page = (
        '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(heading)}</title>\n<style>\n"
        "body{font-family:sans-serif;margin:2em;color:#222}\n"
        ".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:1.5em}\n"
        "figure{margin:0;border:1px solid #ddd;padding:.6em}\n"
        "img{width:100%;height:auto}\nfigcaption{font-size:.9em}\n"
        "</style>\n</head>\n<body>\n"
        f'<h1>{html.escape(heading)}</h1>\n<div class="grid">\n'
        + "\n".join(cards)
        + "\n</div>\n</body>\n</html>\n"
    )
    path = folder / CONTACT_SHEET
    path.write_text(page, encoding="utf-8")
    return path
