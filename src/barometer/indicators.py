"""The barometer's indicators: binary shares that trends and peer reports follow.

An indicator is "respondents whose answer to a question is one of some codes,
among those asked".  They are declared in ``config/indicators.yaml`` (codes of
the codebook, never labels), expanded here against a codebook, and evaluated
on a respondents table as a 0/1 series with NaN for respondents not asked.

Examples
--------
>>> from barometer.codebook import load_codebook
>>> specs = expand_indicators(load_codebook("v1"))
>>> [s.id for s in specs][:2]
['adoption', 'adoption_regular']
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from barometer.codebook import Codebook, Question, multiple_variable
from barometer.paths import CONFIG_DIR

_KEYS = {"id", "label", "family", "question", "codes", "each_option"}


@dataclass(frozen=True)
class Indicator:
    """One binary indicator: ``question`` answered with one of ``codes``."""

    id: str
    label: str
    family: str
    question: str
    """Question id, or array-row id, in the codebook."""
    codes: tuple[str, ...]
    multiple: bool = False
    """True when ``question`` is a multiple question (``codes`` is one option)."""


def load_indicator_config(path: str | Path | None = None) -> list[dict]:
    """Read the indicator declarations (``config/indicators.yaml`` by default)."""
    path = Path(path) if path is not None else CONFIG_DIR / "indicators.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = document.get("indicators") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise ValueError(f"{path}: expected a list under 'indicators'")
    for i, entry in enumerate(entries):
        unknown = set(entry) - _KEYS
        if unknown:
            raise ValueError(f"{path}: indicator #{i + 1}: unknown key(s) {sorted(unknown)}")
        if not {"id", "family", "question"} <= set(entry):
            raise ValueError(f"{path}: indicator #{i + 1}: needs id, family and question")
        if not entry.get("each_option") and not entry.get("codes"):
            raise ValueError(f"{path}: indicator {entry['id']!r}: give codes or each_option")
    return entries


def question_of(codebook: Codebook, variable: str) -> Question:
    """Return the question that holds a variable (a question id or an array-row id)."""
    if variable in codebook:
        return codebook.question(variable)
    for question in codebook.of_type("array"):
        if variable in [row.id for row in question.rows]:
            return question
    raise KeyError(f"codebook {codebook.version} has no question or row {variable!r}")


def expand_indicators(codebook: Codebook, config: list[dict] | None = None) -> list[Indicator]:
    """Expand the declarations into indicators for one codebook.

    Parameters
    ----------
    codebook : Codebook
        The questionnaire whose codes the indicators use (the earliest
        version for trends: later waves are harmonised onto it).
    config : list of dict, optional
        Declarations; ``load_indicator_config()`` by default.

    Returns
    -------
    list of Indicator
        ``each_option`` declarations give one indicator per option, labelled
        with the option's French label.
    """
    config = load_indicator_config() if config is None else config
    out: list[Indicator] = []
    for entry in config:
        question = question_of(codebook, entry["question"])
        multiple = question.type == "multiple"
        if entry.get("each_option"):
            for option in question.options:
                out.append(
                    Indicator(
                        id=f"{entry['id']}__{option.code}",
                        label=option.label,
                        family=entry["family"],
                        question=entry["question"],
                        codes=(option.code,),
                        multiple=multiple,
                    )
                )
            continue
        codes = tuple(str(c) for c in entry["codes"])
        unknown = [c for c in codes if c not in question.codes]
        if unknown:
            raise ValueError(
                f"indicator {entry['id']!r}: codes {unknown} are not options of "
                f"{question.id!r} in codebook {codebook.version}"
            )
        if multiple and len(codes) != 1:
            raise ValueError(f"indicator {entry['id']!r}: one option at a time for {question.id!r}")
        out.append(
            Indicator(
                id=entry["id"],
                label=str(entry.get("label") or question.text),
                family=entry["family"],
                question=entry["question"],
                codes=codes,
                multiple=multiple,
            )
        )
    return out


def indicator_values(respondents: pd.DataFrame, indicator: Indicator) -> pd.Series:
    """Evaluate an indicator: 1.0, 0.0, or NaN for respondents not asked.

    Parameters
    ----------
    respondents : pandas.DataFrame
        The respondents table (codebook codes, ``<qid>__<code>`` booleans).
    indicator : Indicator
        What to evaluate.

    Returns
    -------
    pandas.Series
        Float series aligned on ``respondents``.
    """
    if indicator.multiple:
        column = multiple_variable(indicator.question, indicator.codes[0])
        if column not in respondents:
            raise KeyError(f"respondents have no column {column!r}")
        values = respondents[column].astype("Float64")
        return values.astype(float)
    if indicator.question not in respondents:
        raise KeyError(f"respondents have no column {indicator.question!r}")
    answers = respondents[indicator.question]
    result = answers.astype(object).isin(indicator.codes).astype(float)
    result[answers.isna().to_numpy()] = np.nan
    return result
