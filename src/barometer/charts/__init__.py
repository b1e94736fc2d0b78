"""The visual charter and the figures of the barometer.

Figure functions take the tidy tables that ``barometer.tables`` and
``barometer.profiles`` produce, an optional ``ax``, draw, and return the axes;
they compute nothing statistical.  A figure is then given its title (the
finding), subtitle (the question) and source line by :func:`finish_figure`
and written with its data and French alt text by :func:`save_figure`.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"row": ["a", "b"], "row_label": ["Formations", "Financement"],
...     "percent": [61.0, 35.5], "ci_low": [55.0, 30.0], "ci_high": [67.0, 41.0]})
>>> ax = bars_with_ci(frame)
>>> fig = finish_figure(ax.figure, title="Les formations d'abord",
...     source=source_line("2025", 480, synthetic=True))
"""

from barometer.charts._bars import bars_with_ci, diverging_bars, profile_sizes, stacked_bars
from barometer.charts._charter import (
    CHARTER_RC,
    FIGURE_WIDTH,
    FONT_SIZE,
    NNBSP,
    PROFILE_COLORS,
    TYPE_COLORS,
    apply_charter,
    categorical_colors,
    charter,
    diverging_colors,
    format_number,
    format_percent,
    format_share,
    group_colors,
    number_formatter,
    ordinal_colors,
    percent_formatter,
    profile_color,
    source_line,
    type_color,
    wrap_label,
)
from barometer.charts._compare import sample_composition, wave_comparison
from barometer.charts._factorial import category_map, dendrogram, scree_plot
from barometer.charts._frames import FRAGILE_NOTE, SUPPRESSED_NOTE
from barometer.charts._heatmaps import profile_heatmap, stage_heatmap
from barometer.charts._layout import (
    add_note,
    figure_notes,
    finish_figure,
    french_spacing,
    is_finished,
    new_figure,
    text_width,
    wrap_to_width,
)
from barometer.charts._publish import publish_figure, show_figure
from barometer.charts._save import (
    MANIFEST_COLUMNS,
    contact_sheet,
    published_data,
    read_manifest,
    save_figure,
)

__all__ = [
    "CHARTER_RC",
    "FIGURE_WIDTH",
    "FONT_SIZE",
    "FRAGILE_NOTE",
    "MANIFEST_COLUMNS",
    "NNBSP",
    "PROFILE_COLORS",
    "SUPPRESSED_NOTE",
    "TYPE_COLORS",
    "add_note",
    "apply_charter",
    "bars_with_ci",
    "categorical_colors",
    "category_map",
    "charter",
    "contact_sheet",
    "dendrogram",
    "diverging_bars",
    "diverging_colors",
    "figure_notes",
    "finish_figure",
    "format_number",
    "format_percent",
    "format_share",
    "french_spacing",
    "group_colors",
    "is_finished",
    "new_figure",
    "number_formatter",
    "ordinal_colors",
    "percent_formatter",
    "profile_color",
    "profile_heatmap",
    "profile_sizes",
    "publish_figure",
    "published_data",
    "read_manifest",
    "sample_composition",
    "save_figure",
    "scree_plot",
    "show_figure",
    "source_line",
    "stacked_bars",
    "stage_heatmap",
    "text_width",
    "type_color",
    "wave_comparison",
    "wrap_label",
    "wrap_to_width",
]
