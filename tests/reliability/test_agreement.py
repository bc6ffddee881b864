"""reliability/agreement.py: one dimension's statistics from coders' codes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reliability import agreement, stats


def dimension_data(
    per_coder: dict[str, list[list[str] | None]],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rated, codes) frames from {coder: [codes of unit 0, codes of unit 1, …]}; None marks a
    unit the coder did not rate."""
    units = len(next(iter(per_coder.values())))
    rated = pd.DataFrame(
        {coder: [u is not None for u in unit_codes] for coder, unit_codes in per_coder.items()},
        index=range(units),
    )
    rows = [
        (unit, coder, code)
        for coder, unit_codes in per_coder.items()
        for unit, codes in enumerate(unit_codes)
        for code in codes or []
    ]
    return rated, pd.DataFrame(rows, columns=["unit", "coder", "code"])


def test_single_code_dimension_counts_no_code_as_a_category() -> None:
    rated, codes = dimension_data(
        {
            "ana": [["CT"], ["ST"], [], ["CT"], [], ["ST"]],
            "ben": [["CT"], ["CT"], [], ["CT"], ["ST"], ["ST"]],
        }
    )
    result = agreement.utterance_agreement(rated, codes, ["CT", "ST", "FN"], multiple=False)
    first = ["CT", "ST", "no code", "CT", "no code", "ST"]
    second = ["CT", "CT", "no code", "CT", "ST", "ST"]
    expected = stats.cohen_kappa(first, second, labels=["CT", "ST", "FN", "no code"])
    assert result.units == 6
    assert result.cohen_kappa.value == pytest.approx(expected.value)
    assert result.percent_agreement.value == pytest.approx(4 / 6)
    assert result.krippendorff_alpha.value == pytest.approx(
        stats.krippendorff_alpha(pd.DataFrame({"a": first, "b": second})).value
    )
    pair = result.pairs[0]
    assert pair.coders == ("ana", "ben")
    assert pair.confusion.loc["ST", "CT"] == 1
    assert pair.confusion.loc["no code", "ST"] == 1
    assert list(pair.confusion.index) == ["CT", "ST", "FN", "no code"]
    assert result.per_code["FN"].cohen_kappa.value is None
    assert result.per_code["FN"].cohen_kappa.note == "undefined (no variation): no coder used FN"
    assert result.per_code["CT"].prevalence.value == pytest.approx(5 / 12)


def test_multi_code_dimension_reports_presence_statistics_and_their_mean() -> None:
    rated, codes = dimension_data(
        {
            "ana": [["Q"], ["Q", "AF"], [], ["SR"], ["Q"], [], ["CR"]],
            "ben": [["Q"], ["Q"], ["AF"], ["SR"], [], [], ["CR"]],
        }
    )
    order = ["GI", "Q", "SR", "CR", "AF"]
    result = agreement.utterance_agreement(rated, codes, order, multiple=True)
    per_code = stats.presence_kappa(
        [{"Q"}, {"Q", "AF"}, set(), {"SR"}, {"Q"}, set(), {"CR"}],
        [{"Q"}, {"Q"}, {"AF"}, {"SR"}, set(), set(), {"CR"}],
        order,
    )
    for code in order:
        assert result.per_code[code].cohen_kappa.value == per_code.per_code[code].value
    assert result.cohen_kappa.value == pytest.approx(per_code.mean.value)
    assert result.cohen_kappa.note == "mean of 4 of 5 codes; undefined for GI"
    assert result.per_code["GI"].krippendorff_alpha.value is None
    assert result.krippendorff_alpha.note == "mean of 4 of 5 codes; undefined for GI"
    # A unit agrees when both coders gave the same set of codes.
    assert result.percent_agreement.value == pytest.approx(4 / 7)
    confusion = result.pairs[0].confusion
    assert confusion.loc["Q + AF", "Q"] == 1
    assert confusion.loc["no code", "AF"] == 1
    assert confusion.to_numpy().sum() == 7


