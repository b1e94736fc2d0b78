"""Weighted crosstabs with confidence intervals, column letters and Rao–Scott tests.

A :class:`Crosstab` holds one published table: the weighted share of each
answer (rows) within each group of a banner variable (columns) and in the
whole sample ("Ensemble"), with its confidence interval, its unweighted count
and base, the letters of the columns it significantly exceeds, and the
small-cell flags.  Labels, order and question texts come from the codebook
only; statistics come from :mod:`barometer.survey`.

Row variables
    * a single question (``ai_status``) or an array row (``stage_conception``):
      one table row per option, percentages of a column add up to 100;
    * a scale (``opportunity_threat``): its distribution, a top-2 box row
      (the two highest codes) and, in :attr:`Crosstab.means`, the mean with
      its confidence interval;
    * a multiple question (``tools``): one long frame, one table row per
      option (the share of respondents who ticked it); the base of a column
      is the respondents *asked* the question (non-missing), so a column does
      not add up to 100.  Each option has its own Rao–Scott test (option
      ticked × column) in :attr:`Crosstab.option_tests`, Holm-adjusted across
      options.

Columns
    "Ensemble" (code ``"ensemble"``) always comes first: every respondent
    who answered the row variable, including those without an answer to the
    column variable.  Then the groups of the column variable in codebook
    order, those with no respondent left out.  ``col=None`` keeps
    "Ensemble" only (no test).

Examples
--------
>>> import pandas as pd
>>> from barometer.codebook import load_codebook
>>> cb = load_codebook("v1")
>>> data = pd.DataFrame({"ai_referent": pd.Categorical(["yes"] * 6 + ["no"] * 4,
...                                                    categories=cb.question("ai_referent").codes),
...                      "weight": [1.0] * 10})
>>> table = crosstab(data, "ai_referent", None, codebook=cb)
>>> table.frame[["row_label", "col_label", "percent"]].to_numpy().tolist()
[['Oui', 'Ensemble', 60.0], ['Non', 'Ensemble', 40.0]]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from barometer import survey
from barometer.codebook import Codebook, Question, load_codebook, multiple_variable
from barometer.french import format_number, format_percent, format_pvalue, format_test
from barometer.tables.suppression import suppress

TOTAL = "ensemble"
"""Code of the total column."""
TOTAL_LABEL = "Ensemble"
"""Label of the total column."""
TOP_BOX = "top2"
"""Row code of the top-2 box of a scale."""
SECONDARY_MARK = "–"
"""What a cell hidden to protect another one shows (an en dash, never a formula)."""

Kind = Literal["single", "array", "scale", "multiple"]

FRAME_COLUMNS = [
    "row",
    "row_label",
    "col",
    "col_label",
    "col_letter",
    "percent",
    "ci_low",
    "ci_high",
    "n",
    "base",
    "letters",
    "suppressed",
    "suppression",
    "fragile",
]
PUBLISHED_COLUMNS = [c for c in FRAME_COLUMNS if c not in ("n", "suppression")] + ["display"]

CAVEAT = (
    "Échantillon volontaire : les pondérations corrigent la composition de l'échantillon, "
    "pas l'autosélection des répondants ; les résultats ne sont pas représentatifs au sens strict."
)


# --------------------------------------------------------------------------- variables


@dataclass(frozen=True)
class _Variable:
    """A row or column variable resolved against the codebook."""

    id: str
    kind: str  # single, array, scale, multiple, external
    text: str
    codes: tuple[str, ...]
    labels: Mapping[str, str]
    question: Question | None = None


def _resolve(codebook: Codebook, variable: str, role: str) -> _Variable:
    """Find a question or an array row of the codebook."""
    if not isinstance(variable, str):
        raise TypeError(f"{role} must be a question id (str), got {type(variable).__name__}")
    if variable in codebook:
        question = codebook.question(variable)
        if question.type == "array":
            rows = ", ".join(r.id for r in question.rows)
            raise ValueError(
                f"{role}={variable!r} is an array question: give one of its rows ({rows})"
            )
        if not question.is_categorical:
            raise ValueError(
                f"{role}={variable!r} is a {question.type} question; crosstabs need "
                "a single, scale, multiple question or an array row"
            )
        return _Variable(
            variable, question.type, question.text, tuple(question.codes), question.labels, question
        )
    for question in codebook.of_type("array"):
        for row in question.rows:
            if row.id == variable:
                return _Variable(
                    variable,
                    "array",
                    f"{question.text} — {row.label}",
                    tuple(question.codes),
                    question.labels,
                    question,
                )
    raise ValueError(
        f"{role}={variable!r} is neither a question nor an array row of codebook {codebook.version}"
    )


def _external(data: pd.DataFrame, col: str, labels: Mapping[str, str] | None, text: str | None):
    """Describe a column variable outside the codebook (e.g. a profile) from its Categorical."""
    if col not in data.columns:
        raise ValueError(f"col={col!r} is neither in the codebook nor a column of data")
    series = data[col]
    if not isinstance(series.dtype, pd.CategoricalDtype):
        raise TypeError(
            f"col={col!r} is not in the codebook: it must be a pandas Categorical "
            "(its categories give the column order)"
        )
    codes = tuple(str(c) for c in series.cat.categories)
    names = {c: str((labels or {}).get(c, c)) for c in codes}
    return _Variable(col, "external", text or col, codes, names)


def _category_codes(data: pd.DataFrame, variable: _Variable, role: str) -> np.ndarray:
    """Integer codes (-1 missing) of a categorical column, in the variable's order."""
    if variable.id not in data.columns:
        raise ValueError(f"{role}={variable.id!r}: data has no column {variable.id!r}")
    series = data[variable.id]
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = [str(c) for c in series.cat.categories]
        used = series.cat.codes.to_numpy()
        present = {categories[k] for k in np.unique(used[used >= 0])}
        values = series.cat.rename_categories(categories)
    else:
        values = series.astype("string")
        present = set(values.dropna().unique())
    unknown = sorted(present - set(variable.codes))
    if unknown:
        raise ValueError(
            f"column {variable.id!r} holds answer code(s) {unknown} that the codebook "
            f"does not list for {variable.id!r} (expected codes: {list(variable.codes)})"
        )
    categorical = pd.Categorical(values, categories=list(variable.codes))
    return np.asarray(categorical.codes, dtype=np.int64)


