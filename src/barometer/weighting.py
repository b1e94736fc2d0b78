"""Raking (calibration to margins), trimming, weight diagnostics and their configuration.

The survey is a voluntary sample: weights correct its composition (size of
associations, population of communes...), never its self-selection.  The
module calibrates *within organisation type* (see ``config/weighting.yaml``),
then rescales the types for an "ensemble" figure by an explicit convention.

Main entry points
-----------------
rake
    Iterative proportional fitting to margins given as totals or shares,
    optionally within groups and with bounds on the weights.
diagnostics
    Tidy table of weight diagnostics (Kish design effect, efficiency...).
load_weighting_config, margins_for, ensemble_weights
    Read the sourced population structures, turn them into margins for the
    categories present in a wave (merging empty or tiny cells), and build the
    "ensemble" weights.

Raking reproduces R's ``survey::rake()`` run to convergence (and
``survey::calibrate(calfun = "raking")``); bounded raking reproduces
``calibrate(calfun = "raking", bounds = , bounds.const = TRUE)``.  The
reference values and the R script are kept in ``tests/reference/weighting/``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import yaml
from scipy import optimize, sparse

from barometer.paths import CONFIG_DIR

__all__ = [
    "DEFAULT_CONFIG_PATH",
    "CellCollapseWarning",
    "EnsembleConfig",
    "MarginCell",
    "OrgTypeConfig",
    "PopulationFigure",
    "Structure",
    "WeightDiagnostics",
    "WeightingConfig",
    "diagnostics",
    "ensemble_weights",
    "load_weighting_config",
    "margins_for",
    "rake",
]

DEFAULT_CONFIG_PATH = CONFIG_DIR / "weighting.yaml"
SHARE_TOLERANCE = 1e-6
EAGER_LP_ROWS = 20_000  # up to this many rows, trim bounds are checked before raking
ENSEMBLE_LABEL = "ensemble"
ENSEMBLE_RULES = ("sample_shares", "equal_shares", "fixed_shares")
STRUCTURE_STATUSES = ("sourced", "derived", "assumption")

MarginType = Literal["auto", "shares", "totals"]


class CellCollapseWarning(UserWarning):
    """Warn that :func:`margins_for` merged an empty or tiny cell with a neighbour."""


# --------------------------------------------------------------------------- #
# Margins: validation and encoding
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class _Margin:
    """One raking variable: its margin categories and their totals."""

    variable: str
    keys: tuple[Hashable, ...]
    targets: np.ndarray


def _members(key: Hashable) -> tuple[Hashable, ...]:
    """Return the data categories of a margin key (a tuple key is a merged cell)."""
    return key if isinstance(key, tuple) else (key,)


def _margin_items(variable: str, spec: Any) -> list[tuple[Hashable, float]]:
    """Return the (category, target) pairs of one margin, checking the targets."""
    if isinstance(spec, pd.Series):
        items = list(zip(spec.index, spec.to_numpy(), strict=True))
    elif isinstance(spec, Mapping):
        items = list(spec.items())
    else:
        raise TypeError(
            f"margin {variable!r} must be a dict or a pandas Series of targets by category, "
            f"not {type(spec).__name__}"
        )
    if not items:
        raise ValueError(f"margin {variable!r} has no category")
    checked: list[tuple[Hashable, float]] = []
    seen: set[Hashable] = set()
    for key, raw in items:
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise TypeError(
                f"margin {variable!r}, category {key!r}: target {raw!r} is not a number"
            ) from None
        if math.isnan(value):
            raise ValueError(f"margin {variable!r}, category {key!r}: target is NaN")
        if math.isinf(value) or value < 0:
            raise ValueError(
                f"margin {variable!r}, category {key!r}: target {value!r} must be finite "
                "and non-negative"
            )
        for member in _members(key):
            if member in seen:
                raise ValueError(f"margin {variable!r}: category {member!r} is given twice")
            seen.add(member)
        checked.append((key, value))
    return checked


def _is_shares(variable: str, values: np.ndarray, margin_type: MarginType) -> bool:
    """Tell whether a margin is given as shares, checking that shares sum to 1."""
    if margin_type not in ("auto", "shares", "totals"):
        raise ValueError(f"margin_type must be 'auto', 'shares' or 'totals', not {margin_type!r}")
    shares = margin_type == "shares" or (margin_type == "auto" and values.max() <= 1.0)
    if shares and abs(values.sum() - 1.0) > SHARE_TOLERANCE:
        hint = " (or pass margin_type='totals' if they are totals)" if margin_type == "auto" else ""
        raise ValueError(
            f"margin {variable!r} is given as shares but they sum to {values.sum():.10g}, "
            f"not 1 (tolerance {SHARE_TOLERANCE:g}){hint}"
        )
    return shares


def _normalise_margins(
    margins: Mapping[str, Any],
    *,
    base_total: float,
    total: float | None,
    margin_type: MarginType,
) -> tuple[list[_Margin], float]:
    """Turn user margins into totals that all sum to the same calibrated total.

    Shares are divided by their sum (within 1e-6 of 1) then multiplied by the
    total; totals that agree within 1e-6 are rescaled to exactly the same sum,
    so that the margins are compatible and raking can converge to ``tol``.
    """
    if not isinstance(margins, Mapping):
        raise TypeError(f"margins must be a dict of margins by variable, not {type(margins)}")
    parsed = []
    for variable, spec in margins.items():
        items = _margin_items(str(variable), spec)
        values = np.array([value for _, value in items], dtype=float)
        if values.sum() <= 0:
            raise ValueError(f"margin {variable!r}: all targets are zero")
        is_share = _is_shares(str(variable), values, margin_type)
        parsed.append((variable, tuple(key for key, _ in items), values, is_share))

    if total is not None and (not np.isfinite(total) or total <= 0):
        raise ValueError(f"total must be a positive finite number, not {total!r}")
    sums = {variable: values.sum() for variable, _, values, is_share in parsed if not is_share}
    target_total = total if total is not None else next(iter(sums.values()), base_total)
    for variable, value in sums.items():
        if abs(value - target_total) > SHARE_TOLERANCE * target_total:
            source = "total" if total is not None else f"margin {next(iter(sums))!r}"
            raise ValueError(
                f"margin {variable!r} sums to {value:.10g} but {source} gives "
                f"{target_total:.10g}: totals of all margins must agree"
            )
    result = [
        _Margin(str(variable), keys, values / values.sum() * target_total)
        for variable, keys, values, _ in parsed
    ]
    return result, float(target_total)


def _encode(column: pd.Series, margin: _Margin) -> np.ndarray:
    """Return, for each row, the index of its category in ``margin.keys``."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    n_missing = int((codes < 0).sum())
    if n_missing:
        first = list(column.index[codes < 0][:5])
        raise ValueError(
            f"raking variable {margin.variable!r} has {n_missing} missing value(s) "
            f"(first rows: {first}); impute them or drop these respondents before raking"
        )
    lookup = {member: i for i, key in enumerate(margin.keys) for member in _members(key)}
    unknown = [value for value in uniques if value not in lookup]
    if unknown:
        raise ValueError(
            f"raking variable {margin.variable!r}: data category {unknown[0]!r} is not in the "
            f"margins (margin categories: {list(margin.keys)})"
        )
    return np.array([lookup[value] for value in uniques], dtype=np.intp)[codes]


