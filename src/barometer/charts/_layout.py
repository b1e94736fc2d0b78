"""Layout of a charter figure: measured text, legends, title and source bands, notes.

A figure function draws into an axes; :func:`finish_figure` then adds the
title (the finding), the subtitle (the question), the source line and the
notes, wraps them to the measured width of the page and lays the figure out.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.legend import Legend
from matplotlib.textpath import TextToPath
from matplotlib.transforms import blended_transform_factory

from barometer.charts._charter import (
    CHARTER_RC,
    FIGURE_WIDTH,
    FONT_SIZE,
    MARGIN,
    MUTED_TEXT_COLOR,
    NBSP,
    NNBSP,
    SOURCE_SIZE,
    SUBTITLE_SIZE,
    TEXT_COLOR,
    TITLE_SIZE,
    charter,
    wrap_label,
)

_NOTES: weakref.WeakKeyDictionary[Axes, list[str]] = weakref.WeakKeyDictionary()
_FINISHED: weakref.WeakSet[Figure] = weakref.WeakSet()
_LEGENDS: weakref.WeakKeyDictionary[Axes, Legend] = weakref.WeakKeyDictionary()
_TEXT_TO_PATH = TextToPath()


# ---------------------------------------------------------------- figures


def new_figure(height: float, width: float = FIGURE_WIDTH) -> tuple[Figure, Axes]:
    """Create a charter figure with one axes (no pyplot state, so nothing leaks).

    Parameters
    ----------
    height : float
        Height of the plotting area in inches; :func:`finish_figure` adds the
        title and source bands.
    width : float
        Width in inches (A4 text width by default).

    Returns
    -------
    (Figure, Axes)
    """
    if not height > 0 or not width > 0:
        raise ValueError(f"figure size must be positive, got {width} × {height}")
    with charter():
        fig = Figure(figsize=(width, height))
        ax = fig.add_subplot()
    style_axes(ax)
    return fig, ax


def rows_height(labels: Sequence[str], label_width: int, per_row: float) -> float:
    """Return the height in inches of ``len(labels)`` rows whose wrapped labels must fit.

    Each row gets ``per_row`` inches, or more when the longest wrapped label
    needs more lines.

    Examples
    --------
    >>> rows_height(["Oui", "Non"], 30, 0.4)
    0.8
    """
    lines = max((wrap_label(t, label_width).count("\n") + 1 for t in labels), default=1)
    return len(labels) * max(per_row, lines * FONT_SIZE * 1.25 / 72 + 0.06)


def style_axes(ax: Axes) -> None:
    """Apply the charter's tick and spine settings to an axes (also one made elsewhere)."""
    ax.tick_params(labelsize=FONT_SIZE, colors=TEXT_COLOR, length=3)
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def add_note(ax: Axes, text: str) -> None:
    """Attach a French note to an axes; :func:`finish_figure` prints it under the figure."""
    notes = _NOTES.setdefault(ax, [])
    if text not in notes:
        notes.append(text)


def figure_notes(fig_or_ax: Figure | Axes) -> list[str]:
    """Return the notes attached to an axes, or to every axes of a figure, in order."""
    axes = fig_or_ax.axes if isinstance(fig_or_ax, Figure) else [fig_or_ax]
    notes: list[str] = []
    for ax in axes:
        for note in _NOTES.get(ax, []):
            if note not in notes:
                notes.append(note)
    return notes


def text_width(
    text: str, size: float = FONT_SIZE, *, weight: str = "normal", style: str = "normal"
) -> float:
    """Return the width in points of ``text`` (its longest line) in the charter's font.

    Used to wrap texts and to decide whether a label fits in a bar segment,
    without drawing.

    Examples
    --------
    >>> round(text_width("M", 10.0), 1)
    8.6
    """
    font = FontProperties(family=CHARTER_RC["font.family"], size=size, weight=weight, style=style)
    return max(
        (
            _TEXT_TO_PATH.get_text_width_height_descent(line, font, ismath=False)[0]
            for line in str(text).split("\n")
        ),
        default=0.0,
    )


