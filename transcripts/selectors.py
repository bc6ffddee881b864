"""Reads of transcripts: their practitioners and teams, speakers, times."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Count,
    Max,
    Min,
    Q,
    QuerySet,
)

from accounts.models import Practitioner, Team
from transcripts.models import SourceFormat, SpeakerRole, Transcript, Utterance


def coding_has_begun(transcript: Transcript) -> bool:
    """Whether any coding of the session exists: from then on its coded segment is fixed.

    Codings point at their transcript (coding/models.py); this asks only whether any does."""
    return transcript.codings.exists()


def with_speaker_counts(transcripts: QuerySet[Transcript]) -> QuerySet[Transcript]:
    """``transcripts`` annotated with ``total`` (utterances), ``practitioner_turns`` and
    ``client_turns``: what the import commands print and the API answers of each."""
    return transcripts.annotate(
        total=Count("utterances"),
        practitioner_turns=Count(
            "utterances", filter=Q(utterances__speaker_role=SpeakerRole.PRACTITIONER)
        ),
        client_turns=Count("utterances", filter=Q(utterances__speaker_role=SpeakerRole.CLIENT)),
    )


def utterances_in_use(transcript: Transcript) -> bool:
    """Whether a coding of the transcript's utterances exists: from then on its parse is
    frozen. Codings made from the recording (``coded_from`` audio) mark volleys of their own,
    so a transcript attached to their session later stays open to edits until someone codes
    its utterances."""
    return transcript.codings.exclude(coded_from=SourceFormat.AUDIO).exists()


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
