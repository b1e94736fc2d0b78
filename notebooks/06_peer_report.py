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

# barometer: scope=private, needs=01_clean

# %% [markdown]
# # Aperçu d'un rapport « Se situer parmi ses pairs »
#
# Ce carnet prévisualise le rapport individuel d'une organisation : ses
# réponses à côté de celles d'organisations comparables (même type et même
# taille, élargi si le groupe compte moins de 10 autres répondants).
# **Carnet privé** : il n'est jamais publié. Les rapports à envoyer sont
# produits par `barometer peers --wave <vague> --all`.

# %% tags=["parameters"]
wave: str = "2025"  # vague d'enquête
respondent: str = ""  # pseudonyme de l'organisation (vide : la première ayant laissé un contact)

# %%
import pandas as pd
from IPython.display import HTML, display

from barometer import paths
from barometer.codebook import load_codebook
from barometer.peers import peer_position, render_report
from barometer.waves import get_wave

info = get_wave(wave)
processed = paths.processed_dir(wave)
data = pd.read_parquet(processed / "respondents.parquet")
profiles = traits = None
if (processed / "profiles.parquet").is_file():
    profiles = pd.read_parquet(processed / "profiles.parquet")
if (processed / "profile-description.parquet").is_file():
    traits = pd.read_parquet(processed / "profile-description.parquet")
if not respondent:
    with_contact = data[data["has_contact"]] if "has_contact" in data else data
    respondent = str(with_contact["respondent_id"].iloc[0])

# %%
position = peer_position(
    data,
    respondent,
    load_codebook(info.codebook),
    wave=wave,
    profiles=profiles,
    traits=traits,
)
display(HTML(render_report(position, synthetic=info.synthetic)))
