"""reliability/stats.py against the published reference values.

Reference data are public facts: Shrout & Fleiss (1979) Table 2, Krippendorff (2011), Fleiss
(1971) and the SAS PROC FREQ kappa example.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from reliability import stats

nan = np.nan

SHROUT_FLEISS = np.array(
    [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
)

# Krippendorff (2011): observers as rows, units as columns.
KRIPPENDORFF_OBSERVERS = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ]
)

FLEISS_COUNTS = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]

SAS_TABLE = [[0, 4, 1], [0, 8, 0], [0, 1, 5]]


def units_by_coders(observers_by_units: np.ndarray) -> pd.DataFrame:
    """The project's shape: one row per unit, one column per coder."""
    return pd.DataFrame(
        observers_by_units.T, columns=[f"c{i}" for i in range(len(observers_by_units))]
    )


def expand_table(table: list[list[int]], labels: list[str]) -> tuple[list[str], list[str]]:
    """Two coders' label sequences that reproduce a confusion table."""
    first, second = [], []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            first += [labels[i]] * count
            second += [labels[j]] * count
    return first, second


# ---------------------------------------------------------------- ICC


@pytest.fixture(scope="module")
def shrout_fleiss() -> stats.IccResult:
    return stats.icc(pd.DataFrame(SHROUT_FLEISS, columns=["j1", "j2", "j3", "j4"]))


@pytest.mark.parametrize(
    ("form", "published"),
    [
        ("ICC1", 0.165742),
        ("ICC2", 0.289764),
        ("ICC3", 0.714841),
        ("ICC1k", 0.442797),
        ("ICC2k", 0.620051),
        ("ICC3k", 0.909316),
    ],
)
def test_icc_forms_match_shrout_and_fleiss(
    shrout_fleiss: stats.IccResult, form: str, published: float
) -> None:
    assert shrout_fleiss.forms[form].value == pytest.approx(published, abs=5e-7)
    assert shrout_fleiss.forms[form].n == 6


def test_icc_mean_squares_match_shrout_and_fleiss(shrout_fleiss: stats.IccResult) -> None:
    squares = shrout_fleiss.mean_squares
    assert round(squares["between_targets"], 4) == 11.2417
    assert round(squares["within_targets"], 3) == 6.264
    assert round(squares["raters"], 4) == 32.4861
    assert round(squares["error"], 4) == 1.0194


def test_icc_a1_confidence_interval_is_full_precision(shrout_fleiss: stats.IccResult) -> None:
    low, high = shrout_fleiss.forms["ICC2"].ci95
    assert (round(low, 4), round(high, 4)) == (0.0188, 0.7611)


def test_icc_intervals_contain_their_estimates(shrout_fleiss: stats.IccResult) -> None:
    for form in stats.ICC_FORMS:
        low, high = shrout_fleiss.forms[form].ci95
        assert low < shrout_fleiss.forms[form].value < high


def test_icc_intervals_agree_with_pingouin_to_its_two_decimals(
    shrout_fleiss: stats.IccResult,
) -> None:
    import pingouin

    long = pd.DataFrame(
        [(t, r, SHROUT_FLEISS[t, r]) for t in range(6) for r in range(4)],
        columns=["t", "r", "s"],
    )
    table = pingouin.intraclass_corr(long, targets="t", raters="r", ratings="s")
    names = dict(
        zip(["ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"], table["CI95"], strict=True)
    )
    for form, (low, high) in names.items():
        ours = shrout_fleiss.forms[form].ci95
        assert ours[0] == pytest.approx(low, abs=0.005)
        assert ours[1] == pytest.approx(high, abs=0.005)


def test_icc_band_is_cicchetti_on_icc2(shrout_fleiss: stats.IccResult) -> None:
    assert shrout_fleiss.band == "poor"


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (None, None),
        (-0.2, "poor"),
        (0.399, "poor"),
        (0.40, "fair"),
        (0.59, "fair"),
        (0.60, "good"),
        (0.749, "good"),
        (0.75, "excellent"),
        (1.0, "excellent"),
    ],
)
def test_cicchetti_bands(value: float | None, band: str | None) -> None:
    assert stats.cicchetti_band(value) == band


