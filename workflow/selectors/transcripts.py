"""The transcripts list: what a user may see, filtered, with how far its coding has come."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    TextChoices,
    Value,
    When,
)

from accounts.models import Practitioner, Team, User
from coding.models import CodingStatus
from transcripts.models import Transcript, Utterance
from workflow.visibility import codings_visible_to, transcripts_visible_to


class CodingProgress(TextChoices):
    NOT_CODED = "not_coded", "Not coded"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"


@dataclass(frozen=True)
class TranscriptFilters:
    query: str = ""
    practitioner: Practitioner | None = None
    team: Team | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    status: str = ""


def transcripts_for_list(user: User, filters: TranscriptFilters) -> QuerySet[Transcript]:
    """The user's transcripts, filtered, each annotated with ``utterance_count`` and
    ``coding_status`` (a CodingProgress value), derived from the codings the user may see."""
    visible_codings = codings_visible_to(user).filter(transcript=OuterRef("pk"))
    transcripts = (
        transcripts_visible_to(user)
        .for_list()
        .annotate(
            coding_status=Case(
                When(
                    Exists(visible_codings.filter(status=CodingStatus.IN_PROGRESS)),
                    then=Value(CodingProgress.IN_PROGRESS),
                ),
                When(Exists(visible_codings), then=Value(CodingProgress.SUBMITTED)),
                default=Value(CodingProgress.NOT_CODED),
                output_field=CharField(),
            ),
            utterance_count=Count("utterances"),
        )
        .order_by("-session_date", "-id")
    )
    if filters.practitioner is not None:
        transcripts = transcripts.filter(practitioner=filters.practitioner)
    if filters.team is not None:
        transcripts = transcripts.filter(practitioner__team=filters.team)
    if filters.date_from is not None:
        transcripts = transcripts.filter(session_date__gte=filters.date_from)
    if filters.date_to is not None:
        transcripts = transcripts.filter(session_date__lte=filters.date_to)
    if filters.status:
        transcripts = transcripts.filter(coding_status=filters.status)
    if filters.query:
        said = Utterance.objects.filter(transcript=OuterRef("pk"), text__icontains=filters.query)
        transcripts = transcripts.filter(
            Q(title__icontains=filters.query)
            | Q(client_pseudonym__icontains=filters.query)
            | Q(target_change__icontains=filters.query)
            | Q(source_filename__icontains=filters.query)
            | Q(practitioner__display_name__icontains=filters.query)
            | Exists(said)
        )
    return transcripts
