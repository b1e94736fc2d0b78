r"""Design-based survey statistics on arrays: proportions, means, Rao–Scott, column tests.

The design is the one the barometer uses: one stage, sampling with
replacement, unequal weights and optional strata, i.e. R's
``svydesign(ids = ~1, weights = ~w)`` and ``svydesign(ids = ~1, strata = ~s,
weights = ~w)``.  ``weights=None`` means all weights 1 (simple random sample,
R: ``weights = ~rep(1, n)``).  R's ``survey`` package (version 4.1) is the
specification: every statistic here is tested against it to 1e-6
(``tests/reference/survey``).

Variance
    Taylor linearisation.  An estimator with influence values :math:`z_i`
    has variance :math:`\sum_h \frac{n_h}{n_h - 1} \sum_{i \in h}
    (z_i - \bar z_h)^2`, with :math:`n_h` the sample size of stratum
    :math:`h` (one stratum when there are no strata).  For a ratio
    :math:`\hat p = \sum w_i y_i / \sum w_i`,
    :math:`z_i = w_i (y_i - \hat p) / \sum w_i`.

Missing values and domains
    ``NaN`` (or ``None``, ``pd.NA``) marks a missing answer.  Estimates are
    computed on the respondents who answered, following R's
    ``subset(design, !is.na(y))``: the variance keeps the whole sample (rows
    outside the domain contribute a zero influence, and :math:`n_h` counts
    every row of the stratum), while the degrees of freedom are those of the
    subset, :math:`n_{dom} - H_{dom}` (R's ``degf`` of the subset design).

Design effects
    ``deff`` is R's ``svymean(..., deff = "replace")``: the design variance
    divided by the variance of a simple random sample *with replacement* of
    the same size, :math:`s^2_w / n` with
    :math:`s^2_w = \frac{n}{n-1} \sum w_i (y_i - \bar y_w)^2 / \sum w_i`.

Nothing here reads files, knows labels or draws: the functions take numpy
arrays, pandas Series or lists and return small frozen dataclasses or tidy
frames.

The linearised covariances are written by hand on per-stratum sums
(``numpy.bincount``): neither statsmodels nor scikit-learn offers
design-based variances for weighted, stratified samples, and the sums keep
memory linear in the number of rows (a million rows are timed in
``benchmarks/bench_survey.py``).
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import expit, logit
from statsmodels.stats.proportion import proportion_confint

__all__ = [
    "MeanResult",
    "ProportionResult",
    "RaoScottResult",
    "column_tests",
    "holm",
    "mean",
    "pairwise_proportions",
    "proportion",
    "rao_scott",
]

ProportionMethod = Literal["logit", "beta", "wilson"]
RaoScottStatistic = Literal["F", "Chisq", "pearson"]

_PROPORTION_METHODS = ("logit", "beta", "wilson")
_RAO_SCOTT_STATISTICS = ("F", "Chisq", "pearson")
_NUMERIC_KINDS = {"boolean", "integer", "floating", "mixed-integer-float", "empty"}


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ProportionResult:
    """A design-based proportion with its confidence interval.

    Attributes
    ----------
    estimate : float
        Weighted proportion among the non-missing answers.
    se : float
        Linearised standard error (R's ``SE(svymean(...))``).
    ci_low, ci_high : float
        Bounds of the confidence interval.
    deff : float
        Design effect, ``"replace"`` convention; ``nan`` when the estimate is
        0 or 1 (both variances are then zero).
    n : int
        Unweighted number of non-missing answers.
    n_eff : float
        Kish's effective sample size ``n / deff``; when ``deff`` is undefined,
        the weight-only Kish approximation ``(sum w)**2 / sum w**2`` of the
        answering rows.
    method : str
        ``"logit"``, ``"beta"`` or ``"wilson"``.
    level : float
        Confidence level of the interval.
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    deff: float
    n: int
    n_eff: float
    method: str
    level: float


@dataclass(frozen=True)
class MeanResult:
    """A design-based mean with its normal-theory confidence interval.

    Attributes
    ----------
    estimate : float
        Weighted mean among the non-missing answers.
    se : float
        Linearised standard error.
    ci_low, ci_high : float
        ``estimate -/+ z * se``, z the normal quantile (R's
        ``confint(svymean(...))``).
    deff : float
        Design effect, ``"replace"`` convention.
    n : int
        Unweighted number of non-missing answers.
    level : float
        Confidence level of the interval.
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    deff: float
    n: int
    level: float


@dataclass(frozen=True)
class RaoScottResult:
    """A test of independence in a two-way table.

    Attributes
    ----------
    statistic : float
        ``F`` for the second-order correction, Pearson's :math:`X^2` (on the
        table rescaled to the sample size, as R prints it) otherwise.
    df : float
        Numerator degrees of freedom (possibly fractional for ``"F"``).
    df_denom : float or None
        Denominator degrees of freedom for ``"F"``; ``None`` otherwise.
    pvalue : float
        P-value of the test.
    method : str
        Which statistic was computed, in words.
    table : pandas.DataFrame
        Weighted counts (sums of weights), rows the observed categories of
        ``x``, columns those of ``y``; categories never observed are dropped.
    """

    statistic: float
    df: float
    df_denom: float | None
    pvalue: float
    method: str
    table: pd.DataFrame


# --------------------------------------------------------------------------- input checks


@dataclass(frozen=True)
class _Design:
    """Weights and strata of a one-stage with-replacement design."""

    weights: np.ndarray
    strata: np.ndarray  # integer codes 0..n_strata-1
    stratum_sizes: np.ndarray  # n_h over the whole sample

    @property
    def n_strata(self) -> int:
        return len(self.stratum_sizes)

    @property
    def scale(self) -> np.ndarray:
        """Return the per-stratum factor ``n_h / (n_h - 1)``."""
        return self.stratum_sizes / (self.stratum_sizes - 1.0)


def _values(values: Any, name: str) -> pd.Series:
    """Return ``values`` as a fresh, default-indexed Series (1-D only)."""
    if isinstance(values, pd.DataFrame):
        raise TypeError(f"{name} must be one-dimensional, got a DataFrame")
    if isinstance(values, pd.Series | pd.Index):
        return pd.Series(values.array, copy=False).reset_index(drop=True)
    if isinstance(values, pd.api.extensions.ExtensionArray):  # e.g. pandas.Categorical
        return pd.Series(values, copy=False)
    if isinstance(values, str) or np.isscalar(values):
        raise TypeError(f"{name} must be array-like, got {type(values).__name__}")
    array = np.asarray(values, dtype=object) if isinstance(values, list) else np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    return pd.Series(array)


def _numeric(values: Any, name: str) -> np.ndarray:
    """Return a float array with ``nan`` for missing values; reject text."""
    series = _values(values, name)
    kind = pd.api.types.infer_dtype(series, skipna=True)
    if kind not in _NUMERIC_KINDS:
        raise TypeError(f"{name} must be numeric or boolean, got values of kind {kind!r}")
    out = series.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    if np.isinf(out).any():
        raise ValueError(f"{name} contains infinite values")
    return out


def _binary(values: Any, name: str) -> np.ndarray:
    """Return a 0/1 float array (``nan`` missing); reject any other value."""
    out = _numeric(values, name)
    bad = ~np.isnan(out) & (out != 0.0) & (out != 1.0)
    if bad.any():
        examples = ", ".join(repr(v) for v in np.unique(out[bad])[:5])
        raise ValueError(f"{name} must be boolean or 0/1 (NaN for missing); found {examples}")
    return out


def _categorical(values: Any, name: str) -> tuple[np.ndarray, list[Any]]:
    """Return integer codes (-1 missing) and the categories in their order.

    A pandas ``Categorical`` keeps its category order (unused categories
    included); other values are sorted.
    """
    series = _values(values, name)
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy(dtype=np.int64)
        return codes, list(series.cat.categories)
    codes, uniques = pd.factorize(series, sort=True, use_na_sentinel=True)
    return codes.astype(np.int64), list(uniques)


def _design(weights: Any, strata: Any, n: int) -> _Design:
    """Check weights and strata against ``n`` rows and build the design."""
    if weights is None:
        w = np.ones(n)
    else:
        w = _numeric(weights, "weights")
        if len(w) != n:
            raise ValueError(f"weights has length {len(w)} but the data have {n} rows")
        if np.isnan(w).any():
            raise ValueError("weights contains missing values")
        if (w <= 0).any():
            raise ValueError(
                f"weights must be strictly positive; found {int((w <= 0).sum())} "
                f"weight(s) <= 0 (smallest {w.min()!r})"
            )
    if strata is None:
        codes = np.zeros(n, dtype=np.int64)
        labels: list[Any] = ["(all)"]
    else:
        codes, labels = _categorical(strata, "strata")
        if len(codes) != n:
            raise ValueError(f"strata has length {len(codes)} but the data have {n} rows")
        if (codes < 0).any():
            raise ValueError("strata contains missing values")
    sizes = np.bincount(codes, minlength=len(labels)).astype(float)
    present = sizes > 0
    if (sizes[present] < 2).any():
        lonely = [labels[k] for k in np.flatnonzero(present & (sizes < 2))]
        raise ValueError(
            f"stratum {lonely[0]!r} has a single observation: its variance is undefined "
            "(R's survey.lonely.psu = 'fail')"
        )
    # Re-code so that every stratum code is used (unused categorical strata removed).
    _, dense = np.unique(codes, return_inverse=True)
    return _Design(weights=w, strata=dense.astype(np.int64), stratum_sizes=sizes[present])


def _check_level(level: float, name: str = "level") -> float:
    if not isinstance(level, int | float) or not 0.0 < float(level) < 1.0:
        raise ValueError(f"{name} must be a number strictly between 0 and 1, got {level!r}")
    return float(level)


def _check_length(values: np.ndarray, n: int, name: str, other: str) -> None:
    if len(values) != n:
        raise ValueError(f"{name} has length {len(values)} but {other} has length {n}")


# --------------------------------------------------------------------------- variances


def _onehot_cov(z: np.ndarray, column: np.ndarray, n_columns: int, design: _Design) -> np.ndarray:
    """Linearised covariance of estimators whose influence row ``i`` is ``z_i e_{column_i}``.

    Parameters
    ----------
    z : numpy.ndarray
        Influence value of each row (any value where ``column`` is -1).
    column : numpy.ndarray
        Estimator the row contributes to, -1 for none (row outside every domain).
    n_columns : int
        Number of estimators.
    design : _Design
        Weights and strata.

    Returns
    -------
    numpy.ndarray
        ``(n_columns, n_columns)`` matrix
        ``sum_h n_h/(n_h-1) [sum_i z_i z_i' - n_h zbar_h zbar_h']``.
    """
    keep = column >= 0
    index = design.strata[keep] * n_columns + column[keep]
    size = design.n_strata * n_columns
    zk = z[keep]
    u = np.bincount(index, weights=zk, minlength=size).reshape(design.n_strata, n_columns)
    q = np.bincount(index, weights=zk * zk, minlength=size).reshape(design.n_strata, n_columns)
    scale = design.scale
    cov = np.diag(scale @ q)
    cov -= u.T @ (u * (scale / design.stratum_sizes)[:, None])
    return cov


def _cell_cov(cells: np.ndarray, n_cells: int, design: _Design) -> tuple[np.ndarray, np.ndarray]:
    """Weighted cell proportions of a table and their linearised covariance.

    The influence of row ``i`` (in the domain) on the proportion vector is
    ``w_i (e_{c_i} - p) / W``; its cross-products are expanded into per-stratum
    sums of ``w`` and ``w**2`` by cell, so no ``n x n_cells`` matrix is built.

    Parameters
    ----------
    cells : numpy.ndarray
        Cell code of each row, -1 outside the domain (missing answer).
    n_cells : int
        Number of cells.
    design : _Design
        Weights and strata.

    Returns
    -------
    p : numpy.ndarray
        Cell proportions (sum to 1).
    cov : numpy.ndarray
        Their ``(n_cells, n_cells)`` covariance matrix.
    """
    keep = cells >= 0
    w = design.weights[keep]
    index = design.strata[keep] * n_cells + cells[keep]
    size = design.n_strata * n_cells
    t = np.bincount(index, weights=w, minlength=size).reshape(design.n_strata, n_cells)
    s = np.bincount(index, weights=w * w, minlength=size).reshape(design.n_strata, n_cells)
    total = t.sum()
    p = t.sum(axis=0) / total
    scale = design.scale
    sigma = scale @ s  # sum_h c_h s_h
    cross = np.diag(sigma) - np.outer(sigma, p) - np.outer(p, sigma)
    cross += (scale @ s.sum(axis=1)) * np.outer(p, p)
    u = (t - t.sum(axis=1)[:, None] * p[None, :]) / total
    cov = cross / total**2 - u.T @ (u * (scale / design.stratum_sizes)[:, None])
    return p, cov


def _domain_df(domain: np.ndarray, design: _Design) -> int:
    """Return R's ``degf`` of the subset design: rows minus strata in the domain."""
    return int(domain.sum()) - len(np.unique(design.strata[domain]))