def wrap_to_width(text: str, width: float, size: float = FONT_SIZE, **font: str) -> list[str]:
    """Wrap ``text`` into lines no wider than ``width`` points (measured, not counted).

    Words are never broken; no-break spaces (U+00A0, U+202F) hold their
    neighbours together, so « 42 % » or « base : » never split.

    Examples
    --------
    >>> wrap_to_width("Manque de compétences ou de formation", 120.0)
    ['Manque de compétences', 'ou de formation']
    """
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        current = ""
        for word in (w for w in paragraph.split(" ") if w):
            candidate = f"{current} {word}" if current else word
            if current and text_width(candidate, size, **font) > width:
                lines.append(current)
                current = word
            else:
                current = candidate
        lines.append(current)
    return lines


def french_spacing(text: str) -> str:
    """Put the French no-break spaces inside « » and before : ; ? ! %.

    Examples
    --------
    >>> french_spacing("« Oui » : 42 %") == "«\u00a0Oui\u00a0»\u00a0: 42\u202f%"
    True
    """
    for plain, fixed in (
        ("« ", f"«{NBSP}"),
        (" »", f"{NBSP}»"),
        (" :", f"{NBSP}:"),
        (" ;", f"{NNBSP};"),
        (" ?", f"{NNBSP}?"),
        (" !", f"{NNBSP}!"),
        (" %", f"{NNBSP}%"),
    ):
        text = text.replace(plain, fixed)
    return text


def _legend_columns(widths: Sequence[float], available: float) -> int:
    """Return the most legend columns whose total width fits in ``available`` points.

    Entries are distributed as matplotlib's ``Legend`` does: column-major,
    the first ``n % ncol`` columns holding one entry more.
    """
    n = len(widths)
    for ncol in range(n, 0, -1):
        rows, large = divmod(n, ncol)
        sizes = [rows + 1] * large + [rows] * (ncol - large)
        starts = np.cumsum([0, *sizes])
        total = sum(max(widths[a:b]) for a, b in itertools.pairwise(starts) if b > a)
        if total <= available:
            return ncol
    return 1


def legend_above(ax: Axes, handles: Sequence[Any], labels: Sequence[str]) -> Legend:
    """Put a legend in a band above the axes, aligned with the title, on as few rows as fit.

    On a figure with one axes the legend starts at the figure's left margin
    and :func:`finish_figure` reserves its height; otherwise it starts at
    the axes' left edge.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes.
    handles : sequence
        Legend handles.
    labels : sequence of str
        Their French labels, in reading order.

    Returns
    -------
    matplotlib.legend.Legend
    """
    fig = ax.figure
    width = fig.get_size_inches()[0]
    spacing = (1.2 + 0.4 + 1.0) * FONT_SIZE
    widths = [text_width(label) + spacing for label in labels]
    alone = len(fig.axes) == 1
    available = (width - 2 * MARGIN) * 72 if alone else ax.get_position().width * width * 72
    if alone:
        anchor = (MARGIN / width, 1.0)
        transform = blended_transform_factory(fig.transFigure, ax.transAxes)
    else:
        anchor, transform = (0.0, 1.0), ax.transAxes
    legend = ax.legend(
        list(handles),
        list(labels),
        loc="lower left",
        bbox_to_anchor=anchor,
        bbox_transform=transform,
        ncol=_legend_columns(widths, available),
        frameon=False,
        handlelength=1.2,
        handletextpad=0.4,
        columnspacing=1.0,
        borderaxespad=0.3,
        borderpad=0.0,
        fontsize=FONT_SIZE,
    )
    if alone:
        legend.set_in_layout(False)
        _LEGENDS[ax] = legend
    return legend


def _renderer(fig: Figure):
    if not hasattr(fig.canvas, "get_renderer"):
        FigureCanvasAgg(fig)
    return fig.canvas.get_renderer()


def _legend_band(fig: Figure) -> float:
    """Height in inches of the legends placed above the axes by :func:`legend_above`."""
    heights = [
        legend.get_window_extent(_renderer(fig)).height / fig.dpi
        for ax in fig.axes
        if (legend := _LEGENDS.get(ax)) is not None and legend.figure is fig
    ]
    return max(heights) + 0.08 if heights else 0.0