def _option_matrix(data: pd.DataFrame, variable: _Variable) -> np.ndarray:
    """``(n, n_options)`` float matrix of a multiple question: 1 ticked, 0 not, NaN not asked."""
    columns = [multiple_variable(variable.id, code) for code in variable.codes]
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ValueError(f"row={variable.id!r}: data has no column(s) {missing}")
    out = np.empty((len(data), len(columns)))
    for k, column in enumerate(columns):
        series = data[column]
        kind = pd.api.types.infer_dtype(series, skipna=True)
        if kind not in ("boolean", "empty"):
            raise TypeError(
                f"column {column!r} of multiple question {variable.id!r} must be boolean "
                f"(nullable), got values of kind {kind!r}"
            )
        out[:, k] = series.astype("boolean").to_numpy(dtype=float, na_value=np.nan)
    return out


def _weights(data: pd.DataFrame, weight: str | None) -> np.ndarray | None:
    if weight is None:
        return None
    if weight not in data.columns:
        raise ValueError(f"weight={weight!r}: data has no such column (None for unweighted)")
    values = pd.to_numeric(data[weight], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if np.isnan(values).any():
        raise ValueError(f"weight column {weight!r} has missing or non-numeric values")
    return values


# --------------------------------------------------------------------------- estimation


@dataclass(frozen=True)
class _Design:
    weights: np.ndarray | None
    strata: np.ndarray | None
    method: str
    level: float
    alpha: float


def _cell_estimates(y: np.ndarray, masks: list[np.ndarray], design: _Design) -> list[tuple]:
    """Percent, CI, count and base of a 0/1 variable within each column mask."""
    out = []
    for mask in masks:
        domain = np.where(mask, y, np.nan)
        answered = ~np.isnan(domain)
        base = int(answered.sum())
        count = int(np.nansum(domain))
        if base >= 2:
            r = survey.proportion(
                domain,
                design.weights,
                strata=design.strata,
                method=design.method,
                level=design.level,
            )
            out.append((100 * r.estimate, 100 * r.ci_low, 100 * r.ci_high, count, base))
        else:  # one answer or none: a share without interval (suppressed anyway)
            share = 100.0 * count / base if base else np.nan
            out.append((share, np.nan, np.nan, count, base))
    return out


def _group_letters(
    y: np.ndarray, groups: pd.Categorical, design: _Design
) -> tuple[list[str], list[str]]:
    """Column letters and, per group, the letters it significantly exceeds."""
    n_groups = len(groups.categories)
    seen = y[(np.asarray(groups.codes) >= 0) & ~np.isnan(y)]
    if n_groups < 2 or seen.size == 0 or seen.min() == seen.max():
        # One group, or the same answer everywhere: no difference to letter.
        return [chr(ord("A") + k) for k in range(n_groups)], [""] * n_groups
    frame = survey.column_tests(y, groups, design.weights, level=design.alpha, strata=design.strata)
    return frame["letter"].tolist(), frame["higher_than"].tolist()


def _test(
    x: pd.Categorical, groups: pd.Categorical, design: _Design
) -> survey.RaoScottResult | None:
    """Rao–Scott F test of ``x`` × ``groups``; None when fewer than two categories are seen."""
    if len(groups.categories) < 2:
        return None
    try:
        return survey.rao_scott(x, groups, design.weights, strata=design.strata, statistic="F")
    except ValueError:  # fewer than two observed categories: no test to run
        return None


# --------------------------------------------------------------------------- result


@dataclass(frozen=True)
class Crosstab:
    """One published table: tidy estimates, test, note and texts.

    Attributes
    ----------
    frame : pandas.DataFrame
        Tidy, one row a (row, column) cell, columns :data:`FRAME_COLUMNS`:
        ``row`` and ``col`` are ordered Categoricals of codes (codebook order,
        "ensemble" first), ``percent``/``ci_low``/``ci_high`` are weighted
        (0–100), ``n`` and ``base`` unweighted, ``letters`` the column letters
        this cell significantly exceeds, ``suppressed`` the cells never to
        publish (``suppression`` says why: ``"small"`` count under
        ``min_count``, ``"complement"`` hidden so that a small cell cannot be
        recomputed), ``fragile`` the columns whose base is under ``min_base``.
        Raw values stay here for analysis: publish :attr:`published`.
    test : RaoScottResult or None
        Rao–Scott test of row × column (None for multiple questions, for
        ``col=None`` or when fewer than two categories were observed).
    title, question_text, col_text : str
        French texts from the codebook.
    kind : str
        ``"single"``, ``"array"``, ``"scale"`` or ``"multiple"``.
    row, col : str or None
        Variable ids.
    note_lines : tuple of str
        The French note, one sentence a line (see :attr:`note`).
    means : pandas.DataFrame or None
        Scales only: per column ``col``, ``col_label``, ``mean``, ``ci_low``,
        ``ci_high``, ``base``, ``suppressed``, ``fragile``.
    option_tests : pandas.DataFrame or None
        Multiple questions only: per option ``row``, ``statistic``, ``df``,
        ``df_denom``, ``pvalue``, ``pvalue_holm``.
    with_letters : bool
        False when the column letters were not computed (``letters=False``).
    """

    frame: pd.DataFrame
    test: survey.RaoScottResult | None
    title: str
    question_text: str
    col_text: str | None
    kind: str
    row: str
    col: str | None
    note_lines: tuple[str, ...]
    min_count: int
    min_base: int
    level: float
    alpha: float
    means: pd.DataFrame | None = None
    option_tests: pd.DataFrame | None = field(default=None)
    with_letters: bool = True

    @property
    def note(self) -> str:
        """The French note: base, weighting, suppression rule, caveat, test."""
        return " ".join(self.note_lines)

    @property
    def significant(self) -> bool:
        """True when the test (or, for a multiple question, one option's test) rejects."""
        if self.option_tests is not None:
            return bool((self.option_tests["pvalue_holm"] < self.alpha).any())
        return self.test is not None and self.test.pvalue < self.alpha

    @property
    def published(self) -> pd.DataFrame:
        """The frame as it may be published: hidden cells carry no value.

        Suppressed cells lose ``percent``, ``ci_low``, ``ci_high`` and their
        letters; letters pointing at a hidden cell are dropped; ``n`` and
        ``suppression`` are left out (a count would reveal a small cell).
        ``display`` is the French text of the cell: ``"54 %"``, ``"(54 %)"``
        when the base is fragile, ``"n<5"`` for a small cell, ``"–"`` for a
        cell hidden to protect another.
        """
        frame = self.frame.copy()
        hidden = frame["suppressed"].to_numpy(dtype=bool)
        for column in ("percent", "ci_low", "ci_high"):
            frame[column] = frame[column].mask(hidden)
        frame["letters"] = _visible_letters(frame)
        small = frame["suppression"].eq("small").to_numpy()
        display = [
            f"n<{self.min_count}"
            if is_small
            else SECONDARY_MARK
            if is_hidden
            else _display(pct, fragile)
            for pct, fragile, is_small, is_hidden in zip(
                frame["percent"], frame["fragile"], small, hidden, strict=True
            )
        ]
        frame["display"] = pd.array(display, dtype="string")
        return frame[PUBLISHED_COLUMNS]

    def wide(self, *, letters: bool = True) -> pd.DataFrame:
        """Return the published table as French text, answers × columns.

        Parameters
        ----------
        letters : bool
            Append the significance letters to each cell.

        Returns
        -------
        pandas.DataFrame
            Index: answer labels (and "Base (non pondérée)", "Moyenne" for
            scales); columns: "Ensemble" then the groups with their letter.
        """
        pub = self.published
        headers = _headers(pub)
        cells = pub["display"].astype(str)
        if letters:
            cells = cells.where(pub["letters"].eq(""), cells + " " + pub["letters"])
        table = (
            pd.DataFrame({"row": pub["row_label"], "col": pub["col"].map(headers), "cell": cells})
            .pivot(index="row", columns="col", values="cell")
            .reindex(index=list(dict.fromkeys(pub["row_label"])), columns=list(headers.values()))
        )
        bases = pub.drop_duplicates("col").set_index("col")["base"]
        extra = {"Base (non pondérée)": [format_number(bases[c], 0) for c in headers]}
        if self.means is not None:
            means = self.means.set_index("col")
            extra["Moyenne"] = [
                SECONDARY_MARK
                if means.loc[c, "suppressed"]
                else _fragile(format_number(means.loc[c, "mean"], 2), means.loc[c, "fragile"])
                for c in headers
            ]
        rows = pd.DataFrame(extra, index=list(headers.values())).T
        out = pd.concat([table, rows])
        out.index.name = None
        out.columns.name = None
        return out


def _display(percent: float, fragile: bool) -> str:
    return _fragile(format_percent(percent, 0), fragile)


def _fragile(text: str, fragile: bool) -> str:
    """Put a figure resting on a fragile base between parentheses."""
    return f"({text})" if fragile and text else text


def _headers(frame: pd.DataFrame) -> dict[str, str]:
    """Column code → header ("Ensemble", "Association (A)"), in order."""
    first = frame.drop_duplicates("col")
    return {
        str(code): label if code == TOTAL else f"{label} ({letter})"
        for code, label, letter in zip(
            first["col"], first["col_label"], first["col_letter"], strict=True
        )
    }


def _visible_letters(frame: pd.DataFrame) -> pd.Series:
    """Letters of visible cells, without those pointing at hidden cells of the same row."""
    hidden_letters = (
        frame[frame["suppressed"] & frame["col_letter"].ne("")]
        .groupby("row", observed=True)["col_letter"]
        .agg("".join)
    )
    out = []
    for row, letters, hidden in zip(
        frame["row"], frame["letters"], frame["suppressed"], strict=True
    ):
        if hidden:
            out.append("")
            continue
        masked = hidden_letters.get(row, "")
        out.append("".join(letter for letter in letters if letter not in masked))
    return pd.Series(out, index=frame.index, dtype="string")


# --------------------------------------------------------------------------- crosstab


def crosstab(
    data: pd.DataFrame,
    row: str,
    col: str | None,
    *,
    weight: str | None = "weight",
    codebook: Codebook | str,
    level: float = 0.95,
    min_count: int = 5,
    min_base: int = 30,
    method: survey.ProportionMethod = "logit",
    alpha: float = 0.05,
    strata: str | None = None,
    title: str | None = None,
    col_labels: Mapping[str, str] | None = None,
    col_text: str | None = None,
    letters: bool = True,
) -> Crosstab:
    """Build a weighted crosstab of a question by a banner variable.

    Parameters
    ----------
    data : pandas.DataFrame
        The respondents table (one row a respondent).
    row : str
        A single, scale or multiple question id, or an array row id.
    col : str or None
        A single question id (or array row, or scale) giving the columns, or a
        Categorical column of ``data`` outside the codebook (e.g. a profile,
        labelled by ``col_labels``); None for the "Ensemble" column only.
    weight : str or None
        Column of calibrated weights; None for unweighted estimates.
    codebook : Codebook or str
        The codebook of the wave (or its version, e.g. ``"v1"``).
    level : float
        Confidence level of the intervals.
    min_count : int
        Cells counting fewer respondents (unweighted) are suppressed.
    min_base : int
        Columns with a smaller unweighted base are flagged fragile.
    method : {"logit", "beta", "wilson"}
        Confidence interval of a proportion (see :func:`barometer.survey.proportion`).
    alpha : float
        Significance level of the column letters and of the findings.
    strata : str, optional
        Column of design strata (e.g. the organisation type the weights were
        calibrated within); None for an unstratified design.
    title : str, optional
        Overrides the title built from the codebook texts.
    col_labels : mapping, optional
        Labels of the categories of a ``col`` outside the codebook.
    col_text : str, optional
        Description of a ``col`` outside the codebook.
    letters : bool
        Compute the column letters (one design-based test per answer and pair
        of columns); False skips them, e.g. for a figure that does not show
        them (:func:`~barometer.tables.finding` then names no columns).

    Returns
    -------
    Crosstab
        Tidy frame, test, note and texts.
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    if isinstance(codebook, str):
        codebook = load_codebook(codebook)
    if not isinstance(codebook, Codebook):
        raise TypeError(f"codebook must be a Codebook or a version string, got {codebook!r}")
    if col is not None and col == row:
        raise ValueError(f"row and col are the same variable {row!r}")
    _check_thresholds(min_count, min_base, level, alpha)
    row_var = _resolve(codebook, row, "row")
    if col is None:
        col_var = None
    elif col in codebook or any(r.id == col for q in codebook.of_type("array") for r in q.rows):
        col_var = _resolve(codebook, col, "col")
        if col_var.kind == "multiple":
            raise ValueError(f"col={col!r} is a multiple question: columns must be exclusive")
    else:
        col_var = _external(data, col, col_labels, col_text)
    design = _Design(
        weights=_weights(data, weight),
        strata=None if strata is None else _strata(data, strata),
        method=method,
        level=level,
        alpha=alpha,
    )
    col_codes = (
        np.full(len(data), -1, dtype=np.int64)
        if col_var is None
        else _category_codes(data, col_var, "col")
    )
    builder = _Builder(row_var, col_var, col_codes, design, min_count, min_base, letters)
    if row_var.kind == "multiple":
        parts = builder.multiple(_option_matrix(data, row_var))
    else:
        parts = builder.exclusive(_category_codes(data, row_var, "row"), data)
    frame, test, means, option_tests = parts
    default_title = (
        row_var.text if col_var is None else f"{row_var.text} — selon « {col_var.text} »"
    )
    return Crosstab(
        frame=frame,
        test=test,
        title=title or default_title,
        question_text=row_var.text,
        col_text=None if col_var is None else col_var.text,
        kind=row_var.kind,
        row=row,
        col=col,
        note_lines=_note(
            codebook,
            row_var,
            frame,
            test,
            option_tests,
            weight=weight,
            method=method,
            min_count=min_count,
            min_base=min_base,
            level=level,
            alpha=alpha,
            letters=letters,
        ),
        min_count=min_count,
        min_base=min_base,
        level=level,
        alpha=alpha,
        means=means,
        option_tests=option_tests,
        with_letters=letters,
    )


def crosstabs(
    data: pd.DataFrame,
    rows: Sequence[str],
    col: str | None,
    *,
    codebook: Codebook | str,
    **options: Any,
) -> dict[str, Crosstab]:
    """Build one crosstab a row variable, expanding array questions into their rows.

    Parameters
    ----------
    data : pandas.DataFrame
        The respondents table.
    rows : sequence of str
        Question ids; an array question id stands for all its rows.
    col : str or None
        The column variable (see :func:`crosstab`).
    codebook : Codebook or str
        The codebook of the wave.
    **options
        Passed on to :func:`crosstab`.

    Returns
    -------
    dict of str to Crosstab
        Keyed ``"<row>__<col>"`` (``"<row>__ensemble"`` when ``col`` is None),
        in the order given.
    """
    if isinstance(codebook, str):
        codebook = load_codebook(codebook)
    out: dict[str, Crosstab] = {}
    for variable in rows:
        expanded = [variable]
        if variable in codebook and codebook.question(variable).type == "array":
            expanded = [r.id for r in codebook.question(variable).rows]
        for row in expanded:
            out[f"{row}__{col or TOTAL}"] = crosstab(data, row, col, codebook=codebook, **options)
    return out


def _strata(data: pd.DataFrame, strata: str) -> np.ndarray:
    if strata not in data.columns:
        raise ValueError(f"strata={strata!r}: data has no such column")
    values = data[strata]
    if values.isna().any():
        raise ValueError(f"strata column {strata!r} has missing values")
    return pd.factorize(values, sort=True)[0]


def _check_thresholds(min_count: int, min_base: int, level: float, alpha: float) -> None:
    for name, value in (("min_count", min_count), ("min_base", min_base)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    for name, value in (("level", level), ("alpha", alpha)):
        if not isinstance(value, int | float) or not 0 < value < 1:
            raise ValueError(f"{name} must lie strictly between 0 and 1, got {value!r}")


# --------------------------------------------------------------------------- builder


@dataclass
class _Builder:
    """Computes the cells of one crosstab (shared by the row kinds)."""

    row: _Variable
    col: _Variable | None
    col_codes: np.ndarray
    design: _Design
    min_count: int
    min_base: int
    letters: bool = True

    def __post_init__(self) -> None:
        n_col = 0 if self.col is None else len(self.col.codes)
        seen = np.bincount(self.col_codes[self.col_codes >= 0], minlength=n_col)
        self.group_index = [k for k in range(n_col) if seen[k] > 0]
        recode = np.full(n_col + 1, -1, dtype=np.int64)
        recode[self.group_index] = np.arange(len(self.group_index))
        self.groups = pd.Categorical.from_codes(
            recode[self.col_codes],
            categories=[self.col.codes[k] for k in self.group_index] if self.col else [],
        )

    # columns -----------------------------------------------------------------
    def masks(self, answered: np.ndarray) -> list[np.ndarray]:
        """Ensemble first, then one mask a group (restricted to answers)."""
        return [answered] + [answered & (self.col_codes == k) for k in self.group_index]

    def column_codes(self) -> list[str]:
        assert self.col is not None or not self.group_index
        return [TOTAL] + [self.col.codes[k] for k in self.group_index] if self.col else [TOTAL]

    def column_labels(self) -> list[str]:
        if self.col is None:
            return [TOTAL_LABEL]
        return [TOTAL_LABEL] + [self.col.labels[self.col.codes[k]] for k in self.group_index]

    def total(self) -> int | None:
        """Index of the "Ensemble" column when it sums groups, else None."""
        return 0 if self.group_index else None

    # kinds -----------------------------------------------------------------
    def exclusive(self, codes: np.ndarray, data: pd.DataFrame):
        """Single question, array row or scale: one row an option."""
        row_codes = list(self.row.codes)
        answered = codes >= 0
        masks = self.masks(answered)
        indicators = [
            np.where(answered, (codes == k).astype(float), np.nan) for k in range(len(row_codes))
        ]
        if self.row.kind == "scale":
            top = [len(row_codes) - 2, len(row_codes) - 1]
            indicators.append(np.where(answered, np.isin(codes, top).astype(float), np.nan))
        cells, letters = self._estimate(indicators, masks)
        counts = np.array([[c[3] for c in line] for line in cells])
        n = len(row_codes)
        primary, secondary = suppress(
            counts,
            self.min_count,
            exclusive=True,
            total=self.total(),
            sums={n: [n - 2, n - 1]} if self.row.kind == "scale" else None,
        )
        labels = dict(self.row.labels)
        codes_out = list(row_codes)
        if self.row.kind == "scale":
            codes_out.append(TOP_BOX)
            labels[TOP_BOX] = f"Sous-total {row_codes[-2]}–{row_codes[-1]}"
        frame = self._frame(codes_out, labels, cells, letters, primary, secondary)
        x = pd.Categorical.from_codes(codes, categories=row_codes)
        test = _test(x, self.groups, self.design)
        means = None
        if self.row.kind == "scale":
            means = self._means(
                codes, data, masks, primary[: len(row_codes)] | secondary[: len(row_codes)]
            )
        return frame, test, means, None

    def multiple(self, matrix: np.ndarray):
        """Multiple question: one row an option, base = respondents asked."""
        codes = list(self.row.codes)
        indicators = [matrix[:, k] for k in range(len(codes))]
        answered = ~np.isnan(matrix).all(axis=1)
        cells, letters = self._estimate(indicators, self.masks(answered))
        counts = np.array([[c[3] for c in line] for line in cells])
        bases = np.array([[c[4] for c in line] for line in cells]).max(axis=0)
        primary, secondary = suppress(
            counts, self.min_count, exclusive=False, total=self.total(), bases=bases
        )
        frame = self._frame(codes, dict(self.row.labels), cells, letters, primary, secondary)
        records = []
        for k, code in enumerate(codes):
            y = matrix[:, k]
            ticked = pd.Categorical.from_codes(
                np.where(np.isnan(y), -1, y).astype(np.int64), categories=["0", "1"]
            )
            result = _test(ticked, self.groups, self.design)
            if result is not None:
                records.append((code, result.statistic, result.df, result.df_denom, result.pvalue))
        tests = pd.DataFrame(records, columns=["row", "statistic", "df", "df_denom", "pvalue"])
        tests["pvalue_holm"] = survey.holm(tests["pvalue"].to_numpy(dtype=float))
        return frame, None, None, tests

    # helpers -----------------------------------------------------------------
    def _estimate(self, indicators: list[np.ndarray], masks: list[np.ndarray]):
        cells, letters = [], []
        complete = self.col_codes >= 0
        for y in indicators:
            cells.append(_cell_estimates(y, masks, self.design))
            if self.group_index and self.letters:
                _, higher = _group_letters(np.where(complete, y, np.nan), self.groups, self.design)
            else:
                higher = [""] * len(self.group_index)
            letters.append(["", *higher])
        return cells, letters

    def _means(self, codes: np.ndarray, data: pd.DataFrame, masks, hidden: np.ndarray):
        numeric_column = f"{self.row.id}_num"
        if numeric_column in data.columns:
            values = pd.to_numeric(data[numeric_column], errors="coerce").to_numpy(
                dtype=float, na_value=np.nan
            )
        else:
            values = np.array(self.row.codes, dtype=float)[np.clip(codes, 0, None)]
            values[codes < 0] = np.nan
        records = []
        for j, (mask, code, label) in enumerate(
            zip(masks, self.column_codes(), self.column_labels(), strict=True)
        ):
            domain = np.where(mask, values, np.nan)
            base = int((~np.isnan(domain)).sum())
            if base >= 2:
                r = survey.mean(
                    domain, self.design.weights, strata=self.design.strata, level=self.design.level
                )
                estimate, low, high = r.estimate, r.ci_low, r.ci_high
            else:
                estimate, low, high = (np.nanmean(domain) if base else np.nan), np.nan, np.nan
            suppressed = bool(hidden[:, j].any()) or base < self.min_count
            records.append(
                (code, label, estimate, low, high, base, suppressed, base < self.min_base)
            )
        return pd.DataFrame(
            records,
            columns=[
                "col",
                "col_label",
                "mean",
                "ci_low",
                "ci_high",
                "base",
                "suppressed",
                "fragile",
            ],
        )

    def _frame(self, row_codes, labels, cells, letters, primary, secondary) -> pd.DataFrame:
        col_codes = self.column_codes()
        col_labels = self.column_labels()
        col_letters = [""] + [chr(ord("A") + k) for k in range(len(self.group_index))]
        records = []
        for i, code in enumerate(row_codes):
            for j, (col_code, col_label) in enumerate(zip(col_codes, col_labels, strict=True)):
                pct, low, high, n, base = cells[i][j]
                records.append(
                    (
                        code,
                        labels[code],
                        col_code,
                        col_label,
                        col_letters[j],
                        pct,
                        low,
                        high,
                        n,
                        base,
                        letters[i][j],
                        bool(primary[i, j] or secondary[i, j]),
                        "small" if primary[i, j] else "complement" if secondary[i, j] else "",
                        base < self.min_base,
                    )
                )
        frame = pd.DataFrame.from_records(records, columns=FRAME_COLUMNS)
        frame["row"] = pd.Categorical(frame["row"], categories=list(row_codes), ordered=True)
        frame["col"] = pd.Categorical(frame["col"], categories=col_codes, ordered=True)
        for column in ("row_label", "col_label", "col_letter", "letters", "suppression"):
            frame[column] = frame[column].astype("string")
        frame["n"] = frame["n"].astype("int64")
        frame["base"] = frame["base"].astype("int64")
        return frame


# --------------------------------------------------------------------------- note


def _note(
    codebook: Codebook,
    row: _Variable,
    frame: pd.DataFrame,
    test: survey.RaoScottResult | None,
    option_tests: pd.DataFrame | None,
    *,
    weight: str | None,
    method: str,
    min_count: int,
    min_base: int,
    level: float,
    alpha: float,
    letters: bool,
) -> tuple[str, ...]:
    """French note lines: base, weighting, suppression, letters, caveat, test."""
    total = int(frame.loc[frame["col"] == TOTAL, "base"].iloc[0])
    base = f"Base : {format_number(total, 0)} répondants ayant répondu à la question"
    routing = row.question.asked_if if row.question is not None else None
    if routing is not None:
        asked = codebook.question(routing.question)
        answers = " ou ".join(f"« {asked.label(c)} »" for c in routing.codes)
        base += f", posée si « {asked.text} » = {answers}"
    base += " (effectifs non pondérés)."
    if row.kind == "multiple":
        base += " Plusieurs réponses possibles : les pourcentages ne s'additionnent pas."
    percent = format_number(100 * level, 0)
    weighting = (
        "Pourcentages pondérés (poids de calage)"
        if weight is not None
        else "Pourcentages non pondérés"
    )
    weighting += f" ; intervalles de confiance à {percent}\u202f% selon le plan de sondage"
    weighting += f" (méthode {method})."
    rule = (
        f"Cellules de moins de {min_count} répondants masquées (« n<{min_count} »), "
        f"ainsi que les cellules qui permettraient de les recalculer (« {SECONDARY_MARK} ») ; "
        f"entre parenthèses : base de moins de {min_base} répondants, résultat fragile."
    )
    lines = [base, weighting, rule]
    if letters and frame["col"].nunique() > 2:
        lines.append(
            "Lettres : la colonne dépasse significativement les colonnes indiquées "
            "(tests de proportions tenant compte du plan, correction de Holm, "
            f"seuil {format_percent(100 * alpha, 0)})."
        )
    lines.append(CAVEAT)
    if option_tests is not None:
        lines.append(_options_test_line(frame, option_tests, alpha))
    elif test is not None:
        lines.append(format_test(test.statistic, test.df, test.df_denom, test.pvalue) + ".")
    elif frame["col"].nunique() > 1:
        lines.append("Test de Rao–Scott non calculable (moins de deux modalités observées).")
    return tuple(lines)


def _options_test_line(frame: pd.DataFrame, tests: pd.DataFrame, alpha: float) -> str:
    if frame["col"].nunique() < 2 or not len(tests):
        return "Tests de Rao–Scott non calculables."
    labels = frame.drop_duplicates("row").set_index("row")["row_label"]
    significant = tests[tests["pvalue_holm"] < alpha]
    if significant.empty:
        return (
            "Tests de Rao–Scott par réponse (correction de Holm) : "
            "aucune différence significative entre colonnes."
        )
    parts = [
        f"« {labels[r]} » ({format_pvalue(p)})"
        for r, p in zip(significant["row"], significant["pvalue_holm"], strict=True)
    ]
    return (
        "Tests de Rao–Scott par réponse (correction de Holm) : différence significative "
        "entre colonnes pour " + ", ".join(parts) + "."
    )
