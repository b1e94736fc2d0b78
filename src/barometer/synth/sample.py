"""Build a synthetic sample: answers as codes, the planted mess, the ground truth.

:func:`build_sample` draws every row of an export in a fixed order from one
:class:`numpy.random.Generator`, so the same seed always gives the same rows.
Rendering the rows as a survey tool would export them is
:mod:`barometer.synth.export`'s job.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from barometer.codebook import Codebook, Question
from barometer.synth import text
from barometer.synth.model import (
    Answers,
    check_model,
    draw_answers,
    draw_index,
    draw_organisations,
    draw_profiles,
    latent_of,
    top_k,
)
from barometer.synth.params import NO_PROFILE, ORGANISATION_QUESTIONS, PROFILES, SCEPTICAL


@dataclass(frozen=True)
class MessRates:
    """Target rates of the planted mess (share of export rows unless stated)."""

    test: float = 0.015
    duplicate: float = 0.03
    """Share of rows that are the earlier, superseded submission of a pair."""
    abandoned: float = 0.06
    consent_refused: float = 0.02
    region_variant: float = 0.25
    """Share of region answers written as an alias or with case and space noise."""
    region_unknown: float = 0.005
    case_space: float = 0.05
    """Share of the other label cells with stray spaces or changed case."""
    other_text_missing_v1: float = 0.10
    """Share of "Autre" ticks left without free text (LimeSurvey only)."""
    too_many_barriers: float = 0.04
    routing_contradiction: float = 0.03
    contact_email: float = 0.45
    """Share of rows reaching the end that leave a contact e-mail."""
    org_name: float = 0.55
    testimony: float = 0.40
    """Share of complete rows that write at least one testimony."""
    testimony_email: float = 0.10
    """Share of testimony writers who put an e-mail in it."""
    testimony_phone: float = 0.08
    testimony_name: float = 0.08
    testimony_org_name: float = 0.15
    """Share of writers who gave their organisation's name and repeat it."""


MESS = MessRates()

UNKNOWN_REGIONS: tuple[str, ...] = (
    "Bretagne du Sud",
    "Nord-Est",
    "Savoie",
    "France entière",
    "Plusieurs régions",
    "Europe",
    "Sud-Ouest",
)
"""Region answers no label nor alias matches: cleaning must flag them, never guess."""

TESTIMONY_SHARES: tuple[float, ...] = (0.6, 0.55, 0.45)
"""Among writers, chance of answering each testimony question (use, worries, needs)."""

_NON_ALNUM = re.compile(r"[^a-z0-9]+")

STATUSES: tuple[str, ...] = ("complete", "test", "consent_refused", "abandoned")
COMPLETE, TEST, REFUSED, ABANDONED = range(4)


@dataclass
class Sample:
    """Every row of a synthetic export, in export order, before rendering."""

    codebook: Codebook
    answers: Answers
    profile: np.ndarray
    status: np.ndarray
    response_id: np.ndarray
    started: np.ndarray
    submitted: np.ndarray
    """Submission times (``NaT`` for an abandoned LimeSurvey answer)."""
    last_page: np.ndarray
    ip_address: np.ndarray
    email: np.ndarray
    org_name: np.ndarray
    texts: dict[str, np.ndarray]
    region_text: np.ndarray
    """The region cell as written (None: the plain label)."""
    mess_cells: dict[str, np.ndarray]
    """Variable -> the messed cell text (None: the plain label)."""
    flags: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n(self) -> int:
        """Number of rows."""
        return len(self.status)

    def truth(self) -> pd.DataFrame:
        """Return the ground truth: one row per export row, no identifier.

        Columns: ``response_id`` (the export's id), ``profile`` (latent usage
        profile, NA for a test submission), then the planted mess: ``is_test``,
        ``duplicate_group`` (pair number, NA outside pairs), ``is_superseded``
        (the earlier of a pair: drop it, keep the later), ``abandoned``,
        ``consent_refused``, ``region_variant``, ``region_unknown``,
        ``case_space_mess`` and ``case_space_cells`` (how many label cells),
        ``other_text``, ``too_many_barriers``, ``routing_contradiction``,
        ``has_testimony``, ``testimony_has_email``, ``testimony_has_phone``,
        ``testimony_has_name``, ``testimony_has_org_name``,
        ``has_contact_email``, ``has_org_name``.  Every flag is derived from the
        final rows and agrees with the export (see tests/test_synth.py).
        """
        profile = pd.array([PROFILES[p] if p >= 0 else pd.NA for p in self.profile], dtype="string")
        frame = pd.DataFrame({"response_id": self.response_id.astype("int64"), "profile": profile})
        for name, values in self.flags.items():
            frame[name] = values
        return frame