def _wrap_source(text: str, width: float) -> list[str]:
    """Wrap a source line at its « — » separators when every part fits on a line."""
    parts = text.split(" — ")
    fits = all(text_width(p + " —", SOURCE_SIZE) <= width for p in parts)
    if len(parts) == 1 or not fits:
        return wrap_to_width(text, width, SOURCE_SIZE)
    lines = [parts[0]]
    for part in parts[1:]:
        candidate = f"{lines[-1]} — {part}"
        if text_width(candidate, SOURCE_SIZE) <= width:
            lines[-1] = candidate
        else:
            lines[-1] += " —"
            lines.append(part)
    return lines


def finish_figure(
    fig: Figure,
    *,
    title: str,
    subtitle: str | None = None,
    source: str | None = None,
    notes: Sequence[str] = (),
) -> Figure:
    """Add the title, the subtitle, the source line and the notes, then lay out.

    The figure grows in height to hold the texts, so the plotting area keeps
    its size; long texts are wrapped to the figure width.  Notes attached by
    the figure functions (suppressed or fragile cells) are printed after
    ``notes``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure drawn by the figure functions.
    title : str
        The finding, as a sentence (« L'IA est surtout utilisée pour valoriser »).
    subtitle : str, optional
        The question as asked.
    source : str, optional
        The source line (see :func:`source_line`).
    notes : sequence of str
        Further notes, printed under the source line.

    Returns
    -------
    Figure
        The same figure.
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    if not isinstance(title, str) or not title.strip():
        raise ValueError("title must be a non-empty sentence that states the finding")
    if fig in _FINISHED:
        raise ValueError("finish_figure was already called on this figure")
    width, height = fig.get_size_inches()
    leading = 1.25
    usable = (width - 2 * MARGIN) * 72
    title_lines = wrap_to_width(french_spacing(title), usable, TITLE_SIZE, weight="bold")
    subtitle_lines = (
        wrap_to_width(french_spacing(subtitle), usable, SUBTITLE_SIZE, style="italic")
        if subtitle
        else []
    )
    bottom_lines = _wrap_source(french_spacing(source), usable) if source else []
    for note in (*notes, *figure_notes(fig)):
        if note:
            bottom_lines += wrap_to_width(french_spacing(note), usable, SOURCE_SIZE)

    def band(lines: list[str], size: float) -> float:
        return len(lines) * size * leading / 72

    pad = 0.1
    top = pad + band(title_lines, TITLE_SIZE) + (band(subtitle_lines, SUBTITLE_SIZE) + 0.04)
    bottom = pad + band(bottom_lines, SOURCE_SIZE) + (0.08 if bottom_lines else 0)
    legend = _legend_band(fig)
    total = height + top + legend + bottom
    fig.set_size_inches(width, total)
    with charter():
        inches = fig.dpi_scale_trans
        y = total - pad
        fig.text(
            MARGIN,
            y,
            "\n".join(title_lines),
            transform=inches,
            ha="left",
            va="top",
            fontsize=TITLE_SIZE,
            fontweight="bold",
            linespacing=leading,
            color=TEXT_COLOR,
        )
        y -= band(title_lines, TITLE_SIZE) + 0.04
        if subtitle_lines:
            fig.text(
                MARGIN,
                y,
                "\n".join(subtitle_lines),
                transform=inches,
                ha="left",
                va="top",
                fontsize=SUBTITLE_SIZE,
                linespacing=leading,
                color=MUTED_TEXT_COLOR,
                fontstyle="italic",
            )
        if bottom_lines:
            fig.text(
                MARGIN,
                pad,
                "\n".join(bottom_lines),
                transform=inches,
                ha="left",
                va="bottom",
                fontsize=SOURCE_SIZE,
                linespacing=leading,
                color=MUTED_TEXT_COLOR,
            )
        fig.tight_layout(rect=(0.0, bottom / total, 1.0, 1.0 - (top + legend) / total), pad=0.4)
    _FINISHED.add(fig)
    return fig


def is_finished(fig: Figure) -> bool:
    """Return True once :func:`finish_figure` has laid the figure out."""
    return fig in _FINISHED
