"""Reads of transcripts: the filtered list with each one's coding status, speakers, times."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    TextChoices,
    Value,
    When,
)

from accounts.access import codings_visible_to, transcripts_visible_to
from accounts.models import Practitioner, Team, User
from coding.models import Coding, CodingStatus
from transcripts.models import Transcript, Utterance


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


def coding_has_begun(transcript: Transcript) -> bool:
    """Whether any coding of the transcript exists: from then on its parse is frozen."""
    return Coding.objects.filter(transcript=transcript).exists()


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


def practitioners_in(transcripts: QuerySet[Transcript]) -> QuerySet[Practitioner]:
    """The practitioners of these transcripts, for a filter that names no one else."""
    return Practitioner.objects.filter(
        pk__in=transcripts.order_by().values("practitioner_id")
    ).order_by("display_name")


def teams_in(transcripts: QuerySet[Transcript]) -> QuerySet[Team]:
    return Team.objects.filter(
        pk__in=transcripts.order_by().values("practitioner__team_id")
    ).order_by("name")


@dataclass(frozen=True)
class SpeakerSummary:
    label: str
    role: str
    utterances: int


def speakers_of(transcript: Transcript) -> list[SpeakerSummary]:
    """Each speaker label with its role and number of utterances, in order of first turn."""
    rows = (
        Utterance.objects.filter(transcript=transcript)
        .values("speaker_label", "speaker_role")
        .annotate(utterances=Count("id"), first=Min("position"))
        .order_by("first")
    )
    return [
        SpeakerSummary(
            label=row["speaker_label"], role=row["speaker_role"], utterances=row["utterances"]
        )
        for row in rows
    ]


@dataclass(frozen=True)
class Timeline:
    """What is known of the session's times: utterance starts and the last time mentioned."""

    starts: list[float]
    last: float | None

    @property
    def has_times(self) -> bool:
        return self.last is not None


def timeline_of(transcript: Transcript) -> Timeline:
    starts = list(
        Utterance.objects.filter(transcript=transcript, start_seconds__isnull=False)
        .order_by("position")
        .values_list("start_seconds", flat=True)
    )
    ends = Utterance.objects.filter(transcript=transcript).aggregate(
        last_end=Max("end_seconds"), last_start=Max("start_seconds")
    )
    known = [value for value in ends.values() if value is not None]
    return Timeline(starts=starts, last=max(known) if known else None)
