"""Tests of barometer.profiles against FactoMineR reference values and hand computations.

Reference values come from tests/reference/profiles/make_reference.R (FactoMineR 2.7),
run on profiles_input.csv written by make_data.py; R is not needed to run these tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.cluster.hierarchy import is_monotonic, is_valid_linkage, linkage
from sklearn.metrics import adjusted_rand_score

from barometer.profiles import (
    HCPC,
    MCA,
    best_jaccard,
    choose_n_clusters,
    corrected_inertia,
    describe_profiles,
    profile_stability,
    suggest_profile_names,
    weighted_ward,
)

REFERENCE_DIR = Path(__file__).parent / "reference" / "profiles"
ACTIVE = ["v1", "v2", "v3", "v4", "v5", "v6"]
SUPPLEMENTARY = ["s1", "s2"]
TOL = 1e-8


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return pd.read_csv(REFERENCE_DIR / "profiles_input.csv")


@pytest.fixture(scope="module")
def ref() -> dict:
    with open(REFERENCE_DIR / "profiles_reference.json", encoding="utf-8") as handle:
        return json.load(handle)


def _weights(data: pd.DataFrame, weighted: bool):
    return data["w"].to_numpy() if weighted else None


def _fit_mca(data: pd.DataFrame, weighted: bool) -> MCA:
    return MCA(n_components=5).fit(
        data[ACTIVE], sample_weight=_weights(data, weighted), supplementary=data[SUPPLEMENTARY]
    )


def _axis_signs(ours: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    """Sign of each axis that aligns our coordinates with R's (axes are defined up to sign)."""
    signs = np.sign(np.sum(ours * theirs, axis=0))
    assert np.all(signs != 0)
    return signs


def _category_index(block: dict) -> pd.MultiIndex:
    return pd.MultiIndex.from_arrays([block["variable"], block["category"]])


