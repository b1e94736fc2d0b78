"""Tests of barometer.survey against R's survey package and hand computations.

Reference values: tests/reference/survey/reference.json, written by
make_reference.R (R survey 4.1.1) from survey_data.csv (make_data.py).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from barometer import survey

REFERENCE_DIR = Path(__file__).parent / "reference" / "survey"
REFERENCE = json.loads((REFERENCE_DIR / "reference.json").read_text(encoding="utf-8"))
DATA = pd.read_csv(REFERENCE_DIR / "survey_data.csv")

ABS = 1e-6  # estimates, SEs, bounds
REL = 1e-6  # test statistics and degrees of freedom


def _design(name: str) -> dict:
    """Keyword arguments reproducing the R design called ``name``."""
    return {
        "weighted": {"weights": DATA["w"], "strata": None},
        "stratified": {"weights": DATA["w"], "strata": DATA["stratum"]},
        "unweighted": {"weights": None, "strata": None},
    }[name]


def _case_id(case: dict) -> str:
    keys = ("case", "design", "variable", "x", "y", "method", "statistic", "level")
    return "-".join(str(case[k]) for k in keys if k in case)


def _close_p(actual: float, expected: float) -> bool:
    return abs(actual - expected) <= 1e-8 or abs(actual - expected) <= 1e-6 * abs(expected)


# --------------------------------------------------------------------------- R agreement


@pytest.mark.parametrize("case", REFERENCE["proportion"], ids=_case_id)
def test_proportion_matches_r_svyciprop(case: dict) -> None:
    result = survey.proportion(
        DATA[case["variable"]],
        method=case["method"],
        level=case["level"],
        **_design(case["design"]),
    )
    assert result.n == case["n"]
    assert result.estimate == pytest.approx(case["estimate"], abs=ABS)
    assert result.se == pytest.approx(case["se"], abs=ABS)
    assert result.deff == pytest.approx(case["deff"], rel=REL)
    assert result.ci_low == pytest.approx(case["ci_low"], abs=ABS)
    assert result.ci_high == pytest.approx(case["ci_high"], abs=ABS)
    assert result.method == case["method"]
    assert result.level == case["level"]


@pytest.mark.parametrize("case", REFERENCE["mean"], ids=_case_id)
def test_mean_matches_r_svymean_confint(case: dict) -> None:
    result = survey.mean(DATA[case["variable"]], level=case["level"], **_design(case["design"]))
    assert result.n == case["n"]
    assert result.estimate == pytest.approx(case["estimate"], abs=ABS)
    assert result.se == pytest.approx(case["se"], abs=ABS)
    assert result.deff == pytest.approx(case["deff"], rel=REL)
    assert result.ci_low == pytest.approx(case["ci_low"], abs=ABS)
    assert result.ci_high == pytest.approx(case["ci_high"], abs=ABS)


CHISQ_CASES = [c for c in REFERENCE["chisq"] if c["case"] != "empty_level_unused"]


@pytest.mark.parametrize("case", CHISQ_CASES, ids=_case_id)
def test_rao_scott_matches_r_svychisq(case: dict) -> None:
    result = survey.rao_scott(
        DATA[case["x"]], DATA[case["y"]], statistic=case["statistic"], **_design(case["design"])
    )
    assert result.statistic == pytest.approx(case["value"], rel=REL)
    assert result.df == pytest.approx(case["df"], rel=REL)
    if case["statistic"] == "F":
        assert result.df_denom == pytest.approx(case["df_denom"], rel=REL)
    else:
        assert result.df_denom is None
    assert _close_p(result.pvalue, case["pvalue"])


@pytest.mark.parametrize("statistic", ["F", "Chisq"])
def test_rao_scott_drops_an_unused_level_like_r_on_the_dropped_factor(statistic: str) -> None:
    # R's svychisq returns NaN when the factor keeps the unused level "r" ...
    unused = next(
        c
        for c in REFERENCE["chisq"]
        if c["case"] == "empty_level_unused" and c["statistic"] == statistic
    )
    assert unused["value"] == "NaN"
    # ... we drop the level, and agree with R on the factor without it.
    dropped = next(
        c
        for c in REFERENCE["chisq"]
        if c["case"] == "empty_level_dropped" and c["statistic"] == statistic
    )
    x = pd.Categorical(DATA["x_empty"], categories=["p", "q", "r", "s"])
    result = survey.rao_scott(x, DATA["y3"], DATA["w"], statistic=statistic)
    assert list(result.table.index) == ["p", "q", "s"]
    assert result.statistic == pytest.approx(dropped["value"], rel=REL)
    assert result.df == pytest.approx(dropped["df"], rel=REL)
    assert _close_p(result.pvalue, dropped["pvalue"])


@pytest.mark.parametrize("design", ["weighted", "stratified"])
def test_pairwise_proportions_match_r_svycontrast_and_holm(design: str) -> None:
    ref = REFERENCE["column_tests"][design]
    pairs = survey.pairwise_proportions(DATA["y_group"], DATA["group"], **_design(design))
    assert list(pairs["group_a"]) == ref["pairs"]["group_a"]
    assert list(pairs["group_b"]) == ref["pairs"]["group_b"]
    for column in ("diff", "se"):
        np.testing.assert_allclose(pairs[column], ref["pairs"][column], rtol=0, atol=ABS)
    for column in ("p_value", "p_adjusted"):
        np.testing.assert_allclose(pairs[column], ref["pairs"][column], rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("design", ["weighted", "stratified"])
def test_column_tests_letters_follow_r_adjusted_p_values(design: str) -> None:
    ref = REFERENCE["column_tests"][design]
    frame = survey.column_tests(DATA["y_group"], DATA["group"], **_design(design))
    assert list(frame["group"]) == ref["groups"]
    assert list(frame["letter"]) == ["A", "B", "C", "D"]
    np.testing.assert_allclose(frame["estimate"], ref["estimate"], atol=ABS)
    np.testing.assert_allclose(frame["se"], ref["se"], atol=ABS)
    # Expected letters derived from R's estimates and Holm-adjusted p-values.
    letter = dict(zip(ref["groups"], "ABCD", strict=True))
    estimate = dict(zip(ref["groups"], ref["estimate"], strict=True))
    expected = {g: set() for g in ref["groups"]}
    p = ref["pairs"]
    for a, b, adj in zip(p["group_a"], p["group_b"], p["p_adjusted"], strict=True):
        if adj < 0.05:
            hi, lo = (a, b) if estimate[a] > estimate[b] else (b, a)
            expected[hi].add(letter[lo])
    assert list(frame["higher_than"]) == ["".join(sorted(expected[g])) for g in ref["groups"]]
    assert frame["higher_than"].str.len().sum() > 0  # the data do separate some groups
    counts = DATA.groupby("group")["y_group"].size()
    assert list(frame["n"]) == [counts[g] for g in ref["groups"]]


# --------------------------------------------------------------------------- hand computations


def test_proportion_tiny_weighted_example_by_hand() -> None:
    # y = 1,0,1,0 with weights 1,1,2,2: W = 6, p = 3/6 = 0.5.
    # z_i = w_i (y_i - p) / W = (0.5, -0.5, 1, -1) / 6, mean 0;
    # V = n/(n-1) sum z^2 = 4/3 * 2.5/36 = 10/108.
    # s2 = n/(n-1) sum w (y-p)^2 / W = 4/3 * 1.5/6 = 1/3; Vsrs = s2/n = 1/12;
    # deff = (10/108) / (1/12) = 10/9; n_eff = n/deff = 3.6.
    result = survey.proportion([1, 0, 1, 0], [1, 1, 2, 2], method="wilson")
    assert result.estimate == pytest.approx(0.5, abs=1e-12)
    assert result.se == pytest.approx(math.sqrt(10 / 108), abs=1e-12)
    assert result.deff == pytest.approx(10 / 9, rel=1e-12)
    assert result.n_eff == pytest.approx(3.6, rel=1e-12)
    # Wilson score interval on n = 3.6: centre p~ = (p + z^2/2n)/(1 + z^2/n),
    # half-width z/(1 + z^2/n) * sqrt(p(1-p)/n + z^2/(4 n^2)).
    z, n, p = stats.norm.ppf(0.975), 3.6, 0.5
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    assert result.ci_low == pytest.approx(centre - half, abs=1e-12)
    assert result.ci_high == pytest.approx(centre + half, abs=1e-12)


@pytest.mark.parametrize("variable", ["y_half", "y_rare", "y_common", "y_miss"])
@pytest.mark.parametrize("level", [0.95, 0.9])
def test_wilson_uses_the_effective_sample_size(variable: str, level: float) -> None:
    ref = next(
        c
        for c in REFERENCE["proportion"]
        if c["design"] == "weighted" and c["variable"] == variable
    )
    n_eff = ref["n"] / ref["deff"]  # R's n and design effect
    low, high = proportion_confint(ref["estimate"] * n_eff, n_eff, alpha=1 - level, method="wilson")
    result = survey.proportion(DATA[variable], DATA["w"], method="wilson", level=level)
    assert result.n_eff == pytest.approx(n_eff, rel=1e-9)
    assert result.ci_low == pytest.approx(low, abs=1e-9)
    assert result.ci_high == pytest.approx(high, abs=1e-9)
    assert result.ci_low < result.estimate < result.ci_high


def test_mean_tiny_example_by_hand() -> None:
    # y = 1, 2, 4 with weights 1, 1, 2: W = 4, mean = (1 + 2 + 8)/4 = 2.75.
    # z = w (y - 2.75)/4 = (-1.75, -0.75, 2.5)/4, sum 0;
    # V = 3/2 * (3.0625 + 0.5625 + 6.25)/16 = 1.5 * 9.875/16.
    result = survey.mean([1, 2, 4], [1, 1, 2], level=0.9)
    se = math.sqrt(1.5 * 9.875 / 16)
    assert result.estimate == pytest.approx(2.75, abs=1e-12)
    assert result.se == pytest.approx(se, abs=1e-12)
    assert result.ci_high - result.estimate == pytest.approx(1.6448536269514722 * se, abs=1e-12)
    assert result.n == 3


def test_stratified_variance_by_hand() -> None:
    # Two strata, weights 1: y = (1, 0 | 1, 1, 0, 0), p = 3/6 = 0.5.
    # z = (y - 0.5)/6 = (.5, -.5 | .5, .5, -.5, -.5)/6; stratum means 0 and 0;
    # V = 2/1 * 0.5/36 + 4/3 * 1/36 = 1/36 + 1/27.
    result = survey.proportion([1, 0, 1, 1, 0, 0], strata=["a", "a", "b", "b", "b", "b"])
    assert result.se == pytest.approx(math.sqrt(1 / 36 + 1 / 27), abs=1e-12)


def test_rao_scott_table_holds_weighted_counts_in_category_order() -> None:
    x = pd.Series(pd.Categorical(["b", "a", "b", "a", "b"], categories=["b", "a"]), name="org")
    y = ["u", "u", "v", "v", "v"]
    result = survey.rao_scott(x, y, [1.0, 2.0, 3.0, 4.0, 5.0], statistic="Chisq")
    expected = pd.DataFrame(
        [[1.0, 8.0], [2.0, 4.0]],
        index=pd.Index(["b", "a"], name="org"),
        columns=pd.Index(["u", "v"], name="y"),
    )
    pd.testing.assert_frame_equal(result.table, expected, check_index_type=False)


def test_degenerate_proportion_gives_one_sided_intervals() -> None:
    y = np.zeros(50)
    w = np.linspace(1.0, 3.0, 50)
    kish = w.sum() ** 2 / (w**2).sum()
    beta = survey.proportion(y, w, method="beta")
    assert beta.estimate == 0.0 and beta.se == 0.0
    assert math.isnan(beta.deff)
    assert beta.n_eff == pytest.approx(kish)
    # Clopper–Pearson upper bound with x = 0: 1 - (alpha/2)^(1/n) on n = Kish size.
    assert beta.ci_low == 0.0
    assert beta.ci_high == pytest.approx(1 - 0.025 ** (1 / kish), rel=1e-9)
    wilson = survey.proportion(y, w, method="wilson")
    z2 = stats.norm.ppf(0.975) ** 2
    assert wilson.ci_high == pytest.approx(z2 / (kish + z2), rel=1e-9)
    logit = survey.proportion(1 - y, w, method="logit")
    assert (logit.ci_low, logit.ci_high) == (1.0, 1.0)


# --------------------------------------------------------------------------- unweighted data


def test_unweighted_pearson_is_the_classical_test() -> None:
    table = pd.crosstab(DATA["x4"], DATA["y5"]).to_numpy()
    classical = stats.chi2_contingency(table, correction=False)
    pearson = survey.rao_scott(DATA["x4"], DATA["y5"], statistic="pearson")
    assert pearson.statistic == pytest.approx(classical.statistic, rel=1e-12)
    assert pearson.pvalue == pytest.approx(classical.pvalue, rel=1e-12)
    assert pearson.df == classical.dof == 12
    # The first-order Rao–Scott on unit weights prints the same X^2 (R: 34.1896...).
    chisq = survey.rao_scott(DATA["x4"], DATA["y5"], statistic="Chisq")
    assert chisq.statistic == pytest.approx(classical.statistic, rel=1e-12)
    assert chisq.pvalue != pytest.approx(classical.pvalue, rel=1e-6)


def test_pearson_refuses_weighted_or_stratified_designs() -> None:
    with pytest.raises(ValueError, match="weights vary"):
        survey.rao_scott(DATA["x2"], DATA["y3"], DATA["w"], statistic="pearson")
    with pytest.raises(ValueError, match="strata must be None"):
        survey.rao_scott(DATA["x2"], DATA["y3"], strata=DATA["stratum"], statistic="pearson")
    constant = survey.rao_scott(DATA["x2"], DATA["y3"], np.full(300, 2.5), statistic="pearson")
    plain = survey.rao_scott(DATA["x2"], DATA["y3"], statistic="pearson")
    assert constant.statistic == pytest.approx(plain.statistic)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.booleans(), min_size=2, max_size=60))
def test_unit_weights_give_the_sample_mean(values: list[bool]) -> None:
    y = np.array(values, dtype=float)
    for result in (survey.proportion(y), survey.proportion(y, np.ones(len(y)))):
        assert result.estimate == pytest.approx(y.mean(), abs=1e-12)
        assert result.n == len(y)
    assert survey.mean(y).estimate == pytest.approx(y.mean(), abs=1e-12)


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_rao_scott_ignores_row_order(seed: int) -> None:
    order = np.random.default_rng(seed).permutation(len(DATA))
    shuffled = DATA.iloc[order]
    a = survey.rao_scott(DATA["x4"], DATA["y5"], DATA["w"], strata=DATA["stratum"])
    b = survey.rao_scott(shuffled["x4"], shuffled["y5"], shuffled["w"], strata=shuffled["stratum"])
    assert b.statistic == pytest.approx(a.statistic, rel=1e-10)
    assert b.df_denom == pytest.approx(a.df_denom, rel=1e-10)


def test_missing_markers_are_equivalent() -> None:
    as_float = survey.proportion(DATA["y_miss"], DATA["w"])
    nullable = survey.proportion(DATA["y_miss"].astype("boolean"), DATA["w"])
    as_list = survey.proportion([None if np.isnan(v) else v for v in DATA["y_miss"]], DATA["w"])
    assert nullable == as_float == as_list
    assert as_float.n == 260


def test_column_tests_keep_an_empty_category_without_testing_it() -> None:
    group = pd.Categorical(["x"] * 4 + ["z"] * 4, categories=["x", "y", "z"])
    frame = survey.column_tests([1, 1, 1, 0, 0, 0, 0, 1], group)
    assert list(frame["letter"]) == ["A", "B", "C"]
    assert frame.loc[1, "n"] == 0 and math.isnan(frame.loc[1, "estimate"])
    pairs = survey.pairwise_proportions([1, 1, 1, 0, 0, 0, 0, 1], group)
    assert list(zip(pairs["letter_a"], pairs["letter_b"], strict=True)) == [("A", "C")]


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: survey.proportion([1, 0, 1], [1.0, 2.0]), ValueError, "weights has length 2"),
        (lambda: survey.proportion([1, 0, 1], [1.0, -2.0, 1.0]), ValueError, "strictly positive"),
        (lambda: survey.proportion([1, 0, 1], [1.0, 0.0, 1.0]), ValueError, "strictly positive"),
        (lambda: survey.proportion([1, 0, 1], [1.0, np.nan, 1.0]), ValueError, "missing"),
        (lambda: survey.proportion([1, 0, 1], method="exact"), ValueError, "method must be"),
        (lambda: survey.proportion([1, 0, 1], level=95), ValueError, "level"),
        (lambda: survey.proportion([1, 0, 2]), ValueError, "0/1"),
        (lambda: survey.proportion(["oui", "non"]), TypeError, "numeric or boolean"),
        (lambda: survey.proportion([1, np.nan, np.nan]), ValueError, "at least 2"),
        (lambda: survey.proportion(np.ones((2, 2))), ValueError, "one-dimensional"),
        (
            lambda: survey.proportion([1, 0, 1], strata=["a", "b", "b"]),
            ValueError,
            "stratum 'a' has a single observation",
        ),
        (lambda: survey.proportion([1, 0, 1], strata=["a", None, "a"]), ValueError, "strata"),
        (lambda: survey.mean([1, 2, 3], strata=["a", "a"]), ValueError, "strata has length 2"),
        (lambda: survey.rao_scott(["a", "b"], ["u"]), ValueError, "y has length 1"),
        (lambda: survey.rao_scott(["a", "a"], ["u", "v"]), ValueError, "x needs at least two"),
        (lambda: survey.rao_scott(["a", "b"], ["u", "v"], statistic="G"), ValueError, "statistic"),
        (lambda: survey.column_tests([1, 0], ["a", "b"], level=0.95), ValueError, "significance"),
        (lambda: survey.column_tests([1, 0], ["a"]), ValueError, "group has length 1"),
    ],
)
def test_bad_input_raises_a_clear_error(call, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        call()


def test_results_are_frozen() -> None:
    result = survey.proportion([1, 0, 1, 0])
    with pytest.raises(AttributeError):
        result.estimate = 1.0  # type: ignore[misc]