def _check_cells(codes: np.ndarray, margin: _Margin) -> None:
    """Refuse empty cells with a positive target and zero targets with respondents."""
    counts = np.bincount(codes, minlength=len(margin.keys))
    for key, count, target in zip(margin.keys, counts, margin.targets, strict=True):
        if count == 0 and target > 0:
            raise ValueError(
                f"margin {margin.variable!r}: category {key!r} has no respondents but a target "
                f"of {target:.6g} (empty cell); merge it with a neighbouring category "
                "(see margins_for) or drop it from the margins"
            )
        if count > 0 and target == 0:
            raise ValueError(
                f"margin {margin.variable!r}: category {key!r} has {count} respondent(s) but a "
                "target of 0, which would give them zero weight; drop them or give a target"
            )


def _check_bounds_feasible(
    codes: list[np.ndarray], margins: list[_Margin], lower: float, upper: float
) -> None:
    """Refuse bounds under which some margin cell alone cannot reach its target."""
    for code, margin in zip(codes, margins, strict=True):
        counts = np.bincount(code, minlength=len(margin.keys))
        for key, count, target in zip(margin.keys, counts, margin.targets, strict=True):
            if not count * lower <= target <= count * upper:
                raise ValueError(
                    f"trim bounds are infeasible: margin {margin.variable!r}, category {key!r} "
                    f"has {count} respondent(s) whose weights, between {lower:.6g} and "
                    f"{upper:.6g}, cannot sum to its target {target:.6g}; widen trim"
                )


def _check_jointly_feasible(
    codes: list[np.ndarray], margins: list[_Margin], lower: float, upper: float
) -> None:
    """Refuse bounds under which no weights meet all the margins together.

    Whether some weights within the bounds meet every margin is a linear
    programme, solved with ``scipy.optimize.linprog`` (HiGHS).  It takes
    milliseconds for a survey but about 2 s for 100,000 rows: above
    ``EAGER_LP_ROWS`` rows it only runs once bounded raking has failed.
    """
    n_rows = codes[0].size
    matrix = sparse.vstack(
        [
            sparse.csr_array(
                (np.ones(n_rows), (code, np.arange(n_rows))), shape=(len(margin.keys), n_rows)
            )
            for code, margin in zip(codes, margins, strict=True)
        ],
        format="csr",
    )
    targets = np.concatenate([margin.targets for margin in margins])
    result = optimize.linprog(
        np.zeros(n_rows),
        A_eq=matrix,
        b_eq=targets,
        bounds=(lower, upper),
        method="highs",
    )
    if result.status == 2:
        raise ValueError(
            f"trim bounds are infeasible: no weights between {lower:.6g} and {upper:.6g} meet "
            "all the margins together (each cell alone could); widen trim"
        )


# --------------------------------------------------------------------------- #
# Iterative proportional fitting
# --------------------------------------------------------------------------- #


