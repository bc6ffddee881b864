"""Reads of codings and their results, each in a fixed number of queries.

``coding_results`` is the one way to get counts, globals and summary scores for codings:
feedback pages, dashboards and exports all go through it and through coding/scores.py.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet

from accounts.models import Agency
from coding import scores
from coding.models import (
    Code,
    Coding,
    CodingKind,
    CodingScheme,
    CodingStatus,
    GlobalRating,
    GlobalScale,
    SummaryScore,
    ThresholdOverride,
    UtteranceCode,
)


@dataclass(frozen=True)
class ScoreDefinition:
    slug: str
    name: str
    type: str
    definition: dict[str, Any]
    fair: float | None
    good: float | None

    @property
    def percent(self) -> bool:
        return bool(self.definition.get("percent"))

    def as_mapping(self) -> dict[str, Any]:
        return {"slug": self.slug, "type": self.type, **self.definition}

    def band(self, value: float | None) -> str | None:
        return scores.band(value, self.fair, self.good)

    def format(self, value: float | None) -> str:
        return scores.format_score(value, percent=self.percent)


@dataclass
class SchemeLayout:
    """A scheme's codes, globals and summary scores in display order."""

    scheme: CodingScheme
    codes: list[Code]
    globals: list[GlobalScale]
    summaries: list[ScoreDefinition]


def score_definitions(scheme: CodingScheme, agency: Agency | None = None) -> list[ScoreDefinition]:
    """The scheme's summary scores with the agency's own thresholds where it set them."""
    overrides = {}
    if agency is not None:
        overrides = {
            o.summary_score_id: o
            for o in ThresholdOverride.objects.filter(agency=agency, summary_score__scheme=scheme)
        }
    result = []
    for summary in SummaryScore.objects.filter(scheme=scheme).order_by("position", "id"):
        override = overrides.get(summary.pk)
        result.append(
            ScoreDefinition(
                slug=summary.slug,
                name=summary.name,
                type=summary.type,
                definition=dict(summary.definition),
                fair=override.fair if override else summary.fair,
                good=override.good if override else summary.good,
            )
        )
    return result


def scheme_layout(scheme: CodingScheme, agency: Agency | None = None) -> SchemeLayout:
    return SchemeLayout(
        scheme=scheme,
        codes=list(
            Code.objects.filter(scheme=scheme)
            .select_related("dimension")
            .order_by("dimension__position", "position", "id")
        ),
        globals=list(GlobalScale.objects.filter(scheme=scheme).order_by("position", "id")),
        summaries=score_definitions(scheme, agency),
    )


@dataclass
class CodingResult:
    coding: Coding
    counts: dict[str, int] = field(default_factory=dict)
    globals: dict[str, int] = field(default_factory=dict)
    scores: dict[str, float | None] = field(default_factory=dict)


def code_counts(coding_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """{coding id: {code abbreviation: count}} in one query."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        UtteranceCode.objects.filter(coding_id__in=list(coding_ids))
        .values_list("coding_id", "code__abbreviation")
        .annotate(n=Count("id"))
        .order_by()
    )
    for coding_id, abbreviation, n in rows:
        counts[coding_id][abbreviation] = n
    return counts


def global_values(coding_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """{coding id: {global slug: value}} in one query."""
    values: dict[int, dict[str, int]] = defaultdict(dict)
    rows = GlobalRating.objects.filter(coding_id__in=list(coding_ids)).values_list(
        "coding_id", "scale__slug", "value"
    )
    for coding_id, slug, value in rows:
        values[coding_id][slug] = value
    return values


def coding_results(
    codings: Iterable[Coding], definitions_by_scheme: dict[int, list[ScoreDefinition]]
) -> list[CodingResult]:
    """Counts, globals and summary scores of each coding, in two queries.

    ``definitions_by_scheme`` maps scheme id to its score definitions (``score_definitions``),
    so callers choose whose thresholds apply and fetch them once.
    """
    codings = list(codings)
    ids = [coding.pk for coding in codings]
    counts = code_counts(ids)
    globals_ = global_values(ids)
    results = []
    for coding in codings:
        coding_counts = counts.get(coding.pk, {})
        coding_globals = globals_.get(coding.pk, {})
        definitions = definitions_by_scheme.get(coding.scheme_id, [])
        results.append(
            CodingResult(
                coding=coding,
                counts=coding_counts,
                globals=coding_globals,
                scores=scores.summary_scores(
                    [d.as_mapping() for d in definitions], coding_counts, coding_globals
                ),
            )
        )
    return results


# The score of record for a transcript: its consensus coding, else its gold standard, else its
# primary coding, else a double coding; only submitted codings count, earliest first within a
# kind. Calibration codings are practice and never count.
RECORD_PRIORITY = [CodingKind.CONSENSUS, CodingKind.GOLD, CodingKind.PRIMARY, CodingKind.DOUBLE]


def codings_of_record(codings: QuerySet[Coding]) -> list[Coding]:
    """One coding per (transcript, scheme) among ``codings``: the score of record.

    ``codings`` is already filtered to what the user may see, so a record is never chosen
    from codings hidden from them. One query.
    """
    rank = {kind: index for index, kind in enumerate(RECORD_PRIORITY)}
    chosen: dict[tuple[int, int], Coding] = {}
    candidates = (
        codings.filter(status=CodingStatus.SUBMITTED, kind__in=RECORD_PRIORITY)
        .select_related("transcript", "transcript__practitioner", "scheme", "coder")
        .order_by("submitted_at", "pk")
    )
    for coding in candidates:
        key = (coding.transcript_id, coding.scheme_id)
        best = chosen.get(key)
        if best is None or rank[coding.kind] < rank[best.kind]:
            chosen[key] = coding
    return sorted(
        chosen.values(),
        key=lambda c: (c.transcript.session_date or datetime.date.min, c.transcript_id),
    )
