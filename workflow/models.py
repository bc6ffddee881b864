import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Agency
from coding.models import Coding, CodingKind, CodingScheme, CodingStatus, GlobalScale
from transcripts.models import Transcript, Utterance


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


class AssignmentQuerySet(models.QuerySet):
    def with_status(self, status: str) -> "AssignmentQuerySet":
        if status == AssignmentStatus.ASSIGNED:
            return self.filter(coding__isnull=True)
        return self.filter(coding__status=status)

    def open(self) -> "AssignmentQuerySet":
        return self.filter(Q(coding__isnull=True) | Q(coding__status=CodingStatus.IN_PROGRESS))

    def overdue(self, today: datetime.date) -> "AssignmentQuerySet":
        return self.open().filter(due_date__lt=today)


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

    objects = AssignmentQuerySet.as_manager()

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

    @property
    def is_overdue(self) -> bool:
        return (
            self.due_date is not None
            and self.status != AssignmentStatus.SUBMITTED
            and self.due_date < timezone.localdate()
        )


class GoldStandard(models.Model):
    """A coding a supervisor marked as the gold standard; remembers its kind before."""

    coding = models.OneToOneField(Coding, on_delete=models.CASCADE, related_name="gold_standard")
    previous_kind = models.CharField(max_length=12, choices=CodingKind.choices)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    previous_kind__in=[CodingKind.PRIMARY, CodingKind.DOUBLE, CodingKind.CONSENSUS]
                ),
                name="gold_previous_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Gold: coding {self.coding_id}"


class TrainingSet(models.Model):
    """Gold-standard codings that coders calibrate against."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="training_sets")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    scheme = models.ForeignKey(CodingScheme, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "name"], name="training_set_name_unique_in_agency"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TrainingItem(models.Model):
    """One gold coding in a training set; ``transcript`` repeats the gold's transcript so the
    database keeps one gold per transcript in a set."""

    training_set = models.ForeignKey(TrainingSet, on_delete=models.CASCADE, related_name="items")
    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="+")
    gold = models.ForeignKey(Coding, on_delete=models.CASCADE, related_name="training_items")

    class Meta:
        ordering = ["transcript_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["training_set", "transcript"], name="one_gold_per_transcript_in_set"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.training_set}: {self.transcript}"


class CalibrationAttempt(models.Model):
    """One coder coding a training set once; its results are kept as they were computed."""

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="calibration_attempts"
    )
    training_set = models.ForeignKey(TrainingSet, on_delete=models.CASCADE, related_name="attempts")
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calibration_attempts"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    percent_agreement = models.FloatField(null=True, blank=True)
    mean_kappa = models.FloatField(null=True, blank=True)
    pass_mark = models.FloatField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    results = models.JSONField(default=dict, blank=True)
    retake = models.BooleanField(
        default=False,
        help_text="Taken again, with a supervisor's permission, after an earlier attempt.",
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["training_set", "coder"],
                condition=Q(finished_at__isnull=True),
                name="one_open_calibration_per_coder",
            ),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True, passed__isnull=True)
                | Q(finished_at__isnull=False, passed__isnull=False, pass_mark__isnull=False),
                name="calibration_verdict_when_finished",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.coder} · {self.training_set} · {self.started_at:%Y-%m-%d}"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None


class CalibrationRetake(models.Model):
    """A supervisor's permission for one coder to take a training set once more.

    A finished attempt shows the coder the gold standard, so the next attempt of the same set
    would test their memory of it; it waits for this permission, used by one attempt."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    training_set = models.ForeignKey(TrainingSet, on_delete=models.CASCADE, related_name="retakes")
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calibration_retakes"
    )
    allowed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    allowed_at = models.DateTimeField(auto_now_add=True)
    attempt = models.OneToOneField(
        CalibrationAttempt,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="retake_permission",
        help_text="The attempt that used this permission.",
    )

    class Meta:
        ordering = ["-allowed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["training_set", "coder"],
                condition=Q(attempt__isnull=True),
                name="one_unused_retake_per_coder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.coder} may retake {self.training_set}"


class CalibrationCoding(models.Model):
    """A calibration coding of one attempt and the gold it is held against."""

    attempt = models.ForeignKey(CalibrationAttempt, on_delete=models.CASCADE, related_name="items")
    coding = models.OneToOneField(Coding, on_delete=models.CASCADE, related_name="calibration")
    gold = models.ForeignKey(Coding, on_delete=models.RESTRICT, related_name="+")
    agreement = models.FloatField(
        null=True, blank=True, help_text="Share of utterances coded exactly as the gold."
    )

    class Meta:
        ordering = ["gold__transcript_id"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "gold"], name="one_coding_per_gold"),
        ]

    def __str__(self) -> str:
        return f"Calibration coding {self.coding_id} against {self.gold_id}"


class DecisionSource(models.TextChoices):
    AGREEMENT = "agreement", "All coders agreed"
    CODING = "coding", "Taken from a coding"
    OWN = "own", "Adjudicator's own answer"


class AdjudicationDecision(models.Model):
    """Where one item of a consensus coding came from: an utterance's codes or a global."""

    consensus = models.ForeignKey(
        Coding, on_delete=models.CASCADE, related_name="adjudication_decisions"
    )
    utterance = models.ForeignKey(
        Utterance, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    scale = models.ForeignKey(
        GlobalScale, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=12, choices=DecisionSource.choices)
    source_coding = models.ForeignKey(
        Coding, null=True, blank=True, on_delete=models.RESTRICT, related_name="+"
    )
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(utterance__isnull=False, scale__isnull=True)
                | Q(utterance__isnull=True, scale__isnull=False),
                name="decision_on_one_item",
            ),
            models.UniqueConstraint(
                fields=["consensus", "utterance"],
                condition=Q(utterance__isnull=False),
                name="one_decision_per_utterance",
            ),
            models.UniqueConstraint(
                fields=["consensus", "scale"],
                condition=Q(scale__isnull=False),
                name="one_decision_per_global",
            ),
            models.CheckConstraint(
                condition=Q(source__in=[choice.value for choice in DecisionSource]),
                name="decision_source_valid",
            ),
            models.CheckConstraint(
                condition=Q(source=DecisionSource.CODING, source_coding__isnull=False)
                | (~Q(source=DecisionSource.CODING) & Q(source_coding__isnull=True)),
                name="decision_source_coding_when_taken",
            ),
        ]

    def __str__(self) -> str:
        return f"Decision {self.pk} ({self.source})"