def test_icc_long_matches_wide() -> None:
    long = pd.DataFrame(
        [(t, f"j{r}", SHROUT_FLEISS[t, r]) for t in range(6) for r in range(4)],
        columns=["transcript", "coder", "count"],
    )
    result = stats.icc_long(long, "transcript", "coder", "count")
    assert result.forms["ICC2"].value == pytest.approx(0.289764, abs=5e-7)


def test_icc_long_refuses_repeated_ratings_instead_of_averaging() -> None:
    long = pd.DataFrame(
        [(1, "ana", 3), (1, "ana", 5), (1, "ben", 4), (2, "ana", 2), (2, "ben", 2)],
        columns=["transcript", "coder", "count"],
    )
    with pytest.raises(ValueError, match=r"repeated: \(1, ana\)"):
        stats.icc_long(long, "transcript", "coder", "count")


def test_icc_leaves_out_incomplete_targets_and_says_so() -> None:
    scores = pd.DataFrame(SHROUT_FLEISS, columns=["a", "b", "c", "d"], dtype=float)
    scores.loc[6] = [5, nan, 3, 4]
    result = stats.icc(scores)
    assert result.targets == 6
    assert result.left_out == 1
    assert "1 transcript(s) left out" in result.note
    assert result.forms["ICC2"].value == pytest.approx(0.289764, abs=5e-7)


def test_icc_with_one_coder_is_undefined() -> None:
    result = stats.icc(pd.DataFrame({"ana": [1, 2, 3]}))
    assert all(e.value is None for e in result.forms.values())
    assert result.note == "needs ratings from at least two coders"
    assert result.band is None


def test_icc_with_one_complete_transcript_is_undefined() -> None:
    result = stats.icc(pd.DataFrame({"ana": [1, 2], "ben": [3, nan]}))
    assert result.forms["ICC2"].value is None
    assert result.note == "needs at least 3 transcripts rated by every coder (1 here)"
    assert result.targets == 1


def test_icc_of_two_coders_needs_three_transcripts() -> None:
    two = stats.icc(pd.DataFrame({"ana": [1, 2], "ben": [1, 3]}))
    assert two.note == "needs at least 3 transcripts rated by every coder (2 here)"
    three = stats.icc(pd.DataFrame({"ana": [1, 2, 4], "ben": [1, 3, 4]}))
    assert three.forms["ICC2"].value is not None
    assert stats.icc(pd.DataFrame({"a": [1, 2], "b": [1, 3], "c": [2, 2]})).note is None


def test_icc_of_a_global_with_no_variation_is_undefined_not_nan() -> None:
    result = stats.icc(pd.DataFrame({"ana": [4, 4, 4], "ben": [4, 4, 4]}))
    assert result.forms["ICC2"].value is None
    assert result.forms["ICC2"].ci95 is None
    assert result.note == "undefined (no variation): every coder gave every transcript 4"


def test_icc_when_coders_differ_only_by_an_offset() -> None:
    # No variation between transcripts: consistency is undefined, agreement is zero.
    result = stats.icc(pd.DataFrame({"ana": [3, 3, 3], "ben": [4, 4, 4]}))
    assert result.forms["ICC3"].value is None
    assert "no variation" in result.forms["ICC3"].note
    assert result.forms["ICC2"].value == pytest.approx(0.0)
    assert all(e.value is None or math.isfinite(e.value) for e in result.forms.values())


def test_icc_with_perfect_agreement_is_one_without_a_bogus_interval() -> None:
    result = stats.icc(pd.DataFrame({"ana": [1, 2, 3, 5], "ben": [1, 2, 3, 5]}))
    assert result.forms["ICC2"].value == pytest.approx(1.0)
    assert result.forms["ICC2"].ci95 is None
    assert result.band == "excellent"


@pytest.mark.parametrize(
    "rows",
    [
        [[0, 1], [0, 1], [1, 0], [1, 0]],  # equal coder means, negative ICC
        [[0, 2], [0, 2], [2, 1]],
        [[0, 1, 2], [2, 1, 0]],
        [[1, 1], [0, 2], [1, 1], [2, 0]],
    ],
)
def test_icc_of_rare_codes_gives_values_or_notes_never_an_error(rows: list[list[int]]) -> None:
    # Counts of a rare code: small integers where the interval formulas divide by zero.
    scores = pd.DataFrame(rows, columns=[f"coder{i}" for i in range(len(rows[0]))])
    result = stats.icc(scores)
    for form, estimate in result.forms.items():
        assert estimate.value is None or math.isfinite(estimate.value), form
        assert estimate.value is not None or estimate.note, form
        if estimate.ci95 is not None:
            assert all(math.isfinite(bound) for bound in estimate.ci95), form


