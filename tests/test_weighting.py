"""Tests of barometer.weighting: R agreement, properties, errors, diagnostics, configuration."""

from __future__ import annotations

import dataclasses
import json
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from barometer.weighting import (
    CellCollapseWarning,
    WeightDiagnostics,
    diagnostics,
    ensemble_weights,
    load_weighting_config,
    margins_for,
    rake,
)

REFERENCE = Path(__file__).parent / "reference" / "weighting"
R_RTOL = 1e-8  # the brief asks for 1e-6; the weights agree far closer


@pytest.fixture(scope="module")
def ref_input() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "input.csv")


@pytest.fixture(scope="module")
def ref_margins() -> dict:
    return json.loads((REFERENCE / "margins.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ref_weights() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "reference.csv")


@pytest.fixture(scope="module")
def ref_meta() -> dict:
    return json.loads((REFERENCE / "reference-meta.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def config():
    return load_weighting_config()


# --------------------------------------------------------------------------- #
# Agreement with R's survey package (tests/reference/weighting/make_reference.R)
# --------------------------------------------------------------------------- #


def test_reference_input_rows_align(ref_input, ref_weights):
    assert len(ref_input) == 400
    assert ref_input["id"].tolist() == ref_weights["id"].tolist()


def test_shares_match_r_rake_and_calibrate(ref_input, ref_margins, ref_weights):
    weights = rake(ref_input, ref_margins["shares"], base_weight="w0")
    np.testing.assert_allclose(weights, ref_weights["shares"], rtol=R_RTOL, atol=0)
    np.testing.assert_allclose(weights, ref_weights["shares_calibrate"], rtol=R_RTOL, atol=0)


def test_totals_match_r_rake(ref_input, ref_margins, ref_weights):
    weights = rake(ref_input, ref_margins["totals"], base_weight="w0")
    np.testing.assert_allclose(weights, ref_weights["totals"], rtol=R_RTOL, atol=0)


def test_groups_match_r_rake_within_each_group(ref_input, ref_margins, ref_weights):
    weights = rake(ref_input, ref_margins["groups"], base_weight="w0", by="grp")
    np.testing.assert_allclose(weights, ref_weights["groups"], rtol=R_RTOL, atol=0)


def test_trimmed_match_r_bounded_raking(ref_input, ref_margins, ref_weights, ref_meta):
    trim = (ref_meta["trim"]["lower"], ref_meta["trim"]["upper"])
    weights = rake(ref_input, ref_margins["shares"], base_weight="w0", trim=trim)
    np.testing.assert_allclose(weights, ref_weights["trimmed"], rtol=R_RTOL, atol=0)
    # The bounds bind on both sides (the untrimmed range is wider), and hold.
    ratio = weights / weights.mean()
    untrimmed = ref_weights["shares"] / ref_weights["shares"].mean()
    assert untrimmed.min() < trim[0] and untrimmed.max() > trim[1]
    assert ratio.min() == pytest.approx(trim[0], rel=1e-12)
    assert ratio.max() == pytest.approx(trim[1], rel=1e-12)


# --------------------------------------------------------------------------- #
# Hand-computed cases
# --------------------------------------------------------------------------- #


def test_one_variable_by_hand():
    data = pd.DataFrame({"size": ["none", "none", "none", "1_9", "1_9"]})
    weights = rake(data, {"size": {"none": 0.9, "1_9": 0.1}})
    # total = 5 (unit base weights): none gets 4.5 over 3 rows, 1_9 gets 0.5 over 2.
    np.testing.assert_allclose(weights, [1.5, 1.5, 1.5, 0.25, 0.25])
    assert weights.name == "weight"
    assert weights.index.equals(data.index)


def test_merged_cell_tuple_key_by_hand():
    data = pd.DataFrame({"size": ["none", "none", "1_9", "10_49"]})
    weights = rake(data, {"size": {"none": 0.5, ("1_9", "10_49"): 0.5}}, total=8)
    # 4 to the two "none" rows and 4 to the merged cell (2 rows): all weights 2.
    np.testing.assert_allclose(weights, [2.0, 2.0, 2.0, 2.0])


def test_totals_and_explicit_total_by_hand():
    data = pd.DataFrame({"x": ["a", "a", "b", "b", "b"]})
    np.testing.assert_allclose(
        rake(data, {"x": {"a": 30.0, "b": 60.0}}), [15.0, 15.0, 20.0, 20.0, 20.0]
    )
    np.testing.assert_allclose(
        rake(data, {"x": {"a": 0.5, "b": 0.5}}, total=60), [15.0, 15.0, 10.0, 10.0, 10.0]
    )


def test_group_without_margins_keeps_base_weights():
    data = pd.DataFrame({"t": ["x", "x", "y", "y"], "v": ["a", "b", "a", "a"]})
    weights = rake(
        data, {"x": {"v": {"a": 0.25, "b": 0.75}}, "y": {}}, by="t", base_weight=[1, 1, 2, 3]
    )
    # group x: total 2 -> a 0.5, b 1.5; group y untouched.
    np.testing.assert_allclose(weights, [0.5, 1.5, 2.0, 3.0])


def test_categorical_and_string_columns_are_accepted():
    values = ["a", "b", "b", "c"]
    margins = {"v": {"a": 0.2, "b": 0.4, "c": 0.4}}
    expected = [0.8, 0.8, 0.8, 1.6]  # total 4: a 0.8 (1 row), b 1.6 (2 rows), c 1.6
    for column in (
        pd.Series(values, dtype="category"),
        pd.Series(values, dtype="string"),
        pd.Series(values, dtype=object),
    ):
        weights = rake(pd.DataFrame({"v": column}), margins)
        np.testing.assert_allclose(weights, expected)


def test_margins_as_series():
    data = pd.DataFrame({"v": ["a", "b", "b"]})
    weights = rake(data, {"v": pd.Series({"a": 0.5, "b": 0.5})})
    np.testing.assert_allclose(weights, [1.5, 0.75, 0.75])


# --------------------------------------------------------------------------- #
# Properties
# --------------------------------------------------------------------------- #


@st.composite
def raking_problems(draw):
    """A feasible raking problem: positive shares and base weights, every cross cell present.

    With every combination of categories observed, any positive margins can be
    met (raking converges); without it, margins may be incompatible.
    """
    sizes = draw(st.lists(st.integers(2, 4), min_size=1, max_size=3))
    n_cross = int(np.prod(sizes))
    n_extra = draw(st.integers(0, 40))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    levels = [[f"v{k}c{j}" for j in range(size)] for k, size in enumerate(sizes)]
    cross = pd.MultiIndex.from_product(levels).to_frame(index=False)
    extra = pd.DataFrame({k: rng.choice(cats, n_extra) for k, cats in enumerate(levels)})
    frame = pd.concat([cross, extra], ignore_index=True).sample(frac=1.0, random_state=rng)
    frame.columns = [f"v{k}" for k in range(len(sizes))]
    frame.index = rng.permutation(n_cross + n_extra) + 100
    margins = {}
    for k, cats in enumerate(levels):
        shares = rng.uniform(0.2, 1.0, len(cats))
        margins[f"v{k}"] = dict(zip(cats, shares / shares.sum(), strict=True))
    base = rng.uniform(0.5, 3.0, len(frame))
    return frame, margins, base


def _margin_errors(data, margins, weights, total):
    worst = 0.0
    for variable, spec in margins.items():
        sums = weights.groupby(data[variable].to_numpy()).sum()
        for category, share in spec.items():
            worst = max(worst, abs(sums[category] - share * total) / (share * total))
    return worst


@settings(max_examples=40, deadline=None)
@given(raking_problems())
def test_weights_positive_margins_and_total(problem):
    data, margins, base = problem
    weights = rake(data, margins, base_weight=base, max_iter=10_000)
    assert np.all(np.isfinite(weights)) and np.all(weights > 0)
    assert weights.sum() == pytest.approx(base.sum(), rel=1e-9)
    assert _margin_errors(data, margins, weights, base.sum()) < 1e-9


@settings(max_examples=25, deadline=None)
@given(raking_problems(), st.floats(1.0, 1e6))
def test_sum_equals_explicit_total(problem, total):
    data, margins, base = problem
    weights = rake(data, margins, base_weight=base, total=total, max_iter=10_000)
    assert weights.sum() == pytest.approx(total, rel=1e-9)
    assert _margin_errors(data, margins, weights, total) < 1e-9


@settings(max_examples=25, deadline=None)
@given(raking_problems())
def test_raking_calibrated_weights_changes_nothing(problem):
    data, margins, base = problem
    weights = rake(data, margins, base_weight=base, max_iter=10_000)
    again = rake(data, margins, base_weight=weights, max_iter=10_000)
    np.testing.assert_allclose(again, weights, rtol=1e-8)


@settings(max_examples=25, deadline=None)
@given(raking_problems(), st.randoms(use_true_random=False))
def test_permuting_rows_permutes_weights(problem, random):
    data, margins, base = problem
    order = list(range(len(data)))
    random.shuffle(order)
    weights = rake(data, margins, base_weight=base, max_iter=10_000)
    permuted = rake(data.iloc[order], margins, base_weight=base[order], max_iter=10_000)
    assert permuted.index.equals(data.index[order])
    np.testing.assert_allclose(permuted, weights.iloc[order], rtol=1e-8)


@settings(max_examples=40, deadline=None)
@given(raking_problems(), st.floats(0.1, 0.6))
def test_trimmed_weights_hold_bounds_and_margins(problem, squeeze):
    data, margins, base = problem
    free = rake(data, margins, base_weight=base, max_iter=10_000)
    ratio = free / free.mean()
    # Bounds that cut into the untrimmed range on both sides.
    trim = (ratio.min() + squeeze * (1 - ratio.min()), ratio.max() - squeeze * (ratio.max() - 1))
    try:
        weights = rake(data, margins, base_weight=base, trim=trim, max_iter=10_000)
    except ValueError as error:  # the only acceptable failure: bounds no weights can meet
        assert "trim bounds are infeasible" in str(error)
        return
    mean = base.sum() / len(base)
    assert np.all(weights >= trim[0] * mean * (1 - 1e-12))
    assert np.all(weights <= trim[1] * mean * (1 + 1e-12))
    assert _margin_errors(data, margins, weights, base.sum()) < 1e-9


@settings(max_examples=20, deadline=None)
@given(raking_problems())
def test_loose_bounds_change_nothing(problem):
    data, margins, base = problem
    free = rake(data, margins, base_weight=base, max_iter=10_000)
    ratio = free / free.mean()
    bounded = rake(
        data, margins, base_weight=base, trim=(ratio.min() / 2, ratio.max() * 2), max_iter=10_000
    )
    np.testing.assert_allclose(bounded, free, rtol=1e-8)


# --------------------------------------------------------------------------- #
# Errors
# --------------------------------------------------------------------------- #


SMALL = pd.DataFrame({"v": ["a", "a", "b", "c"], "u": ["x", "y", "x", "y"]})
GOOD = {"a": 0.5, "b": 0.25, "c": 0.25}


@pytest.mark.parametrize(
    ("margins", "kwargs", "pattern"),
    [
        ({"v": {"a": 0.5, "b": 0.2, "c": 0.2, "d": 0.1}}, {}, "category 'd' has no respondents"),
        ({"v": {"a": 0.5, "b": 0.5}}, {}, "data category 'c' is not in the margins"),
        ({"v": {**GOOD, "b": -0.25}}, {}, "category 'b': target -0.25 must be finite and non"),
        ({"v": {**GOOD, "b": float("nan")}}, {}, "margin 'v', category 'b': target is NaN"),
        ({"v": {"a": 0.5, "b": 0.3, "c": 0.3}}, {}, "'v' is given as shares but they sum to 1.1"),
        ({"v": {"a": 2.0, "b": 1.0, "c": 1.0}, "u": {"x": 2.0, "y": 3.0}}, {}, "'u' sums to 5"),
        ({"v": {**GOOD, "c": 0.0, "b": 0.5}}, {}, "category 'c' has 1 respondent.* target of 0"),
        ({"w": GOOD}, {}, "raking variable 'w' is not a column of data"),
        ({"v": {"a": 0.2, "b": 0.4, "c": 0.4}}, {"trim": (0.9, 1.1)}, "trim bounds are infeasible"),
        ({"v": GOOD}, {"trim": (1.5, 2.0)}, r"trim=\(1.5, 2.0\): need 0 <= lower <= 1"),
        ({"v": GOOD}, {"base_weight": [1, 1, -1, 1]}, "base_weight must be finite and strictly"),
        ({"v": GOOD}, {"total": -3.0}, "total must be a positive finite number"),
        ({"v": GOOD}, {"margin_type": "counts"}, "margin_type must be 'auto'"),
        ({"v": {"a": 1, "b": 1, "c": 2}}, {"margin_type": "shares"}, "sum to 4, not 1"),
        ({"v": GOOD, "u": {"x": 0.3, "y": 0.7}}, {"max_iter": 1}, "did not converge within"),
    ],
)
def test_errors_name_the_problem(margins, kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        rake(SMALL, margins, **kwargs)


def test_jointly_infeasible_trim_is_refused():
    # Each cell alone can reach its target within [0.2, 2], but b = 1.5 forces the
    # single (b, y) row to 1.5, so y = 1.5 forces the (a, y) row to 0 < 0.2.
    data = pd.DataFrame({"v": ["a", "a", "b"], "u": ["x", "y", "y"]})
    margins = {"v": {"a": 0.5, "b": 0.5}, "u": {"x": 0.5, "y": 0.5}}
    with pytest.raises(ValueError, match="meet all the margins together"):
        rake(data, margins, trim=(0.2, 2.0))


def test_zero_target_for_an_absent_category_is_allowed():
    data = pd.DataFrame({"v": ["a", "b", "b", "b"], "u": ["x", "x", "y", "y"]})
    margins = {"v": {"a": 0.5, "z": 0.0, "b": 0.5}, "u": {"x": 0.5, "y": 0.5}}
    margins["u"] = {"x": 0.75, "y": 0.25}
    # Total 4. The single a row takes a = 2; x = 3 leaves 1 for the (b, x) row;
    # y = 1 is shared by the two (b, y) rows; b = 1 + 0.5 + 0.5 = 2 holds.
    expected = [2.0, 1.0, 0.5, 0.5]
    np.testing.assert_allclose(rake(data, margins), expected)
    np.testing.assert_allclose(rake(data, margins, trim=(0.1, 3.0)), expected)


def test_non_convergence_names_variable_and_category(ref_input, ref_margins):
    with pytest.raises(ValueError) as info:
        rake(ref_input, ref_margins["shares"], base_weight="w0", max_iter=2)
    message = str(info.value)
    assert "max_iter=2" in message
    assert re.search(r"margin '[abc]', category '[abc]\d' is still off by", message)


def test_missing_value_in_raking_variable():
    data = pd.DataFrame({"v": ["a", None, "b"]}, index=[10, 11, 12])
    with pytest.raises(ValueError, match=r"'v' has 1 missing value\(s\) \(first rows: \[11\]\)"):
        rake(data, {"v": {"a": 0.5, "b": 0.5}})


def test_by_errors_name_the_group():
    data = pd.DataFrame({"t": ["x", "x", "y"], "v": ["a", "b", "a"]})
    with pytest.raises(ValueError, match="group 'y' of column 't' has no entry in margins"):
        rake(data, {"x": {"v": {"a": 0.5, "b": 0.5}}}, by="t")
    with pytest.raises(ValueError, match="t = 'y': margin 'v': category 'b' has no respondents"):
        rake(data, {"x": {}, "y": {"v": {"a": 0.5, "b": 0.5}}}, by="t")
    with pytest.raises(TypeError, match="with by, total must be a dict"):
        rake(data, {"x": {}, "y": {}}, by="t", total=3.0)


def test_type_errors():
    with pytest.raises(TypeError, match="data must be a pandas DataFrame"):
        rake([1, 2], {"v": GOOD})
    with pytest.raises(TypeError, match="margin 'v' must be a dict or a pandas Series"):
        rake(SMALL, {"v": [0.5, 0.5]})


# --------------------------------------------------------------------------- #
# Diagnostics
# --------------------------------------------------------------------------- #


def test_diagnostics_by_hand():
    d = WeightDiagnostics.from_weights([1.0, 1.0, 2.0, 4.0])
    # n = 4, sum = 8, sum of squares = 22: deff = 4 * 22 / 64 = 1.375, n_eff = 64 / 22.
    assert (d.n, d.sum_weights, d.min, d.max, d.ratio) == (4, 8.0, 1.0, 4.0, 4.0)
    assert d.deff_kish == pytest.approx(1.375)
    assert d.efficiency == pytest.approx(1 / 1.375)
    assert d.n_eff == pytest.approx(64 / 22)


def test_diagnostics_table_by_group():
    weights = pd.Series([2.0, 4.0, 1.0, 1.0], index=list("pqrs"))
    groups = pd.Series(["y", "y", "x", "x"], index=list("pqrs"))
    table = diagnostics(weights, by=groups)
    assert table["group"].tolist() == ["x", "y", "ensemble"]
    assert list(table.columns) == [
        "group", "n", "sum_weights", "min", "max", "ratio", "deff_kish", "efficiency", "n_eff",
    ]  # fmt: skip
    # x: equal weights -> deff 1; y: 2 * (4 + 16) / 6^2 = 10/9; ensemble as above: 1.375.
    np.testing.assert_allclose(table["deff_kish"], [1.0, 10 / 9, 1.375])
    np.testing.assert_allclose(table["n_eff"], [2.0, 36 / 20, 64 / 22])
    assert table["n"].tolist() == [2, 2, 4]


@pytest.mark.parametrize(
    ("weights", "by", "pattern"),
    [
        ([1.0, float("nan")], None, "finite and strictly positive"),
        ([1.0, 0.0], None, "finite and strictly positive"),
        ([], None, "non-empty"),
        ([1.0, 2.0], ["a"], "by has 1 values for 2 weights"),
        ([1.0, 2.0], ["a", None], "by has missing values"),
    ],
)
def test_diagnostics_errors(weights, by, pattern):
    with pytest.raises(ValueError, match=pattern):
        diagnostics(weights, by=by)


# --------------------------------------------------------------------------- #
# Configuration, margins_for, ensemble
# --------------------------------------------------------------------------- #


def test_config_every_figure_and_structure_has_a_source(config):
    assert "association" in config.types and "departement_region" in config.types
    for org_type in config.types.values():
        for figure in org_type.population:
            assert figure.source
        for structure in org_type.structures:
            assert structure.source and structure.derivation
            assert sum(cell.share for cell in structure.cells) == pytest.approx(1, abs=1e-9)
    assert "FR" in config.ensemble.convention and "EN" in config.ensemble.convention


def test_config_structures_follow_the_published_figures(config):
    association = config.types["association"].structures[0]
    assert association.variable == "org_size"
    assert association.cells[0].codes == ("none",)
    # 153,650 employer establishments out of 1.5 M associations.
    assert association.cells[0].share == pytest.approx(1 - 153_650 / 1_500_000, abs=1e-7)
    commune = config.types["commune"].structures[0]
    assert commune.status == "assumption"
    assert commune.cells[0].codes == ("lt_3500",) and 0.85 < commune.cells[0].share < 0.95
    mission = {c.codes: c.share for c in config.types["entreprise_mission"].structures[0].cells}
    # 81 % SMEs, 61 % of them under 10 employees; mid-caps 14 % + large 5 %.
    assert mission[("none", "1_9")] == pytest.approx(0.81 * 0.61)
    assert mission[("10_49", "50_249")] == pytest.approx(0.81 * 0.39)
    assert mission[("250_plus",)] == pytest.approx(0.14 + 0.05)
    for code in ("epci", "departement_region", "fondation", "edtech", "autre"):
        assert config.types[code].structures == ()


def _write_config(tmp_path, text):
    path = tmp_path / "weighting.yaml"
    path.write_text(text, encoding="utf-8")
    return path


CONFIG_TEMPLATE = """
ensemble: {{rule: sample_shares, convention: "x"}}
types:
  t:
    label: T
    population: [{{label: p, value: 1, year: 2024, source: {source}}}]
    structure:
      - variable: s
        status: sourced
        source: src
        cells: [{{codes: [{code}], share: 0.5}}, {{codes: ["b"], share: {share}}}]
"""


@pytest.mark.parametrize(
    ("fields", "pattern"),
    [
        ({"source": '""', "code": '"a"', "share": 0.5}, "empty source"),
        ({"source": "s", "code": "1_9", "share": 0.5}, "codes must be quoted strings"),
        ({"source": "s", "code": '"a"', "share": 0.6}, "shares sum to 1.1"),
        ({"source": "s", "code": '"b"', "share": 0.5}, "lists a code twice"),
    ],
)
def test_config_errors(tmp_path, fields, pattern):
    path = _write_config(tmp_path, CONFIG_TEMPLATE.format(**fields))
    with pytest.raises(ValueError, match=pattern):
        load_weighting_config(path)


def test_margins_for_types_without_structure_are_empty(config):
    data = pd.DataFrame({"org_type": ["edtech", "fondation", "epci"]})
    assert margins_for(config, data) == {"edtech": {}, "fondation": {}, "epci": {}}


def _communes(counts):
    bands = ["lt_3500", "3500_9999", "10000_49999", "50000_plus"]
    values = [band for band, count in zip(bands, counts, strict=True) for _ in range(count)]
    return pd.DataFrame({"org_type": "commune", "population_band": values})


def test_margins_for_collapses_small_cells_with_neighbours(config):
    data = _communes([10, 3, 0, 6])
    with pytest.warns(CellCollapseWarning) as record:
        margins = margins_for(config, data, min_cell=5)
    # Empty 10000_49999 joins its smaller neighbour 3500_9999 (3 < 6); the merged
    # cell (3 respondents) then joins 50000_plus (6 < 10).
    assert len(record) == 2
    shares = {c.codes[0]: c.share for c in config.types["commune"].structures[0].cells}
    merged = ("3500_9999", "10000_49999", "50000_plus")
    assert margins == {
        "commune": {
            "population_band": {
                "lt_3500": shares["lt_3500"],
                merged: pytest.approx(sum(shares[code] for code in merged)),
            }
        }
    }
    weights = rake(data, margins, by="org_type")
    # 19 communes: lt_3500 gets 0.914 x 19 over 10 rows, the merged cell the rest over 9.
    np.testing.assert_allclose(weights[:10], shares["lt_3500"] * 19 / 10)
    np.testing.assert_allclose(weights[10:], (1 - shares["lt_3500"]) * 19 / 9)


def test_margins_for_min_cell_one_merges_only_empty_cells(config):
    data = _communes([10, 3, 0, 6])
    with pytest.warns(CellCollapseWarning, match=r"'3500_9999'\] and \['10000_49999'"):
        margins = margins_for(config, data, min_cell=1)
    assert list(margins["commune"]["population_band"]) == [
        "lt_3500", ("3500_9999", "10000_49999"), "50000_plus",
    ]  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(margins_for(config, _communes([5, 5, 5, 5]))["commune"]["population_band"]) == 4


def test_rake_refuses_an_empty_cell_that_margins_for_would_merge(config):
    data = _communes([10, 3, 0, 6])
    cells = config.types["commune"].structures[0].cells
    margins = {"commune": {"population_band": {cell.key: cell.share for cell in cells}}}
    with pytest.raises(ValueError, match="category '10000_49999' has no respondents"):
        rake(data, margins, by="org_type")


def test_margins_for_errors(config):
    with pytest.raises(ValueError, match="organisation type 'ong' is not in the weighting"):
        margins_for(config, pd.DataFrame({"org_type": ["ong"]}))
    with pytest.raises(ValueError, match="structure variable 'org_size' is not in data"):
        margins_for(config, pd.DataFrame({"org_type": ["association"]}))
    with pytest.raises(ValueError, match="type column 'org_type' is not in data"):
        margins_for(config, pd.DataFrame({"type": ["association"]}))


def _wave():
    rng = np.random.default_rng(7)
    sizes = ["none", "1_9", "10_49", "50_249", "250_plus"]
    association = rng.choice(sizes, 40, p=[0.4, 0.3, 0.15, 0.1, 0.05])
    mission = rng.choice(sizes, 20)
    return pd.DataFrame(
        {
            "org_type": ["association"] * 40 + ["entreprise_mission"] * 20 + ["edtech"] * 5,
            "org_size": [*association, *mission, *rng.choice(sizes, 5)],
        }
    )


def test_ensemble_weights_sample_shares(config):
    data = _wave()
    weights = ensemble_weights(data, config)
    sums = weights.groupby(data["org_type"]).sum()
    assert sums.to_dict() == pytest.approx(
        {"association": 40, "entreprise_mission": 20, "edtech": 5}
    )
    assert np.all(weights[data["org_type"] == "edtech"] == 1.0)
    # Within associations, "none" holds its population share of the type's weight.
    association = data["org_type"] == "association"
    none = weights[association & (data["org_size"] == "none")].sum()
    assert none / 40 == pytest.approx(config.types["association"].structures[0].cells[0].share)


def test_ensemble_weights_equal_and_fixed_shares(config):
    data = _wave()
    equal = dataclasses.replace(
        config, ensemble=dataclasses.replace(config.ensemble, rule="equal_shares")
    )
    sums = ensemble_weights(data, equal).groupby(data["org_type"]).sum()
    np.testing.assert_allclose(sums, 65 / 3)
    fixed = dataclasses.replace(
        config,
        ensemble=dataclasses.replace(
            config.ensemble,
            rule="fixed_shares",
            shares={"association": 0.5, "entreprise_mission": 0.3, "edtech": 0.1, "autre": 0.1},
        ),
    )
    sums = ensemble_weights(data, fixed).groupby(data["org_type"]).sum()
    # "autre" is absent: shares renormalised over 0.9, times n = 65.
    assert sums["association"] == pytest.approx(65 * 0.5 / 0.9)
    assert sums["edtech"] == pytest.approx(65 * 0.1 / 0.9)
