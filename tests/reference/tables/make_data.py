"""Write the deterministic respondents sample read by ``make_reference.R``.

Run from the repository root::

    .venv/bin/python tests/reference/tables/make_data.py

``tables_data.csv`` beside this script is rewritten identically on every run
(seeded generator).  Codes are those of codebook v1: ``org_type`` (four
types), ``ai_charter`` (single), ``tools__chatgpt`` (an option of a multiple
question, empty where not asked), ``opportunity_threat`` (1–5 scale), ``w``
(weights).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
N_ROWS = 320
SEED = 20250605


def make_data(n: int = N_ROWS, seed: int = SEED) -> pd.DataFrame:
    """Return the synthetic sample (one row a respondent)."""
    rng = np.random.default_rng(seed)
    org_type = rng.choice(
        ["association", "commune", "edtech", "fondation"], size=n, p=[0.45, 0.25, 0.18, 0.12]
    )
    shift = pd.Series(org_type).map(
        {"association": -0.6, "commune": 0.0, "edtech": 0.8, "fondation": 0.2}
    )
    latent = shift.to_numpy() + rng.normal(0.0, 1.0, size=n)
    w = np.round(np.exp(rng.normal(0.0, 0.5, size=n)) * 5.0, 6)
    charter = np.select(
        [latent > 0.9, latent > 0.0, latent > -1.2], ["adopted", "in_progress", "no"], "dont_know"
    )
    charter = charter.astype(object)
    charter[rng.choice(n, size=15, replace=False)] = None  # no answer
    users = latent + rng.normal(0.0, 0.7, size=n) > -0.3
    chatgpt = np.where(users, (latent + rng.normal(0, 1, size=n) > 0.0).astype(float), np.nan)
    scale = np.clip(np.round(3 + 0.8 * latent + rng.normal(0, 0.9, size=n)), 1, 5).astype(int)
    return pd.DataFrame(
        {
            "org_type": org_type,
            "ai_charter": charter,
            "tools__chatgpt": chatgpt,
            "opportunity_threat": scale,
            "w": w,
        }
    )


if __name__ == "__main__":
    make_data().to_csv(HERE / "tables_data.csv", index=False, na_rep="NA")
