"""Bootstrap stability of a profile partition (Hennig 2007, clusterboot-style)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.types import is_numeric_dtype
from sklearn.metrics import adjusted_rand_score

from barometer.profiles._inputs import check_weights
from barometer.profiles.hcpc import HCPC
from barometer.profiles.mca import MCA


def _is_coordinates(X: object) -> bool:
    """Tell factor coordinates (all numeric, not boolean) from categorical answers."""
    if isinstance(X, pd.DataFrame):
        return all(
            is_numeric_dtype(X[c].dtype)
            and not isinstance(X[c].dtype, pd.CategoricalDtype)
            and X[c].dtype != bool
            for c in X.columns
        )
    if np.asarray(X).dtype.kind not in "iuf":
        raise TypeError("X must be a DataFrame of answers or an array of numeric coordinates")
    return True


def best_jaccard(reference: np.ndarray, bootstrap: np.ndarray, cluster: object) -> float:
    """Return the largest Jaccard index between one reference cluster and any bootstrap cluster.

    Parameters
    ----------
    reference, bootstrap : numpy.ndarray
        Labels of the same (resampled) rows in the two partitions.
    cluster : object
        Reference cluster considered.

    Returns
    -------
    float
        ``max_D |C ∩ D| / |C ∪ D|``, ``nan`` when ``C`` is absent from the sample.

    Examples
    --------
    >>> best_jaccard(np.array([1, 1, 2, 2]), np.array([5, 5, 5, 6]), 1)
    0.6666666666666666
    """
    members = reference == cluster
    if not members.any():
        return float("nan")
    scores = []
    for other in np.unique(bootstrap):
        found = bootstrap == other
        scores.append(np.sum(members & found) / np.sum(members | found))
    return float(max(scores))


def _summary(values: np.ndarray, quantiles: tuple[float, float]) -> dict[str, float]:
    valid = values[np.isfinite(values)]
    if valid.size == 0:
        nan = float("nan")
        return {"mean": nan, "sd": nan, "q_low": nan, "median": nan, "q_high": nan, "n_boot": 0}
    return {
        "mean": float(valid.mean()),
        "sd": float(valid.std(ddof=1)) if valid.size > 1 else float("nan"),
        "q_low": float(np.quantile(valid, quantiles[0])),
        "median": float(np.median(valid)),
        "q_high": float(np.quantile(valid, quantiles[1])),
        "n_boot": int(valid.size),
    }


def profile_stability(
    X: pd.DataFrame | np.ndarray,
    sample_weight: object = None,
    *,
    hcpc: HCPC | None = None,
    mca: MCA | None = None,
    n_boot: int = 50,
    random_state: int | None = 0,
    fixed_n_clusters: bool = True,
    quantiles: tuple[float, float] = (0.05, 0.95),
) -> pd.DataFrame:
    """Measure how stable a profile partition is under bootstrap resampling of respondents.

    The reference partition is ``hcpc`` fitted on all rows.  Each bootstrap
    draws ``n`` rows with replacement (keeping their weights), refits (the MCA
    too when ``X`` holds answers rather than coordinates) and clusters again,
    with the reference number of clusters when ``fixed_n_clusters``.  On the
    resampled rows (duplicates counted, as in ``fpc::clusterboot``) it
    records the adjusted Rand index with the reference partition
    (:func:`sklearn.metrics.adjusted_rand_score`) and, for each reference
    cluster, the largest Jaccard index with a bootstrap cluster (Hennig 2007,
    *Cluster-wise assessment of cluster stability*).  Both indices count rows
    without weights, as their definitions do; weights enter every refit.

    Parameters
    ----------
    X : pandas.DataFrame or numpy.ndarray
        Factor coordinates (all numeric) or categorical answers (then refitted by ``mca``).
    sample_weight : array-like, optional
        Positive row weights.
    hcpc : HCPC, optional
        Clustering settings (default ``HCPC()``); it is not modified.
    mca : MCA, optional
        MCA settings when ``X`` holds answers (default ``MCA(hcpc.n_components)``).
    n_boot : int
        Number of bootstrap samples.
    random_state : int, optional
        Seed of the resampling.
    fixed_n_clusters : bool
        Refit with the reference number of clusters (clusterboot's practice);
        otherwise let each refit choose.
    quantiles : tuple of float
        Lower and upper quantiles reported.

    Returns
    -------
    pandas.DataFrame
        One row for the whole partition (``cluster="ensemble"``, measure
        ``"ARI"``) then one a reference cluster (measure ``"Jaccard"``), with
        ``mean, sd, q_low, median, q_high, n_boot`` (bootstraps in which the
        cluster was drawn).  Hennig reads a mean Jaccard below 0.5 as a
        dissolved cluster and above 0.75 as a stable one.
    """
    if not isinstance(n_boot, int | np.integer) or n_boot < 2:
        raise ValueError(f"n_boot must be an integer >= 2, got {n_boot!r}")
    if not 0.0 <= quantiles[0] < quantiles[1] <= 1.0:
        raise ValueError(f"quantiles must be increasing within [0, 1], got {quantiles}")
    template = hcpc if hcpc is not None else HCPC()
    n_rows = len(X)
    weights = check_weights(sample_weight, n_rows)
    reference = _fit_labels(X, weights, template, mca, None)
    n_clusters = int(reference.max()) if fixed_n_clusters else None
    rng = np.random.default_rng(random_state)
    clusters = np.unique(reference)
    ari = np.empty(n_boot)
    jaccard = np.empty((n_boot, clusters.size))
    for b in range(n_boot):
        rows = rng.integers(0, n_rows, n_rows)
        labels = _fit_labels(_take(X, rows), weights[rows], template, mca, n_clusters)
        ari[b] = adjusted_rand_score(reference[rows], labels)
        jaccard[b] = [best_jaccard(reference[rows], labels, c) for c in clusters]
    records = [{"cluster": "ensemble", "measure": "ARI", **_summary(ari, quantiles)}]
    for j, cluster in enumerate(clusters):
        summary = _summary(jaccard[:, j], quantiles)
        records.append({"cluster": str(cluster), "measure": "Jaccard", **summary})
    return pd.DataFrame.from_records(records)


def _take(X: pd.DataFrame | np.ndarray, rows: np.ndarray) -> pd.DataFrame | np.ndarray:
    if isinstance(X, pd.DataFrame):
        return X.iloc[rows].reset_index(drop=True)
    return np.asarray(X)[rows]


def _fit_labels(
    X: pd.DataFrame | np.ndarray,
    weights: np.ndarray,
    template: HCPC,
    mca: MCA | None,
    n_clusters: int | None,
) -> np.ndarray:
    """Fit (MCA and) HCPC with the template's settings and return the labels."""
    params = template.get_params()
    if n_clusters is not None:
        params["n_clusters"] = n_clusters
    if _is_coordinates(X):
        coordinates = X
    else:
        n_components = mca.n_components if mca is not None else params["n_components"]
        coordinates = MCA(n_components).fit(X, sample_weight=weights).row_coordinates_
    return HCPC(**params).fit(coordinates, sample_weight=weights).labels_
