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

# barometer: scope=wave, needs=01_clean+03_profiles

# %% [markdown]
# # Les figures de la note stratégique
#
# Ce carnet produit, pour une vague, l'ensemble des figures de la note
# stratégique selon une charte graphique unique (`barometer.charts`) : mêmes
# couleurs pour un type d'organisation ou un profil d'une figure à l'autre,
# nombres écrits à la française, titre qui énonce le résultat, question en
# sous-titre, et ligne de source avec la vague, la base non pondérée, la
# pondération et la mention « échantillon volontaire ».
#
# Les chiffres viennent des tableaux pondérés (`barometer.tables.crosstab`) :
# les cases de moins de cinq répondants n'y sont pas publiées et ne sont donc
# pas dessinées ; les bases de moins de trente répondants sont hachurées.
# Chaque figure est écrite dans `figures/<vague>/` en PNG (300 dpi) et SVG,
# avec les données qui la sous-tendent (CSV) et un texte alternatif en
# français, recensés dans `figures/<vague>/manifest.csv`.

# %% tags=["parameters"]
wave: str = "2025"  # vague d'enquête
min_count: int = 5  # effectif minimal d'une case publiée
min_base: int = 30  # base en dessous de laquelle un résultat est fragile
barriers_by_type: str = "sobriety,families,sovereignty"  # freins comparés par type (codes)

# %%

import pandas as pd
from IPython.display import HTML, Markdown, display

from barometer import charts, paths, tables
from barometer.codebook import load_codebook
from barometer.privacy import small_cells
from barometer.trends import (
    chart_frame,
    comparable_indicators,
    trend_inputs,
    wave_changes,
    wave_estimates,
)
from barometer.usage_profiles import NOT_ASKED
from barometer.waves import get_wave, list_waves
from barometer.weighting import load_weighting_config

info = get_wave(wave)
codebook = load_codebook(info.codebook)
processed = paths.processed_dir(wave)
respondents = pd.read_parquet(processed / "respondents.parquet")
charts.apply_charter()
TYPE = codebook.question("org_type")
USERS = codebook.question("tools").asked_if.codes  # « utilisateurs » : réponses qui ouvrent B–C
saved: list[dict] = []
display(Markdown(f"Vague **{wave}** : {charts.format_number(len(respondents))} répondants."))


# %%
def table(row: str, col: str | None = "org_type", **options) -> tables.Crosstab:
    """Crosstab pondéré de la vague, avec les seuils de publication du carnet."""
    return tables.crosstab(
        respondents,
        row,
        col,
        codebook=codebook,
        min_count=min_count,
        min_base=min_base,
        **options,
    )


def overall(frame: pd.DataFrame) -> pd.DataFrame:
    """Les cases de la colonne « Ensemble »."""
    return frame[frame["col"] == tables.TOTAL]


def top(frame: pd.DataFrame, label: str = "row_label") -> tuple[str, float]:
    """Le libellé et la valeur de la case publiée la plus élevée (« – » si aucune)."""
    shown = frame[~frame["suppressed"]].sort_values("percent", ascending=False)
    if shown.empty:
        return "–", float("nan")
    return str(shown.iloc[0][label]), float(shown.iloc[0]["percent"])


def pct(value: float) -> str:
    return charts.format_percent(value)


def listing(frame: pd.DataFrame, label: str = "row_label", k: int = 4) -> str:
    """Les k premières valeurs publiées, pour le texte alternatif."""
    shown = frame[~frame["suppressed"]].sort_values("percent", ascending=False).head(k)
    return " ; ".join(f"{row[label]} : {pct(row['percent'])}" for _, row in shown.iterrows())


def base_of(frame: pd.DataFrame) -> int:
    """La base non pondérée de la colonne « Ensemble »."""
    return int(overall(frame)["base"].max())


def publish(ax, name: str, **options) -> None:
    """Titre, source, enregistrement (PNG, SVG, CSV, manifeste) et affichage."""
    saved.append(charts.publish_figure(ax, name, wave=wave, synthetic=info.synthetic, **options))


def headline(ct: tables.Crosstab) -> tuple[str | None, tuple[str, ...]]:
    """Le constat du tableau (s'il est significatif) et, à part, le test qui l'étaye."""
    sentence = tables.finding(ct)
    if sentence is None:
        return None, ()
    claim, _, test = sentence.partition(" ; ")
    return claim.rstrip("."), (f"{test[0].upper()}{test[1:]}",) if test else ()


