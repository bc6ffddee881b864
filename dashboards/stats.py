"""Aggregates of session scores per practitioner: latest, mean, shares at the thresholds and
trend. Pure functions over pandas, no Django.

Session scores come in already computed (coding/scores.py through ``coding_results``); bands
are decided by ``coding.scores.band`` so a session counts as fair or good here exactly when
its feedback page says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from coding import scores

if TYPE_CHECKING:
    from coding.selectors import CodingResult, ScoreDefinition

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
PRACTITIONER_KEY = "practitioner_id"


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


def bands(values: pd.Series, fair: float | None, good: float | None) -> pd.Series:
    """``coding.scores.band`` of each value, asked once per distinct value."""
    lookup = {v: scores.band(float(v), fair, good) for v in values.dropna().unique()}
    return values.map(lookup)


def session_frame(
    results: Sequence[CodingResult],
    definitions: Sequence[ScoreDefinition],
    practitioner_ids: Sequence[int],
) -> pd.DataFrame:
    """One row per session: its practitioner and a float column (NaN where undefined) per
    summary score, in the order of ``results``."""
    slugs = [d.slug for d in definitions]
    frame = pd.DataFrame(
        [
            [practitioner_id, *(r.scores.get(slug) for slug in slugs)]
            for practitioner_id, r in zip(practitioner_ids, results, strict=True)
        ],
        columns=[PRACTITIONER_KEY, *slugs],
    )
    for slug in slugs:
        frame[slug] = pd.to_numeric(frame[slug], errors="coerce").astype(float)
    return frame


def summarise(frame: pd.DataFrame, key: str, thresholds: Thresholds) -> dict[object, dict]:
    """{key value: {slug: ScoreSummary}} for each group of sessions in ``frame``.

    ``frame`` holds one row per session in chronological order within each group, a ``key``
    column and one float column (NaN where undefined) per slug in ``thresholds``. Every mean,
    share and least-squares slope comes from per-group sums taken with ``numpy.bincount``.
    """
    if frame.empty:
        return {}
    codes, groups = pd.factorize(frame[key], sort=False)
    size = len(groups)
    order = pd.Series(codes).groupby(codes).cumcount().to_numpy(dtype=float)
    last_row = np.full(size, -1)
    np.maximum.at(last_row, codes, np.arange(len(codes)))

    def total(weights: np.ndarray) -> np.ndarray:
        return np.bincount(codes, weights=weights, minlength=size)

    result: dict[object, dict] = {group: {} for group in groups}
    for slug, (fair, good) in thresholds.items():
        values = frame[slug].astype(float)
        y = values.to_numpy()
        defined = ~np.isnan(y)
        band = bands(values, fair, good).to_numpy()
        x = np.where(defined, order, 0.0)
        y0 = np.where(defined, y, 0.0)
        n = total(defined.astype(float))
        sum_y, sum_x = total(y0), total(x)
        sum_xx, sum_xy = total(x * x), total(x * y0)
        at_fair = total(np.isin(band, [scores.FAIR, scores.GOOD]).astype(float))
        at_good = total((band == scores.GOOD).astype(float))
        low = np.full(size, np.inf)
        high = np.full(size, -np.inf)
        np.minimum.at(low, codes[defined], order[defined])
        np.maximum.at(high, codes[defined], order[defined])
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = np.where(n > 0, sum_y / n, np.nan)
            denominator = n * sum_xx - sum_x**2
            slope = np.where(
                (n >= TREND_MIN_SESSIONS) & (denominator > 0),
                (n * sum_xy - sum_x * sum_y) / denominator,
                np.nan,
            )
        has_thresholds = fair is not None or good is not None
        rows = zip(
            groups,
            n.tolist(),
            mean.tolist(),
            at_fair.tolist(),
            at_good.tolist(),
            slope.tolist(),
            (high - low).tolist(),
            y[last_row].tolist(),
            strict=True,
        )
        for group, count, mean_value, fair_n, good_n, slope_value, span, latest in rows:
            count = int(count)
            mean_value, slope_value = _number(mean_value), _number(slope_value)
            latest = _number(latest)
            result[group][slug] = ScoreSummary(
                latest=latest,
                latest_band=scores.band(latest, fair, good),
                mean=mean_value,
                defined=count,
                share_fair=fair_n / count if count and has_thresholds else None,
                share_good=good_n / count if count and good is not None else None,
                slope=slope_value,
                trend=trend_direction(slope_value, span if count else 0.0, fair, mean_value),
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