def test_icc_of_opposed_coders_is_negative_and_its_interval_undefined() -> None:
    # Equal coder means and no variation between transcripts: Satterthwaite's degrees of
    # freedom for the ICC(A,1) interval are 0/0.
    result = stats.icc(pd.DataFrame({"ana": [0, 0, 1, 1], "ben": [1, 1, 0, 0]}))
    assert result.forms["ICC1"].value == pytest.approx(-1.0)
    assert result.forms["ICC2"].value < 0
    assert result.forms["ICC2"].ci95 is None
    assert result.band == "poor"


def test_icc_snaps_floating_point_residue_to_zero() -> None:
    # One coder gives every transcript 5: the consistency forms are exactly 0, which
    # pingouin's arithmetic leaves as about -1e-16.
    result = stats.icc(pd.DataFrame({"ana": [1, 4, 3], "ben": [5, 5, 5]}))
    for form in ("ICC2", "ICC3", "ICC2k", "ICC3k"):
        assert result.forms[form].value == 0.0, form


def test_icc_refuses_non_numeric_scores() -> None:
    with pytest.raises(ValueError):
        stats.icc(pd.DataFrame({"ana": ["high", "low"], "ben": ["low", "low"]}))


# ---------------------------------------------------------------- Cohen's kappa


def test_cohen_kappa_two_by_two() -> None:
    first, second = expand_table([[20, 5], [10, 15]], ["yes", "no"])
    result = stats.cohen_kappa(first, second, labels=["yes", "no"])
    assert result.value == pytest.approx(0.40)
    assert result.details["po"] == pytest.approx(0.70)
    assert result.details["pe"] == pytest.approx(0.50)
    assert result.n == 50


def test_percent_agreement_two_by_two() -> None:
    first, second = expand_table([[20, 5], [10, 15]], ["yes", "no"])
    result = stats.percent_agreement(first, second)
    assert result.value == pytest.approx(0.70)
    assert result.n == 50


def test_cohen_kappa_matches_sas_with_ase_and_interval() -> None:
    result = stats.kappa_from_table(SAS_TABLE)
    assert round(result.value, 4) == 0.4842
    assert round(result.se, 4) == 0.1380
    assert (round(result.ci95[0], 4), round(result.ci95[1], 4)) == (0.2137, 0.7547)


def test_cohen_kappa_from_sequences_matches_the_table() -> None:
    first, second = expand_table(SAS_TABLE, ["a", "b", "c"])
    result = stats.cohen_kappa(first, second, labels=["a", "b", "c"])
    assert round(result.value, 4) == 0.4842
    assert round(result.se, 4) == 0.1380


def test_linear_weighted_kappa_matches_sas() -> None:
    assert round(stats.kappa_from_table(SAS_TABLE, weights="linear").value, 4) == 0.4701


def test_weighted_kappa_follows_the_label_order_not_the_alphabet() -> None:
    # Labels sorted alphabetically would be high, low, medium: wrong distances.
    first, second = expand_table(SAS_TABLE, ["low", "medium", "high"])
    result = stats.cohen_kappa(first, second, labels=["low", "medium", "high"], weights="linear")
    assert round(result.value, 4) == 0.4701


def test_confusion_matrix_rows_are_the_first_coder() -> None:
    first, second = expand_table(SAS_TABLE, ["a", "b", "c"])
    matrix = stats.confusion_matrix(first, second, labels=["a", "b", "c"])
    assert matrix.to_numpy().tolist() == SAS_TABLE
    assert list(matrix.index) == ["a", "b", "c"]


def test_confusion_matrix_refuses_labels_outside_the_list() -> None:
    with pytest.raises(ValueError, match="labels not in the label list: Z"):
        stats.confusion_matrix(["a", "Z"], ["a", "a"], labels=["a", "b"])


