"""Aggregates of session scores per practitioner: latest, mean, shares at the thresholds and
trend. Pure functions over pandas, no Django.

Session scores come in already computed (coding/scores.py through ``coding_results``); bands
are decided by ``coding.scores.band`` so a session counts as fair or good here exactly when
its feedback page says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from coding import scores

RISING = "rising"
FALLING = "falling"
STEADY = "steady"
TREND_ARROWS = {RISING: "↑", FALLING: "↓", STEADY: "→"}

# A trend needs this many sessions with a value; two points are one change, not a trend.
TREND_MIN_SESSIONS = 3
# The fitted change across the sessions must exceed this share of the fair threshold (or of
# the mean, for a score without thresholds) to count as rising or falling.
TREND_TOLERANCE = 0.1

Thresholds = Mapping[str, tuple[float | None, float | None]]


@dataclass(frozen=True)
class ScoreSummary:
    """One practitioner's sessions on one summary score."""

    latest: float | None
    latest_band: str | None
    mean: float | None
    defined: int
    share_fair: float | None  # sessions at fair or better, of sessions where the score is defined
    share_good: float | None
    slope: float | None  # change per session, least squares over session order
    trend: str | None

    @property
    def arrow(self) -> str:
        return TREND_ARROWS.get(self.trend or "", "")


NO_SESSIONS = ScoreSummary(
    latest=None,
    latest_band=None,
    mean=None,
    defined=0,
    share_fair=None,
    share_good=None,
    slope=None,
    trend=None,
)


def _number(value: object) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if np.isnan(value) else value


def trend_direction(
    slope: float | None, span: float, fair: float | None, mean: float | None
) -> str | None:
    """Rising, falling or steady from a fitted slope over ``span`` sessions."""
    if slope is None:
        return None
    reference = fair if fair else mean
    tolerance = TREND_TOLERANCE * abs(reference) if reference else 0.0
    change = slope * span
    if change > tolerance:
        return RISING
    if change < -tolerance:
        return FALLING
    return STEADY


def summarise(frame: pd.DataFrame, key: str, thresholds: Thresholds) -> dict[object, dict]:
    """{key value: {slug: ScoreSummary}} for each group of sessions in ``frame``.

    ``frame`` holds one row per session in chronological order within each group, a ``key``
    column and one float column (NaN where undefined) per slug in ``thresholds``.
    """
    if frame.empty:
        return {}
    order = frame.groupby(key, sort=False).cumcount().astype(float)
    groups = frame[key]
    latest_rows = frame.groupby(key, sort=False).tail(1).set_index(key)
    per_slug: dict[str, pd.DataFrame] = {}
    for slug, (fair, good) in thresholds.items():
        y = pd.to_numeric(frame[slug], errors="coerce").astype(float)
        defined = y.notna()
        bands = y.map(lambda v, f=fair, g=good: scores.band(_number(v), f, g))
        x = order.where(defined)
        parts = pd.DataFrame(
            {
                key: groups,
                "n": defined.astype(int),
                "sum": y.fillna(0.0),
                "fair": bands.isin([scores.FAIR, scores.GOOD]).astype(int),
                "good": (bands == scores.GOOD).astype(int),
                "sx": x.fillna(0.0),
                "sxx": (x * x).fillna(0.0),
                "sxy": (x * y).fillna(0.0),
                "xmin": x,
                "xmax": x,
            }
        )
        sums = parts.groupby(key, sort=False).agg(
            n=("n", "sum"),
            total=("sum", "sum"),
            fair=("fair", "sum"),
            good=("good", "sum"),
            sx=("sx", "sum"),
            sxx=("sxx", "sum"),
            sxy=("sxy", "sum"),
            xmin=("xmin", "min"),
            xmax=("xmax", "max"),
        )
        n = sums["n"].astype(float)
        denominator = n * sums["sxx"] - sums["sx"] ** 2
        slope = (n * sums["sxy"] - sums["sx"] * sums["total"]) / denominator.where(denominator > 0)
        sums["slope"] = slope.where(n >= TREND_MIN_SESSIONS)
        sums["mean"] = (sums["total"] / n).where(n > 0)
        sums["latest"] = latest_rows[slug]
        per_slug[slug] = sums

    result: dict[object, dict] = {}
    for slug, (fair, good) in thresholds.items():
        has_thresholds = fair is not None or good is not None
        for group, row in per_slug[slug].to_dict("index").items():
            n = int(row["n"])
            mean = _number(row["mean"])
            slope = _number(row["slope"])
            latest = _number(row["latest"])
            span = (row["xmax"] - row["xmin"]) if n else 0.0
            result.setdefault(group, {})[slug] = ScoreSummary(
                latest=latest,
                latest_band=scores.band(latest, fair, good),
                mean=mean,
                defined=n,
                share_fair=row["fair"] / n if n and has_thresholds else None,
                share_good=row["good"] / n if n and good is not None else None,
                slope=slope,
                trend=trend_direction(slope, float(span), fair, mean),
            )
    return result


@dataclass(frozen=True)
class Distribution:
    """How one score spreads across practitioners (each practitioner's mean)."""

    n: int
    minimum: float | None
    q1: float | None
    median: float | None
    q3: float | None
    maximum: float | None
    below_fair: int
    fair: int
    good: int


def distribution(values: Sequence[float], fair: float | None, good: float | None) -> Distribution:
    series = pd.Series([v for v in values if v is not None], dtype=float).dropna()
    bands = [scores.band(float(v), fair, good) for v in series]
    if series.empty:
        return Distribution(0, None, None, None, None, None, 0, 0, 0)
    q1, median, q3 = (float(q) for q in series.quantile([0.25, 0.5, 0.75]))
    return Distribution(
        n=len(series),
        minimum=float(series.min()),
        q1=q1,
        median=median,
        q3=q3,
        maximum=float(series.max()),
        below_fair=bands.count(scores.BELOW_FAIR),
        fair=bands.count(scores.FAIR),
        good=bands.count(scores.GOOD),
    )