def _worst_margin(
    codes: list[np.ndarray], margins: list[_Margin], weights: np.ndarray
) -> tuple[float, str, Hashable]:
    """Return the largest relative margin error, with its variable and category."""
    worst: tuple[float, str, Hashable] = (0.0, "", None)
    for code, margin in zip(codes, margins, strict=True):
        sums = np.bincount(code, weights=weights, minlength=len(margin.keys))
        positive = margin.targets > 0
        errors = np.zeros_like(sums)
        errors[positive] = (
            np.abs(sums[positive] - margin.targets[positive]) / margin.targets[positive]
        )
        i = int(np.argmax(errors))
        if errors[i] > worst[0]:
            worst = (float(errors[i]), margin.variable, margin.keys[i])
    return worst


def _ipf(
    codes: list[np.ndarray],
    margins: list[_Margin],
    base: np.ndarray,
    *,
    max_iter: int,
    tol: float,
    bounds: tuple[float, float] | None,
) -> np.ndarray:
    """Rake ``base`` to the margins by iterative proportional fitting.

    Hand-written because numpy, scipy, pandas, statsmodels and scikit-learn
    offer no raking; ``np.bincount`` keeps a sweep O(rows x variables).  A
    sweep multiplies the weights of each category by target / current total,
    one variable after the other (R: ``survey::rake``).  With bounds, see
    :func:`_bounded_ipf`.  Convergence: every margin cell reproduced within
    ``tol`` (relative) after a sweep.
    """
    if bounds is not None:
        return _bounded_ipf(codes, margins, base, max_iter=max_iter, tol=tol, bounds=bounds)
    weights = base.astype(float, copy=True)
    for _ in range(max_iter):
        for code, margin in zip(codes, margins, strict=True):
            sums = np.bincount(code, weights=weights, minlength=len(margin.keys))
            factors = np.divide(margin.targets, sums, out=np.ones_like(sums), where=sums > 0)
            weights *= factors[code]
        error, variable, key = _worst_margin(codes, margins, weights)
        if error <= tol:
            return weights
    raise _non_convergence(max_iter, tol, error, variable, key, bounded=False)


def _non_convergence(
    max_iter: int, tol: float, error: float, variable: str, key: Hashable, *, bounded: bool
) -> ValueError:
    advice = "widen the trim bounds, " if bounded else ""
    return ValueError(
        f"raking did not converge within max_iter={max_iter} sweeps: margin {variable!r}, "
        f"category {key!r} is still off by {error:.3g} (relative, tol={tol:g}); increase "
        f"max_iter, {advice}or check that the margins are compatible with the data"
    )


def _cell_factor(latent: np.ndarray, target: float, lower: float, upper: float) -> float:
    """Return f such that ``sum(clip(latent * f, lower, upper)) == target``.

    The left side is continuous, non-decreasing and piecewise linear in f,
    with breakpoints lower / latent and upper / latent: it is evaluated at
    every breakpoint (sorted latent values, prefix sums, ``searchsorted``),
    then solved exactly on the segment that brackets the target.
    """
    u = np.sort(latent)
    prefix = np.concatenate([[0.0], np.cumsum(u)])

    def clipped_sum(f: np.ndarray) -> np.ndarray:
        at_lower = np.searchsorted(u, lower / f, side="right")
        at_upper = np.maximum(np.searchsorted(u, upper / f, side="left"), at_lower)
        return (
            lower * at_lower
            + upper * (u.size - at_upper)
            + f * (prefix[at_upper] - prefix[at_lower])
        )

    breaks = np.unique(np.concatenate([upper / u, lower / u if lower > 0 else []]))
    values = clipped_sum(breaks)
    if lower == 0:  # the sum is 0 at f = 0
        breaks, values = np.concatenate([[0.0], breaks]), np.concatenate([[0.0], values])
    k = int(np.searchsorted(values, target, side="left"))
    if k == 0:
        return float(breaks[0])
    if k == breaks.size:
        return float(breaks[-1])
    f0, f1, g0, g1 = breaks[k - 1], breaks[k], values[k - 1], values[k]
    return float(f0 + (target - g0) * (f1 - f0) / (g1 - g0))


def _bounded_ipf(
    codes: list[np.ndarray],
    margins: list[_Margin],
    base: np.ndarray,
    *,
    max_iter: int,
    tol: float,
    bounds: tuple[float, float],
) -> np.ndarray:
    """Rake with weights kept within absolute ``bounds`` (bounded raking).

    The weights are ``clip(base x product of category factors, lower, upper)``,
    the bounded raking estimator of Deville & Särndal (1992), as R's
    ``calibrate(calfun = "raking", bounds = , bounds.const = TRUE)``.  Hand
    written (no Python library has it): a sweep sets, for each variable and
    category in turn, the factor for which the clipped weights meet the
    target exactly (:func:`_cell_factor`), which is block coordinate descent
    on the convex dual, so it converges to the same weights as R's Newton
    iterations.  Simply clipping raked weights and raking again would stop
    at another point that meets the margins and bounds but not this one.
    """
    lower, upper = bounds
    latent = base.astype(float, copy=True)
    cells = []  # for each variable, the rows of each non-empty category
    for code, margin in zip(codes, margins, strict=True):
        counts = np.bincount(code, minlength=len(margin.keys))
        rows = np.split(np.argsort(code, kind="stable"), np.cumsum(counts)[:-1])
        cells.append([(j, rows[j]) for j in np.flatnonzero(counts)])
    for _ in range(max_iter):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for margin, members in zip(margins, cells, strict=True):
                for j, rows in members:
                    latent[rows] *= _cell_factor(latent[rows], margin.targets[j], lower, upper)
        weights = np.clip(latent, lower, upper)
        error, variable, key = _worst_margin(codes, margins, weights)
        if not np.all(np.isfinite(latent)):
            error = math.inf
            break
        if error <= tol:
            return weights
    raise _non_convergence(max_iter, tol, error, variable, key, bounded=True)