@dataclass(frozen=True)
class _MeanParts:
    estimate: float
    variance: float
    deff: float
    n: int
    df: int
    weights: np.ndarray  # weights of the answering rows


def _weighted_mean_parts(y: np.ndarray, design: _Design, name: str) -> _MeanParts:
    """Estimate, linearised variance and ``"replace"`` design effect of a mean."""
    domain = ~np.isnan(y)
    n = int(domain.sum())
    if n < 2:
        raise ValueError(f"{name} has {n} non-missing value(s); at least 2 are needed")
    w = design.weights[domain]
    yd = y[domain]
    total = w.sum()
    estimate = float(np.dot(w, yd) / total)
    z = np.zeros_like(y)
    z[domain] = w * (yd - estimate) / total
    column = np.where(domain, 0, -1)
    variance = float(max(_onehot_cov(z, column, 1, design)[0, 0], 0.0))
    s2 = n / (n - 1.0) * float(np.dot(w, (yd - estimate) ** 2) / total)
    deff = variance / (s2 / n) if s2 > 0 else float("nan")
    return _MeanParts(estimate, variance, deff, n, _domain_df(domain, design), w)


# --------------------------------------------------------------------------- proportion


def _logit_interval(p: float, se: float, df: int, level: float) -> tuple[float, float]:
    """Interval on the logit scale with Student quantiles (R's ``svyciprop`` "logit")."""
    if p <= 0.0 or p >= 1.0:
        # R's quasibinomial fit diverges here; its interval shrinks to the point.
        return p, p
    q = stats.t.ppf(0.5 + level / 2.0, df)
    half = q * se / (p * (1.0 - p))
    return float(expit(logit(p) - half)), float(expit(logit(p) + half))