def test_dimension_with_one_coder_says_so_without_crashing() -> None:
    rated, codes = dimension_data({"ana": [["Q"], [], ["SR"]]})
    result = agreement.utterance_agreement(rated, codes, ["Q", "SR"], multiple=True)
    assert result.units == 0
    assert result.pairs == []
    assert result.cohen_kappa.value is None
    assert result.cohen_kappa.note == "needs units rated by at least two coders"
    assert result.per_code["Q"].cohen_kappa.note == "needs units rated by at least two coders"
    assert result.krippendorff_alpha.value is None


def test_dimension_where_every_coder_uses_one_code() -> None:
    rated, codes = dimension_data({"ana": [["Q"], ["Q"], ["Q"]], "ben": [["Q"], ["Q"], ["Q"]]})
    result = agreement.utterance_agreement(rated, codes, ["Q", "SR"], multiple=False)
    assert result.percent_agreement.value == 1.0
    assert result.cohen_kappa.value is None
    assert "no variation" in result.cohen_kappa.note
    assert result.krippendorff_alpha.value is None
    assert result.fleiss_kappa.value is None


def test_dimension_with_three_coders_and_a_gap() -> None:
    rated, codes = dimension_data(
        {
            "ana": [["Q"], ["SR"], [], ["Q"]],
            "ben": [["Q"], ["SR"], ["Q"], ["Q"]],
            "cy": [["Q"], ["Q"], [], None],
        }
    )
    result = agreement.utterance_agreement(rated, codes, ["Q", "SR"], multiple=False)
    assert [p.coders for p in result.pairs] == [("ana", "ben"), ("ana", "cy"), ("ben", "cy")]
    assert [p.units for p in result.pairs] == [4, 3, 3]
    assert result.fleiss_kappa.n == 3
    assert result.krippendorff_alpha.n == 4
    shares = [p.percent_agreement.value for p in result.pairs]
    assert result.percent_agreement.value == pytest.approx(sum(shares) / 3)


def test_dimension_refuses_codes_outside_it_and_double_codes() -> None:
    rated, codes = dimension_data({"ana": [["Q"]], "ben": [["XX"]]})
    with pytest.raises(ValueError, match="codes not in this dimension: XX"):
        agreement.utterance_agreement(rated, codes, ["Q"], multiple=False)
    rated, codes = dimension_data({"ana": [["Q", "SR"]], "ben": [["Q"]]})
    with pytest.raises(ValueError, match="several codes in a single-code dimension"):
        agreement.utterance_agreement(rated, codes, ["Q", "SR"], multiple=False)
    rated, codes = dimension_data({"ana": [["Q", "Q"]], "ben": [["Q"]]})
    with pytest.raises(ValueError, match="same code to the same unit twice"):
        agreement.utterance_agreement(rated, codes, ["Q", "SR"], multiple=True)


def test_estimates_serialise_without_nan() -> None:
    rated, codes = dimension_data({"ana": [["Q"], ["Q"]], "ben": [["Q"], ["Q"]]})
    result = agreement.utterance_agreement(rated, codes, ["Q"], multiple=True)
    for estimate in (result.cohen_kappa, result.krippendorff_alpha, result.fleiss_kappa):
        payload = estimate.as_dict()
        assert payload["value"] is None
        assert payload["note"]
    assert stats.finite(float("nan")) is None
    assert stats.finite(np.float64(0.5)) == 0.5


def test_pairs_that_never_coded_the_same_units_are_left_out() -> None:
    rated, codes = dimension_data(
        {"ana": [["Q"], ["SR"], None], "ben": [["Q"], ["Q"], None], "cy": [None, None, ["Q"]]}
    )
    result = agreement.utterance_agreement(rated, codes, ["Q", "SR"], multiple=False)
    assert [p.coders for p in result.pairs] == [("ana", "ben")]


def test_labels_by_unit_name_the_confusion_cells() -> None:
    rated, codes = dimension_data({"ana": [["Q", "AF"], [], ["SR"]], "ben": [["Q"], ["AF"], None]})
    labels = agreement.labels_by_unit(rated, codes, ["Q", "SR", "AF"], multiple=True)
    assert labels["ana"].tolist() == ["Q + AF", "no code", "SR"]
    assert labels["ben"].tolist()[:2] == ["Q", "AF"]
    assert pd.isna(labels.loc[2, "ben"])