def _base_weights(data: pd.DataFrame, base_weight: Any) -> np.ndarray:
    """Return the base weights as a positive float array aligned on ``data``."""
    if base_weight is None:
        return np.ones(len(data))
    if isinstance(base_weight, str):
        if base_weight not in data.columns:
            raise ValueError(f"base_weight column {base_weight!r} is not in data")
        base_weight = data[base_weight]
    if isinstance(base_weight, pd.Series) and not base_weight.index.equals(data.index):
        raise ValueError("base_weight is a Series whose index differs from data.index")
    try:
        values = np.asarray(base_weight, dtype=float)
    except (TypeError, ValueError):
        raise TypeError("base_weight must be numeric") from None
    if values.shape != (len(data),):
        raise ValueError(
            f"base_weight has shape {values.shape}; expected one weight per row ({len(data)})"
        )
    if not np.all(np.isfinite(values)) or np.any(values <= 0):
        raise ValueError("base_weight must be finite and strictly positive for every row")
    return values


def _check_trim(trim: tuple[float, float] | None) -> tuple[float, float] | None:
    """Validate ``trim = (lower, upper)``, bounds on weight / mean weight."""
    if trim is None:
        return None
    try:
        lower, upper = (float(x) for x in trim)
    except (TypeError, ValueError):
        raise TypeError(f"trim must be a pair (lower, upper) of numbers, not {trim!r}") from None
    if not (0 <= lower <= 1 <= upper < math.inf) or lower == upper:
        raise ValueError(
            f"trim={trim!r}: need 0 <= lower <= 1 <= upper < inf with lower < upper "
            "(bounds on weight / mean weight)"
        )
    return lower, upper


def _rake_one(
    data: pd.DataFrame,
    margins: Mapping[str, Any],
    base: np.ndarray,
    *,
    total: float | None,
    trim: tuple[float, float] | None,
    max_iter: int,
    tol: float,
    margin_type: MarginType,
) -> np.ndarray:
    """Rake one group (or the whole frame) and return its weights."""
    parsed, target_total = _normalise_margins(
        margins, base_total=float(base.sum()), total=total, margin_type=margin_type
    )
    if not parsed:
        return base * (target_total / base.sum())
    codes = []
    for margin in parsed:
        if margin.variable not in data.columns:
            raise ValueError(f"raking variable {margin.variable!r} is not a column of data")
        code = _encode(data[margin.variable], margin)
        _check_cells(code, margin)
        codes.append(code)
    bounds = None
    if trim is not None:
        mean_weight = target_total / len(base)
        bounds = (trim[0] * mean_weight, trim[1] * mean_weight)
        _check_bounds_feasible(codes, parsed, *bounds)
        if len(base) <= EAGER_LP_ROWS:
            _check_jointly_feasible(codes, parsed, *bounds)
    try:
        return _ipf(codes, parsed, base, max_iter=max_iter, tol=tol, bounds=bounds)
    except ValueError:
        if bounds is not None:
            _check_jointly_feasible(codes, parsed, *bounds)
        raise


