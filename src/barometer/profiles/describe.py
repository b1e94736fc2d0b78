"""Describe clusters by their categories (FactoMineR's ``catdes``) and name them."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy import stats

from barometer.profiles._inputs import check_frame, check_labels, check_weights, column_levels

CATEGORY_COLUMNS = [
    "cluster",
    "variable",
    "category",
    "cla_mod",
    "mod_cla",
    "global",
    "p_value",
    "v_test",
]


def _hypergeometric_p_value(
    joint: np.ndarray, cluster_size: np.ndarray, category_size: np.ndarray, total: float
) -> np.ndarray:
    """Return catdes' two-sided hypergeometric p-value, counts rounded as R does.

    FactoMineR computes ``min(2 P(X < x) + P(X = x), 2 P(X > x) + P(X = x))``
    with ``X`` hypergeometric (``round(total)`` rows, ``round(cluster_size)``
    in the cluster, ``round(category_size)`` drawn) and ``x = round(joint)``.
    """
    x = np.round(joint)
    population = np.round(total)
    successes = np.round(cluster_size)
    draws = np.round(category_size)
    law = stats.hypergeom(population, successes, draws)
    point = law.pmf(x)
    lower = 2.0 * law.cdf(x - 1) + point
    upper = 2.0 * law.sf(x) + point
    # Capped at 1: rounding can push the minimum to 1 + 1e-16, which R keeps and then
    # drops even with proba = 1.
    return np.minimum(np.minimum(lower, upper), 1.0)


def _variable_table(
    codes: np.ndarray, n_levels: int, clusters: np.ndarray, n_clusters: int, weights: np.ndarray
) -> np.ndarray:
    """Return the weighted clusters × categories table of one variable."""
    table = np.zeros((n_clusters, n_levels))
    np.add.at(table, (clusters, codes), weights)
    return table


def _describe_variable(
    variable: str, levels: list[str], table: np.ndarray, cluster_names: np.ndarray
) -> pd.DataFrame:
    """Return every cluster × category row of one variable, unfiltered."""
    cluster_size = table.sum(axis=1, keepdims=True)
    category_size = table.sum(axis=0, keepdims=True)
    total = table.sum()
    mod_cla = table / cluster_size
    overall = np.broadcast_to(category_size / total, table.shape)
    p_value = _hypergeometric_p_value(table, cluster_size, category_size, total)
    sign = np.where(mod_cla > overall, 1.0, -1.0)
    v_test = -sign * stats.norm.ppf(p_value / 2.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        cla_mod = table / category_size
    n_clusters, n_levels = table.shape
    return pd.DataFrame(
        {
            "cluster": np.repeat(cluster_names, n_levels),
            "variable": variable,
            "category": np.tile(np.array(levels, dtype=object), n_clusters),
            "cla_mod": 100.0 * cla_mod.ravel(),
            "mod_cla": 100.0 * mod_cla.ravel(),
            "global": 100.0 * overall.ravel(),
            "p_value": p_value.ravel(),
            "v_test": v_test.ravel(),
        }
    )


def _chi2_test(table: np.ndarray) -> tuple[float, int]:
    """Return Pearson's chi-square p-value and degrees of freedom, without correction."""
    kept = table[:, table.sum(axis=0) > 0]
    if kept.shape[1] < 2:
        return 1.0, 0
    result = stats.chi2_contingency(kept, correction=False)
    return float(result.pvalue), int(result.dof)


