# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python (barometer)
#     language: python
#     name: barometer
# ---
# barometer: scope=wave, needs=01_clean

# %% [markdown]
# # Tableaux de résultats
#
# Chaque tableau croise une question avec le type d'organisation (ou la
# taille) : pourcentages **pondérés** par colonne, base **non pondérée** de
# chaque colonne, et colonne « Ensemble » en tête. Les lettres (A, B, C…)
# signalent les colonnes que la cellule dépasse significativement (tests de
# proportions tenant compte de la pondération, correction de Holm) ; le test
# de Rao–Scott dit si la répartition des réponses diffère selon les colonnes.
# Une phrase de constat n'est écrite que lorsque ce test le permet (p < 0,05).
#
# Règles de diffusion : une cellule de moins de 5 répondants est masquée
# (« n<5 »), ainsi que les cellules qui permettraient de la recalculer (« – ») ;
# un pourcentage entre parenthèses repose sur une base de moins de 30
# répondants et doit être lu avec prudence. L'échantillon est volontaire : les
# pondérations corrigent sa composition, pas l'autosélection des répondants.
#
# Tous les tableaux sont aussi écrits dans le classeur `reports/<vague>/tables.xlsx`
# (un sommaire, une feuille par tableau, avec les intervalles de confiance).

# %% tags=["parameters"]
wave: str = "2025"  # vague d'enquête
by_type: str = "org_type"  # question donnant les colonnes « par type d'organisation »
by_size: str = "org_size"  # question donnant les colonnes « par taille »
rows_by_type: str = (
    "ai_status,stages,tools,barriers,ai_charter,ai_referent,training,personal_data_rule,"
    "expectations,stance"  # questions croisées par type (« stages » : chaque étape)
)
rows_by_size: str = "ai_status"  # questions croisées par taille
min_count: int = 5  # effectif non pondéré sous lequel une cellule est masquée
min_base: int = 30  # base non pondérée sous laquelle une colonne est signalée fragile
level: float = 0.95  # niveau des intervalles de confiance
strata: str = ""  # colonne des strates du plan de sondage (vide : aucune)

# %%
import pandas as pd
from IPython.display import Markdown, display

from barometer import paths
from barometer.codebook import load_codebook
from barometer.tables import crosstabs, export_workbook, finding
from barometer.waves import get_wave

wave = str(wave)  # `papermill -p wave 2025` passes an integer
info = get_wave(wave)
codebook = load_codebook(info.codebook)
respondents = pd.read_parquet(paths.processed_dir(wave) / "respondents.parquet")
options = {
    "codebook": codebook,
    "min_count": min_count,
    "min_base": min_base,
    "level": level,
    "strata": strata or None,
}


def split(text: str) -> list[str]:
    """Turn a comma-separated parameter into a list of question ids."""
    return [item.strip() for item in text.split(",") if item.strip()]


tables = crosstabs(respondents, split(rows_by_type), by_type, **options)
tables |= crosstabs(respondents, split(rows_by_size), by_size, **options)
synthetic_note = " (données synthétiques)" if info.synthetic else ""
display(
    Markdown(
        f"**Vague {wave}**{synthetic_note} : {len(respondents)} répondants retenus, "
        f"{len(tables)} tableaux."
    )
)

# %% [markdown]
# ## Les tableaux
#
# Pour chaque tableau : le titre (la question, puis la variable des colonnes),
# le constat quand le test le permet, le tableau, puis sa note (base,
# pondération, règle de masquage, test).

# %%
for number, table in enumerate(tables.values(), start=1):
    sentence = finding(table, neutral=True)
    display(Markdown(f"### Tableau {number}. {table.title}"))
    if sentence:
        display(Markdown(f"**{sentence}**"))
    display(table.wide())
    display(Markdown(f"<small>{table.note}</small>"))

# %% [markdown]
# ## Classeur
#
# Le classeur reprend chaque tableau avec ses intervalles de confiance à 95 %
# et ses lettres de significativité ; les cellules masquées n'y figurent que
# sous la forme « n<5 » ou « – ».

# %%
workbook = export_workbook(
    tables,
    paths.reports_dir(wave) / "tables.xlsx",
    wave=wave,
    synthetic=info.synthetic,
)
display(Markdown(f"Classeur écrit : `{workbook.relative_to(paths.project_root())}`"))
