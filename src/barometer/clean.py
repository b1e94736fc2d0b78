"""Clean a raw export into the respondents table, a quarantine and a log.

Everything is driven by the codebook: which column holds which question,
which labels and aliases an answer may take, who is asked what (routing),
how many choices a question allows.  The rules, applied in this order:

Rows set aside (quarantined with a reason, never deleted):

1. ``consent_refused`` / ``consent_missing``: consent to processing refused,
   empty or not a known answer;
2. ``test``: a test submission (organisation name, e-mail or testimony
   matching one of ``test_patterns``);
3. ``abandoned``: not submitted, or completion below ``min_completion``
   (v1: last page reached / ``codebook.completion_pages``; v2, or when the
   last page is missing: share of the questions asked of everyone that are
   answered);
4. ``unknown_answer`` / ``too_many_choices``: only when ``unknown_answers:
   quarantine`` or a question says ``on_too_many: quarantine``;
5. ``duplicate``: rows sharing a normalised e-mail, organisation name or
   response id (``duplicate_keys``) form one group, of which the latest
   submission is kept (the later row on ties); the earlier ones are
   quarantined.

Answers corrected, flagged and counted, never guessed:

* labels matched through the codebook's labels and aliases after
  normalisation (accents, case, spaces: "IDF", " ile de france ");
* forms exports: a multiple answer cell is split knowing the labels (the
  longest labels first, as a label may hold ", "); text left over is the
  "Autre" free text when the question has one, otherwise an unknown answer;
* "Autre" free text kept in ``<qid>__other_text``;
* answers to a question the respondent was not asked (routing) are cleared
  (``on_contradiction: clear``) or kept (``keep``), and flagged;
* more than ``max_choices`` choices: flagged (``on_too_many: flag``), never cut;
* unknown answers: set missing and flagged (``unknown_answers: missing``).

Configuration (``cleaning:`` block of ``wave.yaml``, all keys optional):

``test_patterns``
    Regular expressions (searched, case-insensitive) in the trimmed
    organisation name, e-mail and testimonies; default :data:`DEFAULT_TEST_PATTERNS`.
``min_completion``
    Completion below which an answer is abandoned; default the codebook's
    ``completion.min_share``.
``require_submitted``
    Treat a row without submission date as abandoned (default true).
``duplicate_keys``
    Roles whose normalised value identifies one organisation; default
    ``[email, org_name, response_id]``; ``[]`` disables de-duplication.
``unknown_answers``
    ``missing`` (default) or ``quarantine``.

Pseudonyms are privacy's job: :func:`clean_wave` accepts a ``pseudonymise``
function (key → pseudonym) and otherwise leaves ``respondent_id`` empty; the
private :attr:`CleanResult.identities` frame carries what the pseudonym and
the scrubbing need and must never be written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from barometer.codebook import Codebook, Question, multiple_variable, normalise_label

SOURCE_ROW = "source_row"
FLAGS: tuple[str, ...] = (
    "flag_routing_contradiction",
    "flag_too_many_choices",
    "flag_unknown_answer",
)
DEFAULT_TEST_PATTERNS: tuple[str, ...] = (
    r"^(?:(?:asso|association|orga|organisation|structure)\s+)?"
    r"(?:test|tests|testing|essai|essais)(?:\s+\S+)?[\s.!]*$",
    r"^(?:test|tests|essai|toto)\d*@",
    r"^(?:a{3,}|x{3,}|azerty|qwerty|asdf|toto|ceci est un test)[\s.!]*$",
)
"""Default test patterns, searched case-insensitively in the trimmed organisation name,
e-mail and testimonies: "test", "TEST asso", "asso test", "Test AI4Impact", "essai",
test@… or toto@… e-mails, "aaa"-style keyboard filler."""

REASONS: dict[str, str] = {
    "consent_refused": "Consentement refusé",
    "consent_missing": "Consentement absent ou illisible",
    "test": "Réponse de test",
    "abandoned": "Réponse abandonnée ou incomplète",
    "unknown_answer": "Réponse hors du questionnaire",
    "too_many_choices": "Trop de choix cochés",
    "duplicate": "Doublon : réponse antérieure de la même organisation",
}
"""Quarantine reason codes and their French labels, in the order rules apply."""

RULES: dict[str, str] = {
    **REASONS,
    "label_variant": "Libellé variant ramené au libellé du questionnaire",
    "other_text": "Texte libre « Autre » conservé",
    "routing_contradiction": "Réponse à une question non posée (filtre)",
}
"""Every rule counted in the log, with its French label."""

_FIELD_LABELS = {
    "email": "adresse électronique",
    "org_name": "nom de l'organisation",
    "response_id": "identifiant de réponse",
    "testimony": "témoignage",
}
_UNKNOWN_MODES = ("missing", "quarantine")
_CONFIG_KEYS = {
    "test_patterns",
    "min_completion",
    "require_submitted",
    "duplicate_keys",
    "unknown_answers",
}
_DUPLICATE_ROLES = ("email", "org_name", "response_id")
_EXTRA_CHECKED = ("y", "yes", "x", "1")
_UNCHECKED = ("n", "no", "non", "0")


# ---------------------------------------------------------------- configuration
@dataclass(frozen=True)
class CleaningConfig:
    """The cleaning rules of a wave (see the module docstring for each key)."""

    test_patterns: tuple[str, ...] = DEFAULT_TEST_PATTERNS
    min_completion: float | None = None
    require_submitted: bool = True
    duplicate_keys: tuple[str, ...] = ("email", "org_name", "response_id")
    unknown_answers: str = "missing"

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any] | None) -> CleaningConfig:
        """Build and check a configuration from a ``cleaning:`` block.

        Parameters
        ----------
        mapping : dict or None
            The block; missing keys take their defaults.

        Returns
        -------
        CleaningConfig
            The checked configuration.

        Raises
        ------
        ValueError
            On an unknown key or an invalid value, naming it.

        Examples
        --------
        >>> CleaningConfig.from_mapping({"unknown_answers": "quarantine"}).unknown_answers
        'quarantine'
        """
        data = dict(mapping or {})
        unknown = sorted(set(data) - _CONFIG_KEYS)
        if unknown:
            raise ValueError(
                f"cleaning: unknown key(s) {', '.join(unknown)}; known: {sorted(_CONFIG_KEYS)}"
            )
        patterns = tuple(str(p) for p in data.get("test_patterns", DEFAULT_TEST_PATTERNS))
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(
                    f"cleaning: test_patterns: {pattern!r} is invalid ({exc})"
                ) from None
        share = data.get("min_completion")
        if share is not None and not (isinstance(share, int | float) and 0 <= share <= 1):
            raise ValueError(f"cleaning: min_completion must be between 0 and 1, not {share!r}")
        keys = tuple(str(k) for k in data.get("duplicate_keys", cls.duplicate_keys))
        bad = [k for k in keys if k not in _DUPLICATE_ROLES]
        if bad:
            raise ValueError(
                f"cleaning: duplicate_keys {bad} unknown; choose among {list(_DUPLICATE_ROLES)}"
            )
        mode = str(data.get("unknown_answers", "missing"))
        if mode not in _UNKNOWN_MODES:
            raise ValueError(f"cleaning: unknown_answers must be one of {_UNKNOWN_MODES}")
        return cls(
            test_patterns=patterns,
            min_completion=None if share is None else float(share),
            require_submitted=bool(data.get("require_submitted", True)),
            duplicate_keys=keys,
            unknown_answers=mode,
        )


# --------------------------------------------------------------------- results
@dataclass
class CleaningLog:
    """What cleaning did: counts by reason and by rule, and the flow of rows.

    ``rows_in == rows_kept + rows_quarantined`` always holds.  ``rules``
    counts the rows each rule touched: for quarantine reasons, the rows set
    aside; for answer rules (label variants, "Autre" text, routing, too many
    choices, unknown answers), the kept respondents concerned.
    """

    wave: str
    codebook: str
    rows_in: int
    rows_kept: int
    rows_quarantined: int
    by_reason: dict[str, int]
    rules: dict[str, int]
    by_question: dict[str, dict[str, int]]
    flow: list[dict[str, Any]]
    config: dict[str, Any] = field(default_factory=dict)
    unparsed_dates: int = 0

    def __post_init__(self) -> None:
        if self.rows_in != self.rows_kept + self.rows_quarantined:
            raise RuntimeError(
                f"cleaning log does not balance: {self.rows_in} rows in, {self.rows_kept} kept, "
                f"{self.rows_quarantined} quarantined"
            )
        if sum(self.by_reason.values()) != self.rows_quarantined:
            raise RuntimeError("cleaning log: quarantine reasons do not add up")

    def to_dict(self) -> dict[str, Any]:
        """Return the log as plain JSON-ready data."""
        return asdict(self)

    def table(self) -> pd.DataFrame:
        """Return one row per rule: code, French label, rows touched.

        Examples
        --------
        >>> log = CleaningLog("2025", "v1", 2, 1, 1, {"test": 1}, {"test": 1}, {}, [])
        >>> log.table().set_index("code").loc["test", "règle"]
        'Réponse de test'
        """
        rows = [
            {"code": code, "règle": label, "lignes": int(self.rules.get(code, 0))}
            for code, label in RULES.items()
        ]
        return pd.DataFrame(rows)

    def flow_table(self) -> pd.DataFrame:
        """Return the flow of rows: rows in, each quarantine rule, rows kept."""
        return pd.DataFrame(self.flow)


@dataclass
class CleanResult:
    """The outputs of :func:`clean_wave`.

    Attributes
    ----------
    respondents : pandas.DataFrame
        One row per kept respondent (index ``source_row``), as the project's
        conventions describe; ``weight`` is NaN until weighting.
    quarantine : pandas.DataFrame
        ``source_row``, ``respondent_id``, ``reason``, ``reason_label``, ``detail``.
    log : CleaningLog
        Counts by reason and rule.
    testimonies : pandas.DataFrame
        ``source_row``, ``respondent_id``, ``question``, ``text`` (NOT yet
        scrubbed), ``publish_consent``: kept respondents only.
    identities : pandas.DataFrame
        PRIVATE, every input row (index ``source_row``): ``pseudonym_key``,
        ``org_name``, ``email``.  Never written.
    findings : pandas.DataFrame
        PRIVATE, every cell-level problem on every input row: ``source_row``,
        ``question``, ``column``, ``problem``, ``value`` (raw).  For
        validation reports; never written.
    """

    respondents: pd.DataFrame
    quarantine: pd.DataFrame
    log: CleaningLog
    testimonies: pd.DataFrame
    identities: pd.DataFrame
    findings: pd.DataFrame


@dataclass
class _Question:
    """The decoded answers of one question, before routing."""

    values: dict[str, pd.Series]
    other_text: pd.Series | None
    unknown: pd.Series
    variant: pd.Series


# ---------------------------------------------------------------------- public
def clean_wave(
    raw: pd.DataFrame,
    codebook: Codebook,
    wave: Any,
    *,
    config: CleaningConfig | Mapping[str, Any] | None = None,
    pseudonymise: Callable[[str], str] | None = None,
) -> CleanResult:
    """Turn a raw export into respondents, quarantine, testimonies and a log.

    Parameters
    ----------
    raw : pandas.DataFrame
        The export as :func:`barometer.ingest.read_export` returns it: string
        cells, index = source row numbers.
    codebook : barometer.codebook.Codebook
        The questionnaire version of the export.
    wave : barometer.waves.Wave or str
        The wave (its ``cleaning:`` block is read) or its id.
    config : CleaningConfig or dict, optional
        Overrides the wave's ``cleaning:`` block.
    pseudonymise : callable, optional
        Key → pseudonym (see :func:`barometer.privacy.pseudonym_key`); when
        absent, ``respondent_id`` stays empty.

    Returns
    -------
    CleanResult
        Respondents, quarantine, log, testimonies and the private frames.

    Raises
    ------
    ValueError
        When ``raw`` lacks columns the codebook requires, or the
        configuration is invalid.
    """
    wave_id, cfg = _wave_and_config(wave, config)
    frame = _normalise_raw(raw, codebook)
    index = frame.index
    findings: list[pd.DataFrame] = []
    decoded = {q.id: _decode(frame, codebook, q, findings) for q in _decoded_questions(codebook)}
    contradiction, too_many = _apply_rules(frame, codebook, decoded, findings)
    flags = {
        "flag_routing_contradiction": _any_true(index, list(contradiction.values())),
        "flag_too_many_choices": _any_true(index, list(too_many.values())),
        "flag_unknown_answer": _any_true(index, [d.unknown for d in decoded.values()]),
    }
    completion = _completion(frame, codebook)
    submitted, unparsed = _submitted(frame, codebook, findings)
    sieve = _apply_row_rules(frame, codebook, cfg, decoded, too_many, flags, completion, submitted)
    kept = sieve.reasons.isna()
    identities = _identities(frame, codebook, wave_id)
    respondent_ids = _respondent_ids(identities, pseudonymise)
    log = CleaningLog(
        wave=wave_id,
        codebook=codebook.version,
        rows_in=len(frame),
        rows_kept=int(kept.sum()),
        rows_quarantined=int((~kept).sum()),
        by_reason={code: int((sieve.reasons == code).sum()) for code in REASONS},
        rules=_rule_counts(sieve.reasons, decoded, flags, kept),
        by_question=_question_counts(decoded, contradiction, too_many, kept),
        flow=[*sieve.flow, _flow_step("Répondants conservés", "rows_kept", 0, int(kept.sum()))],
        config={k: list(v) if isinstance(v, tuple) else v for k, v in asdict(cfg).items()},
        unparsed_dates=unparsed,
    )
    return CleanResult(
        respondents=_respondents(
            codebook, wave_id, decoded, flags, completion, submitted, respondent_ids, kept
        ),
        quarantine=_quarantine_frame(sieve.reasons, sieve.details, respondent_ids),
        log=log,
        testimonies=_testimonies(frame, codebook, decoded, respondent_ids, kept),
        identities=identities,
        findings=_findings_frame(findings),
    )


class _Sieve:
    """Rows set aside, rule after rule: the first rule a row breaks is its reason."""

    def __init__(self, index: pd.Index) -> None:
        self.reasons = pd.Series(pd.NA, index=index, dtype="string")
        self.details = pd.Series(pd.NA, index=index, dtype="string")
        self.flow = [_flow_step("Réponses exportées", "rows_in", 0, len(index))]

    def apply(self, code: str, mask: pd.Series, detail: pd.Series | str) -> None:
        fresh = mask & self.reasons.isna()
        self.reasons[fresh] = code
        self.details[fresh] = detail[fresh] if isinstance(detail, pd.Series) else detail
        remaining = int(self.reasons.isna().sum())
        self.flow.append(_flow_step(REASONS[code], code, int(fresh.sum()), remaining))


def _flow_step(label: str, code: str, removed: int, remaining: int) -> dict[str, Any]:
    return {"étape": label, "code": code, "retirées": removed, "restantes": remaining}


def _apply_row_rules(
    frame: pd.DataFrame,
    codebook: Codebook,
    cfg: CleaningConfig,
    decoded: dict[str, _Question],
    too_many: dict[str, pd.Series],
    flags: dict[str, pd.Series],
    completion: pd.Series,
    submitted: pd.Series,
) -> _Sieve:
    """Quarantine rows in rule order: consent, test, abandon, (unknown, too many), duplicate."""
    sieve = _Sieve(frame.index)
    refused, missing, consent_detail = _consent(frame, codebook, decoded)
    sieve.apply("consent_refused", refused, consent_detail)
    sieve.apply("consent_missing", missing, consent_detail)
    sieve.apply("test", *_tests(frame, codebook, cfg))
    sieve.apply("abandoned", *_abandoned(frame, codebook, cfg, completion))
    if cfg.unknown_answers == "quarantine":
        unknown = flags["flag_unknown_answer"]
        sieve.apply("unknown_answer", unknown, _question_list(decoded, "unknown"))
    strict = [
        q.id for q in codebook.questions if q.on_too_many == "quarantine" and q.id in too_many
    ]
    if strict:
        mask = _any_true(frame.index, [too_many[qid] for qid in strict])
        sieve.apply("too_many_choices", mask, "plus de choix que le maximum autorisé")
    eligible = sieve.reasons.isna()
    sieve.apply("duplicate", *_duplicates(frame, codebook, cfg, eligible, submitted))
    return sieve


def _rule_counts(
    reasons: pd.Series,
    decoded: dict[str, _Question],
    flags: dict[str, pd.Series],
    kept: pd.Series,
) -> dict[str, int]:
    """Rows touched by each rule: quarantined rows, then kept respondents concerned."""
    index = reasons.index
    rules = {code: int((reasons == code).sum()) for code in REASONS}
    variants = _any_true(index, [d.variant for d in decoded.values()])
    others = _any_true(
        index, [d.other_text.notna() for d in decoded.values() if d.other_text is not None]
    )
    rules["label_variant"] = int(variants[kept].sum())
    rules["other_text"] = int(others[kept].sum())
    rules["routing_contradiction"] = int(flags["flag_routing_contradiction"][kept].sum())
    rules["too_many_choices"] += int(flags["flag_too_many_choices"][kept].sum())
    rules["unknown_answer"] += int(flags["flag_unknown_answer"][kept].sum())
    return rules


def _question_counts(
    decoded: dict[str, _Question],
    contradiction: dict[str, pd.Series],
    too_many: dict[str, pd.Series],
    kept: pd.Series,
) -> dict[str, dict[str, int]]:
    return {
        "unknown_answer": _count_by_question({k: d.unknown for k, d in decoded.items()}, kept),
        "routing_contradiction": _count_by_question(contradiction, kept),
        "too_many_choices": _count_by_question(too_many, kept),
        "label_variant": _count_by_question({k: d.variant for k, d in decoded.items()}, kept),
    }


# ---------------------------------------------------------------------- inputs
def _wave_and_config(
    wave: Any, config: CleaningConfig | Mapping[str, Any] | None
) -> tuple[str, CleaningConfig]:
    block: Mapping[str, Any] = {}
    if isinstance(wave, str):
        wave_id = wave
    elif hasattr(wave, "id") and hasattr(wave, "cleaning"):
        wave_id, block = str(wave.id), wave.cleaning or {}
    else:
        raise TypeError(f"wave must be a Wave or a wave id string, not {type(wave).__name__}")
    if isinstance(config, CleaningConfig):
        return wave_id, config
    return wave_id, CleaningConfig.from_mapping({**block, **dict(config or {})})


def _normalise_raw(raw: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Check the columns; return the needed columns as trimmed strings, NA for blanks."""
    if not isinstance(raw, pd.DataFrame):
        raise TypeError(f"raw must be a pandas DataFrame, not {type(raw).__name__}")
    required = codebook.export_columns()
    missing = [c for c in required if c not in raw.columns]
    if missing:
        shown = ", ".join(repr(c) for c in missing[:5])
        raise ValueError(
            f"raw export misses {len(missing)} column(s) required by codebook "
            f"{codebook.version}: {shown}{' …' if len(missing) > 5 else ''}"
        )
    if raw.index.has_duplicates:
        raise ValueError("raw export: duplicated source row numbers in the index")
    columns = {column: _map_unique(raw[column], _trim) for column in required}
    frame = pd.DataFrame(columns, index=raw.index.copy(), dtype=object)
    frame.index.name = SOURCE_ROW
    return frame


