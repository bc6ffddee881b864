from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Agency
from coding.models import Coding, CodingKind, CodingScheme
from transcripts.models import Transcript


class ReliabilitySet(models.Model):
    """A named set of transcripts for reliability, e.g. a random double-coded sample.

    A sample drawn at random keeps its seed and share so it can be drawn again identically.
    """

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="reliability_sets")
    name = models.CharField(max_length=120)
    scheme = models.ForeignKey(CodingScheme, on_delete=models.PROTECT, related_name="+")
    transcripts = models.ManyToManyField(Transcript, related_name="reliability_sets", blank=True)
    seed = models.BigIntegerField(null=True, blank=True)
    percent = models.FloatField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "name"], name="reliability_set_name_unique_in_agency"
            ),
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | (Q(percent__gt=0) & Q(percent__lte=100)),
                name="reliability_set_percent_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", "Assigned"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"


class Assignment(models.Model):
    """A supervisor's request that a coder code a transcript with a scheme."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="assignments")
    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="assignments")
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    scheme = models.ForeignKey(CodingScheme, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=CodingKind.choices, default=CodingKind.PRIMARY)
    due_date = models.DateField(null=True, blank=True)
    coding = models.OneToOneField(
        Coding, null=True, blank=True, on_delete=models.SET_NULL, related_name="assignment"
    )
    reliability_set = models.ForeignKey(
        ReliabilitySet,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["transcript", "coder", "scheme"], name="one_assignment_per_coder"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[CodingKind.PRIMARY, CodingKind.DOUBLE, CodingKind.GOLD]),
                name="assignment_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.transcript} → {self.coder}"

    @property
    def status(self) -> str:
        if self.coding is None:
            return AssignmentStatus.ASSIGNED
        if self.coding.is_submitted:
            return AssignmentStatus.SUBMITTED
        return AssignmentStatus.IN_PROGRESS
