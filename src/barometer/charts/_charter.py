"""The visual charter: palette, fonts, French number formats, titles and source lines.

Every figure of the barometer goes through this module: the same fonts and
sizes at A4 width, the same colour for an organisation type or a profile in
every figure, the same French number formats, a title that states the
finding, a subtitle with the question and a source line with the wave, the
unweighted base, the weighting and the « échantillon volontaire » caveat.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import matplotlib as mpl
import numpy as np
from cycler import cycler
from matplotlib.colors import to_rgb
from matplotlib.ticker import FuncFormatter

# re-exported: the charts' modules and users reach the formats through the charter
from barometer.french import MINUS as MINUS
from barometer.french import NNBSP as NNBSP
from barometer.french import format_number as format_number
from barometer.french import format_percent as format_percent
from barometer.french import format_share as format_share

NBSP = "\u00a0"
"""No-break space: before « : » and around « = »."""

FIGURE_WIDTH = 6.3
"""Figure width in inches: the text width of an A4 page (16 cm)."""
FONT_SIZE = 9.0
"""Base font size in points (tick labels, annotations, legends)."""
TITLE_SIZE = 12.0
SUBTITLE_SIZE = 10.0
SOURCE_SIZE = 9.0
TEXT_COLOR = "#222222"
MUTED_TEXT_COLOR = "#555555"
GRID_COLOR = "#DDDDDD"
FRAGILE_HATCH = "////"
MARGIN = 0.12
"""Left and right margin of the title and source texts, in inches."""

# Paul Tol's "muted" qualitative scheme (colour-blind safe, nine colours plus
# grey): one FIXED colour per organisation type code of the codebooks v1 and v2.
TYPE_COLORS: dict[str, str] = {
    "association": "#332288",  # indigo
    "commune": "#117733",  # green
    "epci": "#44AA99",  # teal
    "departement_region": "#88CCEE",  # cyan
    "departement": "#999933",  # olive
    "region": "#DDCC77",  # sand
    "fondation": "#CC6677",  # rose
    "entreprise_mission": "#AA4499",  # purple
    "edtech": "#882255",  # wine
    "autre": "#9A9A9A",  # grey
}
ENSEMBLE_CODE = "ensemble"
ENSEMBLE_COLOR = "#3A3A3A"
MAIN_COLOR = "#0072B2"
"""Colour of single-series bars (Okabe–Ito blue)."""

# Okabe–Ito (without black), then three colours of Tol's muted scheme: one
# FIXED colour per profile number 1..10.
PROFILE_COLORS: tuple[str, ...] = (
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
    "#F0E442",
    "#882255",
    "#999933",
    "#666666",
)
CATEGORICAL_COLORS: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#666666",
)
"""Okabe–Ito colours for unordered answers."""
NEUTRAL_COLOR = "#CFCFCF"
"""Neutral middle answer of a Likert scale, and « ne sait pas »-type answers."""
WAVE_COLORS: tuple[str, ...] = ("#9A9A9A", "#0072B2", "#D55E00", "#009E73")
"""Waves in chronological order: the oldest grey, the latest in colour."""

CHARTER_RC: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": FONT_SIZE,
    "axes.titlesize": SUBTITLE_SIZE,
    "axes.labelsize": FONT_SIZE,
    "axes.labelcolor": TEXT_COLOR,
    "axes.edgecolor": "#888888",
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "axes.axisbelow": True,
    "axes.unicode_minus": True,
    "axes.formatter.use_locale": False,
    "axes.prop_cycle": cycler(color=list(CATEGORICAL_COLORS)),
    "xtick.labelsize": FONT_SIZE,
    "ytick.labelsize": FONT_SIZE,
    "xtick.color": TEXT_COLOR,
    "ytick.color": TEXT_COLOR,
    "legend.fontsize": FONT_SIZE,
    "legend.frameon": False,
    "text.color": TEXT_COLOR,
    "hatch.linewidth": 0.8,
    "figure.figsize": (FIGURE_WIDTH, 4.0),
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "savefig.dpi": 300,
    "savefig.facecolor": "white",
    "svg.fonttype": "none",
    "svg.hashsalt": "barometer-ai4impact",
    "pdf.fonttype": 42,
    "image.cmap": "cividis",
}
"""The matplotlib settings of the charter (fonts, sizes, spines, deterministic SVG).