def _beta_interval(
    p: float, variance: float, fallback_n: float, n: int, df: int, level: float
) -> tuple[float, float]:
    """Korn–Graubard interval (R's ``svyciprop`` "beta").

    As in R, the effective size is ``p (1 - p) / variance`` (``fallback_n`` when
    the variance is zero), scaled by ``(t_{n-1} / t_{df})**2``.
    """
    alpha = 1.0 - level
    n_eff = p * (1.0 - p) / variance if variance > 0 else fallback_n
    n_eff = n_eff * (stats.t.ppf(alpha / 2.0, n - 1) / stats.t.ppf(alpha / 2.0, df)) ** 2
    low = 0.0 if p <= 0.0 else stats.beta.ppf(alpha / 2.0, n_eff * p, n_eff * (1.0 - p) + 1.0)
    high = 1.0 if p >= 1.0 else stats.beta.ppf(1.0 - alpha / 2.0, n_eff * p + 1.0, n_eff * (1 - p))
    return float(low), float(high)


def _wilson_interval(p: float, n_eff: float, level: float) -> tuple[float, float]:
    """Wilson score interval on the effective sample size (statsmodels)."""
    low, high = proportion_confint(p * n_eff, n_eff, alpha=1.0 - level, method="wilson")
    return float(low), float(high)