def combined(published: pd.DataFrame, codes) -> pd.DataFrame:
    """Part des réponses ``codes`` par colonne, à partir des seules cases publiées.

    Une colonne dont une des cases est masquée reste masquée : la somme,
    rapprochée des cases publiées, permettrait sinon de recalculer la case cachée.
    """
    part = published[published["row"].isin(codes)]
    grouped = part.groupby(["col", "col_label"], observed=True, sort=False)
    out = grouped.agg(
        percent=("percent", lambda s: s.sum(min_count=len(codes))),
        base=("base", "first"),
        fragile=("fragile", "first"),
    ).reset_index()
    return out.assign(suppressed=out["percent"].isna())


# %% [markdown]
# ## Adoption de l'IA
#
# Répartition des organisations selon leur usage de l'IA, par type puis par
# taille. Les barres sont ordonnées de l'usage régulier à l'absence de projet ;
# « Ne sait pas » est en gris.

# %%
status = codebook.question("ai_status")
muted = [status.codes[-1]]  # dernière modalité : « Ne sait pas »
for by, name in (("org_type", "adoption-par-type"), ("org_size", "adoption-par-taille")):
    ct = table("ai_status", by)
    shares = combined(ct.published, USERS)
    groups = shares[(shares["col"] != tables.TOTAL) & ~shares["suppressed"]]
    groups = groups.sort_values("percent")
    lead = pct(overall(shares)["percent"].iloc[0])
    title, test = headline(ct)
    if title is None:
        title = f"{lead} des répondants utilisent l'IA"
        if len(groups) > 1:
            title += (
                f" ; de {pct(groups['percent'].iloc[0])} ({groups['col_label'].iloc[0]}) "
                f"à {pct(groups['percent'].iloc[-1])} ({groups['col_label'].iloc[-1]})"
            )
    ax = charts.stacked_bars(ct.published, muted=muted)
    publish(
        ax,
        name,
        title=title,
        subtitle=ct.title,
        kind="Barres empilées à 100 %",
        details=f"Ensemble : {listing(overall(ct.published), k=5)}.",
        data=ct.published,
        base=base_of(ct.frame),
        notes=test,
    )

# %% [markdown]
# ## La chaîne de l'impact
#
# À chaque étape de la chaîne de l'impact, la part des utilisateurs de l'IA
# qui s'en servent (à droite) ou non (à gauche).

# %%
stages = codebook.question("stages")
parts = []
for row in stages.rows:
    ct = table(row.id, None)
    parts.append(ct.published.assign(stage=row.id, stage_label=row.label))
chain = pd.concat(parts, ignore_index=True)
used = chain[chain["row"].isin(stages.codes[:2])].groupby("stage_label", sort=False)["percent"]
used = used.sum(min_count=2).dropna().sort_values()
ax = charts.diverging_bars(chain, bar="stage", bar_label="stage_label", positive_first=True)
publish(
    ax,
    "chaine-impact",
    title=f"L'IA est surtout utilisée à l'étape « {used.index[-1]} » ({pct(used.iloc[-1])}), "
    f"bien moins à l'étape « {used.index[0]} » ({pct(used.iloc[0])})",
    subtitle=stages.text,
    kind="Barres divergentes par étape de la chaîne de l'impact",
    details="Utilisateurs de l'IA à chaque étape : "
    + " ; ".join(f"{k} : {pct(v)}" for k, v in used.sort_values(ascending=False).items())
    + ".",
    data=chain,
    base=base_of(chain),
    base_label="utilisateurs de l'IA",
)

# %% [markdown]
# Par type d'organisation : part des utilisateurs de l'IA qui s'en servent à
# chaque étape (régulièrement ou ponctuellement). Une case vide est une case
# de moins de cinq répondants.

# %%
cells = []
for row in stages.rows:
    published = table(row.id, "org_type").published
    cells.append(combined(published, stages.codes[:2]).assign(stage=row.id, stage_label=row.label))