SVG text is kept as text (``svg.fonttype: none``): smaller files that screen
readers and designers can read; the PNG is the reference rendering.
"""


def apply_charter() -> None:
    """Apply the charter to matplotlib globally (for notebooks).

    Examples
    --------
    >>> apply_charter()
    >>> import matplotlib as mpl
    >>> mpl.rcParams["font.size"]
    9.0
    """
    mpl.rcParams.update(CHARTER_RC)


@contextmanager
def charter() -> Iterator[None]:
    """Apply the charter inside a ``with`` block only.

    Examples
    --------
    >>> with charter():
    ...     size = mpl.rcParams["font.size"]
    >>> size
    9.0
    """
    with mpl.rc_context(CHARTER_RC):
        yield


# ---------------------------------------------------------------- colours


def type_color(code: str) -> str:
    """Return the fixed colour of an organisation type code (or ``"ensemble"``).

    Parameters
    ----------
    code : str
        An ``org_type`` option code of the codebook, or ``"ensemble"``.

    Returns
    -------
    str
        A hexadecimal colour.

    Examples
    --------
    >>> type_color("association")
    '#332288'
    """
    if code == ENSEMBLE_CODE:
        return ENSEMBLE_COLOR
    try:
        return TYPE_COLORS[code]
    except KeyError:
        known = ", ".join(TYPE_COLORS)
        raise ValueError(
            f"no charter colour for organisation type {code!r}; known codes: {known}"
        ) from None


def profile_color(number: int) -> str:
    """Return the fixed colour of profile ``number`` (1-based, as HCPC numbers them).

    Examples
    --------
    >>> profile_color(1)
    '#E69F00'
    """
    if isinstance(number, bool) or not isinstance(number, int | np.integer):
        raise TypeError(f"profile number must be an integer, got {number!r}")
    if not 1 <= number <= len(PROFILE_COLORS):
        raise ValueError(
            f"profile number {number} is outside 1..{len(PROFILE_COLORS)}: "
            "the charter has no fixed colour for it"
        )
    return PROFILE_COLORS[int(number) - 1]


def group_colors(codes: Sequence[str]) -> dict[str, str]:
    """Colour each group: fixed type colours when every code is a type, else Okabe–Ito.

    Parameters
    ----------
    codes : sequence of str
        Group codes in display order (``"ensemble"`` allowed).

    Returns
    -------
    dict
        Code → colour.

    Examples
    --------
    >>> group_colors(["ensemble", "edtech"])
    {'ensemble': '#3A3A3A', 'edtech': '#882255'}
    """
    codes = [str(c) for c in codes]
    if all(c in TYPE_COLORS or c == ENSEMBLE_CODE for c in codes):
        return {c: type_color(c) for c in codes}
    others = [c for c in codes if c != ENSEMBLE_CODE]
    if len(others) > len(CATEGORICAL_COLORS):
        raise ValueError(
            f"{len(others)} groups but the charter has {len(CATEGORICAL_COLORS)} "
            "distinguishable colours: split the figure"
        )
    colors = dict(zip(others, CATEGORICAL_COLORS, strict=False))
    return {c: ENSEMBLE_COLOR if c == ENSEMBLE_CODE else colors[c] for c in codes}


def categorical_colors(n: int) -> list[str]:
    """Return ``n`` Okabe–Ito colours for unordered answers."""
    if not 1 <= n <= len(CATEGORICAL_COLORS):
        raise ValueError(f"n must be in 1..{len(CATEGORICAL_COLORS)}, got {n}")
    return list(CATEGORICAL_COLORS[:n])


def ordinal_colors(n: int) -> list[str]:
    """Return ``n`` ordered colours, darkest first (ColorBrewer « Blues »).

    Examples
    --------
    >>> len(ordinal_colors(4))
    4
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    cmap = mpl.colormaps["Blues"]
    positions = np.linspace(0.9, 0.3, n) if n > 1 else np.array([0.75])
    return [mpl.colors.to_hex(cmap(p)) for p in positions]


