"""Write the synthetic input of the R raking references (deterministic).

Run from the project root: ``.venv/bin/python tests/reference/weighting/make_input.py``.
It writes ``input.csv`` (400 respondents, three raking variables ``a``, ``b``,
``c``, a group ``grp`` and unequal base weights ``w0`` with three decimals, so
that the CSV holds them exactly) and ``margins.json`` (the population margins
of the four reference cases).  ``make_reference.R`` reads both files and writes
``reference.csv``; ``tests/test_weighting.py`` reads all three.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
N_ROWS = 400
SEED = 20250417

MARGINS = {
    # (a) shares: scaled by the raking to the sum of the base weights.
    "shares": {
        "a": {"a1": 0.5, "a2": 0.3, "a3": 0.2},
        "b": {"b1": 0.1, "b2": 0.2, "b3": 0.3, "b4": 0.4},
        "c": {"c1": 0.45, "c2": 0.55},
    },
    # (b) population totals, each margin summing to 10,000.
    "totals": {
        "a": {"a1": 4000.0, "a2": 3500.0, "a3": 2500.0},
        "b": {"b1": 1500.0, "b2": 2500.0, "b3": 2500.0, "b4": 3500.0},
        "c": {"c1": 6000.0, "c2": 4000.0},
    },
    # (c) within groups, shares scaled to each group's sum of base weights;
    # group g2 is calibrated on two variables only.
    "groups": {
        "g1": {
            "a": {"a1": 0.6, "a2": 0.3, "a3": 0.1},
            "b": {"b1": 0.25, "b2": 0.25, "b3": 0.25, "b4": 0.25},
            "c": {"c1": 0.3, "c2": 0.7},
        },
        "g2": {
            "a": {"a1": 0.2, "a2": 0.4, "a3": 0.4},
            "c": {"c1": 0.5, "c2": 0.5},
        },
    },
}


def make_frame(n_rows: int = N_ROWS, seed: int = SEED) -> pd.DataFrame:
    """Return the synthetic respondents, deliberately off the margins."""
    rng = np.random.default_rng(seed)
    a = rng.choice(["a1", "a2", "a3"], size=n_rows, p=[0.3, 0.3, 0.4])
    # b depends on a, so that the margins interact and raking needs many sweeps.
    b_probs = {
        "a1": [0.4, 0.3, 0.2, 0.1],
        "a2": [0.1, 0.2, 0.3, 0.4],
        "a3": [0.25, 0.25, 0.25, 0.25],
    }
    b = np.array([rng.choice(["b1", "b2", "b3", "b4"], p=b_probs[x]) for x in a])
    c = np.where(rng.random(n_rows) < np.where(a == "a1", 0.7, 0.4), "c1", "c2")
    grp = rng.choice(["g1", "g2"], size=n_rows, p=[0.55, 0.45])
    w0 = np.round(rng.uniform(0.5, 3.0, size=n_rows), 3)
    return pd.DataFrame(
        {"id": np.arange(1, n_rows + 1), "a": a, "b": b, "c": c, "grp": grp, "w0": w0}
    )


def main() -> None:
    """Write ``input.csv`` and ``margins.json`` beside this script."""
    make_frame().to_csv(HERE / "input.csv", index=False)
    (HERE / "margins.json").write_text(json.dumps(MARGINS, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
