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
# # Profils d'usage de l'IA
#
# Les profils d'usage sont construits selon la méthode de l'analyse des
# données « à la française » : une analyse des correspondances multiples
# (ACM) des réponses, pondérées, puis une classification ascendante
# hiérarchique (méthode de Ward) sur les premiers axes factoriels, consolidée
# par les k-moyennes (comme `HCPC` de FactoMineR). Les profils sont décrits
# par les modalités sur- et sous-représentées (valeurs-test), et leur
# stabilité est mesurée par rééchantillonnage (bootstrap).

# %% tags=["parameters"]
wave: str = "2025"  # vague d'enquête
active: str = (
    "ai_status,stages,tools,ai_charter,ai_referent,training,personal_data_rule"  # questions actives
)
supplementary: str = (
    "org_type,org_size"  # questions supplémentaires (décrivent, ne construisent pas)
)
n_components: int = 5  # axes factoriels conservés pour la classification
n_clusters: int = 0  # nombre de profils imposé (0 : choisi d'après les gains d'inertie)
n_boot: int = 30  # rééchantillonnages pour la stabilité
profile_names: str = (
    ""  # noms imposés, ex. "1: Non-utilisateurs vigilants; 2: Explorateurs individuels"
)
random_state: int = 0  # graine de la consolidation et du bootstrap

# %%
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, Markdown, display

from barometer import paths
from barometer.charts import category_map, dendrogram, scree_plot
from barometer.codebook import load_codebook
from barometer.french import format_percent
from barometer.usage_profiles import fit_profiles
from barometer.waves import get_wave

info = get_wave(wave)
codebook = load_codebook(info.codebook)
processed = paths.processed_dir(wave)
respondents = pd.read_parquet(processed / "respondents.parquet")
names = {
    int(key): value.strip()
    for key, value in (item.split(":", 1) for item in profile_names.split(";") if item.strip())
}

# %%
fit = fit_profiles(
    respondents,
    codebook,
    [q.strip() for q in active.split(",") if q.strip()],
    [q.strip() for q in supplementary.split(",") if q.strip()],
    n_components=n_components,
    n_clusters=n_clusters or None,
    names=names,
    n_boot=n_boot,
    random_state=random_state,
)
display(
    Markdown(
        f"**{len(respondents)} répondants**, {fit.active.shape[1]} variables actives ; "
        f"**{fit.hcpc.n_clusters_} profils** retenus. La consolidation par les k-moyennes "
        f"a déplacé {format_percent(100 * fit.hcpc.moved_share_, 1)} des répondants "
        "(pondérés) par rapport à la coupure de l'arbre."
    )
)

# %% [markdown]
# ## Analyse des correspondances multiples

# %%
fig, ax = plt.subplots(figsize=(6.3, 3.2), layout="constrained")
scree_plot(fit.mca.explained_inertia_, ax=ax)
plt.show()

inertia = pd.DataFrame(
    {
        "Valeur propre": fit.mca.eigenvalues_,
        "Inertie (%)": fit.mca.explained_inertia_,
        "Inertie corrigée de Benzécri (%)": fit.mca.benzecri_inertia_,
        "Inertie corrigée de Greenacre (%)": fit.mca.greenacre_inertia_,
    }
).head(8)
display(inertia.style.format(precision=2, decimal=","))

# %%
fig, ax = plt.subplots(figsize=(6.3, 5.8), layout="constrained")
category_map(
    fit.mca.column_coordinates_,
    contributions=fit.mca.column_contributions_,
    supplementary=fit.mca.supplementary_coordinates_,
    explained=fit.mca.explained_inertia_,
    ax=ax,
)
plt.show()

# %% [markdown]
# ## Classification

# %%
fig, ax = plt.subplots(figsize=(6.3, 3.4), layout="constrained")
dendrogram(fit.hcpc.linkage_, fit.hcpc.n_clusters_, ax=ax)
plt.show()

# %% [markdown]
# ## Les profils

# %%
sizes = fit.sizes(respondents["weight"].to_numpy())
for profile in sizes["profile"]:
    display(Markdown(fit.card(profile, sizes)))

# %% [markdown]
# ## Composition des profils par type d'organisation (pondéré, en % du profil)

# %%
by_type = fit.by_question(respondents, codebook, "org_type")
display(Markdown(f"**{by_type.title}**"))
display(HTML(by_type.wide().to_html()))
display(Markdown(by_type.note))

# %% [markdown]
# ## Stabilité des profils
#
# Indice de Rand ajusté entre la partition de référence et celles obtenues sur
# des échantillons bootstrap, et indice de Jaccard de chaque profil (au-dessus
# de 0,75 : profil stable ; entre 0,6 et 0,75 : profil à interpréter avec
# prudence ; en dessous : profil instable).

# %%
if fit.stability is not None:
    display(fit.stability_table().style.format(precision=2, decimal=",").hide(axis="index"))

# %%
processed.mkdir(parents=True, exist_ok=True)
fit.assignments(respondents["respondent_id"]).to_parquet(
    processed / "profiles.parquet", index=False
)
fit.description.to_parquet(processed / "profile-description.parquet", index=False)
sizes.to_csv(processed / "profile-sizes.csv", index=False)
if fit.stability is not None:
    fit.stability.to_csv(processed / "profile-stability.csv", index=False)

# %% [markdown]
# Source : baromètre AI4Impact. Échantillon volontaire : les pondérations
# corrigent la composition de l'échantillon, pas l'auto-sélection des
# répondants.