def rake(
    data: pd.DataFrame,
    margins: Mapping[str, Any],
    *,
    base_weight: pd.Series | np.ndarray | Sequence[float] | str | None = None,
    by: str | None = None,
    max_iter: int = 100,
    tol: float = 1e-10,
    trim: tuple[float, float] | None = None,
    total: float | Mapping[Hashable, float] | None = None,
    margin_type: MarginType = "auto",
) -> pd.Series:
    """Calibrate weights to margins by raking (iterative proportional fitting).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent; holds the raking variables (and ``by``).
    margins : dict
        ``{variable: {category: target}}`` (or a Series of targets indexed by
        category).  A tuple key ``("10_49", "50_249")`` is a merged cell: all
        its categories share one target.  Targets are *shares* when every
        target of the margin is at most 1 (``margin_type="auto"``); shares
        must sum to 1 (tolerance 1e-6) and are scaled to the total.  Otherwise
        they are *totals*, and all margins must sum to the same total.  With
        ``by``, ``margins`` is ``{group: {variable: {category: target}}}``; a
        group with ``{}`` keeps its base weights.
    base_weight : Series, array, column name or None, optional
        Strictly positive design weights (default: 1 for every row).
    by : str or None, optional
        Column of groups raked separately, each to its own margins (e.g.
        organisation type).  Every group of the data needs an entry in
        ``margins``; groups absent from the data are ignored.
    max_iter : int, default 100
        Maximum number of sweeps (one sweep adjusts every margin once).
    tol : float, default 1e-10
        Convergence: every margin cell reproduced within ``tol`` (relative).
    trim : tuple of float, optional
        ``(lower, upper)`` bounds on weight / mean weight (relative, not
        absolute: the mean weight is total / n, within each group with
        ``by``).  Bounded raking: the weights are clip(raked weight, bounds)
        and each raking step solves for the factor that meets the target with
        the clipped weights, repeated until the margins hold within ``tol``
        (the bounds then hold exactly).  Same weights as R's
        ``calibrate(calfun = "raking", bounds = , bounds.const = TRUE)``.
    total : float or dict, optional
        Total to which shares are scaled; by default the sum of the totals
        given as margins, else the sum of the base weights (of each group
        with ``by``; then ``total`` is a dict by group).
    margin_type : {"auto", "shares", "totals"}, default "auto"
        Force how targets are read when totals could look like shares.

    Returns
    -------
    pandas.Series
        Weights named ``"weight"``, indexed like ``data``.

    Raises
    ------
    ValueError
        On non-convergence, an empty cell (margin category without
        respondents), a data category missing from the margins, negative or
        NaN targets, shares not summing to 1, missing values in a raking
        variable, incompatible totals or infeasible trim bounds; the message
        names the variable and category.

    Examples
    --------
    >>> df = pd.DataFrame({"size": ["none", "none", "none", "1_9", "1_9"]})
    >>> rake(df, {"size": {"none": 0.9, "1_9": 0.1}}).round(3).tolist()
    [1.5, 1.5, 1.5, 0.25, 0.25]
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, not {type(data).__name__}")
    if len(data) == 0:
        raise ValueError("data has no row to weight")
    if not isinstance(max_iter, int | np.integer) or max_iter < 1:
        raise ValueError(f"max_iter must be a positive integer, not {max_iter!r}")
    if not tol > 0:
        raise ValueError(f"tol must be positive, not {tol!r}")
    bounds = _check_trim(trim)
    base = _base_weights(data, base_weight)
    options = {"trim": bounds, "max_iter": int(max_iter), "tol": float(tol)}
    if by is None:
        if isinstance(total, Mapping):
            raise TypeError("total must be a number when by is None")
        weights = _rake_one(data, margins, base, total=total, margin_type=margin_type, **options)
        return pd.Series(weights, index=data.index, name="weight")
    return pd.Series(
        _rake_by(data, margins, base, by=by, total=total, margin_type=margin_type, **options),
        index=data.index,
        name="weight",
    )


def _rake_by(
    data: pd.DataFrame,
    margins: Mapping[Hashable, Any],
    base: np.ndarray,
    *,
    by: str,
    total: float | Mapping[Hashable, float] | None,
    margin_type: MarginType,
    **options: Any,
) -> np.ndarray:
    """Rake each group of column ``by`` to its own margins."""
    if by not in data.columns:
        raise ValueError(f"by column {by!r} is not in data")
    if not isinstance(margins, Mapping):
        raise TypeError("with by, margins must be a dict {group: {variable: {category: target}}}")
    if total is not None and not isinstance(total, Mapping):
        raise TypeError("with by, total must be a dict {group: total} or None")
    codes, groups = pd.factorize(data[by], use_na_sentinel=True)
    if (codes < 0).any():
        raise ValueError(f"by column {by!r} has {int((codes < 0).sum())} missing value(s)")
    weights = np.empty(len(data))
    for i, group in enumerate(groups):
        if group not in margins:
            raise ValueError(
                f"group {group!r} of column {by!r} has no entry in margins; give it margins, "
                "or {} to keep its base weights"
            )
        rows = np.flatnonzero(codes == i)
        group_total = None if total is None else total.get(group)
        try:
            weights[rows] = _rake_one(
                data.iloc[rows],
                margins[group],
                base[rows],
                total=group_total,
                margin_type=margin_type,
                **options,
            )
        except (ValueError, TypeError) as error:
            raise type(error)(f"{by} = {group!r}: {error}") from error
    return weights


# --------------------------------------------------------------------------- #
# Diagnostics
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class WeightDiagnostics:
    """Summary of a set of weights.

    Attributes
    ----------
    n : int
        Number of weights.
    sum_weights, min, max : float
        Sum, smallest and largest weight.
    ratio : float
        max / min.
    deff_kish : float
        Kish's design effect of unequal weighting, 1 + CV² = n Σw² / (Σw)².
    efficiency : float
        1 / deff_kish.
    n_eff : float
        Effective sample size, (Σw)² / Σw² = n / deff_kish.
    """

    n: int
    sum_weights: float
    min: float
    max: float
    ratio: float
    deff_kish: float
    efficiency: float
    n_eff: float

    @classmethod
    def from_weights(cls, weights: Any) -> WeightDiagnostics:
        """Compute the diagnostics of strictly positive weights.

        Parameters
        ----------
        weights : array-like of float
            The weights.

        Returns
        -------
        WeightDiagnostics
            The summary.

        Examples
        --------
        >>> WeightDiagnostics.from_weights([1, 1, 2, 4]).deff_kish
        1.375
        """
        values = _positive_weights(weights)
        total = float(values.sum())
        deff = len(values) * float(np.square(values).sum()) / total**2
        return cls(
            n=len(values),
            sum_weights=total,
            min=float(values.min()),
            max=float(values.max()),
            ratio=float(values.max() / values.min()),
            deff_kish=deff,
            efficiency=1.0 / deff,
            n_eff=len(values) / deff,
        )


def _positive_weights(weights: Any) -> np.ndarray:
    """Return weights as a 1-D float array, refusing empty, NaN or non-positive ones."""
    try:
        values = np.asarray(weights, dtype=float)
    except (TypeError, ValueError):
        raise TypeError("weights must be numeric") from None
    if values.ndim != 1 or values.size == 0:
        raise ValueError("weights must be a non-empty one-dimensional array")
    if not np.all(np.isfinite(values)) or np.any(values <= 0):
        raise ValueError("weights must be finite and strictly positive")
    return values


def diagnostics(weights: pd.Series | np.ndarray | Sequence[float], by: Any = None) -> pd.DataFrame:
    """Return a tidy table of weight diagnostics, by group and for the ensemble.

    Parameters
    ----------
    weights : Series or array-like of float
        Strictly positive weights.
    by : Series or array-like, optional
        Group of each weight (e.g. organisation type); a Series must share
        the index of ``weights`` when ``weights`` is a Series.

    Returns
    -------
    pandas.DataFrame
        One row per group (in sorted order) then a row ``"ensemble"``;
        columns ``group`` and the fields of :class:`WeightDiagnostics`.

    Examples
    --------
    >>> diagnostics([1.0, 1.0, 2.0, 4.0])[["group", "n", "deff_kish"]].to_dict("records")
    [{'group': 'ensemble', 'n': 4, 'deff_kish': 1.375}]
    """
    values = _positive_weights(weights)
    rows = []
    if by is not None:
        if isinstance(by, pd.Series) and isinstance(weights, pd.Series):
            if not by.index.equals(weights.index):
                raise ValueError("by and weights are Series with different indexes")
        groups = np.asarray(by, dtype=object)
        if groups.shape != values.shape:
            raise ValueError(f"by has {groups.size} values for {values.size} weights")
        if pd.isna(groups).any():
            raise ValueError("by has missing values")
        frame = pd.DataFrame({"group": pd.Series(by).to_numpy(), "w": values})
        for group, part in frame.groupby("group", sort=True, observed=True):
            rows.append({"group": group, **vars(WeightDiagnostics.from_weights(part["w"]))})
    rows.append({"group": ENSEMBLE_LABEL, **vars(WeightDiagnostics.from_weights(values))})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- #
# Configuration
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class PopulationFigure:
    """A sourced population figure (for documentation and checks)."""

    label: str
    value: float | None
    year: int | None
    source: str


@dataclass(frozen=True)
class MarginCell:
    """One cell of a known structure: one or several ordered codes and their share."""

    codes: tuple[str, ...]
    share: float

    @property
    def key(self) -> Hashable:
        """Return the margin key: the code, or the tuple of codes of a merged cell."""
        return self.codes[0] if len(self.codes) == 1 else self.codes


@dataclass(frozen=True)
class Structure:
    """A known within-type structure: shares of a variable's ordered cells."""

    variable: str
    cells: tuple[MarginCell, ...]
    status: str
    source: str
    derivation: str