def proportion(
    y: Any,
    weights: Any = None,
    *,
    strata: Any = None,
    method: ProportionMethod = "logit",
    level: float = 0.95,
) -> ProportionResult:
    """Estimate a weighted proportion with a design-based confidence interval.

    Parameters
    ----------
    y : array-like
        Boolean or 0/1 answers; ``NaN``/``None``/``pd.NA`` is a missing answer,
        excluded as a domain (R's ``subset(design, !is.na(y))``).
    weights : array-like, optional
        Strictly positive sampling weights; ``None`` for all weights 1.
    strata : array-like, optional
        Stratum of each row (no missing values, at least 2 rows a stratum).
    method : {"logit", "beta", "wilson"}
        ``"logit"``: R's ``svyciprop`` default, a Wald interval on the logit
        scale with Student quantiles on ``n - H`` degrees of freedom.
        ``"beta"``: Korn–Graubard (R's ``method = "beta"``).
        ``"wilson"``: Wilson score interval computed on the effective sample
        size ``n_eff = n / deff`` (no R equivalent).
    level : float
        Confidence level.

    Returns
    -------
    ProportionResult
        Estimate, SE, interval, design effect, ``n`` and ``n_eff``.

    Notes
    -----
    When the estimate is 0 or 1, the design variance and ``deff`` vanish or
    are undefined: the logit interval is the point itself (the limit of R's
    diverging fit), while "beta" and "wilson" use the weight-only Kish
    effective size and give a one-sided interval; prefer them for rare
    categories.

    Examples
    --------
    >>> r = proportion([1, 0, 1, 1, 0], [1.0, 2.0, 1.0, 1.0, 2.0])
    >>> round(r.estimate, 4), r.n
    (0.4286, 5)
    """
    if method not in _PROPORTION_METHODS:
        raise ValueError(f"method must be one of {_PROPORTION_METHODS}, got {method!r}")
    level = _check_level(level)
    values = _binary(y, "y")
    parts = _weighted_mean_parts(values, _design(weights, strata, len(values)), "y")
    p = parts.estimate
    kish = float(parts.weights.sum() ** 2 / np.dot(parts.weights, parts.weights))
    has_deff = bool(np.isfinite(parts.deff) and parts.deff > 0)
    n_eff = parts.n / parts.deff if has_deff else kish
    se = float(np.sqrt(parts.variance))
    if method == "logit":
        low, high = _logit_interval(p, se, parts.df, level)
    elif method == "beta":
        low, high = _beta_interval(p, parts.variance, kish, parts.n, parts.df, level)
    else:
        low, high = _wilson_interval(p, n_eff, level)
    return ProportionResult(p, se, low, high, parts.deff, parts.n, n_eff, method, level)


