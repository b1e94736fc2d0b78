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

# barometer: scope=all, needs=01_clean

# %% [markdown]
# # Évolutions d'une vague à l'autre
#
# Ce carnet compare les vagues du baromètre AI4Impact. Les réponses de chaque
# vague sont d'abord ramenées au questionnaire de la première vague (par
# exemple, « Département » et « Région » de 2026 sont regroupés en
# « Département ou Région » comme en 2025) ; les questions posées une seule
# année ne sont jamais comparées.
#
# Pour chaque indicateur : l'estimation pondérée de chaque vague avec son
# intervalle de confiance à 95 %, l'évolution en points et un test de la
# différence. Une évolution n'est qualifiée comme telle que si le test la
# soutient (p < 0,05 après correction de Holm sur l'ensemble des indicateurs
# suivis dans chaque groupe) et si chaque base compte au moins 30 répondants.

# %% tags=["parameters"]
waves: str = ""  # vagues à comparer, séparées par des virgules (vide : toutes)
by: str = "org_type"  # variable de ventilation
min_base: int = 30  # base minimale pour qualifier une évolution

# %%
import pandas as pd
from IPython.display import Markdown, display

from barometer import charts, paths
from barometer.codebook import load_codebook
from barometer.trends import (
    change_sentences,
    change_table,
    chart_frame,
    comparable_indicators,
    panel_changes,
    panel_sizes,
    trend_inputs,
    variable_labels,
    wave_changes,
    wave_estimates,
)
from barometer.waves import get_wave, list_waves

wave_ids = [w.strip() for w in waves.split(",") if w.strip()] or [w.id for w in list_waves()]
registered = {w: get_wave(w) for w in wave_ids}
inputs = {
    w: (
        pd.read_parquet(paths.processed_dir(w) / "respondents.parquet"),
        load_codebook(info.codebook),
    )
    for w, info in registered.items()
}
synthetic = any(info.synthetic for info in registered.values())

# %% [markdown]
# ## Vagues comparées

# %%
harmonised, target, dropped = trend_inputs(inputs)
display(
    pd.DataFrame(
        {
            "Vague": list(registered),
            "Questionnaire": [info.codebook for info in registered.values()],
            "Répondants": [len(harmonised[w]) for w in registered],
            "Données": ["synthétiques" if i.synthetic else "réelles" for i in registered.values()],
            "Questions ou réponses non comparables": [
                ", ".join(variable_labels(inputs[w][1], dropped[w])) or "—" for w in registered
            ],
        }
    ).set_index("Vague")
)

# %%
indicators = comparable_indicators(target)
estimates = wave_estimates(harmonised, indicators, by=by)
changes = wave_changes(estimates, min_base=min_base)
out_dir = paths.processed_dir("trends")
out_dir.mkdir(parents=True, exist_ok=True)
estimates.to_csv(out_dir / "trend-estimates.csv", index=False)
changes.to_csv(out_dir / "trend-changes.csv", index=False)

# %% [markdown]
# ## Évolutions significatives

# %%
group_labels = {"ensemble": "l'ensemble des répondants"} | {
    code: f"les répondants « {label} »" for code, label in target.question(by).labels.items()
}
sentences = change_sentences(changes, group_labels)
if len(registered) < 2:
    display(Markdown("Une seule vague est disponible : aucune évolution ne peut être mesurée."))
elif sentences:
    display(Markdown("\n".join(f"- {s}" for s in sentences)))
else:
    display(Markdown("Aucune évolution n'est statistiquement significative."))

# %% [markdown]
# ## Tableau des évolutions (ensemble des répondants)

# %%
display(change_table(changes).style.hide(axis="index"))

# %% [markdown]
# ## Adoption et chaîne de l'impact, vague par vague

# %%
families = ("adoption", "stages")
shown = estimates[(estimates["group"] == "ensemble") & estimates["family"].isin(families)]
if len(registered) >= 2 and not shown.empty:
    frame = chart_frame(shown, min_base=min_base)
    last = frame["wave"].max()
    moved = changes[(changes["group"] == "ensemble") & changes["family"].isin(families)]
    significant = moved[moved["significant"]]
    title = (
        f"{len(significant)} évolution(s) significative(s) de l'adoption et des usages"
        if not significant.empty
        else "Adoption et usages : aucune évolution significative entre les vagues"
    )
    charts.publish_figure(
        charts.wave_comparison(frame),
        "evolution-adoption-chaine",
        wave="trends",
        period=f"{min(registered)} à {max(registered)}",
        synthetic=synthetic,
        title=title,
        subtitle="Part des répondants, questionnaire harmonisé sur la première vague",
        kind="Graphique en haltères, une ligne par indicateur, un point par vague",
        details=" ; ".join(
            f"{row.row_label} : {charts.format_percent(row.percent)} en {row.wave}"
            for row in frame[frame["wave"] == last].itertuples()
        ),
        data=frame.drop(columns=["estimate", "se"]),
        base=int(frame.loc[frame["wave"] == last, "n"].max()),
    )

# %% [markdown]
# ## Les organisations qui ont répondu à plusieurs vagues
#
# Elles sont reliées par leur pseudonyme (jamais par un identifiant). Les
# évolutions au sein de ce panel ne sont données que s'il compte au moins
# 30 organisations ; elles sont non pondérées et testées par le test exact de
# McNemar sur les réponses appariées.

# %%
respondents_by_wave = harmonised
sizes = panel_sizes(respondents_by_wave)
display(
    sizes.rename(
        columns={
            "wave_from": "De",
            "wave_to": "À",
            "n_from": "Répondants (avant)",
            "n_to": "Répondants (après)",
            "panel": "Présents aux deux vagues",
        }
    ).style.hide(axis="index")
)
panel = panel_changes(respondents_by_wave, indicators, min_panel=min_base)
if panel.empty:
    display(Markdown(f"Aucun panel n'atteint {min_base} organisations : pas d'évolution en panel."))
else:
    panel.to_csv(out_dir / "panel-changes.csv", index=False)
    display(panel.style.hide(axis="index").format(precision=1, decimal=","))

# %% [markdown]
# Source : baromètre AI4Impact. Échantillons volontaires : les pondérations
# corrigent la composition de chaque échantillon, pas l'auto-sélection des
# répondants. Les organisations ayant répondu à plusieurs vagues rendent les
# échantillons légèrement dépendants ; le test l'ignore.

# %%
if synthetic:
    display(
        Markdown(
            "**Données synthétiques** : ces résultats ne décrivent aucune organisation réelle."
        )
    )