heat = pd.concat(cells, ignore_index=True)
solid = heat[~heat["suppressed"] & ~heat["fragile"]]
by_type = solid[solid["col"] != tables.TOTAL]
best = (by_type if not by_type.empty else solid).sort_values("percent").iloc[-1]
ax = charts.stage_heatmap(
    heat, rows="col", row_labels="col_label", columns="stage", column_labels="stage_label"
)
publish(
    ax,
    "chaine-impact-par-type",
    title=f"Usage le plus répandu : l'étape « {best['stage_label']} » pour "
    f"« {best['col_label']} » ({pct(best['percent'])} des utilisateurs de l'IA)",
    subtitle=stages.text + " (oui, régulièrement ou ponctuellement)",
    kind="Carte de chaleur : étapes de la chaîne de l'impact en colonnes, types d'organisation "
    "en lignes",
    details=f"Ensemble : {listing(overall(heat), label='stage_label', k=5)}.",
    data=heat,
    base=base_of(heat),
    base_label="utilisateurs de l'IA",
)

# %% [markdown]
# ## Outils, freins et attentes
#
# Questions à choix multiples : chaque barre est la part des répondants
# interrogés qui ont coché la réponse, avec son intervalle de confiance à 95 %.

# %%
for qid, name, text in (
    ("tools", "outils", "Outil le plus cité : {label} ({value} des utilisateurs de l'IA)"),
    ("barriers", "freins", "Premier frein cité : {label} ({value})"),
    ("expectations", "attentes", "Première attente : {label} ({value})"),
):
    ct = table(qid, None)
    label, value = top(ct.published)
    asked = codebook.question(qid).asked_if is not None
    ax = charts.bars_with_ci(ct.published, sort=True)
    publish(
        ax,
        name,
        title=text.format(label=label.lower() if qid != "tools" else label, value=pct(value)),
        subtitle=ct.question_text,
        kind="Barres horizontales avec intervalles de confiance",
        details=f"Réponses les plus citées : {listing(ct.published)}.",
        data=ct.published,
        base=base_of(ct.frame),
        base_label="utilisateurs de l'IA" if asked else "répondants",
    )

# %% [markdown]
# Certains freins varient selon le type d'organisation : la sobriété
# numérique, les inquiétudes des familles ou des enseignants, la souveraineté.

# %%
options = [code.strip() for code in barriers_by_type.split(",") if code.strip()]
ct = table("barriers", "org_type")
chosen = ct.published[ct.published["row"].isin(options)]
ax = charts.bars_with_ci(chosen, group="col", group_label="col_label")
title, test = headline(ct)
publish(
    ax,
    "freins-par-type",
    title=title
    or "Freins selon le type d'organisation : "
    "pas d'écart significatif après correction des tests multiples",
    subtitle=ct.question_text,
    kind="Barres horizontales groupées par type d'organisation",
    details="Ensemble : " + listing(overall(chosen)) + ".",
    data=chosen,
    base=base_of(ct.frame),
    notes=test,
)

# %% [markdown]
# ## Gouvernance, posture et souveraineté

# %%
ct = table("ai_charter")
charter_label, charter_value = top(overall(ct.published).head(1))
ax = charts.stacked_bars(
    ct.published, ordered=False, muted=[codebook.question("ai_charter").codes[-1]]
)
title, test = headline(ct)
publish(
    ax,
    "gouvernance-charte",
    title=title
    or f"Charte d'usage de l'IA « {charter_label.lower()} » : {pct(charter_value)} des répondants",
    subtitle=ct.title,
    kind="Barres empilées à 100 % par type d'organisation",
    details=f"Ensemble : {listing(overall(ct.published))}.",
    data=ct.published,
    base=base_of(ct.frame),
    notes=test,
)

# %%
ct = table("stance")
label, value = top(overall(ct.published))
ax = charts.diverging_bars(ct.published, positive_first=True)
title, test = headline(ct)
publish(
    ax,
    "posture",
    title=title or f"Posture dominante face à l'IA : « {label} » ({pct(value)})",
    subtitle=ct.title,
    kind="Barres divergentes par type d'organisation",
    details=f"Ensemble : {listing(overall(ct.published))}.",
    data=ct.published,
    base=base_of(ct.frame),
    notes=test,
)

# %%
ct = table("sovereignty_importance")
top_box = overall(ct.published)
top_box = top_box[top_box["row"] == tables.TOP_BOX].iloc[0]
scale = ct.published[ct.published["row"] != tables.TOP_BOX]
ax = charts.diverging_bars(scale)
publish(
    ax,
    "souverainete",
    title=f"{pct(top_box['percent'])} des répondants jugent la souveraineté des outils d'IA "
    "importante (4 ou 5 sur 5)",
    subtitle=ct.question_text,
    kind="Barres divergentes d'une échelle de 1 à 5, par type",
    details=f"Ensemble : {listing(overall(scale), k=5)}.",
    data=scale,
    base=base_of(ct.frame),
)