# --------------------------------------------------------------------------- mean


def mean(y: Any, weights: Any = None, *, strata: Any = None, level: float = 0.95) -> MeanResult:
    """Estimate a weighted mean (e.g. of a 1–5 scale) with a normal confidence interval.

    Parameters
    ----------
    y : array-like
        Numeric answers; ``NaN`` is a missing answer, excluded as a domain.
    weights : array-like, optional
        Strictly positive sampling weights; ``None`` for all weights 1.
    strata : array-like, optional
        Stratum of each row.
    level : float
        Confidence level; the interval uses normal quantiles like R's
        ``confint(svymean(...))``.

    Returns
    -------
    MeanResult
        Estimate, SE, interval, design effect (``"replace"``) and ``n``.

    Examples
    --------
    >>> mean([1, 2, 3, 4, 5]).estimate
    3.0
    """
    level = _check_level(level)
    values = _numeric(y, "y")
    parts = _weighted_mean_parts(values, _design(weights, strata, len(values)), "y")
    se = float(np.sqrt(parts.variance))
    half = float(stats.norm.ppf(0.5 + level / 2.0)) * se
    return MeanResult(
        parts.estimate,
        se,
        parts.estimate - half,
        parts.estimate + half,
        parts.deff,
        parts.n,
        level,
    )


# --------------------------------------------------------------------------- Rao–Scott


def _interaction_contrasts(n_rows: int, n_cols: int) -> np.ndarray:
    """Interaction contrasts orthogonal to the main effects (R's ``Cmat``).

    Cells are ordered rows fastest, as R's ``interaction(rows, cols)``.
    """
    rows = np.tile(np.arange(n_rows), n_cols)
    cols = np.repeat(np.arange(n_cols), n_rows)
    row_dummies = (rows[:, None] == np.arange(1, n_rows)[None, :]).astype(float)
    col_dummies = (cols[:, None] == np.arange(1, n_cols)[None, :]).astype(float)
    main = np.column_stack([np.ones(n_rows * n_cols), row_dummies, col_dummies])
    inter = (row_dummies[:, :, None] * col_dummies[:, None, :]).reshape(n_rows * n_cols, -1)
    coef, *_ = np.linalg.lstsq(main, inter, rcond=None)
    return inter - main @ coef


def _observed_codes(
    codes: np.ndarray, keep: np.ndarray, labels: list[Any], name: str
) -> tuple[np.ndarray, list[Any]]:
    """Re-code to the categories observed among ``keep`` rows (R drops empty levels)."""
    used = np.unique(codes[keep])
    if len(used) < 2:
        raise ValueError(
            f"{name} needs at least two observed categories among complete answers, got {len(used)}"
        )
    recode = np.full(len(labels), -1, dtype=np.int64)
    recode[used] = np.arange(len(used))
    return np.where(keep, recode[np.clip(codes, 0, None)], -1), [labels[k] for k in used]


def _generalised_deff(
    cells: np.ndarray, n_rows: int, n_cols: int, design: _Design, n_obs: int
) -> np.ndarray:
    """Rao–Scott matrix ``Delta`` of generalised design effects (R's ``svychisq``).

    ``Delta = (C' D^-1 C / N)^-1 C' D^-1 V D^-1 C`` with ``C`` the interaction
    contrasts, ``D`` the diagonal of cell proportions (empty cells get 0 in
    ``D^-1``, as in R) and ``V`` their linearised covariance.
    """
    p, v = _cell_cov(cells, n_rows * n_cols, design)
    contrasts = _interaction_contrasts(n_rows, n_cols)
    inv_p = np.divide(1.0, p, out=np.zeros_like(p), where=p > 0)
    weighted = contrasts * inv_p[:, None]
    denom = contrasts.T @ weighted / n_obs
    numer = weighted.T @ v @ weighted
    return np.linalg.solve(denom, numer)