def _decoded_questions(codebook: Codebook) -> list[Question]:
    roles = ("consent", "publish_consent")
    return [
        q
        for q in codebook.questions
        if q.is_categorical and (q.role is None or q.role in roles) and q.type != "metadata"
    ]


# --------------------------------------------------------------------- decoding
def _decode(
    frame: pd.DataFrame, codebook: Codebook, question: Question, findings: list[pd.DataFrame]
) -> _Question:
    columns = codebook.columns_of(question)
    forms = codebook.export_format == "forms_xlsx"
    if question.type == "multiple" and forms:
        return _decode_split(frame[columns[question.id]], codebook, question, findings)
    if question.type == "multiple":
        return _decode_checkboxes(frame, codebook, question, columns, findings)
    values: dict[str, pd.Series] = {}
    unknown = pd.Series(False, index=frame.index)
    variant = pd.Series(False, index=frame.index)
    other_text = frame[columns["other"]] if "other" in columns else None
    keys = [r.id for r in question.rows] if question.type == "array" else [question.id]
    for key in keys:
        column = columns[key]
        codes, bad, changed = _resolve_column(frame[column], codebook, question)
        if bad.any() and forms and question.other is not None:
            other_text = frame[column].where(bad)
            codes = codes.mask(bad, question.other.code)
        elif bad.any():
            findings.append(_finding(frame[column], bad, question.id, column, "unknown_answer"))
            unknown |= bad
        values[key] = codes
        variant |= changed
    return _Question(values, other_text, unknown, variant)


