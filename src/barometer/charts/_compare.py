"""Comparison charts: the sample against the population, one wave against another."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from barometer.charts._bars import _category_axis, _flag_notes, _percent_axis
from barometer.charts._charter import (
    FONT_SIZE,
    FRAGILE_HATCH,
    GRID_COLOR,
    MUTED_TEXT_COLOR,
    WAVE_COLORS,
    format_percent,
    format_share,
    group_colors,
    text_color_on,
)
from barometer.charts._frames import check_frame, check_unique, check_values, label_map
from barometer.charts._layout import (
    add_note,
    legend_above,
    new_figure,
    rows_height,
    style_axes,
)

HOLLOW_NOTE = "Marqueur creux : estimation fragile (base faible), à lire avec prudence."
_SOURCE_STYLES = ("solid", "outline", "light")


def _source_bar(
    ax: Axes, y: float, width: float, height: float, color: str, style: str, fragile: bool
) -> None:
    face = {"solid": color, "outline": "white", "light": color}[style]
    ax.barh(
        y,
        width,
        height=height,
        color=face,
        alpha=0.45 if style == "light" else 1.0,
        edgecolor=color if style == "outline" else (text_color_on(color) if fragile else color),
        linewidth=1.0 if style == "outline" else 0,
        hatch=FRAGILE_HATCH if fragile else None,
    )


def sample_composition(
    frame: pd.DataFrame,
    ax: Axes | None = None,
    *,
    category: str = "row",
    label: str | None = "row_label",
    source: str = "source",
    source_label: str | None = "source_label",
    value: str = "percent",
    label_width: int = 28,
) -> Axes:
    """Draw the sample's composition beside the population's (e.g. by organisation type).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per (category, source): ``category`` (organisation type
        code), ``label``, ``source`` (e.g. ``"sample"``, ``"population"``,
        ``"weighted"``), ``source_label`` (« Échantillon », « Population »)
        and ``value`` (share, 0–100).  Sources keep the frame's order: the
        first is drawn solid, the second as an outline, the third pale.
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    category, label, source, source_label, value : str
        Column names (``source_label`` may be absent from the frame).
    label_width : int
        Wrap category labels at this many characters.

    Returns
    -------
    matplotlib.axes.Axes
    """
    caller = "sample_composition"
    if isinstance(frame, pd.DataFrame) and source_label and source_label not in frame.columns:
        source_label = None
    needed = [category, source, value] + [c for c in (label, source_label) if c]
    df = check_frame(frame, needed, caller)
    check_values(df, value, caller)
    check_unique(df, [category, source], caller)
    categories = label_map(df, category, label, caller)
    sources = label_map(df, source, source_label, caller)
    if len(sources) > len(_SOURCE_STYLES):
        raise ValueError(f"{caller}: at most {len(_SOURCE_STYLES)} sources, got {list(sources)}")
    styles = dict(zip(sources, _SOURCE_STYLES, strict=False))
    colors = group_colors([str(c) for c in categories])
    if ax is None:
        _, ax = new_figure(
            rows_height(list(categories.values()), label_width, 0.16 + 0.17 * len(sources)) + 0.5
        )
    style_axes(ax)
    slot = 0.82 / len(sources)
    position = {c: i for i, c in enumerate(categories)}
    index = {s: i for i, s in enumerate(sources)}
    upper = 1.0
    for _, row in df.iterrows():
        if row["suppressed"]:
            continue
        y = position[row[category]] - 0.41 + slot * (index[row[source]] + 0.5)
        share = float(row[value])
        color = colors[str(row[category])]
        _source_bar(ax, y, share, slot * 0.86, color, styles[row[source]], bool(row["fragile"]))
        ax.annotate(
            format_share(share),
            (share, y),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            ha="left",
            fontsize=FONT_SIZE,
        )
        upper = max(upper, share)
    _category_axis(ax, list(categories.values()), label_width)
    _percent_axis(ax, upper * 1.18 + 3)
    proxies = [
        Patch(
            facecolor="white" if styles[s] == "outline" else "#555555",
            edgecolor="#555555",
            alpha=0.45 if styles[s] == "light" else 1.0,
        )
        for s in sources
    ]
    legend_above(ax, proxies, list(sources.values()))
    _flag_notes(ax, df)
    return ax


def wave_comparison(
    frame: pd.DataFrame,
    ax: Axes | None = None,
    *,
    item: str = "row",
    label: str | None = "row_label",
    wave: str = "wave",
    value: str = "percent",
    waves: Sequence[str] | None = None,
    decimals: int = 0,
    label_width: int = 30,
) -> Axes:
    """Draw a dumbbell chart: one line per item joining its values in each wave.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per (item, wave): ``item`` code, ``label``, ``wave`` (id such
        as ``"2025"``), ``value`` (0–100), optional ``suppressed``/``fragile``.
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    item, label, wave, value : str
        Column names.
    waves : sequence of str, optional
        Waves in chronological order; by default the sorted wave ids.
    decimals : int
        Decimals of the value labels.
    label_width : int
        Wrap item labels at this many characters.

    Returns
    -------
    matplotlib.axes.Axes
    """
    caller = "wave_comparison"
    needed = [item, wave, value] + ([label] if label else [])
    df = check_frame(frame, needed, caller)
    df[wave] = df[wave].astype(str)
    check_values(df, value, caller)
    check_unique(df, [item, wave], caller)
    items = label_map(df, item, label, caller)
    present = sorted(df[wave].unique())
    order = [str(w) for w in waves] if waves is not None else present
    if unknown := [w for w in present if w not in order]:
        raise ValueError(f"{caller}: waves {unknown} are missing from waves={order}")
    if len(order) > len(WAVE_COLORS):
        raise ValueError(f"{caller}: at most {len(WAVE_COLORS)} waves, got {order}")
    colors = dict(zip(order, WAVE_COLORS if len(order) > 1 else WAVE_COLORS[1:], strict=False))
    ink = {w: MUTED_TEXT_COLOR if c == WAVE_COLORS[0] else c for w, c in colors.items()}
    if ax is None:
        _, ax = new_figure(rows_height(list(items.values()), label_width, 0.36) + 0.6)
    style_axes(ax)
    cells = df.set_index([item, wave])
    values = []
    hollow = False
    for i, code in enumerate(items):
        points = [
            (w, float(cells.loc[(code, w), value]), bool(cells.loc[(code, w), "fragile"]))
            for w in order
            if (code, w) in cells.index and not cells.loc[(code, w), "suppressed"]
        ]
        if len(points) > 1:
            xs = [p[1] for p in points]
            ax.plot(
                [min(xs), max(xs)],
                [i, i],
                color=GRID_COLOR,
                linewidth=3.2,
                solid_capstyle="round",
                zorder=1,
            )
        ranked = sorted(points, key=lambda p: (p[1], order.index(p[0])))
        for rank, (w, x, fragile) in enumerate(ranked):
            hollow |= fragile
            ax.plot(
                [x],
                [i],
                marker="o",
                markersize=7,
                linestyle="none",
                zorder=3,
                color=colors[w],
                markerfacecolor="white" if fragile else colors[w],
                markeredgewidth=1.4,
            )
            side = -1 if rank == 0 and len(ranked) > 1 else 1
            offset = (-6, 0) if side < 0 else (6, 0)
            if 0 < rank < len(ranked) - 1:
                offset = (0, 7)
            ax.annotate(
                format_percent(x, decimals),
                (x, i),
                xytext=offset,
                textcoords="offset points",
                va="bottom" if offset[1] else "center",
                ha="right" if side < 0 else ("center" if offset[1] else "left"),
                fontsize=FONT_SIZE,
                color=ink[w],
            )
            values.append(x)
    _category_axis(ax, list(items.values()), label_width)
    low = max(0.0, (min(values) if values else 0.0) - 14)
    high = min(100.0, (max(values) if values else 100.0) + 14)
    _percent_axis(ax, high, np.floor(low / 10) * 10)
    ax.set_xlim(ax.get_xlim()[0] - 2, high + 2)
    ax.spines["left"].set_visible(False)
    handles = [Line2D([], [], marker="o", linestyle="none", color=colors[w]) for w in order]
    legend_above(ax, handles, [f"Vague {w}" for w in order])
    _flag_notes(ax, df.assign(fragile=False))
    if hollow:
        add_note(ax, HOLLOW_NOTE)
    return ax
