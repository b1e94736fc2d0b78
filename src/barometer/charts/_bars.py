"""Bar charts of tidy tables: bars with CIs, diverging and stacked bars, profile sizes.

Each function takes a tidy frame (one row per drawn cell, percentages 0–100,
as ``barometer.tables`` produces them), an optional axes, draws, and returns
the axes.  Nothing is estimated here.  Suppressed cells (``suppressed`` True)
are not drawn at all (no bar, no label) and a note says so; fragile cells
(``fragile`` True) are hatched.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, MaxNLocator

from barometer.charts._charter import (
    FONT_SIZE,
    FRAGILE_HATCH,
    GRID_COLOR,
    MAIN_COLOR,
    MARGIN,
    NEUTRAL_COLOR,
    TEXT_COLOR,
    categorical_colors,
    diverging_colors,
    format_number,
    format_percent,
    group_colors,
    ordinal_colors,
    percent_formatter,
    profile_color,
    text_color_on,
    wrap_label,
)
from barometer.charts._frames import (
    FRAGILE_NOTE,
    SUPPRESSED_NOTE,
    as_float,
    check_frame,
    check_unique,
    check_values,
    label_map,
    profile_number,
)
from barometer.charts._layout import (
    add_note,
    legend_above,
    new_figure,
    rows_height,
    style_axes,
    text_width,
)


def _flag_notes(ax: Axes, frame: pd.DataFrame) -> None:
    if frame["suppressed"].any():
        add_note(ax, SUPPRESSED_NOTE)
    if (frame["fragile"] & ~frame["suppressed"]).any():
        add_note(ax, FRAGILE_NOTE)


def _hbar(ax: Axes, y: float, width: float, left: float, height: float, color: str, fragile: bool):
    """Draw one horizontal bar; a fragile one is hatched in a contrasting colour."""
    return ax.barh(
        y,
        width,
        left=left,
        height=height,
        color=color,
        edgecolor=text_color_on(color) if fragile else color,
        hatch=FRAGILE_HATCH if fragile else None,
        linewidth=0,
    )


def _axes_points(ax: Axes, labels: Sequence[str], width: int) -> float:
    """Estimate the final width of the plotting area in points (before layout).

    On a figure of one axes: the figure width less the margins and the widest
    category label; otherwise the axes' current width.
    """
    fig = ax.figure
    figure_points = fig.get_size_inches()[0] * 72
    if len(fig.axes) > 1:
        return ax.get_position().width * figure_points
    widest = max((text_width(wrap_label(t, width)) for t in labels), default=0.0)
    return max(figure_points - 2 * MARGIN * 72 - widest - 18, 72.0)


def _segment_label(
    ax: Axes,
    y: float,
    start: float,
    width: float,
    text: str,
    color: str,
    fragile: bool,
    points_per_unit: float,
    min_width: float,
) -> None:
    """Write a value inside a bar segment when it fits (and the segment is wide enough)."""
    if width < min_width or text_width(text) + 4 > width * points_per_unit:
        return
    box = dict(boxstyle="square,pad=0.1", facecolor=color, edgecolor="none") if fragile else None
    ax.text(
        start + width / 2,
        y,
        text,
        ha="center",
        va="center",
        fontsize=FONT_SIZE,
        color=text_color_on(color),
        bbox=box,
    )


def _category_axis(ax: Axes, labels: Sequence[str], width: int) -> None:
    ax.set_yticks(range(len(labels)), [wrap_label(t, width) for t in labels])
    ax.set_ylim(len(labels) - 0.5, -0.5)


def _percent_axis(ax: Axes, upper: float, lower: float = 0.0, absolute: bool = False) -> None:
    ax.set_xlim(lower, upper)
    ticks = MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]).tick_values(lower, min(upper, 100))
    ticks = [t for t in ticks if lower - 1e-9 <= t <= min(upper, 100) + 1e-9]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(percent_formatter(absolute=absolute))
    ax.grid(axis="x", color=GRID_COLOR, linewidth=0.6)


def _check_ci(frame: pd.DataFrame, value: str, ci: tuple[str, str], caller: str) -> None:
    shown = frame.loc[~frame["suppressed"]]
    low = pd.to_numeric(shown[ci[0]], errors="coerce")
    high = pd.to_numeric(shown[ci[1]], errors="coerce")
    for name, values in zip(ci, (low, high), strict=True):
        if ((values < -1e-9) | (values > 100 + 1e-9)).any():
            raise ValueError(f"{caller}: {name!r} must lie within 0–100 (percentages)")
    centre = shown[value].astype(float)
    bad = (low > centre + 1e-9) | (high < centre - 1e-9)
    if bad.any():
        row = int(bad.index[bad][0])
        raise ValueError(f"{caller}: row {row}: the interval [{ci[0]}, {ci[1]}] excludes {value}")


def bars_with_ci(
    frame: pd.DataFrame,
    ax: Axes | None = None,
    *,
    category: str = "row",
    label: str | None = "row_label",
    group: str | None = None,
    group_label: str | None = None,
    value: str = "percent",
    ci: tuple[str, str] = ("ci_low", "ci_high"),
    colors: Mapping[str, str] | None = None,
    decimals: int = 0,
    label_width: int = 34,
    sort: bool = False,
) -> Axes:
    r"""Draw horizontal bars with confidence intervals, overall or grouped (e.g. by type).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per bar: ``category`` (code), ``label``, ``value`` (0–100),
        the two ``ci`` columns, optional ``group``, ``suppressed``, ``fragile``.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a charter figure is created when None.
    category, label : str
        Columns of the category code and its French label (``label`` None:
        the code is shown).  Categories are drawn top to bottom in the
        frame's order (the codebook's order for ``barometer.tables`` output).
    group, group_label : str, optional
        Columns of the group code (e.g. ``"col"``) and its label: one bar per
        group in each category, organisation types in their fixed colours.
    value : str
        Column of the percentage.
    ci : (str, str)
        Columns of the interval bounds; a missing bound draws no interval.
    colors : mapping, optional
        Group code → colour, overriding the charter's.
    decimals : int
        Decimals of the value labels.
    label_width : int
        Wrap category labels at this many characters.
    sort : bool
        Order categories by decreasing value of the first group (the frame's
        order otherwise); suppressed categories go last.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> frame = pd.DataFrame({"row": ["a", "b"], "row_label": ["A", "B"],
    ...     "percent": [42.5, 10.0], "ci_low": [35.0, 6.0], "ci_high": [50.0, 15.0]})
    >>> ax = bars_with_ci(frame, decimals=1)
    >>> [t.get_text() for t in ax.texts]
    ['42,5\u202f%', '10,0\u202f%']
    """
    caller = "bars_with_ci"
    needed = [category, value, *ci] + [c for c in (label, group, group_label) if c]
    df = check_frame(frame, needed, caller)
    check_values(df, value, caller)
    _check_ci(df, value, ci, caller)
    check_unique(df, [category] + ([group] if group else []), caller)
    categories = label_map(df, category, label, caller)
    groups = label_map(df, group, group_label, caller) if group else {None: None}
    if sort:
        categories = _sorted_categories(df, categories, category, group, next(iter(groups)), value)
    palette = dict(colors) if colors else (group_colors(list(groups)) if group else {})
    if group and (missing := [g for g in groups if g not in palette]):
        raise ValueError(f"{caller}: no colour for group(s) {missing}")
    n_groups = len(groups)
    if ax is None:
        _, ax = new_figure(
            rows_height(list(categories.values()), label_width, 0.2 + 0.17 * n_groups) + 0.5
        )
    style_axes(ax)
    slot = 0.82 / n_groups
    position = {code: i for i, code in enumerate(categories)}
    group_index = {code: i for i, code in enumerate(groups)}
    upper = 0.0
    for _, row in df.iterrows():
        if row["suppressed"]:
            continue
        g = row[group] if group else None
        y = position[row[category]] - 0.41 + slot * (group_index[g] + 0.5)
        color = palette.get(g, MAIN_COLOR) if group else palette.get(None, MAIN_COLOR)
        percent = float(row[value])
        _hbar(ax, y, percent, 0.0, slot * 0.88, color, bool(row["fragile"]))
        low, high = as_float(row[ci[0]]), as_float(row[ci[1]])
        end = percent
        if not (np.isnan(low) or np.isnan(high)):
            ax.errorbar(
                percent,
                y,
                xerr=[[percent - low], [high - percent]],
                fmt="none",
                ecolor=TEXT_COLOR,
                elinewidth=0.8,
                capsize=2,
                capthick=0.8,
            )
            end = max(end, high)
        ax.annotate(
            format_percent(percent, decimals),
            (end, y),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            ha="left",
            fontsize=FONT_SIZE,
        )
        upper = max(upper, end)
    _category_axis(ax, list(categories.values()), label_width)
    _percent_axis(ax, max(upper, 1.0) * 1.16 + 4)
    if group:
        handles = [Patch(color=palette[g]) for g in groups]
        legend_above(ax, handles, [str(t) for t in groups.values()])
    _flag_notes(ax, df)
    return ax


def _sorted_categories(
    frame: pd.DataFrame, categories: dict, category: str, group: str | None, first, value: str
) -> dict:
    """Categories by decreasing value in the first group; suppressed or absent ones last."""
    lead = frame if group is None else frame.loc[frame[group] == first]
    values = {
        row[category]: float(row[value]) for _, row in lead.iterrows() if not row["suppressed"]
    }
    ranked = sorted(categories, key=lambda c: (c not in values, -values.get(c, 0.0)))
    return {c: categories[c] for c in ranked}


def _scale_order(
    categories: dict, order: Sequence[str] | None, positive_first: bool, caller: str
) -> list:
    if order is None:
        codes = list(categories)
        return codes[::-1] if positive_first else codes
    order = list(order)
    unknown = [c for c in categories if c not in order]
    if unknown:
        raise ValueError(f"{caller}: categories {unknown} are missing from order={order}")
    return [c for c in order if c in categories]


def _segments_input(
    frame: pd.DataFrame,
    bar: str,
    bar_label: str | None,
    category: str,
    label: str | None,
    value: str,
    caller: str,
) -> tuple[pd.DataFrame, dict, dict]:
    """Check a bars × segments frame; return it with the bar and segment labels."""
    needed = [bar, category, value] + [c for c in (bar_label, label) if c]
    df = check_frame(frame, needed, caller)
    check_values(df, value, caller)
    check_unique(df, [bar, category], caller)
    return df, label_map(df, bar, bar_label, caller), label_map(df, category, label, caller)


def diverging_bars(
    frame: pd.DataFrame,
    ax: Axes | None = None,
    *,
    bar: str = "col",
    bar_label: str | None = "col_label",
    category: str = "row",
    label: str | None = "row_label",
    value: str = "percent",
    order: Sequence[str] | None = None,
    positive_first: bool = False,
    negative: Sequence[str] | None = None,
    neutral: Sequence[str] | None = None,
    decimals: int = 0,
    min_label: float = 3.0,
    label_width: int = 26,
) -> Axes:
    """Draw diverging stacked bars for ordinal (Likert-type) answers.

    Negative answers extend left of zero, positive answers right, a neutral
    answer straddles zero; the most extreme answers are the darkest.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per (bar, answer): ``bar`` (e.g. the organisation type or the
        stage), ``category`` (the answer code), ``value`` (0–100).
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    bar, bar_label : str
        Columns of the bar code and its label; bars top to bottom in frame order.
    category, label : str
        Columns of the answer code and its label.
    value : str
        Column of the percentage.
    order : sequence of str, optional
        Answer codes from the most negative to the most positive; by default
        the frame's order (reversed when ``positive_first``).
    positive_first : bool
        True when the codebook lists the most positive answer first (« Oui,
        régulièrement » … « Non, pas pertinent »).
    negative, neutral : sequence of str, optional
        Codes drawn left of zero and straddling zero.  By default the first
        half of ``order`` is negative and the middle answer of an odd count is
        neutral.
    decimals : int
        Decimals of the segment labels.
    min_label : float
        Segments narrower than this (percentage points) carry no label; nor
        do segments too narrow for their label at the figure's size.
    label_width : int
        Wrap bar labels at this many characters.

    Returns
    -------
    matplotlib.axes.Axes
    """
    caller = "diverging_bars"
    df, bars, categories = _segments_input(frame, bar, bar_label, category, label, value, caller)
    scale = _scale_order(categories, order, positive_first, caller)
    n = len(scale)
    if negative is None:
        negative = scale[: n // 2]
        neutral = [scale[n // 2]] if neutral is None and n % 2 else list(neutral or [])
    negative, neutral = list(negative), list(neutral or [])
    unknown = [c for c in (*negative, *neutral) if c not in scale]
    if unknown:
        raise ValueError(f"{caller}: negative/neutral codes {unknown} are not answers of the frame")
    positive = [c for c in scale if c not in negative and c not in neutral]
    ordered = [c for c in scale if c in negative] + [c for c in scale if c in neutral] + positive
    palette = dict(
        zip(ordered, diverging_colors(len(negative), len(neutral), len(positive)), strict=True)
    )
    if ax is None:
        _, ax = new_figure(rows_height(list(bars.values()), label_width, 0.42) + 0.7)
    style_axes(ax)
    cells = df.set_index([bar, category])
    segments: list[tuple[int, float, float, str, bool]] = []
    extent = 1.0
    for i, code in enumerate(bars):
        shown = {
            c: cells.loc[(code, c)]
            for c in ordered
            if (code, c) in cells.index and not cells.loc[(code, c), "suppressed"]
        }
        half = sum(float(shown[c][value]) for c in neutral if c in shown) / 2
        left = right = -half
        for c in reversed([c for c in ordered if c in negative and c in shown]):
            left -= float(shown[c][value])
            segments.append((i, left, float(shown[c][value]), c, bool(shown[c]["fragile"])))
        for c in [c for c in ordered if c not in negative and c in shown]:
            segments.append((i, right, float(shown[c][value]), c, bool(shown[c]["fragile"])))
            right += float(shown[c][value])
        extent = max(extent, -left, right)
    limit = min(100.0, math.ceil(extent / 10) * 10)
    scale_pt = _axes_points(ax, list(bars.values()), label_width) / (2 * limit)
    for i, start, width, c, fragile in segments:
        _hbar(ax, i, width, start, 0.68, palette[c], fragile)
        _segment_label(
            ax,
            i,
            start,
            width,
            format_percent(width, decimals),
            palette[c],
            fragile,
            scale_pt,
            min_label,
        )
    ax.axvline(0, color=TEXT_COLOR, linewidth=0.9, zorder=0.5)
    _category_axis(ax, list(bars.values()), label_width)
    _percent_axis(ax, limit, -limit, absolute=True)
    ax.spines["left"].set_visible(False)
    legend_above(ax, [Patch(color=palette[c]) for c in ordered], [categories[c] for c in ordered])
    _flag_notes(ax, df)
    return ax


def stacked_bars(
    frame: pd.DataFrame,
    ax: Axes | None = None,
    *,
    bar: str = "col",
    bar_label: str | None = "col_label",
    category: str = "row",
    label: str | None = "row_label",
    value: str = "percent",
    ordered: bool = True,
    muted: Sequence[str] = (),
    decimals: int = 0,
    min_label: float = 3.0,
    label_width: int = 26,
) -> Axes:
    """Draw 100 % stacked horizontal bars (distribution of one answer by group).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per (bar, answer), as :func:`diverging_bars`.
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    bar, bar_label, category, label, value : str
        Column names, as in :func:`diverging_bars`.
    ordered : bool
        True: answers in ordered shades (darkest first); False: Okabe–Ito colours.
    muted : sequence of str
        Answer codes drawn in neutral grey (« Ne sait pas »).
    decimals : int
        Decimals of the segment labels.
    min_label : float
        Segments narrower than this (percentage points), or too narrow for
        their label, carry no label.
    label_width : int
        Wrap bar labels at this many characters.

    Returns
    -------
    matplotlib.axes.Axes
    """
    caller = "stacked_bars"
    df, bars, categories = _segments_input(frame, bar, bar_label, category, label, value, caller)
    if unknown := [c for c in muted if c not in categories]:
        raise ValueError(f"{caller}: muted codes {unknown} are not answers of the frame")
    coloured = [c for c in categories if c not in muted]
    shades = ordinal_colors(len(coloured)) if ordered else categorical_colors(len(coloured))
    palette = {**dict(zip(coloured, shades, strict=True)), **dict.fromkeys(muted, NEUTRAL_COLOR)}
    if ax is None:
        _, ax = new_figure(rows_height(list(bars.values()), label_width, 0.42) + 0.7)
    style_axes(ax)
    cells = df.set_index([bar, category])
    scale_pt = _axes_points(ax, list(bars.values()), label_width) / 100.0
    for i, code in enumerate(bars):
        left = 0.0
        for c in categories:
            if (code, c) not in cells.index or cells.loc[(code, c), "suppressed"]:
                continue
            width = float(cells.loc[(code, c), value])
            fragile = bool(cells.loc[(code, c), "fragile"])
            _hbar(ax, i, width, left, 0.68, palette[c], fragile)
            _segment_label(
                ax,
                i,
                left,
                width,
                format_percent(width, decimals),
                palette[c],
                fragile,
                scale_pt,
                min_label,
            )
            left += width
    _category_axis(ax, list(bars.values()), label_width)
    _percent_axis(ax, 100.0)
    ax.spines["left"].set_visible(False)
    legend_above(ax, [Patch(color=palette[c]) for c in categories], list(categories.values()))
    _flag_notes(ax, df)
    return ax


def profile_sizes(
    frame: pd.DataFrame,
    ax: Axes | None = None,
    *,
    cluster: str = "cluster",
    label: str | None = None,
    value: str = "percent",
    n: str | None = "n",
    decimals: int = 0,
    label_width: int = 30,
) -> Axes:
    """Draw the share of each usage profile, in the profiles' fixed colours.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per profile: ``cluster`` (1, 2, …), ``value`` (0–100),
        optional ``label`` (French profile name) and ``n`` (unweighted count).
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    cluster, label, value, n : str
        Column names; ``label`` None writes « Profil k ».
    decimals : int
        Decimals of the value labels.
    label_width : int
        Wrap profile names at this many characters.

    Returns
    -------
    matplotlib.axes.Axes
    """
    caller = "profile_sizes"
    needed = [cluster, value] + [c for c in (label, n) if c]
    df = check_frame(frame, needed, caller)
    check_values(df, value, caller)
    check_unique(df, [cluster], caller)
    numbers = [profile_number(k, caller) for k in df[cluster]]
    names = {
        k: str(row[label]) if label else f"Profil {k}"
        for k, (_, row) in zip(numbers, df.iterrows(), strict=True)
    }
    colors = {k: profile_color(k) for k in names}
    if ax is None:
        _, ax = new_figure(rows_height(list(names.values()), label_width, 0.38) + 0.5)
    style_axes(ax)
    upper = 1.0
    for i, (_, row) in enumerate(df.iterrows()):
        if row["suppressed"]:
            continue
        k = numbers[i]
        percent = float(row[value])
        _hbar(ax, i, percent, 0.0, 0.66, colors[k], bool(row["fragile"]))
        text = format_percent(percent, decimals)
        if n:
            text += f" (n\u00a0=\u00a0{format_number(int(row[n]))})"
        ax.annotate(
            text,
            (percent, i),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            ha="left",
            fontsize=FONT_SIZE,
        )
        upper = max(upper, percent)
    _category_axis(ax, list(names.values()), label_width)
    _percent_axis(ax, upper * 1.35 + 4)
    _flag_notes(ax, df)
    return ax
