"""What every dashboard reads: the filters, the schemes an agency uses and the sessions of
record with their numbers."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from accounts.models import Agency, Team, User
from coding.models import Code, Coding, CodingScheme, CodingStatus, GlobalScale
from coding.selectors import (
    RECORD_PRIORITY,
    CodingResult,
    ScoreDefinition,
    score_definitions,
    session_records,
)
from dashboards.records import record_results, score_rows
from workflow.visibility import codings_visible_to


@dataclass(frozen=True)
class Filters:
    scheme: CodingScheme
    team: Team | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    def as_details(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme.slug,
            "team": self.team.name if self.team else None,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
        }


# ---------------------------------------------------------------- schemes


def schemes_for_agency(agency: Agency) -> list[CodingScheme]:
    """Schemes the agency can use, each with ``used``: how many submitted codings (other than
    calibration) the agency has with it."""
    return list(
        CodingScheme.objects.filter(Q(agency__isnull=True) | Q(agency=agency))
        .annotate(
            used=Count(
                "codings",
                filter=Q(
                    codings__transcript__agency=agency,
                    codings__status=CodingStatus.SUBMITTED,
                    codings__kind__in=RECORD_PRIORITY,
                ),
            )
        )
        .order_by("name")
    )


def default_scheme(schemes: Sequence[CodingScheme]) -> CodingScheme | None:
    """The most used scheme; the project's default where none is used more."""
    if not schemes:
        return None
    return max(
        schemes,
        key=lambda s: (getattr(s, "used", 0), s.slug == settings.MI_DEFAULT_SCHEME, -s.pk),
    )


def scale_ranges(scheme: CodingScheme) -> dict[str, tuple[int, int]]:
    """{global slug: (min, max)} of the scheme's global scales."""
    return {
        slug: (low, high)
        for slug, low, high in GlobalScale.objects.filter(scheme=scheme).values_list(
            "slug", "min_value", "max_value"
        )
    }


# ---------------------------------------------------------------- sessions of record


def thresholds_of(definitions: Sequence[ScoreDefinition]) -> dict[str, tuple]:
    """{slug: (fair, good)}, as ``stats.summarise`` takes them."""
    return {d.slug: (d.fair, d.good) for d in definitions}


def record_candidates(user: User, agency: Agency, filters: Filters) -> QuerySet[Coding]:
    """The codings the user may see among which the score of record is chosen."""
    codings = codings_visible_to(user).filter(transcript__agency=agency, scheme=filters.scheme)
    if filters.team is not None:
        codings = codings.filter(transcript__practitioner__team=filters.team)
    if filters.date_from is not None:
        codings = codings.filter(transcript__session_date__gte=filters.date_from)
    if filters.date_to is not None:
        codings = codings.filter(transcript__session_date__lte=filters.date_to)
    return codings


def session_results(
    user: User, agency: Agency, filters: Filters
) -> tuple[list[ScoreDefinition], list[CodingResult]]:
    """Score definitions with the agency's thresholds, and the result of every session of
    record (each ``coding`` a ``SessionRecord``) in chronological order. Five queries."""
    records = session_records(record_candidates(user, agency, filters))
    definitions = score_definitions(filters.scheme, agency)
    return definitions, record_results(records, filters.scheme, definitions)


def session_scores(user: User, agency: Agency, filters: Filters) -> list[dict[str, Any]]:
    """The numbers behind every dashboard, one flat row per session of record, named as
    ``export_scores`` names its columns: for comparing with any other route to them."""
    definitions, results = session_results(user, agency, filters)
    codes = Code.objects.filter(scheme=filters.scheme).order_by("dimension__position", "position")
    return score_rows(
        results,
        filters.scheme,
        definitions,
        codes=list(codes.values_list("abbreviation", flat=True)),
        globals_=list(scale_ranges(filters.scheme)),
    )
