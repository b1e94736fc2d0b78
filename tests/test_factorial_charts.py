"""The profile-analysis figures draw what the estimators computed."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from scipy.cluster.hierarchy import linkage

from barometer.charts import category_map, dendrogram, scree_plot


def test_scree_plot_draws_one_bar_per_axis_with_french_labels():
    explained = pd.Series([42.5, 20.0, 12.25, 8.0], index=["dim1", "dim2", "dim3", "dim4"])
    ax = scree_plot(explained)
    heights = [patch.get_height() for patch in ax.patches]
    assert heights == pytest.approx([42.5, 20.0, 12.25, 8.0])
    texts = [t.get_text() for t in ax.texts]
    assert "42,5\u202f%" in texts and "12,3\u202f%" in texts  # half away from zero


def test_category_map_labels_the_strongest_categories_and_every_supplementary_one():
    index = [f"Modalité {i}" for i in range(30)]
    coordinates = pd.DataFrame(np.arange(60.0).reshape(30, 2) / 10, index=index)
    contributions = pd.DataFrame({0: np.arange(30.0), 1: np.zeros(30)}, index=index)
    supplementary = pd.DataFrame(
        [[0.1, -0.2], [0.3, 0.4]], index=["Type : EdTech", "Type : Commune"]
    )
    ax = category_map(
        coordinates,
        contributions=contributions,
        supplementary=supplementary,
        explained=pd.Series([30.0, 15.5]),
        n_labels=5,
    )
    labels = {t.get_text() for t in ax.texts}
    assert labels == {f"Modalité {i}" for i in range(25, 30)} | set(supplementary.index)
    assert ax.get_xlabel() == "Axe 1 (30,0\u202f%)"


def test_dendrogram_cut_separates_the_requested_number_of_profiles():
    rng = np.random.default_rng(0)
    points = np.vstack([rng.normal(c, 0.1, size=(10, 2)) for c in (0, 5, 10)])
    tree = linkage(points, method="ward")
    ax = dendrogram(tree, 3)
    cut = ax.lines[-1].get_ydata()[0]
    heights = np.sort(tree[:, 2])
    assert heights[-3] < cut < heights[-2]  # two merges above the cut: three groups below
    assert "3 profils" in ax.get_title(loc="left")
