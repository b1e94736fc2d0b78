"""French number formatting for everything the public sees.

French typography: decimal comma, digits grouped by three with a narrow
no-break space (U+202F), a narrow no-break space before ``%``, the minus
sign U+2212, and rounding half away from zero (42,5 → 43) as French
statistical publications do.  Python's ``locale`` would need a French locale
installed on the machine (often absent in CI containers), uses the wide
no-break space and rounds half to even, so the few rules are written here.
Tables, figures, sentences and reports all format numbers through this
module.

Examples
--------
>>> format_percent(54.2)
'54\u202f%'
>>> format_number(1040.4, 0)
'1\u202f040'
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np

NNBSP = "\u202f"
"""Narrow no-break space: thousands separator and space before ``%``."""
MINUS = "\u2212"
"""The typographic minus sign."""


def format_number(value: float, decimals: int = 0) -> str:
    r"""Format a number the French way: decimal comma, thousands with U+202F.

    Rounds half away from zero (42,5 → 43), as French statistical
    publications do, not half to even as Python's ``format``.

    Parameters
    ----------
    value : float
        The number; NaN gives an en dash.
    decimals : int
        Digits after the decimal comma.

    Returns
    -------
    str

    Examples
    --------
    >>> format_number(1234567.891, 1)
    '1\u202f234\u202f567,9'
    >>> format_number(-2.25, 1)
    '−2,3'
    """
    if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
        raise ValueError(f"decimals must be a non-negative integer, got {decimals!r}")
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "–"
    try:
        number = Decimal(repr(float(value)))
    except (TypeError, ValueError):
        raise TypeError(f"cannot format {value!r} as a number") from None
    if not number.is_finite():
        return "–"
    rounded = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)
    text = f"{abs(rounded):,.{decimals}f}".replace(",", NNBSP).replace(".", ",")
    return (MINUS if rounded < 0 else "") + text


def format_percent(value: float, decimals: int = 0) -> str:
    r"""Format a percentage (0–100) the French way: ``"42,5 %"`` with U+202F.

    Examples
    --------
    >>> format_percent(42.5, 1)
    '42,5\u202f%'
    >>> format_percent(42.5)
    '43\u202f%'
    """
    text = format_number(value, decimals)
    return text if text == "–" else f"{text}{NNBSP}%"


def format_share(value: float) -> str:
    r"""Format a small or large share with just enough decimals.

    One decimal below 10 %, « < 0,1 % » below 0.05 %, none above.

    Examples
    --------
    >>> format_share(0.3)
    '0,3\u202f%'
    >>> format_share(96.6)
    '97\u202f%'
    """
    if value is not None and 0 < value < 0.05:
        return f"<{NNBSP}0,1{NNBSP}%"
    return format_percent(value, 1 if value is not None and value < 10 else 0)


def format_pvalue(pvalue: float) -> str:
    """Format a p-value as ``"p = 0,04"`` or ``"p < 0,001"``.

    Two significant digits; three when rounding to two would lift a p-value
    below 0.05 to ``0,05`` (which would read as not significant).

    Parameters
    ----------
    pvalue : float
        The p-value, between 0 and 1.

    Returns
    -------
    str
        ``"p = …"`` with a decimal comma.

    Examples
    --------
    >>> format_pvalue(0.04)
    'p = 0,04'
    >>> format_pvalue(0.0496)
    'p = 0,0496'
    >>> format_pvalue(0.00001)
    'p < 0,001'
    """
    if not 0.0 <= pvalue <= 1.0:
        raise ValueError(f"pvalue must lie between 0 and 1, got {pvalue!r}")
    if pvalue < 0.001:
        return "p < 0,001"
    text = f"{pvalue:.2g}"
    if float(text) >= 0.05 > pvalue:
        text = f"{pvalue:.3g}"
    return "p = " + text.replace(".", ",")


def format_test(statistic: float, df: float, df_denom: float | None, pvalue: float) -> str:
    """Describe a Rao–Scott test in French.

    Parameters
    ----------
    statistic : float
        ``F`` (second-order correction, when ``df_denom`` is given) or Pearson's
        ``X2`` (first-order correction).
    df, df_denom : float
        Degrees of freedom; ``df_denom`` is None for the chi-squared form.
    pvalue : float
        P-value.

    Returns
    -------
    str
        For example ``"Test de Rao–Scott (F = 3,21 ; ddl = 2,1 et 1 040 ; p = 0,04)"``.

    Examples
    --------
    >>> format_test(3.2104, 2.08, 1040.2, 0.04).replace(NNBSP, " ")
    'Test de Rao–Scott (F = 3,21 ; ddl = 2,1 et 1 040 ; p = 0,04)'
    """
    if df_denom is None:
        freedom = f"ddl = {_degrees(df)}"
        stat = f"χ² = {format_number(statistic, 2)}"
    else:
        freedom = f"ddl = {_degrees(df)} et {_degrees(df_denom)}"
        stat = f"F = {format_number(statistic, 2)}"
    return f"Test de Rao–Scott ({stat} ; {freedom} ; {format_pvalue(pvalue)})"


def _degrees(value: float) -> str:
    """Degrees of freedom: one decimal below 100, whole numbers above."""
    if float(value).is_integer():
        return format_number(value, 0)
    return format_number(value, 0 if value >= 100 else 1)