def _planted(n_rows: int, peak: float, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Categorical answers from 4 latent classes; class k answers level k % levels w.p. `peak`."""
    rng = np.random.default_rng(seed)
    latent = rng.integers(0, 4, n_rows)
    columns = {}
    for j, n_levels in enumerate([3, 4, 4, 5, 3, 4]):
        favourite = (latent + j) % n_levels
        other = rng.integers(0, n_levels, n_rows)
        codes = np.where(rng.random(n_rows) < peak, favourite, other)
        columns[f"q{j}"] = np.array([f"r{c}" for c in codes])
    return pd.DataFrame(columns), latent


# --------------------------------------------------------------------------- MCA


@pytest.mark.parametrize("weighted", [False, True])
def test_mca_eigenvalues_match_factominer(data, ref, weighted):
    block = ref["mca_weighted" if weighted else "mca_unweighted"]
    mca = _fit_mca(data, weighted)
    assert mca.eigenvalues_.shape == (18,)  # K - Q = 24 - 6 non-trivial dimensions
    np.testing.assert_allclose(mca.eigenvalues_.to_numpy(), block["eig"], atol=TOL)
    expected_rates = 100 * np.array(block["eig"]) / np.sum(block["eig"])
    np.testing.assert_allclose(mca.explained_inertia_.to_numpy(), expected_rates, atol=TOL)


def test_mca_without_supplementary_matches_factominer(data, ref):
    mca = MCA(n_components=5).fit(data[ACTIVE])
    np.testing.assert_allclose(mca.eigenvalues_.to_numpy(), ref["mca_plain_eig"], atol=TOL)
    assert mca.supplementary_coordinates_ is None


@pytest.mark.parametrize("weighted", [False, True])
def test_mca_rows_match_factominer(data, ref, weighted):
    block = ref["mca_weighted" if weighted else "mca_unweighted"]
    mca = _fit_mca(data, weighted)
    theirs = np.array(block["ind_coord"])
    ours = mca.row_coordinates_.to_numpy()
    signs = _axis_signs(ours, theirs)
    np.testing.assert_allclose(ours * signs, theirs, atol=TOL)
    np.testing.assert_allclose(mca.row_cos2_.to_numpy(), block["ind_cos2"], atol=TOL)
    np.testing.assert_allclose(mca.row_contributions_.to_numpy(), block["ind_contrib"], atol=TOL)


@pytest.mark.parametrize("weighted", [False, True])
def test_mca_categories_match_factominer(data, ref, weighted):
    block = ref["mca_weighted" if weighted else "mca_unweighted"]
    mca = _fit_mca(data, weighted)
    signs = _axis_signs(mca.row_coordinates_.to_numpy(), np.array(block["ind_coord"]))
    index = _category_index(block["var"])
    assert set(index) == set(mca.column_coordinates_.index)
    coords = mca.column_coordinates_.loc[index].to_numpy() * signs
    np.testing.assert_allclose(coords, block["var"]["coord"], atol=TOL)
    contrib = mca.column_contributions_.loc[index].to_numpy()
    np.testing.assert_allclose(contrib, block["var"]["contrib"], atol=TOL)
    np.testing.assert_allclose(
        mca.column_cos2_.loc[index].to_numpy(), block["var"]["cos2"], atol=TOL
    )
    sup_index = _category_index(block["quali_sup"])
    sup = mca.supplementary_coordinates_.loc[sup_index].to_numpy() * signs
    np.testing.assert_allclose(sup, block["quali_sup"]["coord"], atol=TOL)


def test_corrected_inertia_uses_all_eigenvalues(data, ref):
    mca = _fit_mca(data, weighted=True)
    eig = np.array(ref["mca_weighted"]["eig"])
    q, k = 6, 24
    # Hand formulas (Greenacre 2006): corrected λ* = (Q/(Q-1))² (λ - 1/Q)² for λ > 1/Q;
    # Benzécri divides by Σλ*, Greenacre by Q/(Q-1) (Σ_all λ² - (K-Q)/Q²).
    star = np.where(eig > 1 / q, (q / (q - 1) * (eig - 1 / q)) ** 2, 0.0)
    benzecri = 100 * star / star.sum()
    greenacre = 100 * star / (q / (q - 1) * (np.sum(eig**2) - (k - q) / q**2))
    np.testing.assert_allclose(mca.benzecri_inertia_.to_numpy(), benzecri, atol=TOL)
    np.testing.assert_allclose(mca.greenacre_inertia_.to_numpy(), greenacre, atol=TOL)
    truncated_total = q / (q - 1) * (np.sum(eig[:5] ** 2) - (k - q) / q**2)
    assert abs(mca.greenacre_inertia_.iloc[0] - 100 * star[0] / truncated_total) > 1.0
    assert mca.greenacre_inertia_.sum() < 100.0


def test_corrected_inertia_rejects_single_variable():
    with pytest.raises(ValueError, match="two active variables"):
        corrected_inertia(np.array([0.5]), 1, 3)


def test_integer_weights_equal_duplicated_rows(data):
    counts = np.random.default_rng(3).integers(1, 4, data.shape[0])
    weighted = MCA(n_components=5).fit(data[ACTIVE], sample_weight=counts)
    duplicated = MCA(n_components=5).fit(data[ACTIVE].loc[np.repeat(data.index, counts)])
    np.testing.assert_allclose(weighted.eigenvalues_, duplicated.eigenvalues_, atol=1e-12)
    first_copy = ~duplicated.row_coordinates_.index.duplicated()
    ours = weighted.row_coordinates_.to_numpy()
    theirs = duplicated.row_coordinates_.to_numpy()[first_copy]
    np.testing.assert_allclose(ours * _axis_signs(ours, theirs), theirs, atol=1e-10)


def test_transform_reproduces_training_rows_and_rejects_unknown(data):
    mca = _fit_mca(data, weighted=True)
    again = mca.transform(data[ACTIVE].iloc[:7])
    np.testing.assert_allclose(again.to_numpy(), mca.row_coordinates_.iloc[:7].to_numpy())
    unknown = data[ACTIVE].iloc[:2].copy()
    unknown.loc[unknown.index[0], "v3"] = "zz"
    with pytest.raises(ValueError, match=r"'v3'.*unseen.*zz"):
        mca.transform(unknown)


def test_missing_answers_form_their_own_category(data):
    with_missing = data[ACTIVE].astype(object).copy()
    with_missing.loc[[0, 5, 9], "v2"] = np.nan
    explicit = with_missing.fillna({"v2": "v2_NA"})
    mca = MCA(n_components=3).fit(with_missing)
    assert ("v2", "v2_NA") in mca.column_coordinates_.index
    reference = MCA(n_components=3).fit(explicit)
    np.testing.assert_allclose(mca.eigenvalues_, reference.eigenvalues_, atol=1e-12)


def test_categorical_dtype_drops_unused_levels(data):
    frame = data[ACTIVE].astype("category")
    frame["v1"] = frame["v1"].cat.add_categories(["jamais vu"])
    mca = MCA(n_components=5).fit(frame)
    assert ("v1", "jamais vu") not in mca.column_coordinates_.index
    np.testing.assert_allclose(mca.eigenvalues_, MCA(5).fit(data[ACTIVE]).eigenvalues_, atol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"X": "not a frame"}, TypeError, "pandas DataFrame"),
        ({"X": pd.DataFrame({"a": [0.5, 1.5], "b": ["x", "y"]})}, TypeError, "column 'a'.*float"),
        ({"X": pd.DataFrame({"a": ["x", "y"]})}, ValueError, "two active variables"),
        ({"sample_weight": [1.0, -1.0, 1.0]}, ValueError, "strictly positive"),
        ({"sample_weight": [1.0, 2.0]}, ValueError, "2 values but the data have 3 rows"),
        ({"sample_weight": [1.0, np.nan, 2.0]}, ValueError, "missing or infinite"),
    ],
)
def test_mca_rejects_bad_input(kwargs, error, match):
    arguments = {"X": pd.DataFrame({"a": list("xyx"), "b": list("uuv")})} | kwargs
    with pytest.raises(error, match=match):
        MCA(n_components=2).fit(**arguments)


# -------------------------------------------------------------------------- HCPC


@pytest.mark.parametrize(
    ("key", "weighted", "n_clusters"),
    [
        ("hcpc_unweighted", False, None),
        ("hcpc_weighted", True, None),
        ("hcpc_unweighted_k4", False, 4),
        ("hcpc_weighted_k5", True, 5),
    ],
)
def test_hcpc_partition_matches_factominer(data, ref, key, weighted, n_clusters):
    mca = _fit_mca(data, weighted)
    hcpc = HCPC(n_clusters=n_clusters, consolidate=False)
    hcpc.fit(mca.row_coordinates_, sample_weight=_weights(data, weighted))
    assert hcpc.n_clusters_ == ref[key]["nb_clust"]
    assert adjusted_rand_score(hcpc.labels_, ref[key]["clust"]) == 1.0
    np.testing.assert_allclose(hcpc.inertia_gains_.to_numpy(), ref[key]["inert_gain"], atol=TOL)
    n_within = len(ref[key]["within"])
    np.testing.assert_allclose(
        hcpc.within_inertia_.to_numpy()[:n_within], ref[key]["within"], atol=TOL
    )
    if n_clusters is None:
        np.testing.assert_allclose(hcpc.criterion_.to_numpy(), ref[key]["quot"], atol=TOL)


@pytest.mark.parametrize("weighted", [False, True])
def test_hcpc_numbers_clusters_as_factominer(data, ref, weighted):
    key = "hcpc_weighted" if weighted else "hcpc_unweighted"
    coordinates = np.array(ref["mca_weighted" if weighted else "mca_unweighted"]["ind_coord"])
    hcpc = HCPC(consolidate=False).fit(coordinates, sample_weight=_weights(data, weighted))
    np.testing.assert_array_equal(hcpc.labels_, ref[key]["clust"])


def test_hcpc_consolidation_matches_factominer_unweighted(data, ref):
    # Without weights our weighted Lloyd k-means and R's Hartigan-Wong reach the same partition.
    mca = _fit_mca(data, weighted=False)
    hcpc = HCPC().fit(mca.row_coordinates_)
    tree, consolidated = ref["hcpc_unweighted"]["clust"], ref["hcpc_unweighted_consolidated"]
    assert adjusted_rand_score(hcpc.labels_, consolidated) == 1.0
    assert adjusted_rand_score(hcpc.tree_labels_, tree) == 1.0
    crossed = pd.crosstab(np.array(tree), np.array(consolidated)).to_numpy()
    moved_in_r = 1 - crossed.max(axis=1).sum() / len(tree)  # each tree cluster keeps its centre
    assert hcpc.moved_share_ == pytest.approx(moved_in_r)
    assert hcpc.moved_share_ > 0


def test_choose_n_clusters_rule():
    # W(q): 10, 6, 2, 1.5, 1.2 -> ratios W(q)/W(q-1) for q = 2..4: 0.6, 0.333, 0.75 -> q = 3
    within = np.array([10.0, 6.0, 2.0, 1.5, 1.2])
    assert choose_n_clusters(within, 2, 4) == 3
    # Ratios for q = 4..5: 0.75, 0.8 -> 4 once 3 is excluded.
    assert choose_n_clusters(within, 4, 5) == 4


def test_weighted_ward_with_unit_weights_is_scipy_ward():
    points = np.random.default_rng(4).normal(size=(60, 3))
    ours = weighted_ward(points, np.ones(60))
    theirs = linkage(points, method="ward")
    assert is_valid_linkage(ours) and is_monotonic(ours)
    # scipy's Ward height is sqrt(2 n_a n_b / (n_a + n_b)) ‖c_a - c_b‖; ours is that
    # inertia loss divided by the total weight: height² / (2 n).
    np.testing.assert_allclose(ours[:, 2], theirs[:, 2] ** 2 / (2 * 60), atol=1e-12)
    np.testing.assert_array_equal(ours[:, 3], theirs[:, 3])


def test_weighted_ward_integer_weights_equal_duplicated_points():
    rng = np.random.default_rng(5)
    points = rng.normal(size=(40, 2))
    counts = rng.integers(1, 4, 40)
    weighted = HCPC(n_clusters=4, n_components=2, consolidate=False).fit(points, counts)
    duplicated = HCPC(n_clusters=4, n_components=2, consolidate=False)
    duplicated.fit(np.repeat(points, counts, axis=0))
    first_copy = np.r_[0, np.cumsum(counts)[:-1]]
    np.testing.assert_array_equal(weighted.labels_, duplicated.labels_[first_copy])
    gains = duplicated.inertia_gains_.to_numpy()[:10]
    np.testing.assert_allclose(weighted.inertia_gains_.to_numpy()[:10], gains, atol=1e-12)


def test_hcpc_gains_sum_to_total_inertia():
    rng = np.random.default_rng(6)
    points, weights = rng.normal(size=(50, 3)), rng.uniform(0.5, 2.0, 50)
    hcpc = HCPC(n_clusters=3, n_components=3).fit(points, weights)
    share = weights / weights.sum()
    total = np.sum(share[:, None] * (points - share @ points) ** 2)
    assert hcpc.inertia_gains_.sum() == pytest.approx(total, rel=1e-12)
    centres = np.vstack(
        [
            np.average(points[hcpc.labels_ == k], axis=0, weights=weights[hcpc.labels_ == k])
            for k in (1, 2, 3)
        ]
    )
    np.testing.assert_allclose(hcpc.cluster_centers_.to_numpy(), centres)
    assert np.all(np.diff(hcpc.cluster_centers_.iloc[:, 0]) > 0)  # numbered along Dim 1


def test_pre_clustering_agrees_with_exact_tree():
    rng = np.random.default_rng(7)
    centres = np.array([[0.0, 0.0, 0.0], [6.0, 0.0, 0.0], [0.0, 6.0, 0.0], [6.0, 6.0, 4.0]])
    truth = rng.integers(0, 4, 20_000)
    points = centres[truth] + rng.normal(size=(20_000, 3))
    weights = rng.uniform(0.5, 2.0, 20_000)
    fast = HCPC(n_components=3).fit(points, weights)
    assert fast.linkage_.shape == (499, 4)  # tree on the 500 pre-clustering groups
    assert fast.leaf_labels_.shape == (20_000,)
    assert fast.n_clusters_ == 4
    exact = HCPC(n_components=3).fit(points[:3000], weights[:3000])
    assert exact.leaf_labels_ is None
    assert adjusted_rand_score(fast.labels_[:3000], exact.labels_) > 0.9
    assert adjusted_rand_score(fast.labels_, truth) > 0.9


@pytest.mark.parametrize(
    ("estimator", "coordinates", "match"),
    [
        (HCPC(n_components=3), np.zeros((5, 2)), "2 columns but n_components=3"),
        (HCPC(min_clusters=5, max_clusters=3), np.zeros((5, 5)), "min_clusters <= max_clusters"),
        (HCPC(n_components=1), np.array([[np.nan], [1.0]]), "missing or infinite"),
        (HCPC(n_clusters=9, n_components=1), np.arange(5.0)[:, None], "exceeds the 5 tree leaves"),
        (HCPC(n_components=1), np.arange(3.0)[:, None], "cannot search 3 or more clusters"),
    ],
)
def test_hcpc_rejects_bad_input(estimator, coordinates, match):
    with pytest.raises(ValueError, match=match):
        estimator.fit(coordinates)


def test_hcpc_rejects_text_coordinates():
    with pytest.raises(TypeError, match="non-numeric columns"):
        HCPC(n_components=1).fit(pd.DataFrame({"a": ["x", "y", "z"]}))


# ------------------------------------------------------------------------ catdes


@pytest.mark.parametrize(
    ("key", "cluster_key", "weighted", "proba"),
    [
        ("catdes_unweighted_all", "hcpc_unweighted", False, 1.0),
        ("catdes_unweighted", "hcpc_unweighted", False, 0.05),
        ("catdes_weighted_all", "hcpc_weighted", True, 1.0),
        ("catdes_weighted", "hcpc_weighted", True, 0.05),
    ],
)
def test_describe_profiles_matches_catdes(data, ref, key, cluster_key, weighted, proba):
    categories, chi2 = describe_profiles(
        data[ACTIVE + SUPPLEMENTARY],
        ref[cluster_key]["clust"],
        sample_weight=_weights(data, weighted),
        proba=proba,
    )
    expected = pd.DataFrame(ref[key]["category"])
    keys = ["cluster", "variable", "category"]
    np.testing.assert_array_equal(categories[keys].to_numpy(), expected[keys].to_numpy())
    for column in ["cla_mod", "mod_cla", "global", "v_test"]:
        np.testing.assert_allclose(categories[column], expected[column], atol=1e-6, rtol=1e-9)
    np.testing.assert_allclose(categories["p_value"], expected["p_value"], rtol=1e-9, atol=0)
    expected_chi2 = pd.DataFrame(ref[key]["chi2"])
    assert chi2["variable"].tolist() == expected_chi2["variable"].tolist()
    np.testing.assert_allclose(chi2["p_value"], expected_chi2["p_value"], rtol=1e-9, atol=0)
    assert chi2["df"].tolist() == expected_chi2["df"].tolist()


def test_describe_profiles_weights_are_rescaled(data, ref):
    labels = ref["hcpc_weighted"]["clust"]
    frame = data[ACTIVE]
    base, base_chi2 = describe_profiles(frame, labels, sample_weight=data["w"], proba=1.0)
    scaled, scaled_chi2 = describe_profiles(frame, labels, sample_weight=data["w"] * 1e4, proba=1.0)
    pd.testing.assert_frame_equal(base, scaled)
    pd.testing.assert_frame_equal(base_chi2, scaled_chi2)


def test_describe_profiles_hand_example():
    data = pd.DataFrame({"usage": ["oui"] * 6 + ["non"] * 6})
    categories, chi2 = describe_profiles(data, [1] * 6 + [2] * 6, proba=1.0)
    first = categories.iloc[0]
    assert (first["cluster"], first["category"]) == (1, "oui")
    assert (first["cla_mod"], first["mod_cla"], first["global"]) == (100.0, 100.0, 50.0)
    # Hypergeometric: 12 rows, 6 in cluster 1, 6 'oui' drawn, all 6 in the cluster:
    # P(X = 6) = 1 / C(12, 6) = 1/924; p = 2 P(X > 6) + P(X = 6) = 1/924.
    assert first["p_value"] == pytest.approx(1 / 924, rel=1e-12)
    assert chi2.loc[0, "df"] == 1
    # Pearson chi-square of [[6, 0], [0, 6]] is 12 with 1 df.
    assert chi2.loc[0, "p_value"] == pytest.approx(0.000532, rel=1e-3)


def test_describe_profiles_booleans_and_missing_answers():
    data = pd.DataFrame(
        {
            "charte": [True, True, True, False, False, False],
            "outil": ["a", None, "a", "b", "b", None],
        }
    )
    categories, _ = describe_profiles(data, [1, 1, 1, 2, 2, 2], proba=1.0)
    cluster_one = categories[categories["cluster"] == 1]
    assert set(zip(cluster_one["variable"], cluster_one["category"], strict=True)) == {
        ("charte", "True"),
        ("charte", "False"),
        ("outil", "a"),
        ("outil", "b"),
        ("outil", "outil_NA"),
    }
    missing = cluster_one[cluster_one["category"] == "outil_NA"].iloc[0]
    # One of the two missing answers is in cluster 1: Cla/Mod 50 %, Mod/Cla 1/3, Global 1/3.
    assert (missing["cla_mod"], missing["global"]) == (50.0, pytest.approx(100 / 3))
    assert missing["mod_cla"] == pytest.approx(100 / 3)


def test_describe_profiles_rejects_bad_input(data):
    with pytest.raises(ValueError, match="labels has 3 values"):
        describe_profiles(data[ACTIVE], [1, 2, 1])
    with pytest.raises(ValueError, match="at least two clusters"):
        describe_profiles(data[ACTIVE], np.ones(data.shape[0]))
    with pytest.raises(ValueError, match="proba"):
        describe_profiles(data[ACTIVE], np.arange(data.shape[0]) % 2, proba=2.0)


def test_suggest_profile_names():
    rows = [
        (1, "statut", "Usage régulier", 6.0),
        (1, "charte", "Charte adoptée", 4.0),
        (1, "outil", "Gratuit", 3.0),
        (2, "statut", "Usage régulier", 5.0),
        (2, "charte", "Charte adoptée", 2.0),
        (5, "statut", "Usage régulier", 4.5),
        (5, "charte", "Charte adoptée", 2.2),
        (3, "statut", "N'envisage pas", -3.0),
        (3, "ia_locale", "True", 2.5),
    ]
    description = pd.DataFrame(rows, columns=["cluster", "variable", "category", "v_test"])
    names = suggest_profile_names(description, clusters=[1, 2, 3, 4, 5])
    # 1, 2 and 5 share their two best traits: 1 takes a third one, 2 and 5 have no more
    # and are numbered; 3's only positive trait is a true boolean (its variable); 4 has none.
    assert names == {
        1: "Usage régulier · Charte adoptée · Gratuit",
        2: "Usage régulier · Charte adoptée (2)",
        3: "ia_locale",
        4: "Profil 4",
        5: "Usage régulier · Charte adoptée (5)",
    }
    renamed = suggest_profile_names(description, n_traits=1, overrides={3: "Sceptiques"})
    assert renamed[3] == "Sceptiques"
    assert renamed[1] == "Usage régulier · Charte adoptée · Gratuit"
    with pytest.raises(ValueError, match="do not exist"):
        suggest_profile_names(description, overrides={9: "Fantôme"}, clusters=[1, 2, 3])
    assert suggest_profile_names(description, overrides={9: "Fantôme"})[9] == "Fantôme"
    with pytest.raises(TypeError, match="non-empty strings"):
        suggest_profile_names(description, overrides={1: ""})


# --------------------------------------------------------------------- stability


def test_best_jaccard_hand_example():
    # Cluster 1 = rows {0, 1}; bootstrap cluster 5 = {0, 1, 2}: 2 / 3.
    assert best_jaccard(np.array([1, 1, 2, 2]), np.array([5, 5, 5, 6]), 1) == pytest.approx(2 / 3)
    assert np.isnan(best_jaccard(np.array([1, 1]), np.array([5, 6]), 3))


def test_stability_is_high_on_separated_profiles():
    answers, _ = _planted(240, peak=0.95, seed=8)
    result = profile_stability(answers, hcpc=HCPC(n_clusters=4), n_boot=8, random_state=1)
    assert result["cluster"].tolist() == ["ensemble", "1", "2", "3", "4"]
    assert result["measure"].tolist() == ["ARI"] + ["Jaccard"] * 4
    assert result.loc[0, "mean"] > 0.9
    assert (result.loc[1:, "mean"] > 0.9).all()
    assert (result["q_low"] <= result["median"]).all()
    assert (result["median"] <= result["q_high"]).all()


def test_stability_is_low_on_noise():
    rng = np.random.default_rng(9)
    noise = pd.DataFrame({f"q{j}": rng.choice(list("abcd"), 240) for j in range(8)})
    result = profile_stability(noise, hcpc=HCPC(consolidate=False), n_boot=8, random_state=1)
    assert result.loc[0, "mean"] < 0.5
    assert result.loc[1:, "mean"].mean() < 0.6


def test_stability_on_coordinates_with_weights():
    rng = np.random.default_rng(10)
    points = np.repeat(np.array([[0.0, 0.0], [8.0, 0.0], [0.0, 8.0]]), 50, axis=0)
    points = points + rng.normal(size=points.shape)
    result = profile_stability(
        points, rng.uniform(0.5, 2.0, 150), hcpc=HCPC(n_components=2), n_boot=5
    )
    assert result.loc[0, "mean"] == pytest.approx(1.0, abs=0.02)
    with pytest.raises(ValueError, match="n_boot"):
        profile_stability(points, n_boot=1)
    with pytest.raises(TypeError, match="numeric coordinates"):
        profile_stability(np.array([["a", "b"], ["c", "d"]]), n_boot=2)
