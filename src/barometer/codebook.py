"""Load and check a codebook: the questionnaire as data.

A codebook (``src/barometer/codebooks/<version>.yaml``) lists every question
of one questionnaire version with its French text, type, ordered options
(stable codes, French labels, known variants), routing, export column(s) and
the mapping onto the previous version.  Code never spells a question or a
label: it asks the :class:`Codebook`.

A broken codebook fails at load with a :class:`CodebookError` that names the
file, the question and the problem.

Examples
--------
>>> cb = load_codebook("v1")
>>> cb.question("org_type").label("association")
'Association'
>>> cb.resolve("region", "  IDF ")
'idf'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

from barometer.paths import CODEBOOK_DIR

QuestionType = Literal["single", "multiple", "array", "scale", "text", "metadata"]
QUESTION_TYPES: tuple[str, ...] = ("single", "multiple", "array", "scale", "text", "metadata")
EXPORT_FORMATS: tuple[str, ...] = ("limesurvey_csv", "forms_xlsx")
ROLES: tuple[str, ...] = (
    "response_id",
    "submitted",
    "started",
    "last_page",
    "ip_address",
    "consent",
    "email",
    "org_name",
    "publish_consent",
    "testimony",
)
CONTRADICTION_RULES: tuple[str, ...] = ("clear", "keep")
TOO_MANY_RULES: tuple[str, ...] = ("flag", "quarantine")

_TOP_KEYS = {"version", "title", "export", "completion", "questions", "previous_version"}
_EXPORT_KEYS = {"format", "checked", "separator"}
_COMPLETION_KEYS = {"pages", "min_share"}
_QUESTION_KEYS = {
    "id",
    "type",
    "short",
    "role",
    "section",
    "text",
    "column",
    "identifier",
    "options",
    "rows",
    "other",
    "ordered",
    "asked_if",
    "on_contradiction",
    "max_choices",
    "on_too_many",
    "previous",
}
_OPTION_KEYS = {"code", "label", "aliases", "column", "previous"}
_ROW_KEYS = {"id", "label", "column"}
_OTHER_KEYS = {"code", "column"}
_ROUTING_KEYS = {"question", "in"}
_UNSET: Any = object()


class CodebookError(ValueError):
    """A codebook file is malformed or inconsistent."""


def normalise_label(text: object) -> str:
    """Fold a raw answer for matching: accents, case, punctuation and spaces.

    Parameters
    ----------
    text : object
        A raw cell value.

    Returns
    -------
    str
        Lower-case ASCII with runs of spaces, hyphens, apostrophes and dots
        folded to one space, and the inclusive-writing middle dot removed.

    Examples
    --------
    >>> normalise_label("  Île-de-France ")
    'ile de france'
    >>> normalise_label("Élu·e")
    'elue'
    """
    value = unicodedata.normalize("NFKD", str(text))
    value = "".join(c for c in value if not unicodedata.combining(c))
    value = value.replace("·", "").replace("’", "'").casefold()
    value = re.sub(r"[\s\-'_./]+", " ", value)
    return value.strip()


@dataclass(frozen=True)
class Option:
    """One answer option: a stable code, its French label, known variants."""

    code: str
    label: str
    aliases: tuple[str, ...] = ()
    column: str | None = None
    previous: str | None = None
    """Code of the matching option in the previous version (None: no counterpart)."""


@dataclass(frozen=True)
class Row:
    """One row of an array question, which becomes its own variable."""

    id: str
    label: str
    column: str | None = None


@dataclass(frozen=True)
class Routing:
    """Who is asked a question: respondents whose ``question`` is in ``codes``."""

    question: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Other:
    """Where the free text of an "Autre" answer goes."""

    code: str
    column: str | None = None


@dataclass(frozen=True)
class Previous:
    """How a question maps onto the previous questionnaire version."""

    question: str | None
    """Id in the previous version; None when the question is new."""
    options: Mapping[str, str | None] = field(default_factory=dict)
    """Option code here → option code there (None: no counterpart)."""


@dataclass(frozen=True)
class Question:
    """One question of the questionnaire."""

    id: str
    type: QuestionType
    text: str
    section: str | None = None
    short: str | None = None
    """A short French name for axes, table headers and profile traits."""
    role: str | None = None
    column: str | None = None
    identifier: bool = False
    options: tuple[Option, ...] = ()
    rows: tuple[Row, ...] = ()
    other: Other | None = None
    ordered: bool = False
    asked_if: Routing | None = None
    on_contradiction: str = "clear"
    max_choices: int | None = None
    on_too_many: str = "flag"
    previous: Previous | None = None

    @property
    def codes(self) -> list[str]:
        """Option codes in questionnaire order."""
        return [o.code for o in self.options]

    @property
    def labels(self) -> dict[str, str]:
        """Option code → French label, in questionnaire order."""
        return {o.code: o.label for o in self.options}

    def label(self, code: str) -> str:
        """Return the French label of option ``code``."""
        for option in self.options:
            if option.code == code:
                return option.label
        raise KeyError(f"question {self.id!r} has no option {code!r}")

    def option(self, code: str) -> Option:
        """Return the option with this code."""
        for option in self.options:
            if option.code == code:
                return option
        raise KeyError(f"question {self.id!r} has no option {code!r}")

    @property
    def variables(self) -> list[str]:
        """Names of the respondent-table columns this question becomes."""
        if self.type == "multiple":
            return [multiple_variable(self.id, code) for code in self.codes]
        if self.type == "array":
            return [row.id for row in self.rows]
        return [self.id]

    @property
    def is_categorical(self) -> bool:
        """True for questions answered by choosing options."""
        return self.type in ("single", "multiple", "array", "scale")


def multiple_variable(question_id: str, code: str) -> str:
    """Return the boolean column name of option ``code`` of a multiple question.

    Examples
    --------
    >>> multiple_variable("tools", "chatgpt")
    'tools__chatgpt'
    """
    return f"{question_id}__{code}"


@dataclass(frozen=True, eq=False)
class Codebook:
    """A questionnaire version: its questions, export layout and completion rule."""

    version: str
    title: str
    export_format: str
    questions: tuple[Question, ...]
    checked_value: str = "Oui"
    separator: str = ", "
    completion_pages: int | None = None
    completion_min_share: float = 0.75
    previous_version: str | None = None
    path: Path | None = None

    def __iter__(self) -> Iterator[Question]:
        return iter(self.questions)

    def __contains__(self, question_id: object) -> bool:
        return any(q.id == question_id for q in self.questions)

    def question(self, question_id: str) -> Question:
        """Return the question with this id."""
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(f"codebook {self.version} has no question {question_id!r}")

    def by_role(self, role: str) -> Question | None:
        """Return the question playing ``role`` (e.g. ``"consent"``), if any."""
        for question in self.questions:
            if question.role == role:
                return question
        return None

    def of_type(self, *types: str) -> list[Question]:
        """Return the questions of the given types, in questionnaire order."""
        return [q for q in self.questions if q.type in types]

    @property
    def substantive(self) -> list[Question]:
        """Questions of the survey proper (no metadata, no role question)."""
        return [q for q in self.questions if q.role is None and q.type != "metadata"]

    @property
    def identifiers(self) -> list[Question]:
        """Questions holding direct identifiers (never published)."""
        return [q for q in self.questions if q.identifier]

    def resolve(self, question_id: str, raw: object) -> str | None:
        """Map a raw answer onto an option code, through labels and aliases.

        Parameters
        ----------
        question_id : str
            The question.
        raw : object
            The raw cell value.

        Returns
        -------
        str or None
            The option code, or None when the answer matches no label nor alias.
        """
        return _alias_index(self, question_id).get(normalise_label(raw))

    def export_columns(self) -> list[str]:
        """Return every column the raw export of this version must hold."""
        columns: list[str] = []
        for q in self.questions:
            columns.extend(self.columns_of(q).values())
        return columns

    def columns_of(self, question: Question) -> dict[str, str]:
        """Return the export columns of a question, keyed by what they hold.

        Keys are the question id (single column), option codes (one column
        per option), row ids (array) or ``"other"`` (free text of "Autre").
        """
        forms = self.export_format == "forms_xlsx"
        out: dict[str, str] = {}
        if question.type == "array":
            for row in question.rows:
                out[row.id] = row.column or f"{question.text} [{row.label}]"
        elif question.type == "multiple" and not forms:
            for option in question.options:
                out[option.code] = option.column or f"{question.id}[{option.code}]"
        else:
            out[question.id] = question.column or question.text
        if question.other is not None and question.other.column and not forms:
            out["other"] = question.other.column
        return out


@cache
def _alias_index(codebook: Codebook, question_id: str) -> dict[str, str]:
    question = codebook.question(question_id)
    index: dict[str, str] = {}
    for option in question.options:
        for text in (option.code, option.label, *option.aliases):
            index.setdefault(normalise_label(text), option.code)
    return index


def available_versions() -> list[str]:
    """Return the versions of the codebooks shipped with the package."""
    return sorted(p.stem for p in CODEBOOK_DIR.glob("*.yaml"))


def load_codebook(version: str | Path) -> Codebook:
    """Load and check a codebook.

    Parameters
    ----------
    version : str or pathlib.Path
        A shipped version (``"v1"``, ``"v2"``) or the path to a YAML file.

    Returns
    -------
    Codebook
        The typed, checked codebook.

    Raises
    ------
    CodebookError
        When the file is missing or malformed: the message names the file,
        the question and the problem.
    """
    path = Path(version) if str(version).endswith((".yaml", ".yml")) else None
    if path is None:
        path = CODEBOOK_DIR / f"{version}.yaml"
        if not path.is_file():
            raise CodebookError(
                f"{path}: no codebook {version!r}; shipped versions: "
                + ", ".join(available_versions())
            )
    return _load_path(path.resolve())


@cache
def _load_path(path: Path) -> Codebook:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CodebookError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        raise CodebookError(f"{path}: not valid YAML ({exc})") from None
    codebook = _build(document, path)
    _check(codebook, path)
    return codebook


def _fail(path: Path, where: str, problem: str) -> CodebookError:
    return CodebookError(f"{path}: {where}: {problem}")


def _check_keys(path: Path, where: str, mapping: object, allowed: set[str]) -> dict:
    if not isinstance(mapping, dict):
        raise _fail(path, where, f"expected a mapping, got {type(mapping).__name__}")
    unknown = sorted(set(mapping) - allowed)
    if unknown:
        raise _fail(path, where, f"unknown key(s) {', '.join(map(repr, unknown))}")
    return mapping


def _build(document: object, path: Path) -> Codebook:
    top = _check_keys(path, "top level", document, _TOP_KEYS)
    for key in ("version", "export", "questions"):
        if key not in top:
            raise _fail(path, "top level", f"missing key {key!r}")
    export = _check_keys(path, "export", top["export"], _EXPORT_KEYS)
    if export.get("format") not in EXPORT_FORMATS:
        raise _fail(path, "export", f"format must be one of {EXPORT_FORMATS}")
    completion = _check_keys(path, "completion", top.get("completion", {}), _COMPLETION_KEYS)
    if not isinstance(top["questions"], list) or not top["questions"]:
        raise _fail(path, "questions", "expected a non-empty list")
    questions = tuple(
        _build_question(path, i, raw, str(top.get("previous_version") or ""))
        for i, raw in enumerate(top["questions"])
    )
    return Codebook(
        version=str(top["version"]),
        title=str(top.get("title", "")),
        export_format=export["format"],
        questions=questions,
        checked_value=str(export.get("checked", "Oui")),
        separator=str(export.get("separator", ", ")),
        completion_pages=completion.get("pages"),
        completion_min_share=float(completion.get("min_share", 0.75)),
        previous_version=top.get("previous_version"),
        path=path,
    )


def _build_question(path: Path, index: int, raw: object, previous_version: str) -> Question:
    where = f"question #{index + 1}"
    if isinstance(raw, dict) and "id" in raw:
        where = f"question {raw['id']!r}"
    data = _check_keys(path, where, raw, _QUESTION_KEYS)
    for key in ("id", "type", "text"):
        if key not in data:
            raise _fail(path, where, f"missing key {key!r}")
    if data["type"] not in QUESTION_TYPES:
        raise _fail(path, where, f"type {data['type']!r} is not one of {QUESTION_TYPES}")
    if data.get("role") is not None and data["role"] not in ROLES:
        raise _fail(path, where, f"role {data['role']!r} is not one of {ROLES}")
    options = tuple(
        Option(
            code=str(o["code"]),
            label=str(o["label"]),
            aliases=tuple(str(a) for a in o.get("aliases", ()) or ()),
            column=o.get("column"),
            previous=None
            if o.get("previous", _UNSET) is None
            else str(o.get("previous", o["code"])),
        )
        for o in (
            _require(
                path,
                f"{where}, option #{j + 1}",
                _check_keys(path, where, o, _OPTION_KEYS),
                ("code", "label"),
            )
            for j, o in enumerate(data.get("options", []) or [])
        )
    )
    rows = tuple(
        Row(id=str(r["id"]), label=str(r["label"]), column=r.get("column"))
        for r in (
            _require(
                path,
                f"{where}, row #{j + 1}",
                _check_keys(path, where, r, _ROW_KEYS),
                ("id", "label"),
            )
            for j, r in enumerate(data.get("rows", []) or [])
        )
    )
    other = None
    if data.get("other") is not None:
        other_raw = _require(
            path, f"{where}, other", _check_keys(path, where, data["other"], _OTHER_KEYS), ("code",)
        )
        other = Other(code=str(other_raw["code"]), column=other_raw.get("column"))
    routing = None
    if data.get("asked_if") is not None:
        r = _require(
            path,
            f"{where}, asked_if",
            _check_keys(path, where, data["asked_if"], _ROUTING_KEYS),
            ("question", "in"),
        )
        routing = Routing(question=str(r["question"]), codes=tuple(str(c) for c in r["in"]))
    previous = None
    if previous_version:
        if "previous" in data and data["previous"] is None:
            previous = Previous(question=None)
        else:
            previous = Previous(
                question=str(data.get("previous") or data["id"]),
                options={o.code: o.previous for o in options},
            )
    return Question(
        id=str(data["id"]),
        type=data["type"],
        text=str(data["text"]),
        section=None if data.get("section") is None else str(data["section"]),
        short=str(data.get("short") or data["text"]),
        role=data.get("role"),
        column=data.get("column"),
        identifier=bool(data.get("identifier", False)),
        options=options,
        rows=rows,
        other=other,
        ordered=bool(data.get("ordered", data["type"] == "scale")),
        asked_if=routing,
        on_contradiction=str(data.get("on_contradiction", "clear")),
        max_choices=data.get("max_choices"),
        on_too_many=str(data.get("on_too_many", "flag")),
        previous=previous,
    )


def _require(path: Path, where: str, mapping: dict, keys: tuple[str, ...]) -> dict:
    for key in keys:
        if key not in mapping:
            raise _fail(path, where, f"missing key {key!r}")
    return mapping


def _duplicates(values: list[str]) -> list[str]:
    seen: set[str] = set()
    return sorted({v for v in values if v in seen or seen.add(v)})


def _check(codebook: Codebook, path: Path) -> None:
    ids = [q.id for q in codebook.questions]
    if dup := _duplicates(ids + [row.id for q in codebook.questions for row in q.rows]):
        raise _fail(path, f"question {dup[0]!r}", "duplicate question id")
    by_id = {q.id: q for q in codebook.questions}
    for q in codebook.questions:
        where = f"question {q.id!r}"
        if q.is_categorical and not q.options:
            raise _fail(path, where, f"a {q.type} question needs options")
        if q.type == "array" and not q.rows:
            raise _fail(path, where, "an array question needs rows")
        if dup := _duplicates(q.codes):
            raise _fail(path, where, f"duplicate option code {dup[0]!r}")
        if dup := _duplicates([normalise_label(o.label) for o in q.options]):
            raise _fail(path, where, f"two options share the label {dup[0]!r}")
        aliases = [
            text for o in q.options for text in {normalise_label(t) for t in (o.label, *o.aliases)}
        ]
        if dup := _duplicates(aliases):
            raise _fail(path, where, f"the label or alias {dup[0]!r} points at two options")
        if q.other is not None and q.other.code not in q.codes:
            raise _fail(path, where, f"other code {q.other.code!r} is not an option")
        if q.on_contradiction not in CONTRADICTION_RULES:
            raise _fail(path, where, f"on_contradiction must be one of {CONTRADICTION_RULES}")
        if q.on_too_many not in TOO_MANY_RULES:
            raise _fail(path, where, f"on_too_many must be one of {TOO_MANY_RULES}")
        if q.max_choices is not None and q.type != "multiple":
            raise _fail(path, where, "max_choices applies to multiple questions only")
        if q.asked_if is not None:
            target = by_id.get(q.asked_if.question)
            if target is None:
                raise _fail(path, where, f"routing to unknown question {q.asked_if.question!r}")
            unknown = [c for c in q.asked_if.codes if c not in target.codes]
            if unknown:
                raise _fail(path, where, f"routing to unknown option(s) {unknown} of {target.id!r}")
    columns = codebook.export_columns()
    if dup := _duplicates(columns):
        raise _fail(path, "export", f"two questions share the export column {dup[0]!r}")
    if codebook.previous_version:
        _check_previous(codebook, path)


def _check_previous(codebook: Codebook, path: Path) -> None:
    previous_path = path.with_name(f"{codebook.previous_version}.yaml")
    if not previous_path.is_file():
        raise _fail(
            path, "previous_version", f"no codebook {codebook.previous_version!r} beside it"
        )
    previous = _load_path(previous_path)
    for q in codebook.questions:
        if q.previous is None or q.previous.question is None:
            continue
        where = f"question {q.id!r}"
        if q.previous.question not in previous:
            raise _fail(
                path,
                where,
                f"mapped to unknown {previous.version} question {q.previous.question!r}",
            )
        target = previous.question(q.previous.question)
        for code, previous_code in q.previous.options.items():
            if previous_code is not None and previous_code not in target.codes:
                raise _fail(
                    path,
                    where,
                    f"option {code!r} mapped to unknown {previous.version} "
                    f"option {previous_code!r}",
                )