@dataclass(frozen=True)
class OrgTypeConfig:
    """An organisation type: its population figures and known structures."""

    code: str
    label: str
    population: tuple[PopulationFigure, ...]
    structures: tuple[Structure, ...]
    note: str


@dataclass(frozen=True)
class EnsembleConfig:
    """The convention that weights the types against each other for "ensemble" figures."""

    rule: str
    convention: str
    shares: Mapping[str, float] | None


@dataclass(frozen=True)
class WeightingConfig:
    """The whole weighting configuration (see ``config/weighting.yaml``)."""

    types: Mapping[str, OrgTypeConfig]
    ensemble: EnsembleConfig
    min_cell: int
    trim: tuple[float, float] | None
    max_iter: int
    tol: float
    path: Path | None = None


def _require(mapping: Mapping[str, Any], key: str, where: str) -> Any:
    if not isinstance(mapping, Mapping) or key not in mapping:
        raise ValueError(f"weighting configuration: {where} lacks {key!r}")
    return mapping[key]


def _source(entry: Mapping[str, Any], where: str) -> str:
    source = _require(entry, "source", where)
    if not isinstance(source, str) or not source.strip():
        raise ValueError(f"weighting configuration: {where} has an empty source")
    return source.strip()


def _parse_structure(entry: Mapping[str, Any], where: str) -> Structure:
    variable = str(_require(entry, "variable", where))
    where = f"{where}, structure {variable!r}"
    cells = []
    for cell in _require(entry, "cells", where):
        codes = _require(cell, "codes", where)
        codes = [codes] if isinstance(codes, str) else list(codes)
        if not codes or not all(isinstance(code, str) for code in codes):
            raise ValueError(
                f"weighting configuration: {where} has codes {codes!r}; codes must be "
                "quoted strings (YAML reads an unquoted 1_9 as the integer 19)"
            )
        codes = tuple(codes)
        cells.append(MarginCell(codes=codes, share=float(_require(cell, "share", where))))
    all_codes = [code for cell in cells for code in cell.codes]
    if len(set(all_codes)) != len(all_codes):
        raise ValueError(f"weighting configuration: {where} lists a code twice")
    shares = np.array([cell.share for cell in cells])
    if np.any(~np.isfinite(shares)) or np.any(shares < 0):
        raise ValueError(f"weighting configuration: {where} has a negative or missing share")
    if abs(shares.sum() - 1) > SHARE_TOLERANCE:
        raise ValueError(
            f"weighting configuration: {where} shares sum to {shares.sum():.10g}, not 1"
        )
    status = str(_require(entry, "status", where))
    if status not in STRUCTURE_STATUSES:
        raise ValueError(
            f"weighting configuration: {where} status {status!r} not in {STRUCTURE_STATUSES}"
        )
    return Structure(
        variable=variable,
        cells=tuple(cells),
        status=status,
        source=_source(entry, where),
        derivation=str(entry.get("derivation", "")).strip(),
    )


