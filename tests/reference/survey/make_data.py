"""Write the deterministic synthetic sample read by ``make_reference.R``.

Run from the repository root::

    .venv/bin/python tests/reference/survey/make_data.py

The file ``survey_data.csv`` beside this script is rewritten identically on
every run (seeded generator, floats written at full precision).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
N_ROWS = 300
SEED = 20250601


def make_data(n: int = N_ROWS, seed: int = SEED) -> pd.DataFrame:
    """Return the synthetic sample (one row a respondent)."""
    rng = np.random.default_rng(seed)
    stratum = rng.choice(["s1", "s2", "s3"], size=n, p=[0.5, 0.3, 0.2])
    # Lognormal weights, sigma 0.55: coefficient of variation close to 0.5.
    w = np.round(np.exp(rng.normal(0.0, 0.55, size=n)) * 10.0, 6)
    shift = np.select([stratum == "s1", stratum == "s2"], [0.0, 0.5], -0.5)
    latent = rng.normal(shift, 1.0)

    y_half = (latent + rng.normal(0, 1, size=n) > 0.1).astype(int)
    y_rare = np.zeros(n, dtype=int)
    y_rare[rng.choice(n, size=3, replace=False)] = 1
    y_common = np.ones(n, dtype=int)
    y_common[rng.choice(n, size=3, replace=False)] = 0
    y_miss = y_half.astype(float)
    y_miss[rng.choice(n, size=40, replace=False)] = np.nan

    scale = np.clip(np.round(3 + latent + rng.normal(0, 0.8, size=n)), 1, 5).astype(int)
    x2 = np.where(latent + rng.normal(0, 1.5, size=n) > 0, "a", "b")
    y3 = rng.choice(["u", "v", "w"], size=n, p=[0.4, 0.35, 0.25])
    y3 = np.where((x2 == "a") & (rng.random(n) < 0.25), "u", y3)
    x4 = np.array(["k1", "k2", "k3", "k4"])[np.clip(np.round(1.5 + latent).astype(int), 0, 3)]
    y5 = rng.choice(["m1", "m2", "m3", "m4", "m5"], size=n)
    y5 = np.where((x4 == "k4") & (rng.random(n) < 0.3), "m5", y5)
    # The R script declares x_empty with levels p, q, r, s: "r" is never observed.
    x_empty = rng.choice(["p", "q", "s"], size=n, p=[0.4, 0.35, 0.25])
    x4_na = x4.astype(object)
    x4_na[rng.choice(n, size=25, replace=False)] = None
    group = rng.choice(["g1", "g2", "g3", "g4"], size=n, p=[0.3, 0.3, 0.25, 0.15])
    p_group = pd.Series(group).map({"g1": 0.3, "g2": 0.5, "g3": 0.7, "g4": 0.45}).to_numpy()
    y_group = (rng.random(n) < p_group).astype(int)

    return pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "stratum": stratum,
            "w": w,
            "y_half": y_half,
            "y_rare": y_rare,
            "y_common": y_common,
            "y_miss": y_miss,
            "scale": scale,
            "x2": x2,
            "y3": y3,
            "x4": x4,
            "y5": y5,
            "x_empty": x_empty,
            "x4_na": x4_na,
            "group": group,
            "y_group": y_group,
        }
    )


if __name__ == "__main__":
    frame = make_data()
    frame.to_csv(HERE / "survey_data.csv", index=False, na_rep="NA")
    cv = frame["w"].std(ddof=0) / frame["w"].mean()
    print(f"wrote {len(frame)} rows; weight CV = {cv:.3f}")
