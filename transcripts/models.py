from django.conf import settings
from django.db import models
from django.db.models import F, Q

from accounts.models import Agency, Practitioner


class SpeakerRole(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    CLIENT = "client", "Client"
    OTHER = "other", "Other"


class SourceFormat(models.TextChoices):
    TEXT = "txt", "Plain text"
    CSV = "csv", "CSV"
    TSV = "tsv", "TSV"
    DOCX = "docx", "Word"
    VTT = "vtt", "WebVTT"
    SRT = "srt", "SRT"
    JSON = "json", "JSON"
    CODED_IMPORT = "coded", "Imported coded data"
    MANUAL = "manual", "Entered by hand"
    AUDIO = "audio", "Recording only"


class TranscriptQuerySet(models.QuerySet):
    def for_list(self) -> "TranscriptQuerySet":
        return self.select_related("practitioner", "practitioner__team", "agency")


def audio_upload_to(instance: "Transcript", filename: str) -> str:
    return f"audio/{instance.agency_id}/{filename}"


class Transcript(models.Model):
    """One recorded counselling session, parsed into utterances."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="transcripts")
    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, related_name="transcripts"
    )
    title = models.CharField(max_length=200, blank=True)
    session_date = models.DateField(null=True, blank=True)
    target_change = models.CharField(max_length=200, blank=True)
    client_pseudonym = models.CharField(max_length=100, blank=True)
    audio = models.FileField(upload_to=audio_upload_to, blank=True)
    audio_seconds = models.FloatField(
        null=True, blank=True, help_text="The recording's duration, read from the file."
    )
    segment_start = models.FloatField(
        null=True, blank=True, help_text="Start of the coded segment, in seconds."
    )
    segment_end = models.FloatField(
        null=True, blank=True, help_text="End of the coded segment, in seconds."
    )
    source_filename = models.CharField(max_length=255, blank=True)
    source_format = models.CharField(
        max_length=10, choices=SourceFormat.choices, default=SourceFormat.MANUAL
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transcripts_created",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TranscriptQuerySet.as_manager()

    class Meta:
        ordering = ["-session_date", "-id"]
        indexes = [
            models.Index(fields=["agency", "-session_date"], name="transcript_agency_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(segment_start__isnull=True) | Q(segment_start__gte=0),
                name="transcript_segment_start_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(segment_start__isnull=True)
                | Q(segment_end__isnull=True)
                | Q(segment_end__gt=F("segment_start")),
                name="transcript_segment_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(source_format__in=[choice.value for choice in SourceFormat]),
                name="transcript_source_format_valid",
            ),
            models.CheckConstraint(
                condition=Q(audio_seconds__isnull=True) | Q(audio_seconds__gt=0),
                name="transcript_audio_seconds_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_audio_only(self) -> bool:
        """A session coded from its recording: no transcript was typed or imported."""
        return self.source_format == SourceFormat.AUDIO

    @property
    def label(self) -> str:
        if self.title:
            return self.title
        date = self.session_date.isoformat() if self.session_date else "undated"
        return f"Session {self.pk} ({date})"


class UtteranceQuerySet(models.QuerySet):
    def in_order(self) -> "UtteranceQuerySet":
        return self.order_by("position")


class Utterance(models.Model):
    """One unit of coding: a speaker's volley, as the approved parse defines it."""

    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="utterances")
    position = models.PositiveIntegerField()
    speaker_label = models.CharField(max_length=100)
    speaker_role = models.CharField(max_length=20, choices=SpeakerRole.choices)
    text = models.TextField()
    start_seconds = models.FloatField(null=True, blank=True)
    end_seconds = models.FloatField(null=True, blank=True)
    source_ref = models.CharField(
        max_length=64, blank=True, help_text="The utterance's identifier in the imported file."
    )

    objects = UtteranceQuerySet.as_manager()

    class Meta:
        ordering = ["transcript", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["transcript", "position"], name="utterance_position_unique_in_transcript"
            ),
            models.CheckConstraint(
                condition=Q(speaker_role__in=[choice.value for choice in SpeakerRole]),
                name="utterance_speaker_role_valid",
            ),
            models.CheckConstraint(
                condition=Q(start_seconds__isnull=True) | Q(start_seconds__gte=0),
                name="utterance_start_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(start_seconds__isnull=True)
                | Q(end_seconds__isnull=True)
                | Q(end_seconds__gte=F("start_seconds")),
                name="utterance_end_not_before_start",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.position} {self.speaker_label}: {self.text[:40]}"