def _parse_type(code: str, entry: Mapping[str, Any]) -> OrgTypeConfig:
    where = f"type {code!r}"
    figures = tuple(
        PopulationFigure(
            label=str(_require(fig, "label", where)),
            value=None if fig.get("value") is None else float(fig["value"]),
            year=None if fig.get("year") is None else int(fig["year"]),
            source=_source(fig, f"{where}, figure {fig.get('label')!r}"),
        )
        for fig in entry.get("population", [])
    )
    structures = tuple(_parse_structure(s, where) for s in entry.get("structure", []) or [])
    return OrgTypeConfig(
        code=code,
        label=str(_require(entry, "label", where)),
        population=figures,
        structures=structures,
        note=str(entry.get("note", "")).strip(),
    )


def _parse_ensemble(entry: Mapping[str, Any], types: Mapping[str, OrgTypeConfig]) -> EnsembleConfig:
    rule = str(_require(entry, "rule", "ensemble"))
    if rule not in ENSEMBLE_RULES:
        raise ValueError(f"weighting configuration: ensemble rule {rule!r} not in {ENSEMBLE_RULES}")
    shares = entry.get("shares")
    if rule == "fixed_shares":
        if not isinstance(shares, Mapping) or not shares:
            raise ValueError("weighting configuration: ensemble rule fixed_shares needs shares")
        unknown = set(shares) - set(types)
        if unknown:
            raise ValueError(f"weighting configuration: ensemble shares of unknown types {unknown}")
        shares = {str(k): float(v) for k, v in shares.items()}
    return EnsembleConfig(
        rule=rule,
        convention=str(_require(entry, "convention", "ensemble")).strip(),
        shares=shares if rule == "fixed_shares" else None,
    )


def load_weighting_config(path: str | Path | None = None) -> WeightingConfig:
    """Read the weighting configuration into typed, checked objects.

    Parameters
    ----------
    path : str or Path, optional
        YAML file; default ``src/barometer/config/weighting.yaml``.

    Returns
    -------
    WeightingConfig
        Organisation types (population figures, each with its source, and
        known structures), the "ensemble" convention and raking settings.

    Raises
    ------
    ValueError
        If an entry lacks a source, shares do not sum to 1, a code is listed
        twice or the ensemble rule is unknown.

    Examples
    --------
    >>> load_weighting_config().ensemble.rule
    'sample_shares'
    """
    path = Path(path) if path is not None else DEFAULT_CONFIG_PATH
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    types_raw = _require(raw, "types", str(path))
    types = {str(code): _parse_type(str(code), entry) for code, entry in types_raw.items()}
    raking = raw.get("raking", {}) or {}
    trim = raking.get("trim")
    return WeightingConfig(
        types=types,
        ensemble=_parse_ensemble(_require(raw, "ensemble", str(path)), types),
        min_cell=int(raking.get("min_cell", 5)),
        trim=_check_trim(tuple(trim)) if trim is not None else None,
        max_iter=int(raking.get("max_iter", 1000)),
        tol=float(raking.get("tol", 1e-10)),
        path=path,
    )


# --------------------------------------------------------------------------- #
# From configuration to margins, and "ensemble" weights
# --------------------------------------------------------------------------- #


def _collapse(
    cells: list[MarginCell], counts: list[int], min_cell: int, context: str
) -> list[MarginCell]:
    """Merge cells with fewer than ``min_cell`` respondents into a neighbour.

    Rule: while more than one cell remains and one has fewer than
    ``min_cell`` respondents, take the smallest such cell (the first in code
    order on ties) and merge it with its adjacent cell in code order that has
    fewer respondents (the preceding one on ties); codes and shares add up.
    """
    cells, counts = list(cells), list(counts)
    while len(cells) > 1 and min(counts) < min_cell:
        i = int(np.argmin(counts))
        neighbours = [j for j in (i - 1, i + 1) if 0 <= j < len(cells)]
        j = min(neighbours, key=lambda k: (counts[k], k))
        first, second = sorted((i, j))
        warnings.warn(
            f"{context}: cells {list(cells[first].codes)} and {list(cells[second].codes)} "
            f"merged ({counts[first]} and {counts[second]} respondents, min_cell={min_cell})",
            CellCollapseWarning,
            stacklevel=3,
        )
        merged = MarginCell(
            codes=cells[first].codes + cells[second].codes,
            share=cells[first].share + cells[second].share,
        )
        cells[first : second + 1] = [merged]
        counts[first : second + 1] = [counts[first] + counts[second]]
    return cells