def fieldwork(wave: str) -> tuple[dt.date, dt.date]:
    """Return the fieldwork of a wave: first Monday of March to April 30 of its year.

    Examples
    --------
    >>> fieldwork("2026")
    (datetime.date(2026, 3, 2), datetime.date(2026, 4, 30))
    """
    year = int(wave[:4])
    first = dt.date(year, 3, 1)
    start = first + dt.timedelta(days=(7 - first.weekday()) % 7)
    return start, dt.date(year, 4, 30)


def build_sample(rng: np.random.Generator, n: int, codebook: Codebook, wave: str) -> Sample:
    """Draw ``n`` export rows: answers, mess, identifiers, testimonies, timestamps.

    Parameters
    ----------
    rng : numpy.random.Generator
        The only random source.
    n : int
        Number of export rows.
    codebook : Codebook
        The questionnaire.
    wave : str
        The wave id (its first four characters are the year).

    Returns
    -------
    Sample
        The rows in export order, with their ground-truth flags.
    """
    check_model(codebook)
    forms = codebook.export_format == "forms_xlsx"
    n_dup = min(int(rng.binomial(n, MESS.duplicate)), n // 4)
    n_base = n - n_dup
    base_status = draw_index(
        rng,
        np.tile(
            [
                1 - MESS.test - MESS.consent_refused - MESS.abandoned,
                MESS.test,
                MESS.consent_refused,
                MESS.abandoned,
            ],
            (n_base, 1),
        ),
    )
    organisations = draw_organisations(rng, n_base, codebook)
    base_profile = draw_profiles(rng, organisations)
    base_profile[base_status == TEST] = NO_PROFILE
    complete = np.flatnonzero(base_status == COMPLETE)
    originals = np.sort(rng.choice(complete, size=min(n_dup, len(complete)), replace=False))
    source = np.concatenate([np.arange(n_base), originals])
    is_copy = np.arange(len(source)) >= n_base

    answers = _expand(organisations, source)
    profile = base_profile[source]
    status = base_status[source]
    latent = latent_of(answers, profile, codebook)
    consent = codebook.by_role("consent")
    answers.codes[consent.id] = np.where(
        status == REFUSED, consent.codes[1], consent.codes[0]
    ).astype(object)
    draw_answers(rng, codebook, latent, answers)
    _draw_other_texts(rng, codebook, answers, forms)
    _plant_contradictions(rng, codebook, answers, status)
    _plant_too_many(rng, codebook, answers, status)
    last_page = _truncate(rng, codebook, answers, status, forms)

    org, email = _identifiers(rng, codebook, answers, status, source, is_copy, originals, n_base)
    texts, text_flags = _testimonies(rng, codebook, status, profile, org)
    started, submitted = _timestamps(rng, wave, status, source, is_copy, forms)
    region_text, region_flags = _region_mess(rng, codebook, answers)
    mess_cells = _case_space_mess(rng, codebook, answers, forms)
    ip = _ip_addresses(rng, len(source))

    order = np.argsort(started if not forms else submitted, kind="stable")
    gaps = 1 + (rng.random(len(order)) < 0.05).astype(int)
    response_id = np.cumsum(gaps)
    sample = Sample(
        codebook=codebook,
        answers=_reorder_answers(answers, order),
        profile=profile[order],
        status=status[order],
        response_id=response_id,
        started=started[order],
        submitted=submitted[order],
        last_page=last_page[order],
        ip_address=ip[order],
        email=email[order],
        org_name=org[order],
        texts={k: v[order] for k, v in texts.items()},
        region_text=region_text[order],
        mess_cells={k: v[order] for k, v in mess_cells.items()},
    )
    sample.flags = _flags(sample, source[order], is_copy[order], text_flags, region_flags, order)
    return sample


# ---------------------------------------------------------------- structure
def _expand(organisations: Answers, source: np.ndarray) -> Answers:
    """Give each row (duplicates included) the answers of its organisation."""
    out = Answers(len(source))
    for qid in ORGANISATION_QUESTIONS:
        if qid in organisations.codes:
            out.codes[qid] = organisations.codes[qid][source].copy()
        if qid in organisations.ticks:
            out.ticks[qid] = organisations.ticks[qid][source].copy()
    return out


def _reorder_answers(answers: Answers, order: np.ndarray) -> Answers:
    out = Answers(answers.n)
    out.codes = {k: v[order] for k, v in answers.codes.items()}
    out.ticks = {k: v[order] for k, v in answers.ticks.items()}
    out.other = {k: v[order] for k, v in answers.other.items()}
    return out


def _users_question(codebook: Codebook) -> Question:
    """Return the question whose routing defines AI users (the tools question)."""
    tools = codebook.question("tools")
    if tools.asked_if is None:
        raise ValueError(f"codebook {codebook.version}: 'tools' has no routing (asked_if)")
    return tools


# ---------------------------------------------------------------- answers
def _draw_other_texts(
    rng: np.random.Generator, codebook: Codebook, answers: Answers, forms: bool
) -> None:
    """Give each "Autre" answer its free text (LimeSurvey: sometimes left empty)."""
    for question in codebook.questions:
        if question.other is None:
            continue
        if question.type == "multiple":
            chosen = answers.ticks[question.id][:, question.codes.index(question.other.code)]
        else:
            chosen = answers.codes[question.id] == question.other.code
        pool = text.OTHER_TEXTS.get(question.id, ("Autre réponse",))
        values = np.full(answers.n, None, dtype=object)
        for i in np.flatnonzero(chosen):
            values[i] = text.pick(rng, pool)
        if not forms:
            values[chosen & (rng.random(answers.n) < MESS.other_text_missing_v1)] = None
        answers.other[question.id] = values


def _plant_contradictions(
    rng: np.random.Generator, codebook: Codebook, answers: Answers, status: np.ndarray
) -> None:
    """Tick tools for some respondents who say they do not consider AI."""
    tools = _users_question(codebook)
    eligible = (status == COMPLETE) & (answers.codes["ai_status"] == "not_considered")
    if not eligible.any():
        return
    p = min(1.0, MESS.routing_contradiction * answers.n / eligible.sum())
    chosen = np.flatnonzero(eligible & (rng.random(answers.n) < p))
    ticks = answers.ticks[tools.id]
    chatgpt = tools.codes.index("chatgpt")
    for i in chosen:
        if rng.random() < 0.8:
            ticks[i, chatgpt] = True
        ticks[i, int(rng.integers(len(tools.codes) - 1))] = True


def _plant_too_many(
    rng: np.random.Generator, codebook: Codebook, answers: Answers, status: np.ndarray
) -> None:
    """Tick four to six barriers for some respondents (the limit is three)."""
    barriers = codebook.question("barriers")
    limit = barriers.max_choices or 3
    ticks = answers.ticks[barriers.id]
    complete = status == COMPLETE
    rate = min(1.0, MESS.too_many_barriers * answers.n / max(complete.sum(), 1))
    chosen = complete & (rng.random(answers.n) < rate)
    if not chosen.any():
        return
    current = ticks[chosen]
    target = rng.integers(limit + 1, limit + 4, size=len(current))
    extra = np.maximum(target - current.sum(axis=1), 0)
    added = top_k(rng, np.where(current, 1e-12, 1.0), extra) & ~current
    ticks[chosen] = current | added


def _pages(codebook: Codebook) -> dict[str, int]:
    """Return the page of each question: sections A.. spread over the completion pages."""
    sections = sorted({q.section for q in codebook.questions if q.section and q.section != "0"})
    n_pages = codebook.completion_pages or len(sections)
    pages: dict[str, int] = {}
    for q in codebook.questions:
        if q.section in sections:
            pages[q.id] = 1 + (sections.index(q.section) * n_pages) // len(sections)
        elif q.type in ("metadata",):
            continue
        elif q.section == "0":
            pages[q.id] = 1
        else:  # contact e-mail, organisation name: asked at the end
            pages[q.id] = n_pages
    return pages


def _truncate(
    rng: np.random.Generator,
    codebook: Codebook,
    answers: Answers,
    status: np.ndarray,
    forms: bool,
) -> np.ndarray:
    """Empty what abandoned and refusing respondents never answered; return the last page."""
    pages = _pages(codebook)
    n_pages = max(pages.values())
    last_page = np.full(answers.n, n_pages)
    abandoned = status == ABANDONED
    last_page[abandoned] = rng.choice(np.arange(1, n_pages - 2), size=abandoned.sum())
    last_page[status == REFUSED] = 1
    substantive = [q for q in codebook.questions if q.is_categorical and q.role != "consent"]
    # forms keep no partial answers page by page: an abandoned row answers a few first questions
    kept_first = rng.integers(1, 5, size=answers.n)
    for rank, question in enumerate(substantive):
        if forms:
            drop = (abandoned & (rank >= kept_first)) | (status == REFUSED)
        else:
            drop = (status == REFUSED) | (abandoned & (pages[question.id] > last_page))
        answers.clear(question, drop)
    return last_page


# ---------------------------------------------------------------- identifiers and text
def _org_group(code: str, codebook: Codebook) -> str:
    local_gov = codebook.question("population_band").asked_if
    if local_gov and code in local_gov.codes and code not in ("commune", "epci"):
        return "regional"
    return code


def _key(value: str) -> str:
    """Fold a name or address to lower-case ASCII letters and digits.

    Coarser than :func:`barometer.codebook.normalise_label` (which keeps some
    punctuation), so two values it tells apart are told apart by any finder of
    duplicates that folds accents, case, spaces and punctuation.
    """
    folded = unicodedata.normalize("NFKD", value.casefold()).encode("ascii", "ignore")
    return _NON_ALNUM.sub("", folded.decode("ascii"))


def _unique(
    rng: np.random.Generator, make: Callable[[np.random.Generator, int], str], taken: set[str]
) -> str:
    """Draw ``make(rng, attempt)`` until the value is new once folded by :func:`_key`.

    ``make`` widens its choice as ``attempt`` grows (a place, a number), so the
    loop ends quickly even when the plain names are used up.
    """
    attempt = 0
    while True:
        value = make(rng, attempt)
        key = _key(value)
        if key not in taken:
            taken.add(key)
            return value
        attempt += 1


def _identifiers(
    rng: np.random.Generator,
    codebook: Codebook,
    answers: Answers,
    status: np.ndarray,
    source: np.ndarray,
    is_copy: np.ndarray,
    originals: np.ndarray,
    n_base: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw organisation names and contact e-mails; duplicates reuse them with noise."""
    n = len(source)
    org = np.full(n, None, dtype=object)
    email = np.full(n, None, dtype=object)
    reach_end = status == COMPLETE
    has_email = reach_end & (rng.random(n) < MESS.contact_email)
    has_org = reach_end & (rng.random(n) < MESS.org_name)
    first_of_pair = np.isin(np.arange(n), originals) & ~is_copy
    has_org |= first_of_pair & ~has_email  # a pair must share at least one identifier
    taken_org: set[str] = {_key(name) for name in text.TEST_ORG_NAMES}
    taken_email: set[str] = {_key(address) for address in text.TEST_EMAILS}
    types = answers.codes["org_type"]
    for i in range(n_base):
        if status[i] == TEST:
            org[i] = text.pick(rng, text.TEST_ORG_NAMES) if rng.random() < 0.8 else None
            if org[i] is None or rng.random() < 0.5:
                email[i] = text.pick(rng, text.TEST_EMAILS)
            continue
        group = _org_group(str(types[i]), codebook)
        if has_org[i]:
            org[i] = _unique(
                rng, lambda r, a, g=group: text.organisation_name(r, g, attempt=a), taken_org
            )
        if has_email[i]:
            first, last = text.person_name(rng)
            email[i] = _unique(
                rng,
                lambda r, a, f=first, la=last, o=org[i]: text.contact_email(r, f, la, o, attempt=a),
                taken_email,
            )
    for i in np.flatnonzero(is_copy):
        j = source[i]
        org[i] = None if org[j] is None else text.case_space_variant(rng, org[j])
        email[i] = None if email[j] is None else _email_variant(rng, email[j])
    return org, email


def _email_variant(rng: np.random.Generator, email: str) -> str:
    """Return the same address with changed case or stray spaces."""
    kind = int(rng.integers(3))
    if kind == 0:
        return email.upper()
    if kind == 1:
        local, domain = email.split("@")
        return f"{local.title()}@{domain}"
    return f" {email} "


def _testimonies(
    rng: np.random.Generator,
    codebook: Codebook,
    status: np.ndarray,
    profile: np.ndarray,
    org: np.ndarray,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Write the free-text testimonies, some holding an e-mail, a phone or a name."""
    questions = [q for q in codebook.questions if q.role == "testimony"]
    n = len(status)
    texts = {q.id: np.full(n, None, dtype=object) for q in questions}
    flag_names = ("has_testimony", "testimony_has_email", "testimony_has_phone")
    flags = {k: np.zeros(n, dtype=bool) for k in (*flag_names, "testimony_has_name")}
    flags["testimony_has_org_name"] = np.zeros(n, dtype=bool)
    if not questions:
        return texts, flags
    pools = [_pool(i) for i in range(len(questions))]
    writes = (status == COMPLETE) & (rng.random(n) < MESS.testimony)
    for i in np.flatnonzero(status == TEST):
        if rng.random() < 0.3:
            texts[questions[0].id][i] = text.pick(rng, text.TEST_TESTIMONIES)
            flags["has_testimony"][i] = True
    for i in np.flatnonzero(writes):
        which = rng.random(len(questions)) < np.resize(TESTIMONY_SHARES, len(questions))
        if not which.any():
            which[int(rng.integers(len(questions)))] = True
        written: list[int] = []
        for k in np.flatnonzero(which):
            non_user = profile[i] == SCEPTICAL and k == 0
            pool = text.NON_USE_SENTENCES if non_user else pools[k]
            count = 1 if non_user else 1 + int(rng.random() < 0.35)
            sentences = [text.pick(rng, pool) for _ in range(count)]
            joiner = "\n" if rng.random() < 0.3 else " "
            texts[questions[k].id][i] = joiner.join(dict.fromkeys(sentences))
            written.append(k)
        flags["has_testimony"][i] = True
        _insert_details(rng, texts, questions, written, i, org[i], flags)
    return texts, flags


def _pool(index: int) -> tuple[str, ...]:
    """Sentences for the ``index``-th testimony question (use, worries, needs)."""
    return (text.USE_SENTENCES, text.CONCERN_SENTENCES, text.NEEDS_SENTENCES)[min(index, 2)]


def _insert_details(
    rng: np.random.Generator,
    texts: dict[str, np.ndarray],
    questions: list[Question],
    written: list[int],
    i: int,
    org: str | None,
    flags: dict[str, np.ndarray],
) -> None:
    """Add an e-mail, a phone number, a person's name or the organisation's name."""

    def append(sentence: str) -> None:
        qid = questions[written[int(rng.integers(len(written)))]].id
        texts[qid][i] = f"{texts[qid][i]} {sentence}"

    if rng.random() < MESS.testimony_email:
        first, last = text.person_name(rng)
        address = f"{text.ascii_slug(f'{first} {last}')}@{text.TESTIMONY_EMAIL_DOMAIN}"
        append(text.pick(rng, text.EMAIL_SENTENCES).format(email=address))
        flags["testimony_has_email"][i] = True
    if rng.random() < MESS.testimony_phone:
        append(text.pick(rng, text.PHONE_SENTENCES).format(phone=text.fiction_phone(rng)))
        flags["testimony_has_phone"][i] = True
    if rng.random() < MESS.testimony_name:
        first, last = text.person_name(rng)
        append(text.pick(rng, text.NAME_SENTENCES).format(name=f"{first} {last}"))
        flags["testimony_has_name"][i] = True
    if org is not None and rng.random() < MESS.testimony_org_name:
        k = written[0]
        current = texts[questions[k].id][i]
        template = text.pick(rng, text.ORG_SENTENCES[min(k, len(text.ORG_SENTENCES) - 1)])
        texts[questions[k].id][i] = template.format(
            org=org.strip(), sentence=current, lowered=current[0].lower() + current[1:]
        )
        flags["testimony_has_org_name"][i] = True


def _timestamps(
    rng: np.random.Generator,
    wave: str,
    status: np.ndarray,
    source: np.ndarray,
    is_copy: np.ndarray,
    forms: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw start and submission times: launch peak, reminder peak, steady trickle."""
    start, end = fieldwork(wave)
    n = len(status)
    n_days = (end - start).days + 1
    component = draw_index(rng, np.tile([0.45, 0.25, 0.30], (n, 1)))
    day = np.select(
        [component == 0, component == 1],
        [rng.exponential(6.0, n), 28 + rng.exponential(4.0, n)],
        rng.uniform(0, n_days, n),
    )
    day = np.clip(day, 0, n_days - 1).astype(int)
    originals = np.unique(source[is_copy])
    day[originals] = np.minimum(day[originals], int(0.6 * n_days))
    seconds = np.clip(rng.normal(13.5, 3.0, n), 7.5, 22.5) * 3600
    base = np.datetime64(start.isoformat(), "s")
    started = base + (day * 86400 + seconds.astype(int)).astype("timedelta64[s]")
    minutes = np.clip(rng.lognormal(np.log(14), 0.5, n), 3, 120)
    minutes[status == REFUSED] = rng.uniform(0.3, 2, (status == REFUSED).sum())
    minutes[status == ABANDONED] = rng.uniform(1, 8, (status == ABANDONED).sum())
    submitted = started + (minutes * 60).astype(int).astype("timedelta64[s]")
    last = np.datetime64(end.isoformat(), "s") + np.timedelta64(86399 - 3 * 3600, "s")
    for i in np.flatnonzero(is_copy):
        delay = int(rng.uniform(1, 20) * 86400)
        started[i] = min(submitted[source[i]] + np.timedelta64(delay, "s"), last)
        submitted[i] = started[i] + np.timedelta64(int(minutes[i] * 60), "s")
    if not forms:
        submitted[status == ABANDONED] = np.datetime64("NaT")
    return started, submitted


def _ip_addresses(rng: np.random.Generator, n: int) -> np.ndarray:
    """Return addresses from the RFC 5737 documentation ranges only."""
    prefixes = np.array(["192.0.2", "198.51.100", "203.0.113"], dtype=object)
    hosts = rng.integers(1, 255, size=n)
    return np.array(
        [f"{p}.{h}" for p, h in zip(prefixes[rng.integers(3, size=n)], hosts, strict=True)],
        dtype=object,
    )


# ---------------------------------------------------------------- cell-level mess
def _region_mess(
    rng: np.random.Generator, codebook: Codebook, answers: Answers
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Write some regions as aliases or with noise, and a few as unknown places."""
    question = codebook.question("region")
    unknown_pool = [u for u in UNKNOWN_REGIONS if codebook.resolve(question.id, u) is None]
    codes = answers.codes[question.id]
    out = np.full(answers.n, None, dtype=object)
    variant = np.zeros(answers.n, dtype=bool)
    unknown = np.zeros(answers.n, dtype=bool)
    u = rng.random(answers.n)
    for i in np.flatnonzero(codes != None):  # noqa: E711
        if u[i] < MESS.region_unknown and unknown_pool:
            out[i] = text.pick(rng, unknown_pool)
            unknown[i] = True
        elif u[i] < MESS.region_unknown + MESS.region_variant:
            option = question.option(codes[i])
            written = text.pick(rng, (option.label, *option.aliases))
            if written == option.label or rng.random() < 0.4:
                written = text.case_space_variant(rng, written)
            if codebook.resolve(question.id, written) != option.code:  # pragma: no cover
                written = f" {option.label} "
            out[i] = written
            variant[i] = True
    return out, {"region_variant": variant, "region_unknown": unknown}


def _mess_variables(codebook: Codebook) -> list[tuple[Question, str]]:
    """Return the (question, variable) label cells open to case and space noise."""
    out: list[tuple[Question, str]] = []
    for q in codebook.substantive:
        if q.id == "region" or q.type not in ("single", "scale", "array"):
            continue
        variables = [row.id for row in q.rows] if q.type == "array" else [q.id]
        out.extend((q, v) for v in variables)
    return out


def _case_space_mess(
    rng: np.random.Generator, codebook: Codebook, answers: Answers, forms: bool
) -> dict[str, np.ndarray]:
    """Pick ~5 % of label cells and write them with stray spaces or changed case."""
    out: dict[str, np.ndarray] = {}
    for question, variable in _mess_variables(codebook):
        codes = answers.codes[variable]
        cells = np.full(answers.n, None, dtype=object)
        filled = codes != None  # noqa: E711
        if question.other is not None and forms:
            filled &= codes != question.other.code  # the cell holds free text
        for i in np.flatnonzero(filled & (rng.random(answers.n) < MESS.case_space)):
            plain = codes[i] if question.type == "scale" else question.label(codes[i])
            cells[i] = text.case_space_variant(rng, plain)
        out[variable] = cells
    return out


# ---------------------------------------------------------------- ground truth
def _flags(
    sample: Sample,
    source: np.ndarray,
    is_copy: np.ndarray,
    text_flags: dict[str, np.ndarray],
    region_flags: dict[str, np.ndarray],
    order: np.ndarray,
) -> dict[str, np.ndarray]:
    """Derive every ground-truth flag from the final rows (so truth matches the file)."""
    codebook, answers, n = sample.codebook, sample.answers, sample.n
    group = np.full(n, 0, dtype=int)
    superseded = np.zeros(n, dtype=bool)
    pairs = [np.flatnonzero(source == s) for s in np.unique(source[is_copy])]
    pairs.sort(key=lambda rows: rows.min())
    for number, rows in enumerate(pairs, start=1):
        group[rows] = number
        superseded[rows.min()] = True  # rows are in time order: the earlier is superseded
    barriers = codebook.question("barriers")
    other = np.zeros(n, dtype=bool)
    for values in answers.other.values():
        other |= values != None  # noqa: E711
    contradiction = np.zeros(n, dtype=bool)
    for question in codebook.questions:
        routing = question.asked_if
        if routing is not None and routing.question in answers.codes:
            asked = np.isin(answers.codes[routing.question].astype(str), list(routing.codes))
            contradiction |= answers.answered(question) & ~asked
    cells = np.zeros(n, dtype=int)
    for values in sample.mess_cells.values():
        cells += values != None  # noqa: E711
    return {
        "is_test": sample.status == TEST,
        "duplicate_group": pd.array([g if g > 0 else pd.NA for g in group], dtype="Int64"),
        "is_superseded": superseded,
        "abandoned": sample.status == ABANDONED,
        "consent_refused": sample.status == REFUSED,
        "region_variant": region_flags["region_variant"][order],
        "region_unknown": region_flags["region_unknown"][order],
        "case_space_mess": cells > 0,
        "case_space_cells": cells,
        "other_text": other,
        "too_many_barriers": answers.ticks[barriers.id].sum(axis=1) > (barriers.max_choices or 3),
        "routing_contradiction": contradiction,
        **{k: v[order] for k, v in text_flags.items()},
        "has_contact_email": sample.email != None,  # noqa: E711
        "has_org_name": sample.org_name != None,  # noqa: E711
    }
