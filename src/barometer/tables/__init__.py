"""Published tables: weighted crosstabs, French findings and the results workbook.

The barometer's results are weighted percentages by organisation type, by
size or by profile; each carries its confidence interval, its unweighted
base, column letters and a Rao–Scott test (:mod:`barometer.survey`), with
small cells suppressed (:mod:`barometer.tables.suppression`).  Labels, order
and texts come from the codebook only.

Modules
-------
banner
    :func:`crosstab`, :func:`crosstabs` and the :class:`Crosstab` result.
findings
    :func:`finding`: one French sentence, only where the test supports it.
workbook
    :func:`export_workbook`: contents sheet and one sheet a table.
suppression
    Primary and complementary small-cell suppression.
french
    French number formats (decimal comma, U+202F).
"""

from barometer.french import format_number, format_percent, format_pvalue, format_test
from barometer.tables.banner import (
    FRAME_COLUMNS,
    PUBLISHED_COLUMNS,
    TOP_BOX,
    TOTAL,
    TOTAL_LABEL,
    Crosstab,
    crosstab,
    crosstabs,
)
from barometer.tables.findings import finding, neutral_sentence
from barometer.tables.suppression import suppress
from barometer.tables.workbook import export_workbook, safe_text

__all__ = [
    "FRAME_COLUMNS",
    "PUBLISHED_COLUMNS",
    "TOP_BOX",
    "TOTAL",
    "TOTAL_LABEL",
    "Crosstab",
    "crosstab",
    "crosstabs",
    "export_workbook",
    "finding",
    "format_number",
    "format_percent",
    "format_pvalue",
    "format_test",
    "neutral_sentence",
    "safe_text",
    "suppress",
]
