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

# %% tags=["remove_cell"]
# barometer: scope=wave

# %% [markdown]
# # Nettoyage et pondération de la vague
#
# Ce carnet prépare une vague d'enquête : il lit l'export brut de l'outil
# d'enquête, applique les règles de nettoyage décrites par le questionnaire
# (consentement, réponses de test, abandons, doublons, libellés variants,
# filtres, nombre de choix), pseudonymise les répondants, retire les données
# directement identifiantes des textes libres, puis calcule les poids de
# calage à l'intérieur de chaque type d'organisation. Les fichiers produits
# sont écrits dans `data/processed/<vague>/` ; le fichier brut n'est jamais
# modifié.

# %% tags=["parameters"]
wave: str = "2025"  # vague d'enquête
raw_dir: str | None = None  # dossier des vagues brutes (défaut : data/raw)
out_dir: str | None = None  # dossier de sortie (défaut : data/processed/<vague>)

# %%
import pandas as pd
from IPython.display import Markdown, display

from barometer.codebook import load_codebook
from barometer.prepare import UNCALIBRATED, prepare_wave, type_question
from barometer.waves import get_wave

info = get_wave(wave, raw_dir)
codebook = load_codebook(info.codebook)
result = prepare_wave(wave, raw_dir=raw_dir, out_dir=out_dir)
log = result.log
synthetic = " (données synthétiques)" if info.synthetic and "synth" not in info.title else ""
display(
    Markdown(
        f"**{info.title}**{synthetic} — questionnaire {codebook.version}, terrain du "
        f"{info.fieldwork_start:%d/%m/%Y} au {info.fieldwork_end:%d/%m/%Y}.\n\n"
        f"**{log.rows_in} réponses exportées**, **{log.rows_kept} répondants conservés**, "
        f"{log.rows_quarantined} réponses mises en quarantaine."
    )
)

# %% [markdown]
# ## Du fichier brut aux répondants
#
# Chaque règle est appliquée dans l'ordre ; une réponse écartée l'est pour la
# première règle qu'elle enfreint. Aucune ligne n'est perdue : le nombre de
# réponses exportées est toujours égal aux répondants conservés plus les
# réponses en quarantaine.

# %%
flow = log.flow_table().rename(
    columns={"étape": "Étape", "retirées": "Réponses écartées", "restantes": "Réponses restantes"}
)
display(flow[["Étape", "Réponses écartées", "Réponses restantes"]].style.hide(axis="index"))

# %% [markdown]
# ## Journal des règles
#
# Nombre de lignes touchées par chaque règle. Pour les règles qui écartent une
# réponse, il s'agit des réponses mises en quarantaine ; pour les règles qui
# corrigent ou signalent une réponse (libellé variant, texte « Autre »,
# contradiction de filtre, trop de choix, réponse hors questionnaire), des
# répondants conservés concernés. Une réponse hors questionnaire n'est jamais
# devinée : elle devient une valeur manquante signalée.

# %%
rules = log.table().rename(columns={"règle": "Règle", "lignes": "Lignes touchées"})
display(rules[["Règle", "Lignes touchées"]].style.hide(axis="index"))

# %%
questions = {q.id: q.short if getattr(q, "short", None) else q.text for q in codebook.questions}
rows = [
    {"Règle": label, "Question": questions.get(qid, qid), "Répondants": count}
    for rule, label in (
        ("routing_contradiction", "Réponse à une question non posée"),
        ("too_many_choices", "Trop de choix cochés"),
        ("unknown_answer", "Réponse hors questionnaire"),
    )
    for qid, count in log.by_question.get(rule, {}).items()
]
if rows:
    display(Markdown("### Réponses corrigées ou signalées, par question"))
    display(pd.DataFrame(rows).style.hide(axis="index"))
else:
    display(Markdown("Aucune réponse corrigée ni signalée."))

# %% [markdown]
# ## Quarantaine
#
# Les réponses écartées sont conservées dans `quarantine.csv`, avec le numéro
# de ligne du fichier brut, le pseudonyme du répondant et le motif ; ce fichier
# ne contient aucune donnée directement identifiante.

# %%
reasons = (
    result.quarantine.groupby("reason_label", observed=True)
    .size()
    .rename("Réponses")
    .rename_axis("Motif")
    .reset_index()
    .sort_values("Réponses", ascending=False)
)
if len(reasons):
    display(reasons.style.hide(axis="index"))
else:
    display(Markdown("Aucune réponse en quarantaine."))

# %% [markdown]
# ## Pondération
#
# Les poids sont calés à l'intérieur de chaque type d'organisation sur la
# structure connue de ce type (taille des associations, population des
# communes…), selon `config/weighting.yaml` qui cite ses sources. Chaque type
# garde son poids dans l'échantillon : les chiffres « ensemble » décrivent les
# répondants, pas la population des organisations. L'échantillon est
# volontaire : les poids corrigent sa composition, pas l'autosélection.
# L'effet de plan de Kish mesure la perte de précision due à la dispersion des
# poids ; l'effectif efficace est l'effectif d'un échantillon non pondéré de
# même précision.

# %%
labels = type_question(codebook).labels
diagnostics = result.weight_diagnostics.copy()
diagnostics["group"] = diagnostics["group"].map(
    lambda g: labels.get(g, "Ensemble" if g == "ensemble" else g)
)
diagnostics = diagnostics.rename(
    columns={
        "group": "Type d'organisation",
        "n": "Effectif",
        "sum_weights": "Somme des poids",
        "min": "Poids minimal",
        "max": "Poids maximal",
        "ratio": "Max / min",
        "deff_kish": "Effet de plan (Kish)",
        "efficiency": "Efficacité",
        "n_eff": "Effectif efficace",
    }
)
display(
    diagnostics.style.hide(axis="index").format(
        precision=2, decimal=",", thousands="\u202f", na_rep="—"
    )
)
if result.weighting_notes:
    notes = "\n".join(f"- {note}" for note in result.weighting_notes)
    display(Markdown(f"Remarques sur le calage :\n\n{notes}"))
if (result.weight_diagnostics["group"] == UNCALIBRATED).any():
    display(Markdown("Les répondants sans type ou sans variable de calage gardent un poids de 1."))

# %% [markdown]
# ## Fichiers produits
#
# `respondents.parquet` (un répondant par ligne, codes du questionnaire,
# indicateurs de contrôle et poids), `testimonies.parquet` (témoignages
# nettoyés des courriels, téléphones, liens, noms et noms d'organisation, avec
# l'accord de publication), `quarantine.csv`, `cleaning-log.json` et
# `weights-diagnostics.csv`.

# %%
display(pd.DataFrame({"Fichier": [p.name for p in result.files.values()]}).style.hide(axis="index"))