def margins_for(
    config: WeightingConfig,
    data: pd.DataFrame,
    *,
    type_col: str = "org_type",
    min_cell: int | None = None,
) -> dict[str, dict[str, dict[Hashable, float]]]:
    """Build the within-type margins of :func:`rake` (``by=type_col``) for a wave.

    Parameters
    ----------
    config : WeightingConfig
        From :func:`load_weighting_config`.
    data : pandas.DataFrame
        Respondents, with ``type_col`` and the structure variables of the
        types present (e.g. ``org_size`` for associations).
    type_col : str, default "org_type"
        Column of organisation type codes.
    min_cell : int, optional
        Collapse threshold (default ``config.min_cell``): a cell with fewer
        respondents is merged with a neighbour (see Notes).  ``1`` merges
        only empty cells.

    Returns
    -------
    dict
        ``{type: {variable: {code or tuple of codes: share}}}`` for each type
        present in ``data``; ``{}`` for a type without known structure (its
        within-type weights stay 1).

    Warns
    -----
    CellCollapseWarning
        For every merge, naming the type, variable and cells.

    Notes
    -----
    Collapse rule, for each structure of each type, cells taken in the order
    of the configuration (ordered codes): while more than one cell remains
    and the smallest has fewer than ``min_cell`` respondents, merge it with
    its smaller adjacent cell (the preceding one on ties).  The merged cell
    is a tuple key whose target is the sum of the shares.

    Examples
    --------
    >>> df = pd.DataFrame({"org_type": ["edtech", "edtech"]})
    >>> margins_for(load_weighting_config(), df)
    {'edtech': {}}
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, not {type(data).__name__}")
    if type_col not in data.columns:
        raise ValueError(f"type column {type_col!r} is not in data")
    threshold = config.min_cell if min_cell is None else int(min_cell)
    if threshold < 1:
        raise ValueError(f"min_cell must be at least 1, not {min_cell!r}")
    types = data[type_col]
    if types.isna().any():
        raise ValueError(f"type column {type_col!r} has {int(types.isna().sum())} missing values")
    result: dict[str, dict[str, dict[Hashable, float]]] = {}
    for org_type in pd.unique(types):
        if org_type not in config.types:
            raise ValueError(
                f"organisation type {org_type!r} is not in the weighting configuration "
                f"(known: {sorted(config.types)})"
            )
        rows = data.loc[types == org_type]
        result[org_type] = {}
        for structure in config.types[org_type].structures:
            if structure.variable not in rows.columns:
                raise ValueError(
                    f"{type_col} = {org_type!r}: structure variable {structure.variable!r} is "
                    "not in data"
                )
            values = rows[structure.variable]
            counts = [int(values.isin(cell.codes).sum()) for cell in structure.cells]
            context = f"{type_col} = {org_type!r}, {structure.variable!r}"
            cells = _collapse(list(structure.cells), counts, threshold, context)
            result[org_type][structure.variable] = {cell.key: cell.share for cell in cells}
    return result


def ensemble_weights(
    data: pd.DataFrame,
    config: WeightingConfig,
    type_col: str = "org_type",
    *,
    weights: pd.Series | None = None,
) -> pd.Series:
    """Rescale within-type weights so that each type sums to its agreed share of n.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents with ``type_col`` and the structure variables.
    config : WeightingConfig
        Its ``ensemble.rule`` gives each type's share: ``sample_shares``
        (the type's share of the sample: within-type calibration only, the
        project's convention), ``equal_shares`` (1 / number of types present)
        or ``fixed_shares`` (``ensemble.shares``, renormalised over the types
        present).
    type_col : str, default "org_type"
        Column of organisation type codes.
    weights : pandas.Series, optional
        Within-type weights; by default computed by :func:`rake` with
        :func:`margins_for` and the configuration's raking settings.

    Returns
    -------
    pandas.Series
        Weights named ``"weight_ensemble"``, summing to ``len(data)``.

    Examples
    --------
    >>> df = pd.DataFrame({"org_type": ["edtech", "edtech", "autre"]})
    >>> ensemble_weights(df, load_weighting_config()).tolist()
    [1.0, 1.0, 1.0]
    """
    if weights is None:
        weights = rake(
            data,
            margins_for(config, data, type_col=type_col),
            by=type_col,
            trim=config.trim,
            max_iter=config.max_iter,
            tol=config.tol,
        )
    elif not isinstance(weights, pd.Series) or not weights.index.equals(data.index):
        raise ValueError("weights must be a Series indexed like data")
    values = _positive_weights(weights)
    types = data[type_col]
    present = list(pd.unique(types))
    counts = types.value_counts()
    n = len(data)
    rule = config.ensemble.rule
    if rule == "sample_shares":
        targets = {t: float(counts[t]) for t in present}
    elif rule == "equal_shares":
        targets = {t: n / len(present) for t in present}
    else:
        shares = config.ensemble.shares or {}
        missing = [t for t in present if t not in shares]
        if missing:
            raise ValueError(f"ensemble shares lack the types {missing} present in data")
        norm = sum(shares[t] for t in present)
        targets = {t: n * shares[t] / norm for t in present}
    sums = pd.Series(values, index=data.index).groupby(types.to_numpy()).sum()
    factor = types.map(lambda t: targets[t] / sums[t]).to_numpy(dtype=float)
    return pd.Series(values * factor, index=data.index, name="weight_ensemble")