def test_kappa_leaves_out_units_either_coder_did_not_rate() -> None:
    result = stats.cohen_kappa(["a", "b", None, "a", "b"], ["a", "b", "a", nan, "a"])
    assert result.n == 3
    assert stats.percent_agreement(["a", None], ["a", "b"]).n == 1


def test_kappa_refuses_sequences_of_different_length() -> None:
    with pytest.raises(ValueError, match="different numbers of units"):
        stats.cohen_kappa(["a", "b"], ["a"])


def test_kappa_when_both_coders_use_one_code_is_undefined() -> None:
    result = stats.cohen_kappa(["Q"] * 5, ["Q"] * 5)
    assert result.value is None
    assert result.note == "undefined (no variation): both coders gave every unit “Q”"


def test_kappa_when_one_coder_varies_is_defined() -> None:
    result = stats.cohen_kappa(["Q", "Q", "Q", "Q"], ["Q", "SR", "Q", "Q"])
    assert result.value == pytest.approx(0.0)


def test_kappa_with_no_shared_units_is_undefined() -> None:
    result = stats.cohen_kappa(["a", None], [None, "b"])
    assert result.value is None
    assert result.note == "no unit was rated by both coders"
    assert stats.percent_agreement([], []).value is None


def test_kappa_table_must_be_square_counts() -> None:
    with pytest.raises(ValueError, match="square"):
        stats.kappa_from_table([[1, 2, 3], [4, 5, 6]])
    with pytest.raises(ValueError, match="non-negative"):
        stats.kappa_from_table([[1, -2], [3, 4]])


# ---------------------------------------------------------------- presence kappa


def test_presence_kappa_per_code_and_mean() -> None:
    first = [{"Q"}, {"Q", "AF"}, set(), {"SR"}, {"Q"}, set()]
    second = [{"Q"}, {"Q"}, {"AF"}, {"SR"}, set(), set()]
    result = stats.presence_kappa(first, second, ["Q", "SR", "AF", "GI"])
    q_first = [1, 1, 0, 0, 1, 0]
    q_second = [1, 1, 0, 0, 0, 0]
    assert result.per_code["Q"].value == pytest.approx(stats.cohen_kappa(q_first, q_second).value)
    assert result.per_code["SR"].value == pytest.approx(1.0)
    assert result.per_code["GI"].value is None
    assert result.per_code["GI"].note == "undefined (no variation): neither coder used GI"
    defined = [result.per_code[c].value for c in ("Q", "SR", "AF")]
    assert result.mean.value == pytest.approx(sum(defined) / 3)
    assert result.mean.note == "mean of 3 of 4 codes; undefined for GI"


def test_presence_kappa_skips_units_a_coder_did_not_rate() -> None:
    result = stats.presence_kappa([{"Q"}, None, set()], [{"Q"}, {"Q"}, set()], ["Q"])
    assert result.per_code["Q"].n == 2
    assert result.per_code["Q"].value == pytest.approx(1.0)


def test_presence_kappa_refuses_unknown_codes() -> None:
    with pytest.raises(ValueError, match="'XX'"):
        stats.presence_kappa([{"XX"}], [set()], ["Q"])


def test_mean_of_nothing_defined_says_so() -> None:
    undefined = stats.Estimate.undefined("undefined (no variation)", n=4)
    result = stats.mean_estimate({"Q": undefined, "SR": undefined})
    assert result.value is None
    assert result.note == "undefined (no variation)"


# ---------------------------------------------------------------- Fleiss' kappa


def test_fleiss_kappa_matches_fleiss_1971() -> None:
    result = stats.fleiss_kappa_counts(FLEISS_COUNTS)
    assert round(result.value, 6) == 0.209931
    assert round(result.details["p_bar"], 6) == 0.378022
    assert round(result.details["p_e"], 6) == 0.212755
    assert result.n == 10


def test_fleiss_kappa_from_labels_equals_the_counts() -> None:
    rows = []
    for counts in FLEISS_COUNTS:
        rows.append([category for category, n in enumerate(counts) for _ in range(n)])
    result = stats.fleiss_kappa(pd.DataFrame(rows))
    assert round(result.value, 6) == 0.209931


