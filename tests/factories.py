"""Small respondents tables built from the codebook, for tests that need one.

The table follows the respondents conventions (codes as categoricals in
codebook order, one nullable boolean column per option of a multiple
question, routing respected: users-only questions are missing for
non-users), with random answers drawn from a seeded generator.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from barometer.codebook import Codebook, load_codebook, multiple_variable


def make_respondents(n: int = 200, seed: int = 0, codebook: Codebook | None = None) -> pd.DataFrame:
    """Return ``n`` random respondents that obey the codebook's routing."""
    codebook = codebook or load_codebook("v1")
    rng = np.random.default_rng(seed)
    data: dict[str, object] = {
        "respondent_id": [f"{i:016x}" for i in rng.choice(2**48, size=n, replace=False)],
        "wave": "2025",
    }
    asked_all = np.ones(n, dtype=bool)
    answers: dict[str, np.ndarray] = {}
    for question in codebook.substantive:
        if not question.is_categorical:
            continue
        if question.asked_if is not None:
            parent = answers[question.asked_if.question]
            asked = np.isin(parent, question.asked_if.codes)
        else:
            asked = asked_all
        codes = question.codes
        if question.type == "multiple":
            ticked = rng.random((n, len(codes))) < 0.3
            for j, code in enumerate(codes):
                column = pd.array(ticked[:, j], dtype="boolean")
                column[~asked] = pd.NA
                data[multiple_variable(question.id, code)] = column
            continue
        for variable in question.variables:
            drawn = rng.choice(codes, size=n).astype(object)
            drawn[~asked] = None
            answers[variable] = drawn
            data[variable] = pd.Categorical(drawn, categories=codes, ordered=question.ordered)
            if question.type == "scale":
                data[f"{variable}_num"] = pd.to_numeric(pd.Series(drawn), errors="coerce")
    data["weight"] = rng.uniform(0.5, 2.0, size=n)
    data["has_contact"] = rng.random(n) < 0.5
    return pd.DataFrame(data)
