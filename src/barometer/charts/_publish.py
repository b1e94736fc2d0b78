"""Finish, save and show a figure in one call, as the notebooks do for each figure."""

from __future__ import annotations

import io

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from barometer.charts._charter import source_line
from barometer.charts._layout import finish_figure
from barometer.charts._save import save_figure


def show_figure(fig: Figure, alt: str, *, width: int = 700) -> None:
    """Display a figure in a notebook at screen resolution, with its alt text.

    The published HTML keeps the alt text of the image (the pipeline reads it
    from the output's metadata).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The finished figure.
    alt : str
        French alternative text.
    width : int
        Display width in pixels.
    """
    from IPython.display import Image, display

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    display(Image(buffer.getvalue(), width=width, alt=alt))


def publish_figure(
    ax: Axes,
    name: str,
    *,
    wave: str,
    synthetic: bool,
    title: str,
    subtitle: str | None,
    kind: str,
    details: str,
    data: pd.DataFrame,
    base: int,
    base_label: str = "répondants",
    weighted: bool = True,
    notes: tuple[str, ...] = (),
    show: bool = True,
    period: str | None = None,
) -> dict:
    """Add title, subtitle and source line, save the figure, and show it.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes drawn by a figure function.
    name : str
        File name (without extension) under ``figures/<wave>/``.
    wave : str
        Wave id (or ``"trends"``), for the source line and the folder.
    synthetic : bool
        Say in the source line that the data are synthetic.
    title, subtitle : str
        The finding, and the question.
    kind, details : str
        French description of the chart type and of what it shows, joined
        with the title into the alt text.
    data : pandas.DataFrame
        The tidy table behind the figure (saved as CSV, suppressed values out).
    base : int
        Unweighted base.
    base_label : str
        What the base counts.
    weighted : bool
        Say in the source line that the figures are weighted.
    notes : tuple of str
        Extra lines under the figure.
    show : bool
        Display the figure (in a notebook).
    period : str, optional
        What the source line names instead of the wave, e.g. ``"2025 à 2027"``
        for a figure across waves saved under ``figures/trends/``.

    Returns
    -------
    dict
        The manifest entry written by :func:`save_figure`.
    """
    source = source_line(
        period or wave,
        base,
        synthetic=synthetic,
        base_label=base_label,
        **({} if weighted else {"weighting": None}),
    )
    fig = finish_figure(ax.figure, title=title, subtitle=subtitle, source=source, notes=notes)
    alt = f"{kind}. {title.rstrip('.')}. {details}".strip()
    entry = save_figure(fig, name, alt=alt, data=data, wave=wave, title=title, base=base)
    if show:
        show_figure(fig, alt)
    return entry