def _series_name(values: Any, default: str) -> str:
    name = getattr(values, "name", None)
    return str(name) if name is not None else default


def rao_scott(
    x: Any,
    y: Any,
    weights: Any = None,
    *,
    strata: Any = None,
    statistic: RaoScottStatistic = "F",
) -> RaoScottResult:
    """Test the independence of two categorical variables under the design.

    A transcription of R's ``svychisq`` (survey 4.1) for one-stage designs.
    Rows missing ``x`` or ``y`` are left out as a domain (R's
    ``subset(design, !is.na(x) & !is.na(y))``; R's ``svychisq`` run on the
    whole design instead gives the same statistic but counts the rows with a
    missing answer in the denominator degrees of freedom).  Categories never observed
    are dropped first: R's ``svychisq`` on a factor with an unused level
    returns ``NaN`` (its ``svytable`` keeps an empty row), and on the factor
    without that level gives the values returned here.

    Parameters
    ----------
    x, y : array-like
        Categorical variables (pandas ``Categorical`` order is kept, other
        values are sorted).
    weights : array-like, optional
        Strictly positive sampling weights; ``None`` for all weights 1.
    strata : array-like, optional
        Stratum of each row.
    statistic : {"F", "Chisq", "pearson"}
        ``"F"``: second-order Rao–Scott correction (R's default): ``F =
        X2 / tr(Delta)`` on ``d0 = tr(Delta)**2 / tr(Delta**2)`` and
        ``d0 * (n - H)`` degrees of freedom.  ``"Chisq"``: first-order
        correction; ``statistic`` is Pearson's ``X2`` as R prints it and the
        p-value is that of ``X2 / mean(diag(Delta))`` on ``(r-1)(c-1)``
        degrees of freedom.  ``"pearson"``: the classical Pearson test
        (``scipy.stats.chi2_contingency``, no continuity correction), for
        unweighted data only: it raises if weights vary or strata are given.
        Unweighted data run through ``"F"`` or ``"Chisq"`` give R's values with
        weights 1, whose ``X2`` equals the classical one but whose p-value
        differs slightly (design variance with the ``n/(n-1)`` factor).

    Returns
    -------
    RaoScottResult
        Statistic, degrees of freedom, p-value, method and weighted table.

    Examples
    --------
    >>> r = rao_scott(["a", "a", "b", "b", "a", "b"], ["u", "v", "v", "v", "u", "u"],
    ...               statistic="pearson")
    >>> r.df, round(r.statistic, 4)
    (1, 0.6667)
    """
    if statistic not in _RAO_SCOTT_STATISTICS:
        raise ValueError(f"statistic must be one of {_RAO_SCOTT_STATISTICS}, got {statistic!r}")
    x_codes, x_labels = _categorical(x, "x")
    y_codes, y_labels = _categorical(y, "y")
    _check_length(y_codes, len(x_codes), "y", "x")
    design = _design(weights, strata, len(x_codes))
    keep = (x_codes >= 0) & (y_codes >= 0)
    x_codes, x_labels = _observed_codes(x_codes, keep, x_labels, "x")
    y_codes, y_labels = _observed_codes(y_codes, keep, y_labels, "y")
    n_rows, n_cols = len(x_labels), len(y_labels)
    cells = np.where(keep, x_codes + n_rows * y_codes, -1)
    totals = np.bincount(cells[keep], weights=design.weights[keep], minlength=n_rows * n_cols)
    table = pd.DataFrame(
        totals.reshape(n_cols, n_rows).T,
        index=pd.Index(x_labels, name=_series_name(x, "x")),
        columns=pd.Index(y_labels, name=_series_name(y, "y")),
    )
    n_obs = int(keep.sum())
    if statistic == "pearson":
        return _classical_pearson(cells[keep], n_rows, n_cols, design, weights, strata, table)

    # Pearson's X2 on the weighted table rescaled to the sample size (R's svytable(Ntotal=N)).
    scaled = table.to_numpy() * n_obs / totals.sum()
    x2 = float(stats.chi2_contingency(scaled, correction=False)[0])
    delta = _generalised_deff(cells, n_rows, n_cols, design, n_obs)
    trace = float(np.trace(delta))
    if statistic == "F":
        d0 = trace**2 / float(np.trace(delta @ delta))
        ddf = d0 * _domain_df(keep, design)
        f_stat = x2 / trace
        pvalue = float(stats.f.sf(f_stat, d0, ddf))
        return RaoScottResult(
            f_stat, d0, ddf, pvalue, "Pearson's X^2: Rao & Scott adjustment (F)", table
        )
    df = (n_rows - 1) * (n_cols - 1)
    pvalue = float(stats.chi2.sf(x2 / (trace / df), df))
    return RaoScottResult(
        x2, float(df), None, pvalue, "Pearson's X^2: Rao & Scott adjustment (Chisq)", table
    )


