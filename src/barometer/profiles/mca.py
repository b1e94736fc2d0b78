"""Multiple correspondence analysis with row weights, as FactoMineR computes it.

The analysis is the correspondence analysis of the complete disjunctive table
``Z`` (rows × categories) with row masses ``p = w / sum(w)``.  Rather than
taking the SVD of the ``n × K`` standardised table, the estimator
diagonalises the ``K × K`` matrix

``C = (B / sqrt(f f') - sqrt(f) sqrt(f)') / Q``

built from the weighted Burt table ``B = Z' diag(p) Z`` and the category
masses ``f = Z' p`` (``Q`` variables).  ``C`` is exactly ``S'S`` for the
standardised table ``S``, so its eigenvalues are FactoMineR's; working on
``C`` keeps memory at ``O(nQ + K²)`` and lets 100,000 respondents run in a
second.  numpy's ``eigh`` does the decomposition; no library offers MCA with
row weights and supplementary categories (``prince`` ignores weights in its
corrected inertia rates), which is why the formulas are written here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from barometer.profiles._inputs import Encoding, check_frame, check_weights

_TOLERANCE = 1e-12


def _dimension_names(count: int) -> list[str]:
    return [f"Dim {s + 1}" for s in range(count)]


def _flip_signs(vectors: np.ndarray) -> np.ndarray:
    """Make the largest absolute loading of each axis positive (deterministic signs)."""
    pivots = np.argmax(np.abs(vectors), axis=0)
    signs = np.sign(vectors[pivots, np.arange(vectors.shape[1])])
    signs[signs == 0] = 1.0
    return vectors * signs


def corrected_inertia(eigenvalues: np.ndarray, n_variables: int, n_categories: int) -> tuple:
    """Return Benzécri's and Greenacre's corrected inertia rates, in percent.

    Both keep the eigenvalues above ``1/Q`` and replace each by
    ``(Q / (Q - 1))² (λ - 1/Q)²``.  Benzécri divides by the sum of these
    corrected values; Greenacre (2006, *Multiple Correspondence Analysis and
    Related Methods*, ch. 2) divides by the adjusted total inertia
    ``Q / (Q - 1) (Σ λ² - (K - Q) / Q²)``, where the sum runs over **all**
    non-trivial eigenvalues (which is why every eigenvalue is kept).

    Parameters
    ----------
    eigenvalues : numpy.ndarray
        All non-trivial eigenvalues of the indicator MCA.
    n_variables : int
        ``Q``, number of active variables (at least 2).
    n_categories : int
        ``K``, number of active categories.

    Returns
    -------
    benzecri, greenacre : numpy.ndarray
        Rates in percent, zero for eigenvalues at or below ``1/Q``.

    Examples
    --------
    >>> b, g = corrected_inertia(np.array([0.6, 0.4, 0.2, 0.1]), 3, 7)
    >>> np.round(b, 2).tolist(), np.round(g, 2).tolist()
    ([94.12, 5.88, 0.0, 0.0], [84.96, 5.31, 0.0, 0.0])
    """
    q = float(n_variables)
    if q < 2:
        raise ValueError("corrected inertia rates need at least two active variables")
    above = eigenvalues > 1.0 / q
    corrected = np.where(above, (q / (q - 1.0) * (eigenvalues - 1.0 / q)) ** 2, 0.0)
    total_b = corrected.sum()
    benzecri = 100.0 * corrected / total_b if total_b > 0 else np.zeros_like(corrected)
    total_g = q / (q - 1.0) * (np.sum(eigenvalues**2) - (n_categories - q) / q**2)
    greenacre = 100.0 * corrected / total_g if total_g > 0 else np.zeros_like(corrected)
    return benzecri, greenacre


class MCA:
    """Multiple correspondence analysis (FactoMineR's ``MCA``, indicator method).

    Parameters
    ----------
    n_components : int
        Number of dimensions kept for coordinates, contributions and cos².
        Eigenvalues are always reported for every non-trivial dimension.

    Attributes
    ----------
    eigenvalues_ : pandas.Series
        All ``min(n - 1, K - Q)`` eigenvalues, as FactoMineR's ``eig[, 1]``.
    explained_inertia_ : pandas.Series
        Eigenvalues in percent of their sum.
    benzecri_inertia_, greenacre_inertia_ : pandas.Series
        Corrected rates in percent (see :func:`corrected_inertia`).
    row_coordinates_, row_cos2_, row_contributions_ : pandas.DataFrame
        Respondents × dimensions (contributions in percent).
    column_coordinates_, column_cos2_, column_contributions_ : pandas.DataFrame
        Categories × dimensions, indexed by ``(variable, category)``.
    supplementary_coordinates_ : pandas.DataFrame or None
        Categories of the supplementary frame placed at the weighted barycentre
        of their respondents divided by ``sqrt(λ)`` (FactoMineR's ``quali.sup``).
    category_masses_ : pandas.Series
        Weighted share of respondents in each category.
    n_components_ : int
        Dimensions actually kept (``n_components`` capped by the rank).

    Notes
    -----
    A missing answer is its own category ``"<variable>_NA"`` (FactoMineR's
    default ``na.method="NA"`` does the same under the name
    ``"<variable>.NA"``).  Unused levels of a categorical dtype are dropped.
    Axis signs are arbitrary in any MCA; here the largest loading of each axis
    is made positive.

    Examples
    --------
    >>> X = pd.DataFrame({"a": list("xxyyzx"), "b": list("uuvvvu"), "c": list("ppqpqq")})
    >>> mca = MCA(n_components=2).fit(X)
    >>> mca.eigenvalues_.round(4).tolist()  # FactoMineR: 0.7335 0.4067 0.1931 0.0000
    [0.7335, 0.4067, 0.1931, 0.0]
    """

    def __init__(self, n_components: int = 5):
        self.n_components = n_components

    def fit(
        self,
        X: pd.DataFrame,
        sample_weight: object = None,
        supplementary: pd.DataFrame | None = None,
    ) -> MCA:
        """Fit the analysis on the active variables ``X``.

        Parameters
        ----------
        X : pandas.DataFrame
            Active categorical variables, one row a respondent.
        sample_weight : array-like, optional
            Positive row weights (FactoMineR's ``row.w``); only their
            proportions matter.
        supplementary : pandas.DataFrame, optional
            Supplementary categorical variables for the same rows.

        Returns
        -------
        MCA
            The fitted estimator.
        """
        if not isinstance(self.n_components, int | np.integer) or self.n_components < 1:
            raise ValueError(f"n_components must be a positive integer, got {self.n_components!r}")
        X = check_frame(X, "X")
        if X.shape[1] < 2:
            raise ValueError("X must hold at least two active variables")
        weights = check_weights(sample_weight, X.shape[0])
        self.encoding_ = Encoding.learn(X)
        self._fit_axes(self.encoding_.indicator(X), weights / weights.sum())
        self.row_coordinates_ = self._rows_frame(self._row_scores, X.index)
        self._fit_row_statistics()
        self.supplementary_coordinates_ = None
        if supplementary is not None:
            self.supplementary_coordinates_ = self._project_supplementary(supplementary)
        return self

    def _fit_axes(self, Z: sparse.csr_matrix, masses: np.ndarray) -> None:
        """Diagonalise the weighted Burt-based matrix and store every axis statistic."""
        n_rows, n_categories = Z.shape
        n_variables = len(self.encoding_.variables)
        f = np.asarray(Z.T @ masses).ravel()
        burt = (Z.T @ Z.multiply(masses[:, None]).tocsr()).toarray()
        root = np.sqrt(f)
        cross = (burt / np.outer(root, root) - np.outer(root, root)) / n_variables
        values, vectors = np.linalg.eigh((cross + cross.T) / 2.0)
        order = np.argsort(values)[::-1]
        n_eigen = min(n_rows - 1, n_categories - n_variables)
        if n_eigen < 1:
            raise ValueError("X has no variability: every active variable has a single category")
        values = np.clip(values[order][:n_eigen], 0.0, None)
        kept = min(self.n_components, int(np.sum(values > _TOLERANCE)), n_eigen)
        vectors = _flip_signs(vectors[:, order][:, :kept])
        dims = pd.Index(_dimension_names(n_eigen), name="dimension")
        self.eigenvalues_ = pd.Series(values, index=dims, name="eigenvalue")
        self.explained_inertia_ = 100.0 * self.eigenvalues_ / values.sum()
        benzecri, greenacre = corrected_inertia(values, n_variables, n_categories)
        self.benzecri_inertia_ = pd.Series(benzecri, index=dims, name="benzecri")
        self.greenacre_inertia_ = pd.Series(greenacre, index=dims, name="greenacre")
        self.n_components_ = kept
        self._n_variables = n_variables
        self._projector = vectors / np.sqrt(f * n_variables)[:, None]
        self._row_scores = np.asarray(Z @ self._projector)
        self._row_masses = masses
        self._row_indicator_sums = np.asarray(Z @ (1.0 / f)).ravel()
        self._fit_column_statistics(vectors, values[:kept], f)

    def _fit_column_statistics(self, vectors: np.ndarray, values: np.ndarray, f: np.ndarray):
        index = self.encoding_.categories
        columns = _dimension_names(vectors.shape[1])
        coordinates = vectors * np.sqrt(values) / np.sqrt(f / self._n_variables)[:, None]
        self.category_masses_ = pd.Series(f, index=index, name="mass")
        self.column_coordinates_ = pd.DataFrame(coordinates, index=index, columns=columns)
        self.column_contributions_ = pd.DataFrame(100.0 * vectors**2, index=index, columns=columns)
        distance = 1.0 / f - 1.0
        cos2 = coordinates**2 / distance[:, None]
        self.column_cos2_ = pd.DataFrame(cos2, index=index, columns=columns)

    def _fit_row_statistics(self) -> None:
        scores = self._row_scores
        distance = self._row_indicator_sums / self._n_variables - 1.0
        values = self.eigenvalues_.to_numpy()[: self.n_components_]
        with np.errstate(divide="ignore", invalid="ignore"):
            cos2 = np.where(distance[:, None] > 0, scores**2 / distance[:, None], 0.0)
        contributions = 100.0 * self._row_masses[:, None] * scores**2 / values
        index = self.row_coordinates_.index
        self.row_cos2_ = self._rows_frame(cos2, index)
        self.row_contributions_ = self._rows_frame(contributions, index)

    def _rows_frame(self, values: np.ndarray, index: pd.Index) -> pd.DataFrame:
        return pd.DataFrame(values, index=index, columns=_dimension_names(values.shape[1]))

    def _project_supplementary(self, supplementary: pd.DataFrame) -> pd.DataFrame:
        """Place supplementary categories at the barycentre of their rows / sqrt(λ)."""
        supplementary = check_frame(supplementary, "supplementary")
        if supplementary.shape[0] != self._row_scores.shape[0]:
            raise ValueError(
                f"supplementary has {supplementary.shape[0]} rows but X has "
                f"{self._row_scores.shape[0]}"
            )
        encoding = Encoding.learn(supplementary)
        Z = encoding.indicator(supplementary, "supplementary")
        weighted = Z.T.multiply(self._row_masses[None, :]).tocsr()
        sums = weighted @ self._row_scores
        mass = np.asarray(weighted.sum(axis=1)).ravel()
        values = self.eigenvalues_.to_numpy()[: self.n_components_]
        coordinates = sums / mass[:, None] / np.sqrt(values)
        columns = _dimension_names(self.n_components_)
        return pd.DataFrame(coordinates, index=encoding.categories, columns=columns)

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """Return the coordinates of new rows (FactoMineR's ``ind.sup``).

        Parameters
        ----------
        X : pandas.DataFrame
            Same active columns as at fit time; every category must be known.

        Returns
        -------
        pandas.DataFrame
            Rows × ``n_components_`` coordinates.
        """
        if not hasattr(self, "encoding_"):
            raise ValueError("this MCA is not fitted yet: call fit first")
        X = check_frame(X, "X")
        scores = np.asarray(self.encoding_.indicator(X) @ self._projector)
        return self._rows_frame(scores, X.index)