def test_fleiss_kappa_refuses_unequal_ratings_per_unit() -> None:
    with pytest.raises(ValueError, match="same number of ratings"):
        stats.fleiss_kappa_counts([[2, 0], [1, 2]])


def test_fleiss_kappa_leaves_out_incomplete_units_instead_of_counting_nan() -> None:
    ratings = pd.DataFrame(
        {
            "a": ["x", "y", "x", "y", "x"],
            "b": ["x", "y", "x", "x", nan],
            "c": ["x", "y", "y", "y", "x"],
        }
    )
    result = stats.fleiss_kappa(ratings)
    complete = stats.fleiss_kappa(ratings.iloc[:4])
    assert result.value == pytest.approx(complete.value)
    assert result.n == 4
    assert result.note == "on the 4 units rated by every coder; 1 left out"


def test_fleiss_kappa_with_every_rating_the_same_is_undefined() -> None:
    result = stats.fleiss_kappa(pd.DataFrame({"a": ["Q"] * 3, "b": ["Q"] * 3}))
    assert result.value is None
    assert result.note.startswith("undefined (no variation)")


def test_fleiss_kappa_with_one_coder_is_undefined() -> None:
    result = stats.fleiss_kappa(pd.DataFrame({"a": ["Q", "SR"]}))
    assert result.value is None
    assert result.note == "needs ratings from at least two coders"


# ---------------------------------------------------------------- Krippendorff's alpha


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743421), ("ordinal", 0.815388), ("interval", 0.849107), ("ratio", 0.797403)],
)
def test_alpha_matches_krippendorff_2011(level: str, published: float) -> None:
    result = stats.krippendorff_alpha(units_by_coders(KRIPPENDORFF_OBSERVERS), level=level)
    assert round(result.value, 6) == published
    assert result.n == 11  # the unit rated by one observer only is not pairable


def test_alpha_binary_example() -> None:
    data = np.array([[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]])
    result = stats.krippendorff_alpha(units_by_coders(data), level="nominal")
    assert round(result.value, 6) == 0.095238


def test_alpha_accepts_none_as_a_gap() -> None:
    ratings = pd.DataFrame({"a": ["Q", "SR", None, "Q"], "b": ["Q", "SR", "Q", None]})
    assert stats.krippendorff_alpha(ratings).n == 2


def test_ordinal_alpha_over_the_whole_scale_equals_alpha_over_values_used() -> None:
    ratings = units_by_coders(KRIPPENDORFF_OBSERVERS)
    whole = stats.krippendorff_alpha(ratings, level="ordinal", value_domain=[1, 2, 3, 4, 5, 6, 7])
    assert round(whole.value, 6) == 0.815388


def test_alpha_refuses_ratings_outside_the_scale() -> None:
    with pytest.raises(ValueError, match="outside the scale"):
        stats.krippendorff_alpha(pd.DataFrame({"a": [1, 9], "b": [1, 2]}), "interval", [1, 2, 3])


def test_alpha_with_no_variation_is_undefined() -> None:
    result = stats.krippendorff_alpha(pd.DataFrame({"a": [3, 3, 3], "b": [3, 3, nan]}), "ordinal")
    assert result.value is None
    assert result.note == "undefined (no variation): every rating was 3"


def test_alpha_with_no_pairable_unit_is_undefined() -> None:
    result = stats.krippendorff_alpha(pd.DataFrame({"a": [1, nan], "b": [nan, 2]}))
    assert result.value is None
    assert result.note == "no unit was rated by two coders"


def test_alpha_pooling_of_agreeing_units_changes_nothing() -> None:
    import krippendorff

    rng = np.random.default_rng(7)
    for _ in range(20):
        coders = int(rng.integers(2, 5))
        data = rng.integers(0, 4, size=(coders, 60)).astype(float)
        data[:, :30] = data[0, :30]  # plenty of full agreement to pool
        data[rng.random(data.shape) < 0.1] = nan
        for level in ("nominal", "ordinal", "interval"):
            expected = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
            result = stats.krippendorff_alpha(units_by_coders(data), level=level)
            assert result.value == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_weighted_rows_equal_repeated_rows() -> None:
    rows = np.array([[2, 0], [1, 1], [0, 2], [1, 0]])
    weights = np.array([40, 7, 9, 3])
    repeated = np.repeat(rows, weights, axis=0)
    domain = np.array([0.0, 1.0])
    labels = ["absent", "present"]
    weighted = stats.alpha_of_value_counts(rows, domain, labels, "nominal", weights)
    plain = stats.alpha_of_value_counts(repeated, domain, labels, "nominal")
    assert weighted.value == pytest.approx(plain.value)
    assert weighted.n == plain.n == 56
    weighted = stats.fleiss_kappa_of_value_counts(rows, 2, weights)
    plain = stats.fleiss_kappa_of_value_counts(repeated, 2)
    assert weighted.value == pytest.approx(plain.value)
    assert weighted.details == pytest.approx(plain.details)
    assert weighted.n == plain.n == 56  # the unit rated once is not complete, nor left out
    assert weighted.note is None and plain.note is None