# %% [markdown]
# ## Composition de l'échantillon
#
# L'échantillon est volontaire : sa composition par type d'organisation
# diffère fortement de celle des organisations recensées (les associations
# en représentent environ 97 %). C'est pourquoi les résultats sont présentés
# par type, et les pondérations ne corrigent que la structure à l'intérieur de
# chaque type. Population : premier effectif sourcé de chaque type dans la
# configuration de pondération (`weighting.yaml`) ; « Autre » n'a pas
# d'effectif de population.

# %%
config = load_weighting_config()
sample = overall(table("org_type", None, weight=None).published).assign(
    source="sample", source_label="Échantillon (non pondéré)"
)
counts = {
    code: t.population[0].value
    for code, t in config.types.items()
    if code in TYPE.codes and t.population and t.population[0].value
}
total = sum(counts.values())
population = pd.DataFrame(
    {
        "row": list(counts),
        "row_label": [TYPE.label(c) for c in counts],
        "percent": [100 * v / total for v in counts.values()],
        "source": "population",
        "source_label": "Organisations recensées",
        "suppressed": False,
        "fragile": False,
    }
)
composition = pd.concat([sample[[*population.columns, "base"]], population], ignore_index=True)
composition["row"] = pd.Categorical(composition["row"].astype(str), categories=TYPE.codes)
composition = composition.sort_values(["row", "source"], ascending=[True, False], kind="stable")
association = TYPE.codes[0]
share_sample = sample.loc[sample["row"] == association, "percent"].iloc[0]
share_population = population.loc[population["row"] == association, "percent"].iloc[0]
ax = charts.sample_composition(composition)
publish(
    ax,
    "composition-echantillon",
    title=f"Les associations : {pct(share_sample)} de l'échantillon, "
    f"{pct(share_population)} des organisations recensées",
    subtitle=TYPE.text,
    kind="Barres horizontales appariées : échantillon et population",
    details="Échantillon : " + listing(sample) + ".",
    data=composition,
    base=len(respondents),
    weighted=False,
    notes=(
        "Organisations recensées : premier effectif sourcé de chaque type dans la "
        "configuration de pondération ; « Autre » n'a pas d'effectif connu.",
    ),
)

# %% [markdown]
# ## Profils d'usage
#
# Les profils viennent du carnet `03_profiles` (analyse des correspondances
# multiples puis classification). Les valeurs-test indiquent les modalités
# sur-représentées (violet) ou sous-représentées (orange) dans chaque profil.

# %%
profile_file = processed / "profiles.parquet"
if profile_file.is_file():
    assignments = pd.read_parquet(profile_file)
    description = pd.read_parquet(processed / "profile-description.parquet")
    sizes = pd.read_csv(processed / "profile-sizes.csv")
    sizes = sizes.rename(columns={"profile": "cluster", "share": "percent", "name": "label"})
    sizes["suppressed"] = small_cells(sizes["n"].to_numpy(), min_count)
    sizes["fragile"] = sizes["n"] < min_base
    biggest = sizes.sort_values("percent").iloc[-1]
    ax = charts.profile_sizes(sizes, label="label")
    publish(
        ax,
        "profils-tailles",
        title=f"{len(sizes)} profils d'usage ; le plus fréquent : « {biggest['label']} » "
        f"({pct(biggest['percent'])} des répondants, pondéré)",
        subtitle=None,
        kind="Barres horizontales : part de chaque profil",
        details=listing(sizes, label="label", k=len(sizes)) + ".",
        data=sizes,
        base=int(sizes["n"].sum()),
    )
    names = dict(zip(sizes["cluster"].astype(int), sizes["label"], strict=True))
    # les quatre modalités les plus sur-représentées de chaque profil ; « non concerné »
    # (question non posée) redit l'absence d'usage, déjà portée par « Usage de l'IA »
    traits = description[
        (description["v_test"] > 0) & ~description["category"].str.endswith(NOT_ASKED)
    ]
    traits = traits.sort_values("v_test", ascending=False, kind="stable")
    strongest = traits.groupby("cluster", sort=True).head(4)
    keys = ["variable", "category"]
    shown = description.merge(strongest[keys].drop_duplicates(), on=keys)
    ax = charts.profile_heatmap(shown, label="category", cluster_labels=names, limit=10)
    publish(
        ax,
        "profils-caracteristiques",
        title="Ce qui distingue les profils : les modalités les plus caractéristiques",
        subtitle="Valeurs-test de la description des profils (catdes)",
        kind="Carte de chaleur des valeurs-test : modalités en lignes, profils en colonnes",
        details="Profils : " + ", ".join(f"{k} « {v} »" for k, v in names.items()) + ".",
        data=shown,
        base=len(assignments),
    )