def describe_profiles(
    data: pd.DataFrame, labels: object, sample_weight: object = None, proba: float = 0.05
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Describe each cluster by its over- and under-represented categories.

    The computation is FactoMineR's ``catdes(cbind(data, cluster), num.var,
    proba, row.w)`` for categorical variables.  For a cluster ``j`` and a
    category ``k``: ``cla_mod`` is the weighted share of ``k`` that falls in
    ``j``, ``mod_cla`` the share of ``j`` that has ``k``, ``global`` the share
    of ``k`` overall (all in percent); the p-value is the two-sided
    hypergeometric test of catdes (weighted counts rounded to integers, as R's
    ``phyper`` does) and ``v_test`` its normal quantile, positive when the
    category is over-represented.

    Parameters
    ----------
    data : pandas.DataFrame
        Categorical variables to describe (missing answers form the category
        ``"<variable>_NA"``).
    labels : array-like
        Cluster of each row (e.g. ``HCPC.labels_``).
    sample_weight : array-like, optional
        Positive row weights.  They are rescaled to sum to the number of rows
        before the tests: catdes rounds weighted counts, so weights summing to
        a population size would make every category "significant".  FactoMineR
        uses ``row.w`` as given; the two agree when the weights sum to ``n``.
    proba : float
        Significance threshold: rows and variables with a larger p-value are dropped.

    Returns
    -------
    categories : pandas.DataFrame
        Columns ``cluster, variable, category, cla_mod, mod_cla, global,
        p_value, v_test``; sorted by cluster, then by decreasing ``v_test``.
    chi2 : pandas.DataFrame
        Columns ``variable, p_value, df`` (Pearson's chi-square of the weighted
        clusters × categories table, catdes' ``$test.chi2``), by increasing p-value.

    Examples
    --------
    >>> data = pd.DataFrame({"usage": ["oui"] * 6 + ["non"] * 6})
    >>> cats, chi2 = describe_profiles(data, [1] * 6 + [2] * 6, proba=1.0)
    >>> cats[["cluster", "category", "mod_cla"]].to_numpy().tolist()
    [[1, 'oui', 100.0], [1, 'non', 0.0], [2, 'non', 100.0], [2, 'oui', 0.0]]
    """
    data = check_frame(data, "data")
    if not 0.0 <= float(proba) <= 1.0:
        raise ValueError(f"proba must lie in [0, 1], got {proba}")
    labels = check_labels(labels, data.shape[0])
    weights = check_weights(sample_weight, data.shape[0])
    weights = weights * data.shape[0] / weights.sum()
    cluster_names, clusters = np.unique(labels, return_inverse=True)
    if cluster_names.size < 2:
        raise ValueError("labels must hold at least two clusters to describe")
    rows, tests = [], []
    for column in data.columns:
        variable = str(column)
        levels, codes = column_levels(data[column], variable)
        table = _variable_table(codes, len(levels), clusters, cluster_names.size, weights)
        rows.append(_describe_variable(variable, levels, table, cluster_names))
        p_value, dof = _chi2_test(table)
        tests.append((variable, p_value, dof))
    categories = pd.concat(rows, ignore_index=True)
    categories = categories[categories["p_value"] <= proba]
    # catdes sorts with rev(order(v.test)): ties come out in reverse input order
    categories = categories.assign(_position=np.arange(categories.shape[0]))
    categories = categories.sort_values(
        ["cluster", "v_test", "_position"], ascending=[True, False, False], kind="stable"
    ).reset_index(drop=True)
    chi2 = pd.DataFrame(tests, columns=["variable", "p_value", "df"])
    chi2 = chi2[chi2["p_value"] <= proba].sort_values("p_value", kind="stable")
    return categories[CATEGORY_COLUMNS], chi2.reset_index(drop=True)


def _trait(variable: str, category: str) -> str | None:
    """Return the phrase a category contributes to a name (a true boolean: its variable)."""
    if category == "True":
        return variable
    if category == "False":
        return None
    return category


def _traits(rows: pd.DataFrame) -> list[str]:
    traits: list[str] = []
    for variable, category in zip(rows["variable"], rows["category"], strict=True):
        trait = _trait(str(variable), str(category))
        if trait is not None and trait not in traits:
            traits.append(trait)
    return traits


def suggest_profile_names(
    description: pd.DataFrame,
    n_traits: int = 2,
    overrides: dict | None = None,
    clusters: Iterable | None = None,
) -> dict[int, str]:
    """Suggest a short French name for each cluster from its strongest categories.

    The name joins, with ``" · "``, the ``n_traits`` over-represented
    categories of highest v-test (a ``True`` category of a boolean variable
    contributes the variable's name).  When two clusters would share a name,
    more traits are added; a cluster with no over-represented category is
    called ``"Profil <k>"``.  ``overrides`` replaces any suggestion.

    Parameters
    ----------
    description : pandas.DataFrame
        First output of :func:`describe_profiles`.
    n_traits : int
        Number of categories in a name.
    overrides : dict, optional
        Cluster to name, applied last (a cluster without any significant
        category, hence absent from ``description``, may be named here).
    clusters : iterable, optional
        Clusters to name (default: those in ``description`` and ``overrides``);
        when given, ``overrides`` may only name these.

    Returns
    -------
    dict
        Cluster to name.

    Examples
    --------
    >>> desc = pd.DataFrame({"cluster": [1, 1, 2], "variable": ["a", "b", "a"],
    ...                      "category": ["Usage régulier", "Charte adoptée", "N'envisage pas"],
    ...                      "v_test": [5.0, 3.0, 4.0]})
    >>> suggest_profile_names(desc)
    {1: 'Usage régulier · Charte adoptée', 2: "N'envisage pas"}
    """
    missing = {"cluster", "variable", "category", "v_test"} - set(description.columns)
    if missing:
        raise ValueError(f"description lacks the columns {sorted(missing)}")
    if not isinstance(n_traits, int | np.integer) or n_traits < 1:
        raise ValueError(f"n_traits must be a positive integer, got {n_traits!r}")
    overrides = dict(overrides or {})
    bad = [k for k, v in overrides.items() if not isinstance(v, str) or not v.strip()]
    if bad:
        raise TypeError(f"overrides must map clusters to non-empty strings; bad keys: {bad}")
    known = pd.unique(description["cluster"]).tolist()
    wanted = (
        pd.unique(pd.Series(list(clusters))).tolist()
        if clusters is not None
        else sorted(set(known) | set(overrides))
    )
    unknown = [k for k in overrides if k not in wanted]
    if unknown:
        raise ValueError(f"overrides name clusters that do not exist in clusters: {unknown}")
    positive = description[description["v_test"] > 0]
    traits = {
        k: _traits(positive[positive["cluster"] == k].sort_values("v_test", ascending=False))
        for k in wanted
    }
    return {k: overrides.get(k, name) for k, name in _unique_names(traits, n_traits).items()}


def _unique_names(traits: dict, n_traits: int) -> dict:
    """Lengthen names until no two clusters share one; number the remaining clashes."""
    length = dict.fromkeys(traits, n_traits)
    while True:
        names = {k: " · ".join(t[: length[k]]) or f"Profil {k}" for k, t in traits.items()}
        counts = pd.Series(list(names.values())).value_counts()
        clashes = [k for k, name in names.items() if counts[name] > 1]
        longer = [k for k in clashes if length[k] < len(traits[k])]
        if not longer:
            return {k: f"{n} ({k})" if k in clashes else n for k, n in names.items()}
        for k in longer:
            length[k] += 1
