"""Heatmaps: stages of the impact chain by organisation type, profiles by v-test."""

from __future__ import annotations

import math
from collections.abc import Mapping

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from barometer.charts._bars import _axes_points, _flag_notes
from barometer.charts._charter import (
    FONT_SIZE,
    FRAGILE_HATCH,
    format_number,
    format_percent,
    profile_color,
    text_color_on,
    wrap_label,
)
from barometer.charts._frames import (
    check_frame,
    check_unique,
    check_values,
    label_map,
    profile_number,
)
from barometer.charts._layout import (
    add_note,
    new_figure,
    rows_height,
    style_axes,
    text_width,
    wrap_to_width,
)

PROFILE_NOTE = (
    "Valeur-test : au-delà de +2 (violet), la modalité est sur-représentée dans le profil ; "
    "en deçà de −2 (orange), sous-représentée. Case vide : modalité non caractéristique."
)


def _matrix_axes(
    ax: Axes, row_labels: list[str], col_labels: list[str], row_width: int, col_width: int
) -> None:
    n_rows, n_cols = len(row_labels), len(col_labels)
    ax.set_yticks(range(n_rows), [wrap_label(t, row_width) for t in row_labels])
    column_points = _axes_points(ax, row_labels, row_width) / n_cols - 6
    headers = ["\n".join(wrap_to_width(str(t), column_points)) for t in col_labels]
    ax.set_xticks(range(n_cols), headers)
    ax.xaxis.tick_top()
    if max(text_width(h) for h in headers) > column_points:
        ax.set_xticks(range(n_cols), [str(t) for t in col_labels])
        ax.tick_params(axis="x", labelrotation=35)
        for tick in ax.get_xticklabels():
            tick.set(ha="left", rotation_mode="anchor")
    ax.tick_params(axis="both", length=0)
    ax.set_xticks(np.arange(-0.5, n_cols, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, n_rows, 1), minor=True)
    ax.grid(which="both", visible=False)
    ax.tick_params(which="minor", length=0)
    ax.set_xlim(-0.5, n_cols - 0.5)
    ax.set_ylim(n_rows - 0.5, -0.5)
    for spine in ax.spines.values():
        spine.set_visible(False)


def _draw_cells(ax: Axes, matrix: np.ndarray, cmap_name: str, vmin: float, vmax: float) -> None:
    """Draw one vector quad per shown cell; NaN (suppressed, absent) cells are not drawn.

    ``pcolormesh`` rather than ``imshow``: no image is resampled at 300 dpi,
    and the SVG holds one rectangle per cell.
    """
    n_rows, n_cols = matrix.shape
    ax.pcolormesh(
        np.arange(n_cols + 1) - 0.5,
        np.arange(n_rows + 1) - 0.5,
        np.ma.masked_invalid(matrix),
        cmap=mpl.colormaps[cmap_name],
        vmin=vmin,
        vmax=vmax,
        edgecolors="white",
        linewidth=1.5,
    )


def _cell_color(cmap_name: str, value: float, vmin: float, vmax: float):
    return mpl.colormaps[cmap_name]((np.clip(value, vmin, vmax) - vmin) / (vmax - vmin))


def stage_heatmap(
    frame: pd.DataFrame,
    ax: Axes | None = None,
    *,
    rows: str = "row",
    row_labels: str | None = "row_label",
    columns: str = "col",
    column_labels: str | None = "col_label",
    value: str = "percent",
    decimals: int = 0,
    cmap: str = "Blues",
    row_width: int = 24,
    column_width: int = 13,
) -> Axes:
    """Draw a heatmap of percentages, e.g. the stages of the impact chain × organisation type.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per cell: ``rows`` (e.g. the stage), ``columns`` (e.g. the
        organisation type, ``"ensemble"`` included), ``value`` (0–100),
        optional ``suppressed`` and ``fragile``.
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    rows, row_labels, columns, column_labels : str
        Column names of the codes and their French labels; frame order kept.
    value : str
        Column of the percentage.
    decimals : int
        Decimals of the cell labels.
    cmap : str
        A sequential, colour-blind-safe colormap (0 % light, 100 % dark).
    row_width, column_width : int
        Wrap row and column labels at this many characters.

    Returns
    -------
    matplotlib.axes.Axes
        Suppressed cells are left blank (transparent, no label); fragile
        cells are hatched.
    """
    caller = "stage_heatmap"
    needed = [rows, columns, value] + [c for c in (row_labels, column_labels) if c]
    df = check_frame(frame, needed, caller)
    check_values(df, value, caller)
    check_unique(df, [rows, columns], caller)
    row_map = label_map(df, rows, row_labels, caller)
    col_map = label_map(df, columns, column_labels, caller)
    r_index = {c: i for i, c in enumerate(row_map)}
    c_index = {c: j for j, c in enumerate(col_map)}
    matrix = np.full((len(row_map), len(col_map)), np.nan)
    if ax is None:
        _, ax = new_figure(rows_height(list(row_map.values()), row_width, 0.42) + 0.8)
    style_axes(ax)
    shown = df.loc[~df["suppressed"]]
    for _, cell in shown.iterrows():
        matrix[r_index[cell[rows]], c_index[cell[columns]]] = float(cell[value])
    _draw_cells(ax, matrix, cmap, 0.0, 100.0)
    for _, cell in shown.iterrows():
        i, j = r_index[cell[rows]], c_index[cell[columns]]
        ink = text_color_on(_cell_color(cmap, matrix[i, j], 0.0, 100.0))
        ax.text(
            j,
            i,
            format_percent(matrix[i, j], decimals),
            ha="center",
            va="center",
            fontsize=FONT_SIZE,
            color=ink,
        )
        if cell["fragile"]:
            ax.add_patch(
                Rectangle(
                    (j - 0.5, i - 0.5),
                    1,
                    1,
                    fill=False,
                    hatch=FRAGILE_HATCH,
                    edgecolor=ink,
                    linewidth=0,
                    alpha=0.6,
                )
            )
    _matrix_axes(ax, list(row_map.values()), list(col_map.values()), row_width, column_width)
    _flag_notes(ax, df)
    return ax