def _classical_pearson(
    cells: np.ndarray,
    n_rows: int,
    n_cols: int,
    design: _Design,
    weights: Any,
    strata: Any,
    table: pd.DataFrame,
) -> RaoScottResult:
    """Classical Pearson test on unweighted counts (refuses weighted designs)."""
    if strata is not None:
        raise ValueError("statistic='pearson' is for unweighted data: strata must be None")
    if weights is not None and np.ptp(design.weights) > 0:
        raise ValueError(
            "statistic='pearson' is for unweighted data: weights vary, use 'F' or 'Chisq'"
        )
    counts = np.bincount(cells, minlength=n_rows * n_cols).reshape(n_cols, n_rows).T
    res = stats.chi2_contingency(counts, correction=False)
    return RaoScottResult(
        float(res.statistic),
        int(res.dof),
        None,
        float(res.pvalue),
        "Pearson's X^2 (classical, unweighted)",
        table,
    )


# --------------------------------------------------------------------------- column tests


def _letters(count: int) -> list[str]:
    if count > len(string.ascii_uppercase):
        raise ValueError(f"column tests support at most 26 groups, got {count}")
    return list(string.ascii_uppercase[:count])


def _group_estimates(
    y: Any, group: Any, weights: Any, strata: Any
) -> tuple[list[Any], np.ndarray, np.ndarray, np.ndarray]:
    """Per-group proportions, unweighted counts and the covariance of the proportions."""
    values = _binary(y, "y")
    codes, labels = _categorical(group, "group")
    _check_length(codes, len(values), "group", "y")
    design = _design(weights, strata, len(values))
    n_groups = len(labels)
    column = np.where((codes >= 0) & ~np.isnan(values), codes, -1)
    keep = column >= 0
    w = design.weights[keep]
    totals = np.bincount(column[keep], weights=w, minlength=n_groups)
    hits = np.bincount(column[keep], weights=w * values[keep], minlength=n_groups)
    counts = np.bincount(column[keep], minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        estimate = hits / totals
    z = np.zeros_like(values)
    z[keep] = w * (values[keep] - estimate[column[keep]]) / totals[column[keep]]
    cov = _onehot_cov(z, column, n_groups, design)
    cov[counts == 0, :] = np.nan
    cov[:, counts == 0] = np.nan
    return labels, estimate, counts, cov


def holm(pvalues: np.ndarray) -> np.ndarray:
    """Return Holm-adjusted p-values.

    The same values as ``statsmodels.stats.multitest.multipletests(p,
    method="holm")[1]``, written out because statsmodels runs a full
    ``gc.collect()`` on every Holm call (about 0.2 s in a loaded process),
    which would dominate the cost of a banner table.

    Parameters
    ----------
    pvalues : numpy.ndarray
        Raw p-values.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, in the input order.

    Examples
    --------
    >>> holm(np.array([0.01, 0.04, 0.03])).round(2).tolist()
    [0.03, 0.06, 0.06]
    """
    pvalues = np.asarray(pvalues, dtype=float)
    order = np.argsort(pvalues, kind="stable")
    factors = len(pvalues) - np.arange(len(pvalues))
    adjusted = np.minimum(np.maximum.accumulate(pvalues[order] * factors), 1.0)
    out = np.empty_like(adjusted)
    out[order] = adjusted
    return out


def pairwise_proportions(
    y: Any, group: Any, weights: Any = None, *, level: float = 0.05, strata: Any = None
) -> pd.DataFrame:
    """Test every pair of group proportions, with a Holm correction.

    For groups ``a`` and ``b`` the statistic is
    ``z = (p_a - p_b) / sqrt(v_a + v_b - 2 c_ab)`` where ``v`` and ``c`` are the
    linearised variances and covariance of the domain proportions (the
    covariance is zero without strata, small with them): this is R's
    ``svycontrast`` on ``svyby(~y, ~group, design, svymean, covmat = TRUE)``.
    Two-sided normal p-values are adjusted by Holm's method over all pairs
    (``statsmodels.stats.multitest.multipletests``).

    Parameters
    ----------
    y : array-like
        Boolean or 0/1 answers (``NaN`` missing).
    group : array-like
        Group (banner column) of each row; a ``Categorical`` keeps its order.
    weights : array-like, optional
        Strictly positive sampling weights; ``None`` for all weights 1.
    level : float
        Significance level for ``significant`` (e.g. 0.05).
    strata : array-like, optional
        Stratum of each row.

    Returns
    -------
    pandas.DataFrame
        One row a pair of non-empty groups: ``group_a``, ``group_b``,
        ``letter_a``, ``letter_b``, ``diff`` (``p_a - p_b``), ``se``, ``z``,
        ``p_value``, ``p_adjusted``, ``significant``.
    """
    level = _check_significance(level)
    labels, estimate, counts, cov = _group_estimates(y, group, weights, strata)
    return _pairs_frame(labels, estimate, counts, cov, level)


def _check_significance(level: float) -> float:
    level = _check_level(level)
    if level >= 0.5:
        raise ValueError(
            f"level is a significance level (e.g. 0.05) for column tests, got {level!r}"
        )
    return level


def _pairs_frame(
    labels: list[Any], estimate: np.ndarray, counts: np.ndarray, cov: np.ndarray, level: float
) -> pd.DataFrame:
    letters = _letters(len(labels))
    usable = np.flatnonzero(counts > 0)
    rows = []
    for pos, a in enumerate(usable):
        for b in usable[pos + 1 :]:
            diff = float(estimate[a] - estimate[b])
            se = float(np.sqrt(max(cov[a, a] + cov[b, b] - 2.0 * cov[a, b], 0.0)))
            if se > 0:
                z = diff / se
            else:  # both groups all 0 or all 1: equal means no evidence, unequal is certain
                z = 0.0 if diff == 0 else float(np.sign(diff) * np.inf)
            rows.append((labels[a], labels[b], letters[a], letters[b], diff, se, z))
    columns = ["group_a", "group_b", "letter_a", "letter_b", "diff", "se", "z"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["p_value"] = 2.0 * stats.norm.sf(np.abs(frame["z"].to_numpy(dtype=float)))
    if len(frame):
        adjusted = holm(frame["p_value"].to_numpy(dtype=float))
        reject = adjusted <= level  # as statsmodels: reject when the adjusted p <= level
    else:
        reject, adjusted = np.zeros(0, dtype=bool), np.zeros(0)
    frame["p_adjusted"] = adjusted
    frame["significant"] = reject
    return frame


def column_tests(
    y: Any, group: Any, weights: Any = None, *, level: float = 0.05, strata: Any = None
) -> pd.DataFrame:
    """Banner-table tests of column proportions, design-adjusted, Holm-corrected.

    Each group (column of a banner table) gets a letter, A, B, C… in group
    order; ``higher_than`` lists the letters of the groups whose proportion
    is significantly lower (Holm-adjusted p below ``level``), see
    :func:`pairwise_proportions` for the test.

    Parameters
    ----------
    y : array-like
        Boolean or 0/1 answers (``NaN`` missing).
    group : array-like
        Group of each row; a ``Categorical`` keeps its order and its unused
        categories (reported with ``n = 0`` and no test).
    weights : array-like, optional
        Strictly positive sampling weights; ``None`` for all weights 1.
    level : float
        Significance level (0.05 by default) — not a confidence level.
    strata : array-like, optional
        Stratum of each row.

    Returns
    -------
    pandas.DataFrame
        One row a group: ``group``, ``letter``, ``n`` (unweighted answers),
        ``estimate``, ``se``, ``higher_than`` (e.g. ``"AC"``, empty if none).

    Examples
    --------
    >>> frame = column_tests([1] * 20 + [0] * 20 + [0] * 30 + [1] * 10,
    ...                      ["x"] * 40 + ["y"] * 40)
    >>> frame[["group", "letter", "higher_than"]].to_numpy().tolist()
    [['x', 'A', 'B'], ['y', 'B', '']]
    """
    level = _check_significance(level)
    labels, estimate, counts, cov = _group_estimates(y, group, weights, strata)
    pairs = _pairs_frame(labels, estimate, counts, cov, level)
    letters = _letters(len(labels))
    higher: dict[str, set[str]] = {letter: set() for letter in letters}
    for row in pairs[pairs["significant"]].itertuples(index=False):
        winner, loser = (row.letter_a, row.letter_b)
        if row.diff < 0:
            winner, loser = loser, winner
        higher[winner].add(loser)
    return pd.DataFrame(
        {
            "group": labels,
            "letter": letters,
            "n": counts.astype(np.int64),
            "estimate": estimate,
            "se": np.sqrt(np.diag(cov)),
            "higher_than": ["".join(sorted(higher[letter])) for letter in letters],
        }
    )