def diverging_colors(n_negative: int, n_neutral: int, n_positive: int) -> list[str]:
    """Return colours for a Likert scale ordered from most negative to most positive.

    Orange shades for the negative side, purple for the positive side
    (ColorBrewer « PuOr », colour-blind safe), grey for neutral answers.

    Examples
    --------
    >>> diverging_colors(2, 1, 2)[2]
    '#CFCFCF'
    """
    if min(n_negative, n_neutral, n_positive) < 0:
        raise ValueError("category counts must be non-negative")
    cmap = mpl.colormaps["PuOr"]

    def shades(count: int, start: float, stop: float) -> list[str]:
        if count == 0:
            return []
        points = np.linspace(start, stop, count) if count > 1 else np.array([(start + stop) / 2])
        return [mpl.colors.to_hex(cmap(p)) for p in points]

    negative = shades(n_negative, 0.1, 0.33)
    positive = shades(n_positive, 0.67, 0.92)
    return negative + [NEUTRAL_COLOR] * n_neutral + positive


def text_color_on(color: Any) -> str:
    """Return black or white, whichever reads better on ``color`` (WCAG luminance).

    Examples
    --------
    >>> text_color_on("#332288")
    'white'
    """
    channels = np.array(to_rgb(color))
    linear = np.where(channels <= 0.03928, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    luminance = float(linear @ np.array([0.2126, 0.7152, 0.0722]))
    return "black" if luminance > 0.179 else "white"


# ---------------------------------------------------------------- numbers


def percent_formatter(decimals: int = 0, absolute: bool = False) -> FuncFormatter:
    """Return a tick formatter writing French percentages (``absolute`` drops the sign)."""

    def _format(value: float, _position: int | None = None) -> str:
        return format_percent(abs(value) if absolute else value, decimals)

    return FuncFormatter(_format)


def number_formatter(decimals: int = 0) -> FuncFormatter:
    """Return a tick formatter writing French numbers."""
    return FuncFormatter(lambda value, _position=None: format_number(value, decimals))


# ---------------------------------------------------------------- texts


def wrap_label(text: str, width: int = 30) -> str:
    r"""Wrap a category label on several lines of at most ``width`` characters.

    Examples
    --------
    >>> wrap_label("Souveraineté et dépendance aux géants du numérique", 28)
    'Souveraineté et dépendance\naux géants du numérique'
    """
    return "\n".join(textwrap.wrap(str(text), width=width, break_long_words=False)) or str(text)


def source_line(
    wave: str,
    base: int,
    *,
    synthetic: bool = False,
    base_label: str = "répondants",
    weighting: str | None = "pondérés par type d'organisation",
) -> str:
    r"""Return the French source line of a figure or table.

    Parameters
    ----------
    wave : str
        The wave id (``"2025"``), or several (``"2025 à 2027"``: then « vagues »).
    base : int
        The unweighted number of respondents behind the figure.
    synthetic : bool
        True for the synthetic sample waves: says « données synthétiques ».
    base_label : str
        What the base counts (« répondants », « organisations utilisatrices »).
    weighting : str or None
        How the figures are weighted; None for unweighted figures.

    Returns
    -------
    str

    Examples
    --------
    >>> line = source_line("2025", 480, synthetic=True)
    >>> for part in line.split(" — "):
    ...     print(part)
    Source : baromètre AI4Impact, vague 2025 (données synthétiques)
    base : 480 répondants, pondérés par type d'organisation
    échantillon volontaire
    """
    if not isinstance(wave, str) or not wave:
        raise TypeError(f"wave must be a non-empty string such as '2025', got {wave!r}")
    base = _check_base(base)
    weighted = f", {weighting}" if weighting else ", non pondérés"
    label = base_label[:-1] if base == 1 and base_label.endswith("s") else base_label
    synthetic_text = " (données synthétiques)" if synthetic else ""
    return (
        f"Source{NBSP}: baromètre AI4Impact, {'vagues' if ' ' in wave else 'vague'} {wave}"
        f"{synthetic_text} — "
        f"base{NBSP}: {format_number(base)} {label}{weighted} — échantillon volontaire"
    )


def _check_base(base: object) -> int:
    if isinstance(base, bool) or not isinstance(base, int | np.integer):
        raise TypeError(f"base must be an integer count of respondents, got {base!r}")
    if base < 0:
        raise ValueError(f"base must be non-negative, got {base}")
    return int(base)