else:
    display(
        Markdown(
            "*Les profils d'usage ne sont pas encore calculés pour cette vague "
            "(`profiles.parquet` absent) : exécutez d'abord le carnet `03_profiles`.*"
        )
    )

# %% [markdown]
# ## Évolution depuis la vague précédente
#
# Les vagues sont comparées à questionnaire harmonisé (les correspondances du
# livre de codes) : part des répondants concernés pour chaque indicateur.

# %%
earlier = [
    w
    for w in list_waves()
    if w.id < wave and (paths.processed_dir(w.id) / "respondents.parquet").is_file()
]
if earlier:
    previous = earlier[-1]
    waves = {
        previous.id: (
            pd.read_parquet(paths.processed_dir(previous.id) / "respondents.parquet"),
            load_codebook(previous.codebook),
        ),
        wave: (respondents, codebook),
    }
    harmonised, target, _ = trend_inputs(waves)
    indicators = [i for i in comparable_indicators(target) if i.family in ("adoption", "stages")]
    raw_estimates = wave_estimates(harmonised, indicators, by=None)
    changes = wave_changes(raw_estimates, min_base=min_base)
    estimates = chart_frame(raw_estimates, min_base=min_base)
    changes = changes.assign(size=changes["change_points"].abs()).sort_values("size")
    significant = changes[changes["significant"]]
    moved = (significant if not significant.empty else changes).iloc[-1]
    sign = "+" if moved["change_points"] > 0 else ""
    shift = f"{sign}{charts.format_number(moved['change_points'], 0)} points"
    title = (
        f"De {previous.id} à {wave}, l'évolution la plus nette : « {moved['label']} » ({shift})"
        if not significant.empty
        else f"De {previous.id} à {wave}, aucune évolution significative ; le plus grand écart : "
        f"« {moved['label']} » ({shift})"
    )
    bases = estimates.groupby("wave")["n"].max()
    ax = charts.wave_comparison(estimates)
    publish(
        ax,
        "evolution",
        title=title,
        subtitle="Indicateurs d'adoption et de chaîne de l'impact, questionnaire harmonisé",
        kind=f"Graphique en haltères : vague {previous.id} et vague {wave}",
        details=" ; ".join(
            f"{row.label} : {pct(100 * row.estimate_from)} puis {pct(100 * row.estimate_to)}"
            for row in changes.sort_index().itertuples()
        )
        + ".",
        notes=(
            f"Base de la vague {previous.id} : {charts.format_number(int(bases[previous.id]))} "
            "répondants. Évolution significative : test de Wald au seuil de 5 % après "
            "correction de Holm, "
            f"bases d'au moins {min_base} répondants.",
        ),
        data=estimates.drop(columns=["estimate", "se"]).assign(
            ci_low=100 * estimates["ci_low"], ci_high=100 * estimates["ci_high"]
        ),
        base=len(respondents),
    )
else:
    display(Markdown("*Pas de vague antérieure traitée : pas de comparaison entre vagues.*"))

# %% [markdown]
# ## Planche contact
#
# Toutes les figures de la vague, avec leur texte alternatif : la planche est
# écrite dans `figures/<vague>/index.html`, à côté des fichiers.

# %%
sheet = charts.contact_sheet(wave)
manifest = charts.read_manifest(wave)
display(
    Markdown(
        f"{len(manifest)} figures ; planche contact : `{sheet.relative_to(paths.project_root())}`."
    )
)
display(HTML(manifest[["id", "title", "alt", "base"]].to_html(index=False, escape=True)))

# %% [markdown]
# Source : baromètre AI4Impact. Échantillon volontaire : les pondérations
# corrigent la composition de l'échantillon, pas l'autosélection des
# répondants ; les figures donnent la base non pondérée.