def test_weights_must_fit_the_rows() -> None:
    with pytest.raises(ValueError, match="weights"):
        stats.alpha_of_value_counts(
            np.array([[1, 1]]), np.array([0.0, 1.0]), ["a", "b"], "nominal", [1, 2]
        )


# ---------------------------------------------------------------- properties

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

labels = st.sampled_from(["Q", "SR", "CR", "no code"])
pairs_of_coders = st.lists(st.tuples(labels, labels), min_size=2, max_size=60)


@settings(max_examples=60, deadline=None)
@given(pairs_of_coders)
def test_kappa_does_not_depend_on_which_coder_is_first(units: list[tuple[str, str]]) -> None:
    first, second = zip(*units, strict=True)
    forward = stats.cohen_kappa(first, second)
    backward = stats.cohen_kappa(second, first)
    assert forward.value == pytest.approx(backward.value, abs=1e-12) or (
        forward.value is None and backward.value is None
    )
    assert forward.value is None or -1 <= forward.value <= 1
    assert forward.value is not None or forward.note


@settings(max_examples=60, deadline=None)
@given(st.lists(labels, min_size=2, max_size=60))
def test_kappa_of_identical_coders_is_one_unless_undefined(units: list[str]) -> None:
    result = stats.cohen_kappa(units, units)
    if len(set(units)) > 1:
        assert result.value == pytest.approx(1.0)
    else:
        assert result.value is None and "no variation" in result.note


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=3, max_size=3),
        min_size=2,
        max_size=25,
    )
)
def test_alpha_equals_the_library_on_the_same_data(rows: list[list[int | None]]) -> None:
    import krippendorff

    ratings = pd.DataFrame(rows, columns=["a", "b", "c"], dtype=float)
    result = stats.krippendorff_alpha(ratings, level="ordinal")
    data = ratings.to_numpy().T
    values = set(data[~np.isnan(data)].tolist())
    pairable = (~np.isnan(data)).sum(axis=0) >= 2
    if result.value is None:
        # Undefined only where the library has nothing to give either.
        assert result.note
        paired = data[:, pairable]
        assert len(set(paired[~np.isnan(paired)].tolist())) <= 1
        return
    assert pairable.any() and len(values) > 1
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal")
    assert result.value == pytest.approx(expected, rel=1e-9, abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.integers(0, 9), min_size=3, max_size=3), min_size=3, max_size=12))
def test_icc_does_not_depend_on_the_order_of_coders_or_transcripts(rows: list[list[int]]) -> None:
    scores = pd.DataFrame(rows, columns=["a", "b", "c"])
    shuffled = scores[["c", "a", "b"]].iloc[::-1]
    first, second = stats.icc(scores), stats.icc(shuffled)
    for form in stats.ICC_FORMS:
        a, b = first.forms[form].value, second.forms[form].value
        assert (a is None and b is None) or a == pytest.approx(b, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(2, 3).flatmap(
        lambda k: st.lists(
            st.lists(st.integers(0, 2), min_size=k, max_size=k), min_size=3, max_size=8
        )
    )
)
def test_icc_of_small_counts_never_fails_or_leaks_nan(rows: list[list[int]]) -> None:
    result = stats.icc(pd.DataFrame(rows, columns=[f"c{i}" for i in range(len(rows[0]))]))
    for estimate in result.forms.values():
        assert estimate.value is None or math.isfinite(estimate.value)
        assert estimate.ci95 is None or all(math.isfinite(b) for b in estimate.ci95)