def profile_heatmap(
    description: pd.DataFrame,
    ax: Axes | None = None,
    *,
    cluster: str = "cluster",
    variable: str = "variable",
    category: str = "category",
    label: str | None = None,
    value: str = "v_test",
    cluster_labels: Mapping[int, str] | None = None,
    limit: float | None = None,
    decimals: int = 1,
    row_width: int = 38,
    column_width: int = 14,
) -> Axes:
    """Draw the v-tests of a profile description: categories × profiles.

    Parameters
    ----------
    description : pandas.DataFrame
        The tidy frame of ``barometer.profiles.describe_profiles``: one row
        per (cluster, variable, category) with ``v_test``; categories appear
        top to bottom in the frame's order, profiles left to right by number.
        A (category, profile) pair absent from the frame is left blank.
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    cluster, variable, category, value : str
        Column names.
    label : str, optional
        Column of the French row label; by default « variable : category ».
    cluster_labels : mapping, optional
        Profile number → French name, written in a note under the figure
        (the column headers stay « Profil k »).
    limit : float, optional
        Colour scale from −limit to +limit (values beyond are shown at full
        colour, labelled with their value); by default the largest |v-test|.
    decimals : int
        Decimals of the cell labels.
    row_width, column_width : int
        Wrap row and column labels at this many characters.

    Returns
    -------
    matplotlib.axes.Axes
        Each profile's column is topped by a band in its fixed colour.
    """
    caller = "profile_heatmap"
    needed = [cluster, variable, category, value] + ([label] if label else [])
    df = check_frame(description, needed, caller)
    check_values(df, value, caller, bounds=None)
    df["_number"] = [profile_number(k, caller) for k in df[cluster]]
    df["_key"] = list(zip(df[variable].astype(str), df[category].astype(str), strict=True))
    check_unique(df, ["_number", "_key"], caller)
    if label:
        row_map = label_map(df, "_key", label, caller)
    else:
        row_map = {k: f"{k[0]}\u00a0: {k[1]}" for k in label_map(df, "_key", None, caller)}
    numbers = sorted(set(df["_number"]))
    names = {int(k): str(v) for k, v in (cluster_labels or {}).items()}
    col_labels = [f"Profil {k}" for k in numbers]
    matrix = np.full((len(row_map), len(numbers)), np.nan)
    r_index = {k: i for i, k in enumerate(row_map)}
    c_index = {k: j for j, k in enumerate(numbers)}
    shown = df.loc[~df["suppressed"]]
    for _, cell in shown.iterrows():
        matrix[r_index[cell["_key"]], c_index[cell["_number"]]] = float(cell[value])
    bound = limit if limit is not None else max(2.0, float(np.nanmax(np.abs(matrix))))
    if not bound > 0:
        raise ValueError(f"{caller}: limit must be positive, got {limit}")
    bound = float(math.ceil(bound))
    if ax is None:
        _, ax = new_figure(rows_height(list(row_map.values()), row_width, 0.3) + 1.0)
    style_axes(ax)
    _draw_cells(ax, matrix, "PuOr", -bound, bound)
    for (i, j), v in np.ndenumerate(matrix):
        if np.isnan(v):
            continue
        ink = text_color_on(_cell_color("PuOr", v, -bound, bound))
        ax.text(
            j,
            i,
            format_number(v, decimals),
            ha="center",
            va="center",
            fontsize=FONT_SIZE,
            color=ink,
        )
    band = 0.22
    for j, k in enumerate(numbers):
        ax.add_patch(
            Rectangle(
                (j - 0.45, -0.5 - band),
                0.9,
                band,
                clip_on=False,
                facecolor=profile_color(k),
                edgecolor="none",
                transform=ax.transData,
                zorder=3,
                gid=f"profile-{k}",
            )
        )
    _matrix_axes(ax, list(row_map.values()), col_labels, row_width, column_width)
    ax.tick_params(axis="x", pad=8)
    _flag_notes(ax, df)
    add_note(ax, PROFILE_NOTE)
    if named := [k for k in numbers if k in names]:
        add_note(ax, " ; ".join(f"Profil {k} : {names[k]}" for k in named) + ".")
    return ax
