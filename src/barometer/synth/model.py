"""The latent model behind the synthetic answers: profiles and their answers.

Every respondent belongs to one of four latent usage profiles, drawn from the
type and size of their organisation; every answer is then drawn from tables
keyed by profile (:mod:`barometer.synth.params`).  The tables hold option
*codes* (stable identifiers of the codebook), never labels: labels and export
columns come from the codebook at rendering time.  :func:`check_model` fails
with a clear message when a code named here is missing from the codebook, so
a codebook change cannot silently break the planted relationships.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache

import numpy as np
from scipy.optimize import brentq
from scipy.special import expit, logit

from barometer.codebook import Codebook, Question
from barometer.synth.params import (
    ADVANCED,
    AUDIENCES_BASE,
    AUDIENCES_IF_EDUCATION,
    BARRIER_COUNT,
    BARRIER_WEIGHTS,
    COMPOSITION,
    EDTECH_CODE,
    EDUCATION_CODE,
    ENVIRONMENT_CODE,
    EXPLORERS,
    FAMILIES_CODE,
    FAMILIES_EDU_FACTOR,
    MULTIPLE,
    ORGANISATION_QUESTIONS,
    POPULATION_BY_SIZE,
    POPULATION_EPCI,
    PROFILE_NOISE,
    PROFILES,
    PURPOSE_BY_TYPE,
    REGION_WEIGHTS,
    ROLE_BY_GROUP,
    SCEPTICAL,
    SINGLE,
    SIZE_ADVANCED_LOGIT,
    SIZE_BY_TYPE,
    SIZE_CODES,
    SIZE_USER_LOGIT,
    SOBRIETY_CODE,
    SOBRIETY_ENV_FACTOR,
    SPECIAL_CODES,
    STAGE_CONSIDERED_SHARE,
    STAGE_LEVELS,
    STAGE_REGULAR_SHARE,
    STAGE_YES,
    UNIFORM_TICK,
    USER_SHARE,
    USER_SPLIT,
)


@dataclass
class Latent:
    """What the model knows of each row before drawing the remaining answers."""

    profile: np.ndarray
    """Profile index per row (``NO_PROFILE`` for a tester)."""
    local_gov: np.ndarray
    """True for collectivités (the population question's routing)."""
    environmental: np.ndarray
    education: np.ndarray
    edtech: np.ndarray


@dataclass
class Answers:
    """Answers as option codes, one entry per respondent-table variable.

    ``codes`` holds single, scale and array-row answers (object arrays of codes,
    None when empty); ``ticks`` a boolean matrix per multiple question (options
    in codebook order); ``other`` the free text of "Autre" per question.
    """

    n: int
    codes: dict[str, np.ndarray] = field(default_factory=dict)
    ticks: dict[str, np.ndarray] = field(default_factory=dict)
    other: dict[str, np.ndarray] = field(default_factory=dict)

    def answered(self, question: Question) -> np.ndarray:
        """Return the rows that answered ``question`` (any option, any row)."""
        if question.type == "multiple":
            return self.ticks[question.id].any(axis=1)
        if question.type == "array":
            return np.column_stack(
                [self.codes[row.id] != None for row in question.rows]  # noqa: E711
            ).any(axis=1)
        return self.codes[question.id] != None  # noqa: E711

    def clear(self, question: Question, rows: np.ndarray) -> None:
        """Empty the answers of ``question`` on the boolean mask ``rows``."""
        if question.type == "multiple":
            self.ticks[question.id][rows] = False
        elif question.type == "array":
            for row in question.rows:
                self.codes[row.id][rows] = None
        else:
            self.codes[question.id][rows] = None
        if question.id in self.other:
            self.other[question.id][rows] = None


def check_model(codebook: Codebook) -> None:
    """Check that every code the planted relationships rely on is in the codebook.

    Parameters
    ----------
    codebook : Codebook
        The questionnaire to generate.

    Raises
    ------
    ValueError
        Naming the question or option code the codebook lacks.
    """
    for qid, code in SPECIAL_CODES:
        if qid not in codebook:
            raise ValueError(f"codebook {codebook.version}: the generator needs question {qid!r}")
        if code not in codebook.question(qid).codes:
            raise ValueError(
                f"codebook {codebook.version}: the generator needs option {code!r} of {qid!r}"
            )
    for role in ("consent", "response_id", "submitted", "started"):
        if codebook.by_role(role) is None:
            raise ValueError(
                f"codebook {codebook.version}: the generator needs a {role!r} question"
            )
    if len(codebook.by_role("consent").codes) != 2:
        raise ValueError(f"codebook {codebook.version}: consent needs two options (accept, refuse)")
    for qid in ORGANISATION_QUESTIONS:
        if qid not in codebook:
            raise ValueError(f"codebook {codebook.version}: the generator needs question {qid!r}")
    types = codebook.question("org_type").codes
    unknown = [c for c in types if c not in COMPOSITION]
    if unknown:
        raise ValueError(
            f"codebook {codebook.version}: org_type option(s) {unknown} have no share in "
            "barometer.synth.model.COMPOSITION"
        )
    sizes = codebook.question("org_size").codes
    if tuple(sizes) != SIZE_CODES:
        raise ValueError(
            f"codebook {codebook.version}: org_size codes {sizes} differ from {list(SIZE_CODES)}"
        )


def draw_index(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """Draw one category per row of a (rows x categories) matrix of weights.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random source.
    probs : numpy.ndarray
        Non-negative weights; each row is normalised.

    Returns
    -------
    numpy.ndarray
        The drawn column index per row.

    Examples
    --------
    >>> draw_index(np.random.default_rng(0), np.array([[0.0, 1.0], [1.0, 0.0]]))
    array([1, 0])
    """
    cum = np.cumsum(probs, axis=1)
    total = cum[:, -1:]
    if np.any(total <= 0):
        raise ValueError("a row of category weights sums to zero")
    u = rng.random(len(probs))[:, None] * total
    return np.minimum((cum <= u).sum(axis=1), probs.shape[1] - 1)


def _profile_matrix(
    table: Mapping[str, tuple[float, ...]], codes: list[str], profile: np.ndarray, default: float
) -> np.ndarray:
    """Return per-row weights of ``codes`` for each row's profile; testers get ``default``."""
    by_profile = np.array([table.get(code, (default,) * len(PROFILES)) for code in codes]).T
    out = np.full((len(profile), len(codes)), default, dtype=float)
    known = profile >= 0
    out[known] = by_profile[profile[known]]
    return out


def _is_code(answers: Answers, qid: str, codes: tuple[str, ...] | list[str]) -> np.ndarray:
    return np.isin(answers.codes[qid].astype(str), list(codes))


# ---------------------------------------------------------------- organisation
def _type_group(code: str, local_gov: tuple[str, ...]) -> str:
    if code in local_gov:
        return "collectivite"
    return code if code in PURPOSE_BY_TYPE else "autre"


def draw_organisations(rng: np.random.Generator, n: int, codebook: Codebook) -> Answers:
    """Draw the organisation questions (type, size, population, purpose, audiences, region).

    Parameters
    ----------
    rng : numpy.random.Generator
        The random source.
    n : int
        Number of organisations.
    codebook : Codebook
        The questionnaire.

    Returns
    -------
    Answers
        The answers to ``ORGANISATION_QUESTIONS``.
    """
    answers = Answers(n)
    org_type = codebook.question("org_type")
    types = org_type.codes
    shares = np.array([COMPOSITION[c] for c in types])
    type_codes = np.array(types, dtype=object)[draw_index(rng, np.tile(shares, (n, 1)))]
    answers.codes["org_type"] = type_codes
    size_probs = np.array([SIZE_BY_TYPE.get(c, SIZE_BY_TYPE["autre"]) for c in type_codes])
    answers.codes["org_size"] = np.array(SIZE_CODES, dtype=object)[draw_index(rng, size_probs)]
    population = codebook.question("population_band")
    local_gov = population.asked_if.codes if population.asked_if else ()
    answers.codes["population_band"] = _draw_population(rng, answers, population, local_gov)
    groups = [_type_group(c, local_gov) for c in type_codes]
    answers.ticks["purpose"] = _draw_purpose(rng, codebook.question("purpose"), groups)
    answers.ticks["audiences"] = _draw_audiences(
        rng, codebook.question("audiences"), answers.ticks["purpose"], codebook
    )
    region = codebook.question("region")
    weights = np.array([REGION_WEIGHTS.get(c, 0.01) for c in region.codes])
    answers.codes["region"] = np.array(region.codes, dtype=object)[
        draw_index(rng, np.tile(weights, (n, 1)))
    ]
    return answers


def _draw_population(
    rng: np.random.Generator, answers: Answers, question: Question, local_gov: tuple[str, ...]
) -> np.ndarray:
    """Draw the population band: communes by staff size, larger bodies bigger."""
    bands = question.codes
    types = answers.codes["org_type"].astype(str)
    probs = np.array(
        [
            POPULATION_BY_SIZE.get(s, (1.0,) * len(bands))[: len(bands)]
            for s in answers.codes["org_size"]
        ]
    )
    probs[types == "epci"] = POPULATION_EPCI[: len(bands)]
    regional = np.isin(types, [c for c in local_gov if c not in ("commune", "epci")])
    probs[regional] = np.eye(len(bands))[-1]
    drawn = np.array(bands, dtype=object)[draw_index(rng, probs)]
    drawn[~np.isin(types, list(local_gov))] = None
    return drawn


def _draw_purpose(rng: np.random.Generator, question: Question, groups: list[str]) -> np.ndarray:
    probs = np.array([[PURPOSE_BY_TYPE[g].get(c, 0.05) for c in question.codes] for g in groups])
    return _ticks_at_least_one(rng, probs)


def _draw_audiences(
    rng: np.random.Generator, question: Question, purpose: np.ndarray, codebook: Codebook
) -> np.ndarray:
    educative = purpose[:, codebook.question("purpose").codes.index(EDUCATION_CODE[1])]
    base = np.array([AUDIENCES_BASE.get(c, 0.2) for c in question.codes])
    boost = np.array([AUDIENCES_IF_EDUCATION.get(c, 0.0) for c in question.codes])
    probs = np.clip(base[None, :] + educative[:, None] * boost[None, :], 0, 0.95)
    return _ticks_at_least_one(rng, probs)


def _ticks_at_least_one(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """Tick each option with its probability; a row with none ticks one, by weight."""
    ticks = rng.random(probs.shape) < probs
    empty = ~ticks.any(axis=1)
    if empty.any():
        chosen = draw_index(rng, probs[empty] + 1e-9)
        ticks[np.flatnonzero(empty), chosen] = True
    return ticks


# ---------------------------------------------------------------- profiles
@cache
def _centred_user_logit(type_code: str) -> tuple[float, ...]:
    """Return per-size log-odds of being a user whose mean over sizes is ``USER_SHARE``.

    A size shift alone would move the type's average; the offset found with
    :func:`scipy.optimize.brentq` keeps each type's user share at its target.
    """
    share = USER_SHARE[type_code]
    sizes = np.array(SIZE_BY_TYPE.get(type_code, SIZE_BY_TYPE["autre"]))
    shifts = np.array(SIZE_USER_LOGIT)

    def gap(offset: float) -> float:
        return float(sizes @ expit(logit(share) + offset + shifts) - share)

    offset = brentq(gap, -10.0, 10.0)
    return tuple(float(v) for v in logit(share) + offset + shifts)


def draw_profiles(rng: np.random.Generator, organisations: Answers) -> np.ndarray:
    """Draw each organisation's latent profile from its type and size.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random source.
    organisations : Answers
        Output of :func:`draw_organisations`.

    Returns
    -------
    numpy.ndarray
        Profile index per organisation (see ``PROFILES``).
    """
    types = organisations.codes["org_type"]
    size_rank = np.array([SIZE_CODES.index(s) for s in organisations.codes["org_size"]])
    user_logit = np.array(
        [_centred_user_logit(t)[s] for t, s in zip(types, size_rank, strict=True)]
    )
    user_p = expit(user_logit)
    split = np.array([USER_SPLIT[t] for t in types])
    tilt = np.array(SIZE_ADVANCED_LOGIT)[size_rank]
    split = split * np.exp(np.column_stack([-tilt, np.zeros_like(tilt), tilt]))
    split /= split.sum(axis=1, keepdims=True)
    probs = np.column_stack([1 - user_p, user_p[:, None] * split])
    return draw_index(rng, probs)


def latent_of(organisations: Answers, profile: np.ndarray, codebook: Codebook) -> Latent:
    """Gather what the answer tables condition on."""
    purpose = codebook.question("purpose").codes
    population = codebook.question("population_band")
    local_gov = list(population.asked_if.codes) if population.asked_if else []
    ticks = organisations.ticks["purpose"]
    edtech = organisations.codes["org_type"] == EDTECH_CODE[1]
    return Latent(
        profile=profile,
        local_gov=np.isin(organisations.codes["org_type"].astype(str), local_gov),
        environmental=ticks[:, purpose.index(ENVIRONMENT_CODE[1])],
        education=ticks[:, purpose.index(EDUCATION_CODE[1])] | edtech,
        edtech=edtech,
    )


# ---------------------------------------------------------------- other answers
Modifier = Callable[[np.ndarray, list[str], Latent], np.ndarray]


def _tools_modifier(probs: np.ndarray, codes: list[str], latent: Latent) -> np.ndarray:
    out = probs.copy()
    out[latent.local_gov, codes.index("le_chat")] *= 1.8
    out[latent.edtech, codes.index("business")] *= 1.8
    return np.clip(out, 0, 0.97)


def _tasks_modifier(probs: np.ndarray, codes: list[str], latent: Latent) -> np.ndarray:
    out = probs.copy()
    out[latent.education & (latent.profile > SCEPTICAL), codes.index("personalised_learning")] += (
        0.3
    )
    return np.clip(out, 0, 0.97)


def _footprint_modifier(probs: np.ndarray, codes: list[str], latent: Latent) -> np.ndarray:
    out = probs.copy()
    out[latent.environmental, codes.index("always")] *= 2.0
    return out


MODIFIERS: dict[str, Modifier] = {
    "tools": _tools_modifier,
    "tasks": _tasks_modifier,
    "footprint_considered": _footprint_modifier,
}
"""Planted relationships beyond the profile: question id -> weight modifier."""


def draw_answers(
    rng: np.random.Generator, codebook: Codebook, latent: Latent, answers: Answers
) -> None:
    """Draw, in codebook order, every categorical answer not drawn yet.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random source.
    codebook : Codebook
        The questionnaire.
    latent : Latent
        Profiles and organisation traits, one per row.
    answers : Answers
        Filled in place; routing (``asked_if``) is applied as the questions come.
    """
    for question in codebook.questions:
        if not question.is_categorical or question.id in ORGANISATION_QUESTIONS:
            continue
        if question.role == "consent":
            continue
        noisy = replace(latent, profile=jitter_profiles(rng, latent.profile))
        if question.id == "barriers":
            answers.ticks[question.id] = draw_barriers(rng, question, noisy)
        elif question.type == "multiple":
            answers.ticks[question.id] = _draw_multiple(rng, question, noisy)
        elif question.type == "array":
            _draw_array(rng, question, noisy, answers)
        elif question.id == "respondent_role":
            answers.codes[question.id] = _draw_role(rng, question, noisy, answers)
        else:
            answers.codes[question.id] = _draw_single(rng, question, noisy)
        _apply_routing(question, answers)


def jitter_profiles(rng: np.random.Generator, profile: np.ndarray) -> np.ndarray:
    """Move some users to a neighbouring user profile (see ``PROFILE_NOISE``).

    Parameters
    ----------
    rng : numpy.random.Generator
        The random source.
    profile : numpy.ndarray
        Profile index per row.

    Returns
    -------
    numpy.ndarray
        A copy where each user moves one step (explorers <-> equipped <->
        advanced) with probability ``PROFILE_NOISE``; non-users and testers stay.
    """
    move = (profile > SCEPTICAL) & (rng.random(len(profile)) < PROFILE_NOISE)
    step = np.where(rng.random(len(profile)) < 0.5, -1, 1)
    step = np.where(profile == EXPLORERS, 1, np.where(profile == ADVANCED, -1, step))
    return np.where(move, profile + step, profile)


def _draw_single(rng: np.random.Generator, question: Question, latent: Latent) -> np.ndarray:
    codes = question.codes
    table = SINGLE.get(question.id, {})
    probs = _profile_matrix(table, codes, latent.profile, 1.0)
    if question.id in MODIFIERS:
        probs = MODIFIERS[question.id](probs, codes, latent)
    return np.array(codes, dtype=object)[draw_index(rng, probs)]


def _draw_role(
    rng: np.random.Generator, question: Question, latent: Latent, answers: Answers
) -> np.ndarray:
    association = answers.codes["org_type"] == "association"
    groups = np.where(
        latent.local_gov, "collectivite", np.where(association, "association", "other")
    )
    probs = np.array([[ROLE_BY_GROUP[g].get(c, 0.0) for c in question.codes] for g in groups])
    return np.array(question.codes, dtype=object)[draw_index(rng, probs)]


def _draw_multiple(rng: np.random.Generator, question: Question, latent: Latent) -> np.ndarray:
    codes = question.codes
    probs = _profile_matrix(MULTIPLE.get(question.id, {}), codes, latent.profile, UNIFORM_TICK)
    if question.id in MODIFIERS:
        probs = MODIFIERS[question.id](probs, codes, latent)
    # rows the routing will empty have zero weights: the tiny floor keeps them drawable
    return _ticks_at_least_one(rng, probs + 1e-9)


def draw_barriers(rng: np.random.Generator, question: Question, latent: Latent) -> np.ndarray:
    """Draw one to three barriers per row, without replacement, from weighted options.

    The environmental purpose multiplies the sobriety weight and education the
    families' weight; draws use the Gumbel top-k trick (weighted sampling
    without replacement, vectorised; ``Generator.choice`` draws one row at a time).

    Parameters
    ----------
    rng : numpy.random.Generator
        The random source.
    question : Question
        The barriers question.
    latent : Latent
        Profiles and organisation traits.

    Returns
    -------
    numpy.ndarray
        Boolean matrix (rows x options).
    """
    codes = question.codes
    weights = _profile_matrix(BARRIER_WEIGHTS, codes, latent.profile, 1.0)
    weights[latent.environmental, codes.index(SOBRIETY_CODE[1])] *= SOBRIETY_ENV_FACTOR
    weights[latent.education, codes.index(FAMILIES_CODE[1])] *= FAMILIES_EDU_FACTOR
    count = draw_index(rng, np.tile(BARRIER_COUNT, (len(weights), 1))) + 1
    return top_k(rng, weights, count)


def top_k(rng: np.random.Generator, weights: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Pick ``count[i]`` distinct columns of row ``i`` with probability growing with weight.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random source.
    weights : numpy.ndarray
        Positive weights (rows x options).
    count : numpy.ndarray
        How many options to pick per row.

    Returns
    -------
    numpy.ndarray
        Boolean matrix of the picked options.
    """
    keys = np.log(np.maximum(weights, 1e-12)) + rng.gumbel(size=weights.shape)
    rank = np.argsort(np.argsort(-keys, axis=1), axis=1)
    return rank < count[:, None]


def _draw_array(
    rng: np.random.Generator, question: Question, latent: Latent, answers: Answers
) -> None:
    n = len(latent.profile)
    for row in question.rows:
        p_yes = _profile_matrix(
            {"yes": STAGE_YES.get(row.id, (0.5,) * 4)}, ["yes"], latent.profile, 0.5
        )[:, 0]
        known = latent.profile >= 0
        regular = np.where(known, np.array(STAGE_REGULAR_SHARE)[latent.profile], 0.5)
        considered = np.where(known, np.array(STAGE_CONSIDERED_SHARE)[latent.profile], 0.5)
        probs = np.column_stack(
            [
                p_yes * regular,
                p_yes * (1 - regular),
                (1 - p_yes) * considered,
                (1 - p_yes) * (1 - considered),
            ]
        )
        levels = [code for code in STAGE_LEVELS if code in question.codes]
        if len(levels) != len(question.codes):
            levels = question.codes
            probs = np.full((n, len(levels)), 1.0)
        answers.codes[row.id] = np.array(levels, dtype=object)[draw_index(rng, probs)]


def _apply_routing(question: Question, answers: Answers) -> None:
    routing = question.asked_if
    if routing is None or routing.question not in answers.codes:
        return
    asked = _is_code(answers, routing.question, routing.codes)
    answers.clear(question, ~asked)
