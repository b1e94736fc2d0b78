"""Prepare a wave: ingest → clean → privacy → weighting → ``data/processed/<wave>/``.

:func:`prepare_wave` is what ``barometer clean`` runs.  It writes, and only
under the processed folder (never under ``data/raw``):

``respondents.parquet``
    One row per kept respondent (pseudonymous id, codes, flags, weight).
``quarantine.csv``
    Rows set aside: source row, pseudonymous id, reason, French label, detail.
``cleaning-log.json``
    The cleaning log, the rules' configuration and the weighting notes.
``testimonies.parquet``
    ``respondent_id``, ``question``, scrubbed ``text``, ``publish_consent``.
``weights-diagnostics.csv``
    Weight diagnostics by organisation type and for the ensemble.

None of them holds an e-mail, an organisation name, an IP address or a raw
response id: identifiers only live in memory, long enough to compute the
pseudonyms and to scrub free text.

:func:`validate_export` checks an export against its codebook and reports
every problem with its row and column, writing nothing (``barometer validate``).
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from barometer import paths
from barometer.clean import REASONS, CleaningLog, CleanResult, clean_wave
from barometer.codebook import Codebook, Question, available_versions, load_codebook
from barometer.ingest import (
    ExportError,
    align_columns,
    check_columns,
    missing_columns,
    read_export,
    read_wave_export,
)
from barometer.privacy import get_secret, pseudonym, scrub_text
from barometer.waves import Wave, get_wave, load_wave
from barometer.weighting import (
    WeightingConfig,
    diagnostics,
    ensemble_weights,
    load_weighting_config,
)

OUTPUT_FILES: dict[str, str] = {
    "respondents": "respondents.parquet",
    "quarantine": "quarantine.csv",
    "log": "cleaning-log.json",
    "testimonies": "testimonies.parquet",
    "weights": "weights-diagnostics.csv",
}
UNCALIBRATED = "non calés (poids 1)"
"""Group label, in the diagnostics, of respondents lacking a calibration variable."""


@dataclass
class PreparedWave:
    """What :func:`prepare_wave` produced and where it wrote it."""

    wave: str
    out_dir: Path
    files: dict[str, Path]
    log: CleaningLog
    respondents: pd.DataFrame
    quarantine: pd.DataFrame
    testimonies: pd.DataFrame
    weight_diagnostics: pd.DataFrame
    weighting_notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """Return one line: rows read, kept, quarantined, and the output folder.

        Examples
        --------
        >>> log = CleaningLog("2025", "v1", 3, 2, 1, {"test": 1}, {}, {}, [])
        >>> empty = pd.DataFrame()
        >>> PreparedWave("2025", Path("out"), {}, log, empty, empty, empty, empty).summary()
        'vague 2025 : 3 réponses lues, 2 conservées, 1 en quarantaine (test : 1) → out'
        """
        reasons = ", ".join(f"{k} : {v}" for k, v in self.log.by_reason.items() if v)
        detail = f" ({reasons})" if reasons else ""
        return (
            f"vague {self.wave} : {self.log.rows_in} réponses lues, {self.log.rows_kept} "
            f"conservées, {self.log.rows_quarantined} en quarantaine{detail} → {self.out_dir}"
        )


# ------------------------------------------------------------------ prepare
def prepare_wave(
    wave_id: str,
    *,
    raw_dir: str | Path | None = None,
    out_dir: str | Path | None = None,
    secret: str | None = None,
) -> PreparedWave:
    """Clean, pseudonymise, scrub and weight one wave, and write its processed files.

    Parameters
    ----------
    wave_id : str
        The wave, e.g. ``"2025"`` (a folder ``<raw_dir>/<wave_id>/`` with ``wave.yaml``).
    raw_dir : str or pathlib.Path, optional
        Folder of the raw waves; ``data/raw`` by default.
    out_dir : str or pathlib.Path, optional
        Output folder; ``data/processed/<wave_id>`` by default.  Refused when
        it lies under the raw folder.
    secret : str, optional
        Pseudonymisation secret; :func:`barometer.privacy.get_secret` by default.

    Returns
    -------
    PreparedWave
        The tables written and their paths; ``.summary()`` gives one line.

    Raises
    ------
    ValueError
        Unknown wave, unreadable export (:class:`~barometer.ingest.ExportError`),
        missing columns, an output folder under ``data/raw``, or weighting
        that cannot be computed; each message names the file and the problem.
    """
    wave = get_wave(str(wave_id), raw_dir)
    target = Path(out_dir) if out_dir is not None else paths.processed_dir(wave.id)
    _refuse_raw_target(target, wave, raw_dir)
    codebook = load_codebook(wave.codebook)
    raw = check_columns(read_wave_export(wave), codebook, wave.file)
    key = secret if secret is not None else get_secret()
    result = clean_wave(raw, codebook, wave, pseudonymise=_pseudonymiser(key))
    respondents = scrub_other_texts(result, codebook)
    testimonies = scrub_testimonies(result)
    weights, weight_table, notes = weigh(respondents, codebook)
    respondents["weight"] = weights
    # whether the respondent left an address to receive its results (peer reports);
    # the flag, never the address, leaves the cleaning step
    emails = result.identities["email"].reindex(respondents.index)
    respondents["has_contact"] = emails.notna().to_numpy()
    quarantine = result.quarantine
    files = _write(target, respondents, quarantine, result.log, testimonies, weight_table, notes)
    return PreparedWave(
        wave=wave.id,
        out_dir=target,
        files=files,
        log=result.log,
        respondents=respondents,
        quarantine=quarantine,
        testimonies=testimonies,
        weight_diagnostics=weight_table,
        weighting_notes=notes,
    )


def _pseudonymiser(secret: str) -> Callable[[str], str]:
    def apply(key: str) -> str:
        return pseudonym(key, secret)

    return apply


def _refuse_raw_target(target: Path, wave: Wave, raw_dir: str | Path | None) -> None:
    resolved = target.resolve()
    for raw in {wave.folder.resolve(), Path(raw_dir or paths.raw_dir()).resolve()}:
        if resolved == raw or raw in resolved.parents:
            raise ValueError(
                f"{target}: refusing to write processed files under the raw folder {raw}"
            )


# ------------------------------------------------------------------ privacy
def scrub_other_texts(result: CleanResult, codebook: Codebook) -> pd.DataFrame:
    """Return the respondents with every "Autre" free text scrubbed.

    Parameters
    ----------
    result : CleanResult
        From :func:`barometer.clean.clean_wave` (its private identities give
        each respondent's own organisation name).
    codebook : Codebook
        The wave's questionnaire, to find the free-text columns.

    Returns
    -------
    pandas.DataFrame
        A copy of ``result.respondents``.
    """
    respondents = result.respondents.copy()
    names = result.identities["org_name"]
    for question in codebook.questions:
        column = f"{question.id}__other_text"
        if column in respondents.columns:
            respondents[column] = _scrub(respondents[column], names)
    for question in codebook.substantive:
        if question.type == "text" and question.id in respondents.columns:
            respondents[question.id] = _scrub(respondents[question.id], names)
    return respondents


def scrub_testimonies(result: CleanResult) -> pd.DataFrame:
    """Return the testimonies with scrubbed text, without source rows.

    Returns
    -------
    pandas.DataFrame
        ``respondent_id``, ``question``, ``text``, ``publish_consent``.
    """
    testimonies = result.testimonies
    names = result.identities["org_name"]
    texts = _scrub(
        pd.Series(testimonies["text"].to_numpy(), index=testimonies["source_row"].to_numpy()),
        names,
    )
    return pd.DataFrame(
        {
            "respondent_id": testimonies["respondent_id"].astype("string").to_numpy(),
            "question": testimonies["question"].astype("string").to_numpy(),
            "text": texts.astype("string").to_numpy(),
            "publish_consent": testimonies["publish_consent"].astype(bool).to_numpy(),
        }
    )


def _scrub(texts: pd.Series, names: pd.Series) -> pd.Series:
    out = texts.astype(object).copy()
    for row, text in texts.dropna().items():
        own = names.get(row)
        out[row] = scrub_text(str(text), names=[] if pd.isna(own) else [str(own)])
    return out.astype("string")


# ---------------------------------------------------------------- weighting
def weigh(
    respondents: pd.DataFrame, codebook: Codebook, config: WeightingConfig | None = None
) -> tuple[pd.Series, pd.DataFrame, list[str]]:
    """Calibrate weights within organisation type, as ``config/weighting.yaml`` says.

    Respondents whose type or a calibration variable of their type is
    missing cannot be calibrated: they keep weight 1 and are counted in the
    diagnostics under :data:`UNCALIBRATED`.

    Parameters
    ----------
    respondents : pandas.DataFrame
        The respondents table (codes).
    codebook : Codebook
        Its questionnaire, to find the organisation-type question (the one
        whose codes are the configuration's types).
    config : WeightingConfig, optional
        Default :func:`barometer.weighting.load_weighting_config`.

    Returns
    -------
    weights : pandas.Series
        Indexed like ``respondents``.
    diagnostics : pandas.DataFrame
        :func:`barometer.weighting.diagnostics` by type and ensemble.
    notes : list of str
        Warnings raised while building margins (merged cells).
    """
    config = config or load_weighting_config()
    org_types = type_question(codebook, config)
    type_col = org_types.id
    variables = sorted({s.variable for t in config.types.values() for s in t.structures})
    present = [v for v in variables if v in respondents.columns]
    data = (
        respondents[[type_col, *present]]
        .astype(object)
        .where(respondents[[type_col, *present]].notna(), None)
    )
    complete = data[type_col].notna()
    for code, org_type in config.types.items():
        for structure in org_type.structures:
            if structure.variable not in data.columns:
                raise ValueError(
                    f"weighting: structure variable {structure.variable!r} of type {code!r} "
                    "is not in the respondents table"
                )
            complete &= ~((data[type_col] == code) & data[structure.variable].isna())
    weights = pd.Series(1.0, index=respondents.index, name="weight")
    notes: list[str] = []
    if complete.any():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            calibrated = ensemble_weights(data[complete], config, type_col=type_col)
        notes = [str(w.message) for w in caught]
        weights[complete] = calibrated.to_numpy()
        table = diagnostics(calibrated, by=data.loc[complete, type_col])
    else:
        table = pd.DataFrame(columns=["group", "n"])
    missing = int((~complete).sum())
    if missing:
        notes.append(f"{missing} répondant(s) sans type ou variable de calage : poids 1")
        extra = pd.DataFrame([{"group": UNCALIBRATED, "n": missing}])
        table = pd.concat([table, extra], ignore_index=True)
    return weights, table, notes


def type_question(codebook: Codebook, config: WeightingConfig | None = None) -> Question:
    """Return the organisation-type question: the one whose codes are the config's types.

    Parameters
    ----------
    codebook : Codebook
        A questionnaire version.
    config : WeightingConfig, optional
        Default :func:`barometer.weighting.load_weighting_config`.

    Returns
    -------
    Question
        The single-choice question whose every option code is a weighting type.

    Examples
    --------
    >>> type_question(load_codebook("v2")).id
    'org_type'
    """
    config = config or load_weighting_config()
    candidates = [
        q
        for q in codebook.of_type("single")
        if q.role is None and q.codes and set(q.codes) <= set(config.types)
    ]
    if len(candidates) != 1:
        raise ValueError(
            f"weighting: cannot tell the organisation-type question of codebook "
            f"{codebook.version} from the configuration's types ({len(candidates)} candidates)"
        )
    return candidates[0]


# -------------------------------------------------------------------- write
def _write(
    target: Path,
    respondents: pd.DataFrame,
    quarantine: pd.DataFrame,
    log: CleaningLog,
    testimonies: pd.DataFrame,
    weight_table: pd.DataFrame,
    notes: list[str],
) -> dict[str, Path]:
    target.mkdir(parents=True, exist_ok=True)
    files = {name: target / filename for name, filename in OUTPUT_FILES.items()}
    respondents.reset_index(drop=True).to_parquet(files["respondents"], index=False)
    quarantine.to_csv(files["quarantine"], index=False, encoding="utf-8")
    document = {**log.to_dict(), "weighting": {"notes": notes}, "files": OUTPUT_FILES}
    files["log"].write_text(
        json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
    )
    testimonies.to_parquet(files["testimonies"], index=False)
    weight_table.to_csv(files["weights"], index=False, encoding="utf-8")
    return files


# --------------------------------------------------------------- validation
@dataclass(frozen=True)
class Problem:
    """One problem found in an export."""

    group: str
    message: str
    row: int | None = None
    column: str | None = None
    blocking: bool = False


GROUPS: dict[str, str] = {
    "read": "Lecture du fichier",
    "columns": "Colonnes manquantes",
    "unknown_answer": "Réponses hors du questionnaire",
    "routing_contradiction": "Réponses à des questions non posées (filtres)",
    "too_many_choices": "Trop de choix cochés",
    "unreadable_date": "Dates de soumission illisibles",
    **{f"quarantine:{code}": f"Quarantaine — {label}" for code, label in REASONS.items()},
    "rows": "Réponses exploitables",
}
"""Problem groups of a validation report, with their French titles, in report order."""


@dataclass
class ValidationReport:
    """The problems of an export, grouped; ``usable`` when cleaning can proceed."""

    path: Path
    codebook: str | None
    rows: int
    problems: list[Problem]
    log: CleaningLog | None = None

    @property
    def usable(self) -> bool:
        """True when no blocking problem was found."""
        return not any(p.blocking for p in self.problems)

    def groups(self) -> dict[str, list[Problem]]:
        """Return the problems by group, in report order."""
        out: dict[str, list[Problem]] = {}
        for group in GROUPS:
            found = [p for p in self.problems if p.group == group]
            if found:
                out[group] = found
        return out

    def render(self, max_per_group: int = 10) -> str:
        """Return the report as French text (at most ``max_per_group`` lines per group)."""
        verdict = "utilisable" if self.usable else "NON utilisable"
        lines = [
            f"Export : {self.path}",
            f"Questionnaire : {self.codebook or 'inconnu'} ; lignes : {self.rows}",
            f"Verdict : {verdict}",
        ]
        if self.log is not None:
            lines.append(
                f"Nettoyage : {self.log.rows_kept} répondants conservés, "
                f"{self.log.rows_quarantined} en quarantaine"
            )
        for group, problems in self.groups().items():
            lines.append("")
            lines.append(f"{GROUPS[group]} ({len(problems)})")
            for problem in problems[:max_per_group]:
                where = []
                if problem.row is not None:
                    where.append(f"ligne {problem.row}")
                if problem.column is not None:
                    where.append(f"colonne {problem.column!r}")
                prefix = f"{', '.join(where)} : " if where else ""
                mark = "  ✗ " if problem.blocking else "  - "
                lines.append(f"{mark}{prefix}{problem.message}")
            if len(problems) > max_per_group:
                lines.append(f"  … et {len(problems) - max_per_group} de plus")
        if not self.problems:
            lines.append("Aucun problème trouvé.")
        return "\n".join(lines)


def validate_export(path: str | Path, codebook: str | Codebook | None = None) -> ValidationReport:
    """Check an export (or a wave folder) against its codebook, writing nothing.

    Parameters
    ----------
    path : str or pathlib.Path
        The export file (CSV or XLSX) or the wave folder holding ``wave.yaml``.
    codebook : str or Codebook, optional
        Questionnaire version; by default from ``wave.yaml`` (beside the file
        or in the folder), else the shipped version whose columns match best.

    Returns
    -------
    ValidationReport
        Problems grouped, with rows and columns; ``.usable`` and ``.render()``.
    """
    path = Path(path)
    wave = _wave_beside(path)
    export = wave.file if wave is not None else path
    try:
        raw = read_wave_export(wave) if wave is not None else read_export(path)
    except ExportError as exc:
        return ValidationReport(export, None, 0, [Problem("read", str(exc), blocking=True)])
    book = _codebook_for(raw, codebook, wave)
    raw = align_columns(raw, book)
    missing = missing_columns(raw.columns, book)
    if missing:
        problems = [
            Problem("columns", "colonne requise par le questionnaire absente", None, c, True)
            for c in missing
        ]
        return ValidationReport(export, book.version, len(raw), problems)
    result = clean_wave(raw, book, wave if wave is not None else "validation")
    return ValidationReport(export, book.version, len(raw), _problems(result), result.log)


def _wave_beside(path: Path) -> Wave | None:
    folder = path if path.is_dir() else path.parent
    if not (folder / "wave.yaml").is_file():
        if path.is_dir():
            raise ValueError(f"{path}: a folder without wave.yaml; give the export file instead")
        return None
    wave = load_wave(folder)
    if path.is_file() and wave.file.resolve() != path.resolve():
        return None
    return wave


def _codebook_for(
    raw: pd.DataFrame, codebook: str | Codebook | None, wave: Wave | None
) -> Codebook:
    if isinstance(codebook, Codebook):
        return codebook
    if codebook is not None:
        return load_codebook(codebook)
    if wave is not None:
        return load_codebook(wave.codebook)
    books = [load_codebook(v) for v in available_versions()]
    return min(books, key=lambda b: len(missing_columns(raw.columns, b)))


def _problems(result: CleanResult) -> list[Problem]:
    problems: list[Problem] = []
    findings = result.findings
    for record in findings.itertuples(index=False):
        value = str(record.value)
        shown = value if len(value) <= 60 else value[:57] + "…"
        if record.problem == "too_many_choices":
            message = f"{record.question} : {shown} choix"
        elif record.problem == "unreadable_date":
            message = f"date illisible « {shown} » (gardée, sans date)"
        elif record.problem == "routing_contradiction":
            message = f"{record.question} : réponse alors que la question n'était pas posée"
        else:
            message = f"{record.question} : « {shown} » ne correspond à aucun libellé"
        problems.append(Problem(record.problem, message, int(record.source_row), record.column))
    for record in result.quarantine.itertuples(index=False):
        problems.append(
            Problem(f"quarantine:{record.reason}", str(record.detail), int(record.source_row))
        )
    if result.log.rows_kept == 0:
        problems.append(
            Problem("rows", "aucune réponse exploitable après nettoyage", blocking=True)
        )
    return problems


__all__ = [
    "OUTPUT_FILES",
    "PreparedWave",
    "Problem",
    "ValidationReport",
    "prepare_wave",
    "scrub_other_texts",
    "scrub_testimonies",
    "type_question",
    "validate_export",
    "weigh",
]
