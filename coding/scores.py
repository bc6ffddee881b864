"""Summary scores from code counts and global ratings, as a scheme defines them.

Pure functions, no Django: the workspace tally, feedback pages, dashboards and exports all
call these, so every number shown anywhere is computed in exactly one way.

A summary-score definition is a mapping as in the scheme JSON:
``{"slug": "r_q", "type": "ratio", "numerator": ["SR", "CR"], "denominator": ["Q"]}``,
``{"slug": "mia", "type": "sum", "of": ["Seek", "AF", "Emphasize"]}`` or
``{"slug": "relational", "type": "mean", "of": ["partnership", "empathy"]}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

BELOW_FAIR = "below_fair"
FAIR = "fair"
GOOD = "good"

BAND_LABELS = {BELOW_FAIR: "Below fair", FAIR: "Fair", GOOD: "Good"}


def _sum_counts(counts: Mapping[str, int], abbreviations: Iterable[str]) -> int:
    return sum(int(counts.get(abbreviation, 0) or 0) for abbreviation in abbreviations)


def summary_score(
    definition: Mapping[str, Any],
    counts: Mapping[str, int],
    globals_: Mapping[str, int | float | None],
) -> float | None:
    """One summary score; None where it is undefined (a zero denominator, a missing global).
    A sum of counts is a whole number and stays an int (exports show 3, not 3.0)."""
    kind = definition["type"]
    if kind == "sum":
        return _sum_counts(counts, definition["of"])
    if kind == "ratio":
        denominator = _sum_counts(counts, definition["denominator"])
        if denominator == 0:
            return None
        value = _sum_counts(counts, definition["numerator"]) / denominator
        return value * 100 if definition.get("percent") else value
    if kind == "mean":
        values = [globals_.get(slug) for slug in definition["of"]]
        if not values or any(value is None for value in values):
            return None
        return sum(float(value) for value in values) / len(values)
    raise ValueError(f"unknown summary score type {kind!r}")


def summary_scores(
    definitions: Iterable[Mapping[str, Any]],
    counts: Mapping[str, int],
    globals_: Mapping[str, int | float | None],
) -> dict[str, float | None]:
    """{slug: value} for every definition, in the scheme's order."""
    return {
        definition["slug"]: summary_score(definition, counts, globals_)
        for definition in definitions
    }


def band(value: float | None, fair: float | None, good: float | None) -> str | None:
    """Where a value stands against the thresholds: good, fair, below fair, or None when the
    value is undefined or the score has no thresholds."""
    if value is None or (fair is None and good is None):
        return None
    if good is not None and value >= good:
        return GOOD
    if fair is not None and value >= fair:
        return FAIR
    return BELOW_FAIR


def format_score(
    value: float | None, *, percent: bool = False, kind: str = "ratio", averaged: bool = False
) -> str:
    """A score for display, one rule per kind of score wherever it is shown: "—" where
    undefined; a percentage as a whole percent ("40%"); a count (``kind`` "sum") as a whole
    number, unless ``averaged`` over sessions; everything else (ratios such as R:Q, global
    means) with two decimals ("3.00", "0.80"). Thresholds are shown by the same rule."""
    if value is None:
        return "—"
    if percent:
        return f"{value:.0f}%"
    if kind == "sum" and not averaged and float(value).is_integer():
        return f"{value:.0f}"
    return f"{value:.2f}"
