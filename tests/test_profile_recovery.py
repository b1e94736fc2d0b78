"""On the shipped sample waves, the profiles recover the generator's latent classes.

The generator plants four latent usage profiles (``ground-truth.csv``); the
profile analysis, run as the 03_profiles notebook runs it, must find them
back with an adjusted Rand index of at least 0.5 and be stable under
bootstrap.  Respondents are linked to the ground truth through the row of
the raw export they came from (``source_row``), in memory only.
"""

from __future__ import annotations

import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from barometer.codebook import load_codebook
from barometer.ingest import read_wave_export
from barometer.prepare import prepare_wave
from barometer.usage_profiles import fit_profiles
from barometer.waves import get_wave

ACTIVE = ["ai_status", "stages", "tools", "ai_charter", "ai_referent", "training",
          "personal_data_rule"]  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("wave_id", ["2025", "2026"])
def test_profiles_recover_planted_classes(tmp_path, wave_id):
    wave = get_wave(wave_id)
    prepared = prepare_wave(wave_id, out_dir=tmp_path / wave_id, secret="test-secret")
    respondents = prepared.respondents
    raw = read_wave_export(wave)
    id_column = load_codebook(wave.codebook).columns_of(
        load_codebook(wave.codebook).by_role("response_id")
    )["response_id"]
    raw_ids = raw.loc[respondents.index, id_column].astype(str)
    truth = pd.read_csv(wave.ground_truth, dtype={"response_id": str}).set_index("response_id")
    planted = truth.loc[raw_ids.to_numpy(), "profile"].to_numpy()

    fit = fit_profiles(
        respondents.reset_index(drop=True), load_codebook(wave.codebook), ACTIVE,
        ["org_type", "org_size"], n_boot=10,
    )  # fmt: skip
    ari = adjusted_rand_score(planted, fit.hcpc.labels_)
    assert ari >= 0.5, f"wave {wave_id}: adjusted Rand index {ari:.2f} with the planted profiles"
    overall = fit.stability.set_index("cluster").loc["ensemble", "mean"]
    assert overall >= 0.7
