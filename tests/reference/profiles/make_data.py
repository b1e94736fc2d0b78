"""Write the deterministic synthetic input of the FactoMineR reference values.

Run from the repository root::

    .venv/bin/python tests/reference/profiles/make_data.py
    Rscript tests/reference/profiles/make_reference.R

It writes ``profiles_input.csv`` beside this file: 200 respondents drawn from
four planted latent classes, six active categorical variables (3 to 5 levels,
level names shared between variables so that FactoMineR has to prefix them),
two supplementary variables (one linked to the classes, one pure noise) and
unequal row weights rescaled to sum to the number of rows (FactoMineR's
``catdes`` rounds weighted counts, so weights on the count scale are what it
expects).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
N_ROWS = 200
N_CLASSES = 4
LEVELS = {"v1": 3, "v2": 4, "v3": 5, "v4": 3, "v5": 4, "v6": 5}
LETTERS = "abcde"


def _class_probabilities(rng: np.random.Generator, n_levels: int) -> np.ndarray:
    """Return one probability vector a class, each peaked on a different level."""
    probs = np.full((N_CLASSES, n_levels), 0.25 / (n_levels - 1))
    peaks = rng.permutation(np.resize(np.arange(n_levels), N_CLASSES))
    probs[np.arange(N_CLASSES), peaks] = 0.75
    return probs


def make_frame(seed: int = 20250101) -> pd.DataFrame:
    """Return the synthetic respondents (strings and a float weight column).

    Parameters
    ----------
    seed : int
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    pandas.DataFrame
        Columns ``v1`` … ``v6`` (active), ``s1``, ``s2`` (supplementary), ``w``.
    """
    rng = np.random.default_rng(seed)
    latent = rng.choice(N_CLASSES, size=N_ROWS, p=[0.35, 0.25, 0.22, 0.18])
    columns: dict[str, object] = {}
    for name, n_levels in LEVELS.items():
        probs = _class_probabilities(rng, n_levels)
        codes = np.array([rng.choice(n_levels, p=probs[k]) for k in latent])
        columns[name] = np.array(list(LETTERS[:n_levels]))[codes]
    linked = np.where(rng.random(N_ROWS) < 0.7, latent % 3, rng.integers(0, 3, N_ROWS))
    columns["s1"] = np.array(["x", "y", "z"])[linked]
    columns["s2"] = np.array(["oui", "non"])[rng.integers(0, 2, N_ROWS)]
    raw_weight = rng.lognormal(mean=0.0, sigma=0.5, size=N_ROWS)
    columns["w"] = np.round(raw_weight * N_ROWS / raw_weight.sum(), 6)
    frame = pd.DataFrame(columns)
    frame["w"] = frame["w"] * N_ROWS / frame["w"].sum()
    return frame


if __name__ == "__main__":
    make_frame().to_csv(HERE / "profiles_input.csv", index=False, float_format="%.17g")
