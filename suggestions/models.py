from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Agency
from coding.models import Code, Coding, CodingScheme
from transcripts.models import Utterance


class SuggestionSettings(models.Model):
    """An agency's choice to show suggested codes while coding, and from what probability
    the accept-all key takes a suggestion."""

    agency = models.OneToOneField(
        Agency, on_delete=models.CASCADE, related_name="suggestion_settings"
    )
    enabled = models.BooleanField(default=False)
    threshold = models.FloatField(
        default=0.5,
        help_text="The accept-all key accepts every suggestion at or above this probability.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "suggestion settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold__gt=0) & Q(threshold__lte=1),
                name="suggestion_threshold_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency}: suggestions {'on' if self.enabled else 'off'}"


class SuggesterStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Training"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class Suggester(models.Model):
    """One model trained on an agency's codings of record with one scheme.

    ``model`` holds the fitted estimators as serialized by our own training (joblib) and is
    only ever read back from this column: no upload or archive can fill it.
    """

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="suggesters")
    scheme = models.ForeignKey(CodingScheme, on_delete=models.CASCADE, related_name="+")
    version = models.CharField(max_length=20)
    status = models.CharField(
        max_length=10, choices=SuggesterStatus.choices, default=SuggesterStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    codings = models.PositiveIntegerField(default=0)
    utterances = models.PositiveIntegerField(default=0)
    first_session = models.DateField(null=True, blank=True)
    last_session = models.DateField(null=True, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    model = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "scheme", "status"], name="suggester_lookup"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in SuggesterStatus]),
                name="suggester_status_valid",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="suggester_progress_max"),
            models.CheckConstraint(
                condition=~Q(status=SuggesterStatus.DONE) | Q(model__isnull=False),
                name="suggester_done_has_model",
            ),
        ]

    def __str__(self) -> str:
        return f"Suggester {self.pk} ({self.scheme.slug}, {self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (SuggesterStatus.DONE, SuggesterStatus.FAILED)


class AcceptedSuggestion(models.Model):
    """A code a coder put on an utterance by accepting a suggestion."""

    coding = models.ForeignKey(
        Coding, on_delete=models.CASCADE, related_name="accepted_suggestions"
    )
    utterance = models.ForeignKey(Utterance, on_delete=models.CASCADE, related_name="+")
    code = models.ForeignKey(Code, on_delete=models.CASCADE, related_name="+")
    suggester = models.ForeignKey(
        Suggester, null=True, on_delete=models.SET_NULL, related_name="acceptances"
    )
    probability = models.FloatField()
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["accepted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["coding", "utterance", "code"], name="one_acceptance_per_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} accepted on #{self.utterance_id} in coding {self.coding_id}"
