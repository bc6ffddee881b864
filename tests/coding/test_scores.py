"""coding/scores.py against hand-computed MITI examples; no database."""

import pytest

from coding import scores

MITI_421 = [
    {"slug": "technical", "type": "mean", "of": ["cct", "sst"]},
    {"slug": "relational", "type": "mean", "of": ["partnership", "empathy"]},
    {
        "slug": "pct_cr",
        "type": "ratio",
        "numerator": ["CR"],
        "denominator": ["SR", "CR"],
        "percent": True,
    },
    {"slug": "r_q", "type": "ratio", "numerator": ["SR", "CR"], "denominator": ["Q"]},
    {"slug": "mia", "type": "sum", "of": ["Seek", "AF", "Emphasize"]},
    {"slug": "mina", "type": "sum", "of": ["Confront", "Persuade"]},
]


def test_miti_421_summary_scores_by_hand():
    counts = {
        "Q": 8,
        "SR": 6,
        "CR": 10,
        "AF": 3,
        "Seek": 2,
        "Emphasize": 1,
        "Confront": 1,
        "Persuade": 2,
        "Persuade with": 4,
        "GI": 5,
    }
    globals_ = {"cct": 4, "sst": 3, "partnership": 4, "empathy": 5}
    result = scores.summary_scores(MITI_421, counts, globals_)
    assert result["technical"] == pytest.approx(3.5)
    assert result["relational"] == pytest.approx(4.5)
    assert result["pct_cr"] == pytest.approx(62.5)  # 10 / 16
    assert result["r_q"] == pytest.approx(2.0)  # 16 / 8
    assert result["mia"] == 6
    assert isinstance(result["mia"], int)  # counts stay whole: "6" in exports, not "6.0"
    assert result["mina"] == 3  # Persuade with Permission is not counted


def test_zero_denominators_are_undefined_not_zero():
    result = scores.summary_scores(MITI_421, {"AF": 1}, {})
    assert result["pct_cr"] is None
    assert result["r_q"] is None
    assert result["technical"] is None
    assert result["mia"] == 1
    assert result["mina"] == 0


def test_ratio_with_zero_numerator_is_zero():
    assert scores.summary_score(MITI_421[3], {"Q": 4}, {}) == 0


def test_bands_against_thresholds():
    assert scores.band(4.2, 3.5, 4) == scores.GOOD
    assert scores.band(4, 3.5, 4) == scores.GOOD
    assert scores.band(3.5, 3.5, 4) == scores.FAIR
    assert scores.band(3.49, 3.5, 4) == scores.BELOW_FAIR
    assert scores.band(None, 3.5, 4) is None
    assert scores.band(7, None, None) is None


def test_format_shows_undefined_as_a_dash():
    assert scores.format_score(None) == "—"
    assert (
        scores.format_score(62.5, percent=True) == "62%"
        or scores.format_score(62.5, percent=True) == "63%"
    )
    assert scores.format_score(1.3333) == "1.33"


def test_one_display_rule_per_kind_of_score():
    # Ratios and means always with two decimals, so "4" never stands beside "3.50".
    assert scores.format_score(2.0, kind="ratio") == "2.00"
    assert scores.format_score(4.0, kind="mean") == "4.00"
    assert scores.format_score(3.5, kind="mean") == "3.50"
    assert scores.format_score(40.0, percent=True, kind="ratio") == "40%"
    # Counts are whole numbers; a count averaged over sessions is not.
    assert scores.format_score(4.0, kind="sum") == "4"
    assert scores.format_score(4.0, kind="sum", averaged=True) == "4.00"
    assert scores.format_score(4.5, kind="sum") == "4.50"


def test_unknown_type_is_an_error():
    with pytest.raises(ValueError, match="unknown summary score type"):
        scores.summary_score({"slug": "x", "type": "median"}, {}, {})


MITI_311 = [
    {"slug": "spirit", "type": "mean", "of": ["evocation", "collaboration", "autonomy"]},
    {"slug": "r_q", "type": "ratio", "numerator": ["SR", "CR"], "denominator": ["OQ", "CQ"]},
    {
        "slug": "pct_oq",
        "type": "ratio",
        "numerator": ["OQ"],
        "denominator": ["OQ", "CQ"],
        "percent": True,
    },
    {
        "slug": "pct_cr",
        "type": "ratio",
        "numerator": ["CR"],
        "denominator": ["SR", "CR"],
        "percent": True,
    },
    {
        "slug": "pct_mia",
        "type": "ratio",
        "numerator": ["ADP", "AF", "EC", "SU"],
        "denominator": ["ADP", "AF", "EC", "SU", "ADW", "CO", "DI", "RCW", "WA"],
        "percent": True,
    },
]


def test_miti_311_summary_scores_by_hand():
    # 12 questions (9 open), 15 reflections (6 complex), 9 adherent and 1 non-adherent.
    counts = {"OQ": 9, "CQ": 3, "SR": 9, "CR": 6, "AF": 4, "EC": 2, "SU": 2, "ADP": 1, "DI": 1}
    globals_ = {"evocation": 4, "collaboration": 3, "autonomy": 5, "direction": 4, "empathy": 4}
    result = scores.summary_scores(MITI_311, counts, globals_)
    assert result["spirit"] == pytest.approx(4.0)  # (4 + 3 + 5) / 3
    assert result["r_q"] == pytest.approx(1.25)  # 15 / 12
    assert result["pct_oq"] == pytest.approx(75.0)  # 9 / 12
    assert result["pct_cr"] == pytest.approx(40.0)  # 6 / 15
    assert result["pct_mia"] == pytest.approx(90.0)  # 9 / 10


def test_miti_311_zero_denominators_are_undefined():
    # Only giving information: no question, no reflection, no adherent or non-adherent code.
    result = scores.summary_scores(MITI_311, {"GI": 7}, {"evocation": 3, "collaboration": 3})
    assert result == {
        "spirit": None,  # autonomy not rated
        "r_q": None,
        "pct_oq": None,
        "pct_cr": None,
        "pct_mia": None,
    }


def test_miti_311_bands_at_beginning_proficiency_and_competency():
    # Thresholds as shipped: %MIA fair 90 (beginning proficiency), good 100 (competency).
    assert scores.band(90.0, 90, 100) == scores.FAIR
    assert scores.band(89.9, 90, 100) == scores.BELOW_FAIR
    assert scores.band(100.0, 90, 100) == scores.GOOD
