"""Reads for the coder's queue and the supervisor's overview, each in a fixed number of
queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet

from accounts.models import Agency, User
from coding.models import CodingStatus
from transcripts.models import Transcript
from workflow.models import Assignment, AssignmentStatus
from workflow.people import coders_of

OPEN = Q(coding__isnull=True) | Q(coding__status=CodingStatus.IN_PROGRESS)


def _status_counts(today: datetime.date) -> dict[str, Count]:
    return {
        "assigned": Count("pk", filter=Q(coding__isnull=True)),
        "in_progress": Count("pk", filter=Q(coding__status=CodingStatus.IN_PROGRESS)),
        "submitted": Count("pk", filter=Q(coding__status=CodingStatus.SUBMITTED)),
        "overdue": Count("pk", filter=OPEN & Q(due_date__lt=today)),
    }


def queue_counts(agency: Agency, coder: User, today: datetime.date) -> dict[str, int]:
    return Assignment.objects.filter(agency=agency, coder=coder).aggregate(**_status_counts(today))


def queue_items(agency: Agency, coder: User, status: str) -> QuerySet[Assignment]:
    """A coder's assignments: open ones by due date (undated last), submitted newest first."""
    assignments = Assignment.objects.filter(agency=agency, coder=coder).select_related(
        "transcript", "transcript__practitioner", "scheme", "coding"
    )
    if status == AssignmentStatus.SUBMITTED:
        return assignments.with_status(status).order_by("-coding__submitted_at", "-pk")
    return assignments.open().order_by(F("due_date").asc(nulls_last=True), "created_at", "pk")


@dataclass(frozen=True)
class CoderProgress:
    coder: User
    assigned: int
    in_progress: int
    submitted: int
    overdue: int

    @property
    def total(self) -> int:
        return self.assigned + self.in_progress + self.submitted


def progress_by_coder(agency: Agency, today: datetime.date) -> list[CoderProgress]:
    """Every member who may code, with their assignments by status. Two queries."""
    rows = {
        row["coder_id"]: row
        for row in Assignment.objects.filter(agency=agency)
        .values("coder_id")
        .annotate(**_status_counts(today))
        .order_by()
    }
    zero = {"assigned": 0, "in_progress": 0, "submitted": 0, "overdue": 0}
    progress = []
    for coder in coders_of(agency).distinct():
        counts = rows.get(coder.pk, zero)
        progress.append(CoderProgress(coder=coder, **{k: counts[k] for k in zero}))
    return progress


TRANSCRIPT_FILTERS = {
    "open": "Not yet submitted",
    "overdue": "Overdue",
    "submitted": "All submitted",
    "unassigned": "Not assigned",
    "all": "All",
}


def transcripts_by_progress(
    agency: Agency, today: datetime.date, *, show: str = "open", coder: User | None = None
) -> QuerySet[Transcript]:
    """The agency's transcripts with their assignments (prefetched), filtered by progress."""
    assignments = Assignment.objects.filter(transcript=OuterRef("pk"))
    if coder is not None:
        assignments = assignments.filter(coder=coder)
    transcripts = Transcript.objects.filter(agency=agency).for_list()
    if show == "unassigned":
        transcripts = transcripts.filter(
            ~Exists(Assignment.objects.filter(transcript=OuterRef("pk")))
        )
    elif show == "open":
        transcripts = transcripts.filter(Exists(assignments.filter(OPEN)))
    elif show == "overdue":
        transcripts = transcripts.filter(Exists(assignments.filter(OPEN, due_date__lt=today)))
    elif show == "submitted":
        transcripts = transcripts.filter(Exists(assignments)).exclude(
            Exists(assignments.filter(OPEN))
        )
    else:
        transcripts = transcripts.filter(Exists(assignments))
    return transcripts.prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related("coder", "coding", "scheme").order_by(
                "created_at", "pk"
            ),
        )
    ).order_by("-pk")
