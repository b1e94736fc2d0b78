"""Checks on the tidy tables the figure functions draw (no statistics here)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

SUPPRESSED_NOTE = (
    "Les cases masquées (effectif trop faible pour être publié) ne sont pas représentées."
)
FRAGILE_NOTE = "Hachures : estimation fragile (base faible), à lire avec prudence."


def check_frame(frame: object, columns: Sequence[str], caller: str) -> pd.DataFrame:
    """Return ``frame`` if it is a non-empty DataFrame holding ``columns``.

    Parameters
    ----------
    frame : object
        What the caller passed.
    columns : sequence of str
        Columns the figure needs.
    caller : str
        Name of the figure function, for the message.

    Returns
    -------
    pandas.DataFrame
        The frame with ``suppressed`` and ``fragile`` as plain booleans (False
        when the column is absent), index reset.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{caller}: expected a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{caller}: the frame lacks column(s) {', '.join(map(repr, missing))}; "
            f"it has {', '.join(map(repr, frame.columns))}"
        )
    if frame.empty:
        raise ValueError(f"{caller}: the frame is empty, there is nothing to draw")
    out = frame.reset_index(drop=True).copy()
    for flag in ("suppressed", "fragile"):
        if flag in out.columns:
            values = out[flag]
            if values.isna().any():
                raise ValueError(f"{caller}: column {flag!r} has missing values")
            out[flag] = values.astype(bool)
        else:
            out[flag] = False
    return out


def check_values(
    frame: pd.DataFrame,
    value: str,
    caller: str,
    *,
    bounds: tuple[float, float] | None = (0.0, 100.0),
    columns: Sequence[str] = (),
) -> None:
    """Check that every shown (not suppressed) cell has a number within ``bounds``."""
    shown = frame.loc[~frame["suppressed"]]
    for column in (value, *columns):
        try:
            numbers = pd.to_numeric(shown[column], errors="raise").astype(float)
        except (TypeError, ValueError):
            raise TypeError(f"{caller}: column {column!r} must hold numbers") from None
        if numbers.isna().any():
            first = int(numbers.index[numbers.isna()][0])
            raise ValueError(
                f"{caller}: row {first} has no {column!r} value but is not marked suppressed"
            )
        if bounds is not None:
            low, high = bounds
            outside = numbers[(numbers < low - 1e-9) | (numbers > high + 1e-9)]
            if not outside.empty:
                raise ValueError(
                    f"{caller}: {column!r} must lie within {low:g}–{high:g} "
                    f"(percentages 0–100), got {outside.iloc[0]!r}"
                )


def ordered_unique(values: pd.Series) -> list:
    """Distinct values in order: categorical order if categorical, else first appearance."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        present = set(values.dropna().tolist())
        return [c for c in values.cat.categories if c in present]
    return list(pd.unique(values.dropna()))


def label_map(frame: pd.DataFrame, code: str, label: str | None, caller: str) -> dict:
    """Map each code of column ``code`` to its label (one label per code)."""
    if label is None or label == code:
        return {c: str(c) for c in ordered_unique(frame[code])}
    pairs = frame[[code, label]].drop_duplicates()
    duplicated = pairs[code][pairs[code].duplicated()]
    if not duplicated.empty:
        raise ValueError(
            f"{caller}: code {duplicated.iloc[0]!r} of {code!r} has several labels in {label!r}"
        )
    mapping = dict(zip(pairs[code], pairs[label].astype(str), strict=True))
    return {c: mapping[c] for c in ordered_unique(frame[code])}


def check_unique(frame: pd.DataFrame, keys: Sequence[str], caller: str) -> None:
    """Raise when two rows share the same ``keys`` (one cell drawn twice)."""
    duplicated = frame.duplicated(list(keys), keep=False)
    if duplicated.any():
        first = frame.loc[duplicated, list(keys)].iloc[0].tolist()
        raise ValueError(f"{caller}: several rows for {dict(zip(keys, first, strict=True))}")


def as_float(value: object) -> float:
    """Return ``value`` as a float (NaN for missing)."""
    return float(value) if value is not None and not pd.isna(value) else np.nan


def profile_number(value: object, caller: str) -> int:
    """Return a profile (cluster) number as a positive int, or raise."""
    if isinstance(value, bool) or pd.isna(value):
        raise TypeError(f"{caller}: profile number {value!r} is not an integer")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{caller}: profile number {value!r} is not an integer") from None
    if not number.is_integer() or number < 1:
        raise ValueError(f"{caller}: profile number {value!r} must be an integer from 1")
    return int(number)
