"""One French sentence a table, stating a difference only where the test supports it.

Examples
--------
>>> neutral_sentence("Quel est le type de votre organisation ?", 0.43)
'Pas de différence significative selon « Quel est le type de votre organisation ? » (p = 0,43).'
"""

from __future__ import annotations

from barometer.french import format_percent, format_pvalue
from barometer.tables.banner import TOP_BOX, TOTAL, Crosstab


def neutral_sentence(col_text: str, pvalue: float | None = None) -> str:
    """Say that the columns do not differ significantly.

    Parameters
    ----------
    col_text : str
        The column variable's question text.
    pvalue : float, optional
        The test's p-value, quoted when given.

    Returns
    -------
    str
        A French sentence.
    """
    quoted = f" ({format_pvalue(pvalue)})" if pvalue is not None else ""
    return f"Pas de différence significative selon « {col_text} »{quoted}."


def finding(table: Crosstab, *, neutral: bool = False) -> str | None:
    """State the table's clearest significant difference in one French sentence.

    The sentence is written only when the Rao–Scott test rejects independence
    at the table's ``alpha`` (for a multiple question: the Holm-adjusted test
    of the option).  It then compares the two columns with the largest gap
    among the pairs the column letters declare different, both cells
    published and neither base fragile, e.g. « La réponse « Usage régulier »
    est plus fréquente pour « EdTech » (54 %) que pour « Association »
    (21 %) ».  For a scale the top-2 box is preferred.

    Parameters
    ----------
    table : Crosstab
        A table with columns (``col`` not None).
    neutral : bool
        When nothing significant can be said, return a neutral sentence
        instead of None.

    Returns
    -------
    str or None
        The sentence, or None (or the neutral sentence) when the test does not
        support a difference or the table has no columns to compare.
    """
    if not isinstance(table, Crosstab):
        raise TypeError(f"finding needs a Crosstab, got {type(table).__name__}")
    if table.col is None:
        return None
    pvalue = _pvalue(table)
    if not table.significant:
        if not neutral:
            return None
        if table.option_tests is not None:  # one test an answer: no single p-value to quote
            return neutral_sentence(table.col_text or table.col)[:-1] + (
                " (tests par réponse, correction de Holm)."
            )
        return neutral_sentence(table.col_text or table.col, pvalue)
    if not table.with_letters:
        return (
            f"Les réponses diffèrent selon « {table.col_text} » (test de Rao–Scott, "
            f"{format_pvalue(pvalue)})."
        )
    pair = _best_pair(table)
    if pair is None:
        return (
            f"Les réponses diffèrent selon « {table.col_text} » (test de Rao–Scott, "
            f"{format_pvalue(pvalue)}), sans écart significatif après correction de Holm "
            f"entre deux colonnes publiées de base suffisante ({table.min_base} répondants "
            "ou plus)."
        )
    high, low = pair
    return (
        f"La réponse « {high.row_label} » est plus fréquente pour « {high.col_label} » "
        f"({format_percent(high.percent)}) que pour « {low.col_label} » "
        f"({format_percent(low.percent)}) ; test de Rao–Scott, {format_pvalue(high.pvalue)}."
    )


def _pvalue(table: Crosstab) -> float | None:
    if table.option_tests is not None:
        if not len(table.option_tests):
            return None
        return float(table.option_tests["pvalue_holm"].min())
    return None if table.test is None else float(table.test.pvalue)


def _best_pair(table: Crosstab):
    """Return the published (high, low) pair of cells with the largest significant gap."""
    pub = table.published
    pub = pub[(pub["col"] != TOTAL) & ~pub["suppressed"] & ~pub["fragile"]].copy()
    if table.option_tests is not None:
        tests = table.option_tests.set_index("row")["pvalue_holm"]
        pub["pvalue"] = pub["row"].astype(str).map(tests)
        pub = pub[pub["pvalue"] < table.alpha]
    else:
        pub["pvalue"] = table.test.pvalue
    if table.kind == "scale" and (pub["row"] == TOP_BOX).any():
        pub = pub[pub["row"] == TOP_BOX]
    best = None
    for _, cells in pub.groupby("row", observed=True, sort=False):
        by_letter = {cell.col_letter: cell for cell in cells.itertuples()}
        for high in cells.itertuples():
            for letter in high.letters:
                low = by_letter.get(letter)
                if low is None:
                    continue
                gap = high.percent - low.percent
                if best is None or gap > best[0]:
                    best = (gap, high, low)
    return None if best is None else (best[1], best[2])
