"""Checks and encodings shared by the profile estimators.

Every public function of :mod:`barometer.profiles` goes through these helpers,
so that bad input fails the same way everywhere, with a message that names the
argument and the offending column or category.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_float_dtype, is_numeric_dtype
from scipy import sparse

MISSING_SUFFIX = "_NA"


def missing_label(column: str) -> str:
    """Return the category that stands for a missing answer in ``column``.

    Parameters
    ----------
    column : str
        Variable name.

    Returns
    -------
    str
        ``"<column>_NA"`` (FactoMineR's ``na.method="NA"`` writes ``"<column>.NA"``).

    Examples
    --------
    >>> missing_label("ai_status")
    'ai_status_NA'
    """
    return f"{column}{MISSING_SUFFIX}"


def check_weights(sample_weight: object, n_rows: int, name: str = "sample_weight") -> np.ndarray:
    """Return positive finite weights as a float array, or ones when ``None``.

    Parameters
    ----------
    sample_weight : array-like or None
        One weight a row.
    n_rows : int
        Expected length.
    name : str
        Argument name used in error messages.

    Returns
    -------
    numpy.ndarray
        Float weights of length ``n_rows``.

    Raises
    ------
    ValueError
        If the length is wrong or a weight is missing, infinite or not positive.
    """
    if sample_weight is None:
        return np.ones(n_rows)
    try:
        weights = np.asarray(sample_weight, dtype=float).ravel()
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be numeric, got {type(sample_weight).__name__}") from error
    if weights.shape[0] != n_rows:
        raise ValueError(f"{name} has {weights.shape[0]} values but the data have {n_rows} rows")
    if not np.all(np.isfinite(weights)):
        raise ValueError(f"{name} contains missing or infinite values")
    if np.any(weights <= 0):
        raise ValueError(f"{name} must be strictly positive (found {int(np.sum(weights <= 0))})")
    return weights


def check_frame(X: object, name: str = "X") -> pd.DataFrame:
    """Check that ``X`` is a non-empty DataFrame of categorical columns.

    Categorical, string, object, boolean and integer columns are accepted
    (integers are read as codes of categories); float columns are refused
    because a float is rarely a category and often a mistake.

    Parameters
    ----------
    X : object
        Candidate frame.
    name : str
        Argument name used in error messages.

    Returns
    -------
    pandas.DataFrame
        ``X`` itself.

    Raises
    ------
    TypeError
        If ``X`` is not a DataFrame or holds a float column.
    ValueError
        If ``X`` has no row or no column, or duplicated column names.
    """
    if not isinstance(X, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(X).__name__}")
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"{name} must have at least one row and one column, got shape {X.shape}")
    if X.columns.duplicated().any():
        duplicated = list(X.columns[X.columns.duplicated()])
        raise ValueError(f"{name} has duplicated column names: {duplicated}")
    for column in X.columns:
        dtype = X[column].dtype
        if is_float_dtype(dtype) and not isinstance(dtype, pd.CategoricalDtype):
            raise TypeError(
                f"column {column!r} of {name} is float ({dtype}); profiles need categorical "
                "answers: convert it with .astype('category') or cut it into classes"
            )
    return X


def column_levels(values: pd.Series, column: str) -> tuple[list[str], np.ndarray]:
    """Return the observed levels of one column and the code of each row.

    Levels keep the order of a categorical dtype (unused categories dropped,
    as FactoMineR's ``droplevels``); other columns are sorted by value.  A
    missing answer becomes the category :func:`missing_label`, placed last.

    Parameters
    ----------
    values : pandas.Series
        One column.
    column : str
        Its name.

    Returns
    -------
    levels : list of str
        Category labels.
    codes : numpy.ndarray
        Integer code of each row into ``levels``.

    Raises
    ------
    ValueError
        If two values share a text label, or a value is the missing label.

    Examples
    --------
    >>> column_levels(pd.Series(["b", None, "a", "b"]), "q")
    (['a', 'b', 'q_NA'], array([1, 2, 0, 1]))
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        raw = np.asarray(values.cat.codes, dtype=np.int64)
        used = np.flatnonzero(np.bincount(raw[raw >= 0], minlength=len(values.cat.categories)))
        remap = np.full(len(values.cat.categories) + 1, -1, dtype=np.int64)
        remap[used] = np.arange(used.size)
        codes = remap[raw]  # code -1 (missing) reads the last slot, also -1
        levels = [str(values.cat.categories[i]) for i in used]
    else:
        try:
            codes, uniques = pd.factorize(values, sort=True)
        except TypeError:  # mixed types cannot be ordered: order their text
            codes, uniques = pd.factorize(values.map(str, na_action="ignore"), sort=True)
        codes = np.asarray(codes, dtype=np.int64)
        levels = [str(u) for u in uniques]
    if len(set(levels)) != len(levels):
        raise ValueError(f"column {column!r} has distinct values with the same text: {levels}")
    missing = codes < 0
    if missing.any():
        label = missing_label(column)
        if label in levels:
            raise ValueError(f"column {column!r} already has a category named {label!r}")
        levels.append(label)
        codes = np.where(missing, len(levels) - 1, codes)
    return levels, codes


@dataclass(frozen=True)
class Encoding:
    """Complete disjunctive coding of a categorical frame.

    Attributes
    ----------
    variables : list of str
        Column names.
    levels : dict
        Column name to its list of category labels.
    categories : pandas.MultiIndex
        ``(variable, category)`` pairs, one a column of the indicator matrix.
    """

    variables: list[str]
    levels: dict[str, list[str]]
    categories: pd.MultiIndex

    @classmethod
    def learn(cls, X: pd.DataFrame) -> Encoding:
        """Learn the levels of every column of ``X``."""
        levels = {str(c): column_levels(X[c], str(c))[0] for c in X.columns}
        pairs = [(v, level) for v, labels in levels.items() for level in labels]
        index = pd.MultiIndex.from_tuples(pairs, names=["variable", "category"])
        return cls(list(levels), levels, index)

    def indicator(self, X: pd.DataFrame, name: str = "X") -> sparse.csr_matrix:
        """Return the sparse 0/1 indicator matrix of ``X`` (rows × categories).

        Raises
        ------
        ValueError
            If a column is missing or a row holds a category not learnt.
        """
        missing_columns = [v for v in self.variables if v not in X.columns.astype(str)]
        if missing_columns:
            raise ValueError(f"{name} lacks the columns {missing_columns}")
        X = X.set_axis(X.columns.astype(str), axis=1)
        n_rows = X.shape[0]
        col_blocks = []
        offset = 0
        for variable in self.variables:
            levels = self.levels[variable]
            observed, codes = column_levels(X[variable], variable)
            unknown = sorted(set(observed) - set(levels))
            if unknown:
                raise ValueError(
                    f"column {variable!r} of {name} has categories unseen at fit time: {unknown}"
                )
            remap = np.array([levels.index(level) for level in observed], dtype=np.int64)
            col_blocks.append(offset + remap[codes])
            offset += len(levels)
        rows = np.repeat(np.arange(n_rows), len(self.variables))
        cols = np.column_stack(col_blocks).ravel()
        data = np.ones(rows.shape[0])
        return sparse.csr_matrix((data, (rows, cols)), shape=(n_rows, offset))


def check_labels(labels: object, n_rows: int, name: str = "labels") -> np.ndarray:
    """Return cluster labels as a 1-D array of the expected length.

    Raises
    ------
    ValueError
        If the length is wrong or a label is missing.
    """
    array = np.asarray(labels).ravel()
    if array.shape[0] != n_rows:
        raise ValueError(f"{name} has {array.shape[0]} values but the data have {n_rows} rows")
    if pd.isna(pd.Series(array)).any():
        raise ValueError(f"{name} contains missing values")
    return array


def check_coordinates(coordinates: object, name: str = "coordinates") -> np.ndarray:
    """Return numeric, finite coordinates as a 2-D float array.

    Raises
    ------
    TypeError
        If a column is not numeric.
    ValueError
        If the array is not 2-D, is empty or holds missing values.
    """
    if isinstance(coordinates, pd.DataFrame):
        bad = [c for c in coordinates.columns if not is_numeric_dtype(coordinates[c].dtype)]
        bad += [c for c in coordinates.columns if is_bool_dtype(coordinates[c].dtype)]
        if bad:
            raise TypeError(f"{name} must be numeric; non-numeric columns: {bad}")
    try:
        array = np.asarray(coordinates, dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be numeric: {error}") from error
    if array.ndim != 2 or array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(f"{name} must be a non-empty 2-D array, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains missing or infinite values")
    return array
