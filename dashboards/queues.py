"""What waits for whom: the reads behind the home page, each a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts.access import practitioners_visible_to
from accounts.models import Agency, Practitioner, User
from coding import scores
from coding.models import Coding, CodingKind, CodingScheme, CodingStatus
from coding.selectors import (
    CodingResult,
    ScoreDefinition,
    SessionRecord,
    coding_results,
    codings_of_record,
    score_definitions,
    session_records,
)
from dashboards.records import record_results
from workflow.models import Assignment
from workflow.selectors.adjudication import adjudication_url
from workflow.visibility import codings_visible_to, transcripts_visible_to

RECENT_DAYS = 14
LIST_LIMIT = 10
# The scores a supervisor watches first; any thresholded score where a scheme has neither.
WATCHED_SCORES = ("relational", "technical")


@dataclass
class QueueItem:
    """An assignment not yet submitted, or a coding the coder started on their own."""

    transcript_label: str
    practitioner: str
    scheme: str
    kind: str
    due_date: datetime.date | None
    coding: Coding | None
    transcript_id: int

    @property
    def overdue(self) -> bool:
        return self.due_date is not None and self.due_date < timezone.localdate()

    @property
    def url(self) -> str:
        """Where to go on with it: a consensus is built on its adjudication page."""
        if self.coding is None:
            return reverse("transcripts:detail", args=[self.transcript_id])
        if self.coding.kind == CodingKind.CONSENSUS:
            return adjudication_url(self.coding)
        return reverse("coding:workspace", args=[self.coding.pk])


def coder_queue(user: User, agency: Agency) -> list[QueueItem]:
    """The user's assignments in the agency not yet submitted, due first, then the codings
    in progress that no assignment covers. Two queries."""
    assignments = (
        Assignment.objects.filter(coder=user, agency=agency)
        .filter(Q(coding__isnull=True) | ~Q(coding__status=CodingStatus.SUBMITTED))
        .select_related("transcript", "transcript__practitioner", "scheme", "coding")
        .order_by("due_date", "created_at", "pk")
    )
    items = [
        QueueItem(
            transcript_label=a.transcript.label,
            practitioner=a.transcript.practitioner.display_name,
            scheme=a.scheme.name,
            kind=a.get_kind_display(),
            due_date=a.due_date,
            coding=a.coding,
            transcript_id=a.transcript_id,
        )
        for a in assignments
    ]
    items.sort(key=lambda item: (item.due_date is None, item.due_date or datetime.date.max))
    loose = (
        Coding.objects.filter(
            coder=user, transcript__agency=agency, status=CodingStatus.IN_PROGRESS
        )
        .exclude(Exists(Assignment.objects.filter(coding=OuterRef("pk"))))
        .select_related("transcript", "transcript__practitioner", "scheme")
        .order_by("-updated_at")
    )
    items += [
        QueueItem(
            transcript_label=c.transcript.label,
            practitioner=c.transcript.practitioner.display_name,
            scheme=c.scheme.name,
            kind=c.get_kind_display(),
            due_date=None,
            coding=c,
            transcript_id=c.transcript_id,
        )
        for c in loose
    ]
    return items


def recent_submissions(user: User, agency: Agency) -> list[Coding]:
    """Codings submitted in the last fortnight, newest first, for a supervisor to review."""
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    return list(
        codings_visible_to(user)
        .filter(transcript__agency=agency, status=CodingStatus.SUBMITTED, submitted_at__gte=since)
        .exclude(kind=CodingKind.CALIBRATION)
        .select_related("transcript", "transcript__practitioner", "scheme", "coder")
        .order_by("-submitted_at", "-pk")[: LIST_LIMIT + 1]
    )


def unassigned_transcript_count(user: User, agency: Agency) -> int:
    """Sessions nobody is assigned to code and nobody has coded."""
    return (
        transcripts_visible_to(user)
        .filter(agency=agency)
        .exclude(Exists(Assignment.objects.filter(transcript=OuterRef("pk"))))
        .exclude(
            Exists(
                Coding.objects.filter(transcript=OuterRef("pk")).exclude(
                    kind=CodingKind.CALIBRATION
                )
            )
        )
        .count()
    )


@dataclass
class Concern:
    """A practitioner whose latest session is below fair on a watched score."""

    practitioner: Practitioner
    result: CodingResult
    below: list[tuple[ScoreDefinition, float]]


def watched(definitions: list[ScoreDefinition]) -> list[ScoreDefinition]:
    named = [d for d in definitions if d.slug in WATCHED_SCORES]
    return named or [d for d in definitions if d.fair is not None]


def practitioners_below_fair(
    user: User, agency: Agency, scheme: CodingScheme
) -> tuple[list[ScoreDefinition], list[Concern]]:
    """The scores watched, and the active practitioners whose latest session of record with
    ``scheme`` is below fair on any of them, by name. Six queries."""
    latest: dict[int, SessionRecord] = {}
    records = session_records(
        codings_visible_to(user).filter(transcript__agency=agency, scheme=scheme)
    )
    for record in records:  # chronological, so the last one seen is the latest
        latest[record.practitioner_id] = record
    definitions = score_definitions(scheme, agency)
    watch = watched(definitions)
    flagged = {}
    for result in record_results(list(latest.values()), scheme, definitions):
        below = [
            (d, result.scores[d.slug])
            for d in watch
            if d.band(result.scores.get(d.slug)) == scores.BELOW_FAIR
        ]
        if below:
            flagged[result.coding.practitioner_id] = (result, below)
    practitioners = practitioners_visible_to(user).filter(pk__in=list(flagged), active=True)
    concerns = [
        Concern(practitioner=p, result=flagged[p.pk][0], below=flagged[p.pk][1])
        for p in practitioners
    ]
    return watch, sorted(concerns, key=lambda c: c.practitioner.display_name.casefold())


@dataclass
class OwnFeedback:
    practitioner: Practitioner
    result: CodingResult | None
    definitions: list[ScoreDefinition]


def own_feedback(user: User, agency: Agency) -> OwnFeedback | None:
    """The user's own practitioner profile in the agency and their latest coded session."""
    practitioner = practitioners_visible_to(user).filter(agency=agency, user=user).first()
    if practitioner is None:
        return None
    records = codings_of_record(
        codings_visible_to(user).filter(
            transcript__agency=agency, transcript__practitioner=practitioner
        )
    )
    if not records:
        return OwnFeedback(practitioner=practitioner, result=None, definitions=[])
    latest = records[-1]
    definitions = score_definitions(latest.scheme, agency)
    (result,) = coding_results([latest], {latest.scheme_id: definitions})
    return OwnFeedback(practitioner=practitioner, result=result, definitions=definitions)


def research_counts(user: User, agency: Agency) -> dict[str, int]:
    """Submitted codings and double-coded sessions the user can open."""
    submitted = codings_visible_to(user).filter(
        transcript__agency=agency, status=CodingStatus.SUBMITTED
    )
    double = (
        submitted.filter(kind__in=[CodingKind.PRIMARY, CodingKind.DOUBLE])
        .values("transcript_id", "scheme_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
    )
    return {
        "submitted": submitted.exclude(kind=CodingKind.CALIBRATION).count(),
        "double_coded": double.count(),
    }