def _resolve_column(
    raw: pd.Series, codebook: Codebook, question: Question
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Return (codes, unknown mask, label-variant mask) of one single-answer column.

    Each distinct raw value is resolved once (``pandas.factorize``), then
    spread back to the rows.
    """
    labels = question.labels
    positions, uniques = pd.factorize(raw.to_numpy(dtype=object))
    resolved = [codebook.resolve(question.id, v) for v in uniques]
    table = np.array([*resolved, None], dtype=object)
    exact = np.array(
        [c is not None and labels[c] == v for v, c in zip(uniques, resolved, strict=True)] + [True]
    )
    codes = table[positions]
    answered = positions >= 0
    unknown = answered & pd.isna(codes)
    variant = answered & ~unknown & ~exact[positions]
    index = raw.index
    return (
        pd.Series(codes, index=index),
        pd.Series(unknown, index=index),
        pd.Series(variant, index=index),
    )


def _decode_checkboxes(
    frame: pd.DataFrame,
    codebook: Codebook,
    question: Question,
    columns: dict[str, str],
    findings: list[pd.DataFrame],
) -> _Question:
    """LimeSurvey layout: one column per option holding the checked value or nothing."""
    names = [columns[code] for code in question.codes]
    block = frame[names].to_numpy(dtype=object)
    checked_norm = normalise_label(codebook.checked_value)
    checked = np.zeros(block.shape, dtype=bool)
    bad = np.zeros(block.shape, dtype=bool)
    for value in pd.unique(block[pd.notna(block)]):
        folded = normalise_label(value)
        if folded in (checked_norm, *_EXTRA_CHECKED):
            checked |= block == value
        elif folded not in _UNCHECKED:
            bad |= block == value
    index = frame.index
    for j in np.flatnonzero(bad.any(axis=0)):
        mask = pd.Series(bad[:, j], index=index)
        findings.append(_finding(frame[names[j]], mask, question.id, names[j], "unknown_answer"))
    unknown = pd.Series(bad.any(axis=1), index=index)
    variant = pd.Series((checked & (block != codebook.checked_value)).any(axis=1), index=index)
    other_text = frame[columns["other"]] if "other" in columns else None
    values = _tick_values(question, checked, unknown.to_numpy(), index)
    return _Question(values, other_text, unknown, variant)


def _decode_split(
    raw: pd.Series, codebook: Codebook, question: Question, findings: list[pd.DataFrame]
) -> _Question:
    """Forms layout: one cell joining the chosen labels (a label may contain the separator)."""
    cache = {v: _split_cell(v, codebook, question) for v in raw.dropna().unique()}
    split = raw.map(cache)
    answered = raw.notna()
    chosen = split.map(lambda s: s[0], na_action="ignore").to_numpy(dtype=object)
    ticks = np.array(
        [[isinstance(c, set) and code in c for code in question.codes] for c in chosen],
        dtype=bool,
    ).reshape(len(chosen), len(question.codes))
    leftover = split.map(lambda s: s[1], na_action="ignore").astype("string")
    leftover = leftover.where(answered)
    has_left = leftover.notna()
    other_text = None
    unknown = pd.Series(False, index=raw.index)
    if question.other is not None:
        other_text = leftover
        ticks[:, question.codes.index(question.other.code)] |= has_left.to_numpy()
    else:
        unknown = has_left
        if unknown.any():
            findings.append(
                _finding(leftover, unknown, question.id, str(raw.name), "unknown_answer")
            )
    variant = split.map(lambda s: s[2], na_action="ignore").eq(True)
    return _Question(_tick_values(question, ticks, None, raw.index), other_text, unknown, variant)


def _split_cell(
    cell: str, codebook: Codebook, question: Question
) -> tuple[set[str], str | None, bool]:
    """Split one forms cell into option codes, leftover free text and a variant flag.

    Written here because no library splits on a separator that may also
    occur inside the items: at each position the longest run of pieces that
    forms a known label or alias wins; unmatched pieces are rejoined.

    Examples
    --------
    >>> from barometer.codebook import load_codebook
    >>> cb = load_codebook("v2")
    >>> cell = "ChatGPT, IA intégrée à un logiciel (Canva, Notion…), Outil maison, v2"
    >>> codes, left, _ = _split_cell(cell, cb, cb.question("tools"))
    >>> sorted(codes), left
    (['chatgpt', 'integrated'], 'Outil maison, v2')
    """
    separator = codebook.separator
    pieces = [p.strip() for p in cell.split(separator.strip()) if p.strip()]
    width = _max_pieces(codebook, question)
    labels = question.labels
    codes: set[str] = set()
    leftover: list[str] = []
    variant = False
    i = 0
    while i < len(pieces):
        for size in range(min(width, len(pieces) - i), 0, -1):
            candidate = separator.join(pieces[i : i + size])
            code = codebook.resolve(question.id, candidate)
            if code is not None:
                codes.add(code)
                variant |= labels[code] != candidate
                i += size
                break
        else:
            leftover.append(pieces[i])
            i += 1
    return codes, (separator.join(leftover) if leftover else None), variant


def _max_pieces(codebook: Codebook, question: Question) -> int:
    sep = codebook.separator.strip()
    texts = [t for o in question.options for t in (o.label, *o.aliases)]
    return 1 + max((t.count(sep) for t in texts), default=0)


def _tick_values(
    question: Question, ticks: np.ndarray, unknown: np.ndarray | None, index: pd.Index
) -> dict[str, pd.Series]:
    """Nullable booleans (one column per option): NA when nothing is ticked or unreadable."""
    none = ~ticks.any(axis=1)
    if unknown is not None:
        none |= unknown
    return {
        code: pd.Series(pd.arrays.BooleanArray(ticks[:, j].copy(), none.copy()), index=index)
        for j, code in enumerate(question.codes)
    }


def _finding(
    values: pd.Series, mask: pd.Series, question: str, column: str, problem: str
) -> pd.DataFrame:
    rows = values.index[mask.to_numpy()]
    return pd.DataFrame(
        {
            SOURCE_ROW: rows,
            "question": question,
            "column": column,
            "problem": problem,
            "value": values[mask].astype("string").to_numpy(),
        }
    )


def _findings_frame(findings: list[pd.DataFrame]) -> pd.DataFrame:
    columns = [SOURCE_ROW, "question", "column", "problem", "value"]
    frames = [f for f in findings if len(f)]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    return pd.concat(frames, ignore_index=True).sort_values([SOURCE_ROW, "question"], kind="stable")


# ------------------------------------------------------------ routing, choices
def _answered(decoded: _Question) -> pd.Series:
    masks = [v.notna() for v in decoded.values.values()]
    if decoded.other_text is not None:
        masks.append(decoded.other_text.notna())
    return _any_true(decoded.unknown.index, masks) | decoded.unknown


def _apply_rules(
    frame: pd.DataFrame,
    codebook: Codebook,
    decoded: dict[str, _Question],
    findings: list[pd.DataFrame],
) -> tuple[dict[str, pd.Series], dict[str, pd.Series]]:
    """Apply routing and choice limits in codebook order; return flags by question."""
    contradiction: dict[str, pd.Series] = {}
    too_many: dict[str, pd.Series] = {}
    for question in codebook.questions:
        answers = decoded.get(question.id)
        if answers is None:
            continue
        if question.asked_if is not None and question.asked_if.question in decoded:
            parent = decoded[question.asked_if.question]
            parent_code = parent.values[question.asked_if.question]
            asked = parent_code.isin(question.asked_if.codes).fillna(False).astype(bool)
            bad = _answered(answers) & ~asked & ~parent.unknown
            contradiction[question.id] = bad
            if bad.any():
                column = next(iter(codebook.columns_of(question).values()))
                findings.append(
                    _finding(frame[column], bad, question.id, column, "routing_contradiction")
                )
                if question.on_contradiction == "clear":
                    _clear(answers, bad)
        if question.type == "multiple" and question.max_choices:
            ticked = pd.DataFrame(answers.values).fillna(False).astype(int).sum(axis=1)
            over = ticked > question.max_choices
            too_many[question.id] = over
            if over.any():
                counts = ticked[over].astype(str)
                column = next(iter(codebook.columns_of(question).values()))
                findings.append(
                    _finding(counts, over[over], question.id, column, "too_many_choices")
                )
    return contradiction, too_many


def _clear(answers: _Question, mask: pd.Series) -> None:
    for key, values in answers.values.items():
        cleared = values.copy()
        cleared[mask] = pd.NA if isinstance(values.dtype, pd.BooleanDtype) else None
        answers.values[key] = cleared
    if answers.other_text is not None:
        answers.other_text = answers.other_text.mask(mask)
    answers.variant = answers.variant & ~mask


# ------------------------------------------------------------------ row rules
def _consent(
    frame: pd.DataFrame, codebook: Codebook, decoded: dict[str, _Question]
) -> tuple[pd.Series, pd.Series, pd.Series]:
    question = codebook.by_role("consent")
    index = frame.index
    if question is None:
        false = pd.Series(False, index=index)
        return false, false, pd.Series("", index=index, dtype="string")
    codes = decoded[question.id].values[question.id]
    accept = question.codes[0]
    refused = codes.notna() & (codes != accept)
    missing = codes.isna()
    detail = pd.Series("consentement non renseigné", index=index, dtype="string")
    detail[decoded[question.id].unknown] = "réponse au consentement hors questionnaire"
    for code in question.codes[1:]:
        detail[(codes == code).fillna(False).astype(bool)] = (
            f"réponse au consentement : « {question.label(code)} »"
        )
    return refused.fillna(False).astype(bool), missing, detail


def _test_fields(frame: pd.DataFrame, codebook: Codebook) -> dict[str, pd.Series]:
    fields: dict[str, pd.Series] = {}
    for role in ("org_name", "email"):
        question = codebook.by_role(role)
        if question is not None:
            fields[_FIELD_LABELS[role]] = frame[codebook.columns_of(question)[question.id]]
    for question in codebook.questions:
        if question.role == "testimony":
            column = codebook.columns_of(question)[question.id]
            fields[f"{_FIELD_LABELS['testimony']} {question.id}"] = frame[column]
    return fields


def _tests(
    frame: pd.DataFrame, codebook: Codebook, cfg: CleaningConfig
) -> tuple[pd.Series, pd.Series]:
    index = frame.index
    hit = pd.Series(False, index=index)
    detail = pd.Series(pd.NA, index=index, dtype="string")
    if not cfg.test_patterns:
        return hit, detail
    pattern = "|".join(f"(?:{p})" for p in cfg.test_patterns)
    for label, values in _test_fields(frame, codebook).items():
        found = values.str.contains(pattern, case=False, regex=True).fillna(False).astype(bool)
        detail[found & detail.isna()] = f"motif de test reconnu dans : {label}"
        hit |= found
    return hit, detail


def _completion(frame: pd.DataFrame, codebook: Codebook) -> pd.Series:
    """Completion share: last page / pages (v1), else share of core questions answered."""
    core = [q for q in codebook.substantive if q.asked_if is None and q.type != "text"]
    answered = [frame[list(codebook.columns_of(q).values())].notna().any(axis=1) for q in core]
    share = pd.concat(answered, axis=1).mean(axis=1) if answered else pd.Series(1.0, frame.index)
    last_page = codebook.by_role("last_page")
    if last_page is None or not codebook.completion_pages:
        return share.astype(float)
    pages = pd.to_numeric(frame[codebook.columns_of(last_page)[last_page.id]], errors="coerce")
    by_page = (pages.astype(float) / codebook.completion_pages).clip(0, 1)
    return by_page.fillna(share).astype(float)


def _abandoned(
    frame: pd.DataFrame, codebook: Codebook, cfg: CleaningConfig, completion: pd.Series
) -> tuple[pd.Series, pd.Series]:
    threshold = cfg.min_completion
    if threshold is None:
        threshold = codebook.completion_min_share
    low = completion < threshold
    percent = np.floor(completion.fillna(0) * 100).astype(int).astype(str)
    detail = ("complétude " + percent + f" % (seuil {threshold * 100:.0f} %)").astype("string")
    submitted = codebook.by_role("submitted")
    not_submitted = pd.Series(False, index=frame.index)
    if cfg.require_submitted and submitted is not None:
        not_submitted = frame[codebook.columns_of(submitted)[submitted.id]].isna()
        detail[not_submitted] = "réponse non soumise"
    return low | not_submitted, detail


def _submitted(
    frame: pd.DataFrame, codebook: Codebook, findings: list[pd.DataFrame]
) -> tuple[pd.Series, int]:
    """Submission timestamps (ISO or French day-first); count of unreadable dates."""
    question = codebook.by_role("submitted")
    if question is None:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]"), 0
    column = codebook.columns_of(question)[question.id]
    raw = frame[column]
    parsed = parse_datetimes(raw)
    unreadable = raw.notna() & parsed.isna()
    if unreadable.any():
        findings.append(_finding(raw, unreadable, question.id, column, "unreadable_date"))
    return parsed, int(unreadable.sum())


def parse_datetimes(values: pd.Series) -> pd.Series:
    """Parse submission timestamps written ISO-style or French day-first.

    Parameters
    ----------
    values : pandas.Series of str
        ``2025-03-14 10:22:31``, ``2025-03-14T10:22``, ``14/03/2025 10:22:31``…

    Returns
    -------
    pandas.Series of datetime64
        NaT where empty or unreadable (never guessed month-first).

    Examples
    --------
    >>> stamps = pd.Series(["2025-03-14 10:22:31", "04/03/2025 09:00", "hier"])
    >>> parse_datetimes(stamps).dt.day.tolist()
    [14.0, 4.0, nan]
    """
    text = values.astype("string").str.strip()
    result = pd.to_datetime(text, format="ISO8601", errors="coerce")
    for fmt in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y"):
        todo = result.isna() & text.notna()
        if not todo.any():
            break
        result = result.fillna(pd.to_datetime(text.where(todo), format=fmt, errors="coerce"))
    return result.astype("datetime64[ns]")


def _duplicates(
    frame: pd.DataFrame,
    codebook: Codebook,
    cfg: CleaningConfig,
    eligible: pd.Series,
    submitted: pd.Series,
) -> tuple[pd.Series, pd.Series]:
    """Quarantine all but the latest row of each group sharing a key.

    Rows are nodes of a graph linked through their key values; the groups
    are its connected components (scipy), so that "same e-mail" and "same
    organisation name" chain transitively.
    """
    index = frame.index
    duplicate = pd.Series(False, index=index)
    detail = pd.Series(pd.NA, index=index, dtype="string")
    rows = np.flatnonzero(eligible.to_numpy())
    if len(rows) < 2 or not cfg.duplicate_keys:
        return duplicate, detail
    keys, key_roles = _duplicate_keys(frame, codebook, cfg, rows)
    if not len(keys):
        return duplicate, detail
    key_codes, _ = pd.factorize(keys["key"])
    n_rows = len(index)
    graph = coo_matrix(
        (np.ones(len(keys)), (keys["row"].to_numpy(), n_rows + key_codes)),
        shape=(n_rows + key_codes.max() + 1,) * 2,
    )
    _, labels = connected_components(graph, directed=False)
    order = pd.DataFrame(
        {"group": labels[rows], "time": submitted.to_numpy()[rows], "pos": rows}
    ).sort_values(["group", "time", "pos"], na_position="first", kind="stable")
    last = order.groupby("group")["pos"].transform("last")
    earlier = order[order["pos"] != last]
    if earlier.empty:
        return duplicate, detail
    duplicate.iloc[earlier["pos"].to_numpy()] = True
    for pos, keep in zip(earlier["pos"], last[earlier.index], strict=True):
        shared = sorted(key_roles.get(pos, set()) & key_roles.get(int(keep), set()))
        how = " et même ".join(_FIELD_LABELS[r] for r in shared) or "organisation (par chaînage)"
        detail.iloc[pos] = f"même {how} que la ligne {index[keep]}, plus récente et conservée"
    return duplicate, detail


def _duplicate_keys(
    frame: pd.DataFrame, codebook: Codebook, cfg: CleaningConfig, rows: np.ndarray
) -> tuple[pd.DataFrame, dict[int, set[str]]]:
    parts = []
    for role in cfg.duplicate_keys:
        question = codebook.by_role(role)
        if question is None:
            continue
        values = frame[codebook.columns_of(question)[question.id]].iloc[rows]
        fold = str.casefold if role != "org_name" else _fold_name
        folded = pd.Series(_map_unique(values, fold), index=values.index, dtype=object)
        found = folded.notna() & (folded.astype("string") != "")
        parts.append(
            pd.DataFrame(
                {
                    "row": rows[found.to_numpy()],
                    "key": (role + ":" + folded[found].astype(str)).to_numpy(),
                }
            ).assign(role=role)
        )
    if not parts:
        return pd.DataFrame(columns=["row", "key", "role"]), {}
    keys = pd.concat(parts, ignore_index=True)
    counts = keys["key"].map(keys["key"].value_counts())
    shared = keys[counts > 1]
    roles: dict[int, set[str]] = {}
    for row, role in zip(shared["row"], shared["role"], strict=True):
        roles.setdefault(int(row), set()).add(role)
    return keys, roles


# ---------------------------------------------------------------- identities
def _identities(frame: pd.DataFrame, codebook: Codebook, wave_id: str) -> pd.DataFrame:
    def column(role: str) -> pd.Series:
        question = codebook.by_role(role)
        if question is None:
            return pd.Series(pd.NA, index=frame.index, dtype="string")
        return frame[codebook.columns_of(question)[question.id]]

    email = column("email")
    org = column("org_name")
    rid = column("response_id")
    mail_key = email.str.casefold()
    org_key = pd.Series(_map_unique(org, _fold_name), index=org.index).astype("string")
    org_key = org_key.mask(org_key == "")
    fallback = (
        "id:"
        + wave_id
        + ":"
        + rid.fillna(pd.Series("row" + frame.index.astype(str), index=frame.index))
    )
    key = ("email:" + mail_key).fillna("org:" + org_key).fillna(fallback)
    return pd.DataFrame({"pseudonym_key": key, "org_name": org, "email": email}, index=frame.index)


def _fold_name(value: str) -> str:
    """Fold an organisation name as :func:`barometer.privacy.normalise_name` does."""
    return re.sub(r"[^\w]+", " ", normalise_label(value)).strip()


def _respondent_ids(
    identities: pd.DataFrame, pseudonymise: Callable[[str], str] | None
) -> pd.Series:
    if pseudonymise is None:
        return pd.Series(pd.NA, index=identities.index, dtype="string")
    keys = identities["pseudonym_key"]
    mapping = {k: pseudonymise(k) for k in keys.unique()}
    return keys.map(mapping).astype("string")


# ---------------------------------------------------------------- assembling
def _respondents(
    codebook: Codebook,
    wave_id: str,
    decoded: dict[str, _Question],
    flags: dict[str, pd.Series],
    completion: pd.Series,
    submitted: pd.Series,
    respondent_ids: pd.Series,
    kept: pd.Series,
) -> pd.DataFrame:
    columns: dict[str, pd.Series] = {
        "respondent_id": respondent_ids,
        "wave": pd.Series(wave_id, index=kept.index, dtype="string"),
    }
    for question in codebook.substantive:
        if question.id in decoded:
            columns.update(_question_columns(question, decoded[question.id]))
        elif question.type == "text":
            columns[question.id] = pd.Series(pd.NA, index=kept.index, dtype="string")
    for name in FLAGS:
        columns[name] = flags[name].astype(bool)
    columns["completion"] = completion.astype(float)
    columns["submitted_date"] = (
        submitted.dt.normalize().dt.date.astype(object).where(submitted.notna(), None)
    )
    columns["weight"] = pd.Series(np.nan, index=kept.index)
    table = pd.DataFrame(columns, index=kept.index)
    return table.loc[kept.to_numpy()].copy()


def _question_columns(question: Question, answers: _Question) -> dict[str, pd.Series]:
    out: dict[str, pd.Series] = {}
    if question.type == "multiple":
        for code, values in answers.values.items():
            out[multiple_variable(question.id, code)] = values.astype("boolean")
    else:
        for key, values in answers.values.items():
            out[key] = pd.Series(
                pd.Categorical(values, categories=question.codes, ordered=question.ordered),
                index=values.index,
            )
        if question.type == "scale":
            out[f"{question.id}_num"] = pd.to_numeric(
                answers.values[question.id].astype(object), errors="coerce"
            ).astype(float)
    if question.other is not None:
        text = answers.other_text
        if text is None:
            text = pd.Series(pd.NA, index=answers.unknown.index, dtype="string")
        out[f"{question.id}__other_text"] = text.astype("string")
    return out


def _quarantine_frame(
    reasons: pd.Series, details: pd.Series, respondent_ids: pd.Series
) -> pd.DataFrame:
    mask = reasons.notna()
    return pd.DataFrame(
        {
            SOURCE_ROW: reasons.index[mask.to_numpy()],
            "respondent_id": respondent_ids[mask].to_numpy(),
            "reason": reasons[mask].to_numpy(),
            "reason_label": reasons[mask].map(REASONS).astype("string").to_numpy(),
            "detail": details[mask].to_numpy(),
        }
    ).astype({"respondent_id": "string", "reason": "string", "detail": "string"})


def _testimonies(
    frame: pd.DataFrame,
    codebook: Codebook,
    decoded: dict[str, _Question],
    respondent_ids: pd.Series,
    kept: pd.Series,
) -> pd.DataFrame:
    consent_q = codebook.by_role("publish_consent")
    if consent_q is not None and consent_q.id in decoded:
        publish = (decoded[consent_q.id].values[consent_q.id] == consent_q.codes[0]).fillna(False)
    else:
        publish = pd.Series(False, index=frame.index)
    parts = []
    for question in codebook.questions:
        if question.role != "testimony":
            continue
        text = frame[codebook.columns_of(question)[question.id]]
        mask = text.notna() & kept
        parts.append(
            pd.DataFrame(
                {
                    SOURCE_ROW: frame.index[mask.to_numpy()],
                    "respondent_id": respondent_ids[mask].to_numpy(),
                    "question": question.id,
                    "text": text[mask].to_numpy(),
                    "publish_consent": publish[mask].astype(bool).to_numpy(),
                }
            )
        )
    columns = [SOURCE_ROW, "respondent_id", "question", "text", "publish_consent"]
    if not parts:
        return pd.DataFrame(columns=columns)
    out = pd.concat(parts, ignore_index=True).sort_values([SOURCE_ROW, "question"], kind="stable")
    return out.astype({"respondent_id": "string", "question": "string", "text": "string"})


# ------------------------------------------------------------------- helpers
def _trim(value: object) -> str | None:
    """Return a cell as trimmed text, None when empty or missing."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def _map_unique(values: pd.Series, func: Callable[[Any], Any]) -> np.ndarray:
    """Apply ``func`` once per distinct non-missing value; missing stays None.

    Survey columns hold few distinct values: hashing them (``pandas.factorize``)
    and mapping the distinct ones is much faster than mapping every row.
    """
    positions, uniques = pd.factorize(values.to_numpy(dtype=object))
    table = np.array([*(func(v) for v in uniques), None], dtype=object)
    return table[positions]


def _any_true(index: pd.Index, masks: list[pd.Series]) -> pd.Series:
    if not masks:
        return pd.Series(False, index=index)
    stacked = np.column_stack([m.fillna(False).to_numpy(dtype=bool) for m in masks])
    return pd.Series(stacked.any(axis=1), index=index)


def _count_by_question(masks: Mapping[str, pd.Series], kept: pd.Series) -> dict[str, int]:
    counts = {q: int(m[kept].sum()) for q, m in masks.items()}
    return {q: c for q, c in counts.items() if c}


def _question_list(decoded: dict[str, _Question], attribute: str) -> pd.Series:
    """Per row, the ids of the questions whose ``attribute`` mask is set."""
    masks = pd.DataFrame({qid: getattr(d, attribute) for qid, d in decoded.items()})
    out = pd.Series(pd.NA, index=masks.index, dtype="string")
    flagged = masks[masks.any(axis=1)]
    if len(flagged):
        names = flagged.apply(lambda row: ", ".join(row.index[row.to_numpy()]), axis=1)
        out[flagged.index] = "réponses hors questionnaire : " + names
    return out
