"""Trends across waves: harmonise onto one questionnaire, estimate, test changes.

Waves are compared through the codebook's ``previous`` mappings only: a v2
respondents table is first *harmonised* onto v1 codes (2026's "Département"
and "Région" fold into 2025's "Département ou Région"; "Le Chat" is the same
option as "Le Chat (Mistral)"), questions or options that exist in one wave
only are dropped and listed, never compared.

The change between two waves is the difference of two design-based
proportions from independent samples.  Treating the waves as the strata of a
pooled design, its linearised variance is the sum of the two variances
(R: ``svyby(~y, ~wave, design)`` then ``svycontrast``), so the test is a
Wald z-test on ``p2 - p1`` with standard error ``sqrt(se1² + se2²)``.
Organisations that answered both waves make the samples slightly dependent;
the panel is small and the test ignores it (conservative when the answers
are positively correlated).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from barometer.codebook import Codebook, load_codebook, multiple_variable
from barometer.french import format_number, format_percent, format_pvalue
from barometer.indicators import Indicator, expand_indicators, indicator_values
from barometer.survey import holm, proportion

ENSEMBLE = "ensemble"


@dataclass(frozen=True)
class Harmonised:
    """A respondents table recoded onto an earlier questionnaire version."""

    data: pd.DataFrame
    version: str
    dropped: tuple[str, ...]
    """Variables that have no counterpart in the target version."""


def _chain(codebook: Codebook, target: str) -> list[Codebook]:
    chain = [codebook]
    while chain[-1].version != target:
        previous = chain[-1].previous_version
        if previous is None:
            raise ValueError(f"codebook {codebook.version} does not lead back to {target}")
        chain.append(load_codebook(previous))
    return chain


def _harmonise_step(data: pd.DataFrame, codebook: Codebook, previous: Codebook) -> Harmonised:
    out = data.copy()
    dropped: list[str] = []
    for question in codebook.substantive:
        mapping = question.previous
        if mapping is None:
            continue
        if mapping.question is None:
            present = [v for v in question.variables if v in out]
            out = out.drop(columns=present)
            dropped.extend(present)
            continue
        target = previous.question(mapping.question)
        if question.type == "multiple":
            for code in question.codes:
                column = multiple_variable(question.id, code)
                if column not in out:
                    continue
                new_code = mapping.options.get(code, code)
                values = out.pop(column)
                if new_code is None:
                    dropped.append(column)
                    continue
                new_column = multiple_variable(target.id, new_code)
                out[new_column] = values if new_column not in out else out[new_column] | values
        elif question.is_categorical:
            for variable in question.variables:
                if variable not in out:
                    continue
                recode = dict(mapping.options)
                codes = out[variable].astype(object).map(lambda c, r=recode: r.get(c, c))
                out[variable] = pd.Categorical(
                    codes, categories=target.codes, ordered=target.ordered
                )
    return Harmonised(data=out, version=previous.version, dropped=tuple(dropped))


def harmonise(data: pd.DataFrame, codebook: Codebook, target: str) -> Harmonised:
    """Recode a respondents table onto the codes of an earlier version.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents of a wave whose questionnaire is ``codebook``.
    codebook : Codebook
        That wave's codebook.
    target : str
        The version to compare on (``"v1"``).

    Returns
    -------
    Harmonised
        The recoded table and the variables dropped for having no counterpart.
    """
    chain = _chain(codebook, target)
    current = Harmonised(data=data, version=codebook.version, dropped=())
    for newer, older in itertools.pairwise(chain):
        step = _harmonise_step(current.data, newer, older)
        current = Harmonised(step.data, step.version, current.dropped + step.dropped)
    return current


@dataclass(frozen=True)
class Change:
    """The change of a proportion between two independent waves."""

    difference: float
    se: float
    ci_low: float
    ci_high: float
    statistic: float
    pvalue: float


def change(p_from: float, se_from: float, p_to: float, se_to: float, level: float = 0.95) -> Change:
    """Test the difference of two proportions estimated on independent samples.

    Parameters
    ----------
    p_from, se_from : float
        Estimate and linearised standard error in the earlier wave.
    p_to, se_to : float
        The same in the later wave.
    level : float
        Confidence level of the interval.

    Returns
    -------
    Change
        ``difference = p_to - p_from``, its standard error, normal CI, the
        Wald z statistic and its two-sided p-value.

    Examples
    --------
    >>> round(change(0.40, 0.03, 0.50, 0.04).pvalue, 4)
    0.0455
    """
    difference = p_to - p_from
    se = float(np.hypot(se_from, se_to))
    z = stats.norm.ppf(0.5 + level / 2)
    statistic = difference / se if se > 0 else np.nan
    pvalue = float(2 * stats.norm.sf(abs(statistic))) if se > 0 else np.nan
    return Change(difference, se, difference - z * se, difference + z * se, statistic, pvalue)


def _groups(data: pd.DataFrame, by: str | None) -> list[tuple[str, np.ndarray]]:
    groups = [(ENSEMBLE, np.ones(len(data), dtype=bool))]
    if by is not None:
        values = data[by].astype(object)
        for code in data[by].cat.categories if hasattr(data[by], "cat") else values.unique():
            mask = (values == code).to_numpy()
            if mask.any():
                groups.append((str(code), mask))
    return groups


def wave_estimates(
    waves: Mapping[str, pd.DataFrame],
    indicators: list[Indicator],
    *,
    by: str | None = "org_type",
    weight: str = "weight",
    level: float = 0.95,
    min_n: int = 5,
) -> pd.DataFrame:
    """Estimate every indicator in every (harmonised) wave, overall and by group.

    A group with fewer than ``min_n`` respondents asked is left out (the
    small-cell rule of the published tables), so it is never estimated,
    shown or compared.

    Returns
    -------
    pandas.DataFrame
        Tidy: indicator, label, family, group, wave, estimate, se, ci_low,
        ci_high, n (unweighted base of those asked). An indicator missing from
        a wave (a question of one wave only) has no row for that wave.
    """
    rows = []
    for wave, data in waves.items():
        weights = data[weight].to_numpy(dtype=float)
        for indicator in indicators:
            try:
                values = indicator_values(data, indicator).to_numpy()
            except KeyError:
                continue
            for group, mask in _groups(data, by):
                y = np.where(mask, values, np.nan)
                n = int(np.sum(~np.isnan(y)))
                if n < min_n:
                    continue
                result = proportion(y, weights, level=level)
                rows.append(
                    {
                        "indicator": indicator.id,
                        "label": indicator.label,
                        "family": indicator.family,
                        "group": group,
                        "wave": str(wave),
                        "estimate": result.estimate,
                        "se": result.se,
                        "ci_low": result.ci_low,
                        "ci_high": result.ci_high,
                        "n": n,
                    }
                )
    return pd.DataFrame(rows)


def wave_changes(
    estimates: pd.DataFrame, *, level: float = 0.95, alpha: float = 0.05, min_base: int = 30
) -> pd.DataFrame:
    """Compute the changes between consecutive waves, in percentage points, with tests.

    Parameters
    ----------
    estimates : pandas.DataFrame
        Output of :func:`wave_estimates`.
    level : float
        Confidence level of the change's interval.
    alpha : float
        A change is ``significant`` when both bases reach ``min_base`` and its
        Holm-adjusted p-value is below ``alpha``.
    min_base : int
        Smallest unweighted base for a change to be called a change.

    Returns
    -------
    pandas.DataFrame
        Tidy: indicator, label, family, group, wave_from, wave_to,
        estimate_from, estimate_to, change_points, ci_low, ci_high (points),
        pvalue, pvalue_holm, n_from, n_to, significant.

    Notes
    -----
    A barometer follows some fifty indicators in each group: at the 5 %
    level, two waves drawn from the same population would show two or three
    "significant" changes per group by chance alone.  The p-values are
    therefore Holm-adjusted over the indicators of each group and pair of
    waves (the changes whose bases reach ``min_base``), with
    :func:`barometer.survey.holm`.
    """
    rows = []
    for (indicator, group), frame in estimates.groupby(["indicator", "group"], sort=False):
        frame = frame.sort_values("wave")
        records = frame.to_dict("records")
        for before, after in itertools.pairwise(records):
            result = change(before["estimate"], before["se"], after["estimate"], after["se"], level)
            enough = min(before["n"], after["n"]) >= min_base
            rows.append(
                {
                    "indicator": indicator,
                    "label": before["label"],
                    "family": before["family"],
                    "group": group,
                    "wave_from": before["wave"],
                    "wave_to": after["wave"],
                    "estimate_from": before["estimate"],
                    "estimate_to": after["estimate"],
                    "change_points": 100 * result.difference,
                    "ci_low": 100 * result.ci_low,
                    "ci_high": 100 * result.ci_high,
                    "pvalue": result.pvalue,
                    "n_from": before["n"],
                    "n_to": after["n"],
                    "eligible": bool(enough and np.isfinite(result.pvalue)),
                }
            )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame.assign(pvalue_holm=[], significant=[]).drop(columns="eligible")
    frame["pvalue_holm"] = np.nan
    eligible = frame[frame["eligible"]]
    for _, family in eligible.groupby(["group", "wave_from", "wave_to"], sort=False):
        frame.loc[family.index, "pvalue_holm"] = holm(family["pvalue"].to_numpy(dtype=float))
    frame["significant"] = frame["eligible"] & (frame["pvalue_holm"] < alpha)
    columns = [c for c in frame.columns if c not in ("eligible", "significant", "pvalue_holm")]
    position = columns.index("pvalue") + 1
    ordered = [*columns[:position], "pvalue_holm", *columns[position:], "significant"]
    return frame[ordered]


def trend_inputs(
    waves: Mapping[str, tuple[pd.DataFrame, Codebook]], target: str | None = None
) -> tuple[dict[str, pd.DataFrame], Codebook, dict[str, tuple[str, ...]]]:
    """Harmonise every wave onto the earliest questionnaire version.

    Parameters
    ----------
    waves : mapping
        Wave id → (respondents, codebook).
    target : str, optional
        Version to compare on; the earliest ``previous_version`` reachable by
        default.

    Returns
    -------
    tuple
        (wave id → harmonised respondents, the target codebook, wave id →
        variables dropped as not comparable).
    """
    if target is None:
        root = next(iter(waves.values()))[1]
        while root.previous_version is not None:
            root = load_codebook(root.previous_version)
        target = root.version
    harmonised = {w: harmonise(d, cb, target) for w, (d, cb) in waves.items()}
    return (
        {w: h.data for w, h in harmonised.items()},
        load_codebook(target),
        {w: h.dropped for w, h in harmonised.items()},
    )


def comparable_indicators(codebook: Codebook) -> list[Indicator]:
    """Return the indicators of the target codebook (one-wave questions are never compared)."""
    return expand_indicators(codebook)


def _points(value: float) -> str:
    rounded = round(abs(value))
    return f"{rounded} point" + ("s" if rounded >= 2 else "")


def change_sentences(changes: pd.DataFrame, group_labels: Mapping[str, str]) -> list[str]:
    """French sentences for the significant changes only.

    Parameters
    ----------
    changes : pandas.DataFrame
        Output of :func:`wave_changes`.
    group_labels : mapping
        Group code → French label (``"ensemble"`` → "l'ensemble des répondants").

    Returns
    -------
    list of str
        One sentence per significant change, largest first.
    """
    significant = changes[changes["significant"]].copy()
    significant["size"] = significant["change_points"].abs()
    sentences = []
    for row in significant.sort_values("size", ascending=False).itertuples():
        verb = "progresse" if row.change_points > 0 else "recule"
        who = group_labels.get(row.group, row.group)
        pvalue = format_pvalue(row.pvalue_holm if hasattr(row, "pvalue_holm") else row.pvalue)
        sentences.append(
            f"« {row.label} » {verb} de {_points(row.change_points)} chez {who} "
            f"entre {row.wave_from} et {row.wave_to} ({format_percent(100 * row.estimate_from)} → "
            f"{format_percent(100 * row.estimate_to)}, {pvalue})."
        )
    return sentences


def change_table(changes: pd.DataFrame, group: str = ENSEMBLE) -> pd.DataFrame:
    """Return the public French table of the changes of one group.

    Parameters
    ----------
    changes : pandas.DataFrame
        Output of :func:`wave_changes`.
    group : str
        The group to show (``"ensemble"`` by default).

    Returns
    -------
    pandas.DataFrame
        One row per indicator and pair of waves, numbers formatted in French.
    """
    rows = changes[changes["group"] == group]
    return pd.DataFrame(
        {
            "Indicateur": rows["label"],
            "De": rows["wave_from"],
            "À": rows["wave_to"],
            "Avant": [format_percent(100 * v, 1) for v in rows["estimate_from"]],
            "Après": [format_percent(100 * v, 1) for v in rows["estimate_to"]],
            "Évolution (points)": [format_number(v, 1) for v in rows["change_points"]],
            "IC à 95\u202f% (points)": [
                f"[{format_number(lo, 1)} ; {format_number(hi, 1)}]"
                for lo, hi in zip(rows["ci_low"], rows["ci_high"], strict=True)
            ],
            "p (Holm)": [
                format_pvalue(v).removeprefix("p = ").removeprefix("p ") if np.isfinite(v) else "–"
                for v in rows["pvalue_holm"]
            ],
            "Significative": ["oui" if s else "non" for s in rows["significant"]],
        }
    ).reset_index(drop=True)


def panel_sizes(
    waves: Mapping[str, pd.DataFrame], *, id_column: str = "respondent_id"
) -> pd.DataFrame:
    """Count the organisations that answered consecutive waves.

    Organisations are linked through their pseudonym only (the keyed hash of
    their normalised e-mail or name, the same in every wave), never through
    an identifier.

    Parameters
    ----------
    waves : mapping
        Wave id → respondents, in chronological order.
    id_column : str
        The pseudonym column.

    Returns
    -------
    pandas.DataFrame
        wave_from, wave_to, n_from, n_to, panel (respondents in both).
    """
    rows = []
    for (before, first), (after, second) in itertools.pairwise(waves.items()):
        common = set(first[id_column]) & set(second[id_column])
        rows.append(
            {
                "wave_from": str(before),
                "wave_to": str(after),
                "n_from": len(first),
                "n_to": len(second),
                "panel": len(common),
            }
        )
    return pd.DataFrame(rows, columns=["wave_from", "wave_to", "n_from", "n_to", "panel"])


def panel_changes(
    waves: Mapping[str, pd.DataFrame],
    indicators: list[Indicator],
    *,
    min_panel: int = 30,
    id_column: str = "respondent_id",
) -> pd.DataFrame:
    """Measure the changes among the organisations that answered two consecutive waves.

    Only where the panel holds at least ``min_panel`` organisations answering
    the indicator in both waves.  Panel shares are unweighted (the weights
    of two waves calibrate two different samples), and the change is tested
    with McNemar's exact test on the paired answers
    (``statsmodels.stats.contingency_tables.mcnemar``).

    Returns
    -------
    pandas.DataFrame
        indicator, label, wave_from, wave_to, panel, share_from, share_to
        (percent), change_points, pvalue; empty when no panel is large enough.
    """
    from statsmodels.stats.contingency_tables import mcnemar

    rows = []
    for (before, first), (after, second) in itertools.pairwise(waves.items()):
        a = first.set_index(id_column)
        b = second.set_index(id_column)
        common = a.index.intersection(b.index)
        if len(common) < min_panel:
            continue
        for indicator in indicators:
            try:
                x = indicator_values(a.loc[common], indicator).to_numpy()
                y = indicator_values(b.loc[common], indicator).to_numpy()
            except KeyError:
                continue
            both = ~np.isnan(x) & ~np.isnan(y)
            if both.sum() < min_panel:
                continue
            x, y = x[both].astype(bool), y[both].astype(bool)
            table = [[np.sum(x & y), np.sum(x & ~y)], [np.sum(~x & y), np.sum(~x & ~y)]]
            rows.append(
                {
                    "indicator": indicator.id,
                    "label": indicator.label,
                    "wave_from": str(before),
                    "wave_to": str(after),
                    "panel": int(both.sum()),
                    "share_from": 100 * x.mean(),
                    "share_to": 100 * y.mean(),
                    "change_points": 100 * (y.mean() - x.mean()),
                    "pvalue": float(mcnemar(table, exact=True).pvalue),
                }
            )
    columns = ["indicator", "label", "wave_from", "wave_to", "panel", "share_from", "share_to",
               "change_points", "pvalue"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def chart_frame(estimates: pd.DataFrame, *, min_base: int = 30) -> pd.DataFrame:
    """Return wave estimates in the tidy form the charts draw.

    Parameters
    ----------
    estimates : pandas.DataFrame
        Output of :func:`wave_estimates` (groups under the small-cell rule are
        already left out, so nothing is suppressed).
    min_base : int
        Bases under it are flagged fragile.

    Returns
    -------
    pandas.DataFrame
        ``estimates`` plus row, row_label, percent (0–100), suppressed, fragile.
    """
    return estimates.assign(
        row=estimates["indicator"],
        row_label=estimates["label"],
        percent=100 * estimates["estimate"],
        suppressed=False,
        fragile=estimates["n"] < min_base,
    )


def variable_labels(codebook: Codebook, variables: Iterable[str]) -> list[str]:
    """Name respondent-table variables in French, for the public pages.

    Parameters
    ----------
    codebook : Codebook
        The questionnaire the variables come from.
    variables : iterable of str
        Column names (``"ai_budget"``, ``"tools__agents"``, ``"stage_suivi"``).

    Returns
    -------
    list of str
        ``"Budget IA"``, ``"Outils : Agents IA et automatisations (n8n, Zapier…)"``…

    Examples
    --------
    >>> variable_labels(load_codebook("v2"), ["ai_budget", "tools__agents"])
    ['Budget IA', 'Outils : Agents IA et automatisations (n8n, Zapier…)']
    """
    names = []
    for variable in variables:
        question_id, _, code = variable.partition("__")
        if question_id in codebook and code:
            question = codebook.question(question_id)
            names.append(f"{question.short} : {question.label(code)}")
        elif question_id in codebook:
            names.append(codebook.question(question_id).short or question_id)
        else:
            names.append(variable)
    return names
