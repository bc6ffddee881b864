"""Per-practitioner aggregates, tested without a database."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboards import stats

THRESHOLDS = {"relational": (3.5, 4.0), "mia": (None, None)}


def frame(rows):
    return pd.DataFrame(rows, columns=["who", "relational", "mia"]).astype(
        {"relational": float, "mia": float}
    )


def test_latest_mean_and_shares_of_one_practitioner():
    summary = stats.summarise(
        frame([("a", 3.0, 1), ("a", 4.0, 2), ("a", 3.5, 3), ("a", None, 4)]),
        "who",
        THRESHOLDS,
    )["a"]
    relational = summary["relational"]
    assert relational.latest is None  # the latest session's own value, even undefined
    assert relational.latest_band is None
    assert relational.mean == pytest.approx(3.5)
    assert relational.defined == 3
    assert relational.share_fair == pytest.approx(2 / 3)
    assert relational.share_good == pytest.approx(1 / 3)
    mia = summary["mia"]
    assert (mia.latest, mia.mean, mia.share_fair, mia.share_good) == (4.0, 2.5, None, None)


def test_groups_stay_apart_and_keep_their_order():
    summaries = stats.summarise(
        frame([("a", 3.0, 0), ("b", 5.0, 0), ("a", 4.0, 0), ("b", 1.0, 0)]), "who", THRESHOLDS
    )
    assert summaries["a"]["relational"].latest == 4.0
    assert summaries["b"]["relational"].latest == 1.0
    assert summaries["b"]["relational"].latest_band == "below_fair"


def test_trend_needs_three_sessions_with_a_value():
    two = stats.summarise(frame([("a", 1.0, 0), ("a", 5.0, 0), ("a", None, 0)]), "who", THRESHOLDS)
    assert two["a"]["relational"].slope is None
    assert two["a"]["relational"].trend is None
    assert two["a"]["relational"].arrow == ""
    three = stats.summarise(
        frame([("a", 1.0, 0), ("a", None, 0), ("a", 3.0, 0), ("a", 5.0, 0)]), "who", THRESHOLDS
    )
    relational = three["a"]["relational"]
    assert relational.slope == pytest.approx(np.polyfit([0, 2, 3], [1, 3, 5], 1)[0])
    assert relational.trend == stats.RISING
    assert relational.arrow == "↑"


@pytest.mark.parametrize(
    ("slope", "span", "fair", "mean", "expected"),
    [
        (0.1, 3, 3.5, 3.0, stats.STEADY),  # 0.3 change, tolerance 0.35
        (0.2, 3, 3.5, 3.0, stats.RISING),
        (-0.2, 3, 3.5, 3.0, stats.FALLING),
        (0.0, 3, None, 0.0, stats.STEADY),  # a flat zero count is steady
        (0.5, 3, None, 0.0, stats.RISING),
        (None, 3, 3.5, 3.0, None),
    ],
)
def test_trend_direction(slope, span, fair, mean, expected):
    assert stats.trend_direction(slope, span, fair, mean) == expected


def test_no_sessions_no_summaries():
    assert stats.summarise(frame([]), "who", THRESHOLDS) == {}


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.floats(min_value=0, max_value=100, allow_nan=False)),
        min_size=1,
        max_size=30,
    )
)
def test_aggregates_match_plain_arithmetic(values):
    rows = [("p", v, 0) for v in values]
    summary = stats.summarise(frame(rows), "who", {"relational": (40.0, 50.0)})["p"]["relational"]
    defined = [(i, v) for i, v in enumerate(values) if v is not None]
    assert summary.defined == len(defined)
    assert summary.latest == values[-1]
    if not defined:
        assert summary.mean is None and summary.share_fair is None
        return
    assert summary.mean == pytest.approx(sum(v for _, v in defined) / len(defined))
    assert summary.share_fair == pytest.approx(sum(v >= 40 for _, v in defined) / len(defined))
    assert summary.share_good == pytest.approx(sum(v >= 50 for _, v in defined) / len(defined))
    xs = [i for i, _ in defined]
    if len(defined) >= 3 and len(set(xs)) > 1:
        expected = np.polyfit(xs, [v for _, v in defined], 1)[0]
        assert summary.slope == pytest.approx(expected, abs=1e-6)
        assert not math.isnan(summary.slope)


def test_distribution_quartiles_and_bands():
    spread = stats.distribution([1.0, 2.0, 3.0, 4.0, 5.0], fair=3, good=4)
    assert (spread.n, spread.minimum, spread.median, spread.maximum) == (5, 1.0, 3.0, 5.0)
    assert (spread.q1, spread.q3) == (2.0, 4.0)
    assert (spread.below_fair, spread.fair, spread.good) == (2, 1, 2)
    empty = stats.distribution([], fair=3, good=4)
    assert empty.n == 0 and empty.median is None
