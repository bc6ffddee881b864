from django.conf import settings
from django.db import models
from django.db.models import F, Q

from accounts.models import Agency
from transcripts.models import Transcript, Utterance


class DimensionSpeaker(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    CLIENT = "client", "Client"
    ANY = "any", "Any speaker"


class SummaryType(models.TextChoices):
    MEAN = "mean", "Mean of globals"
    SUM = "sum", "Sum of code counts"
    RATIO = "ratio", "Ratio of code counts"


class VolleySpeaker(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    CLIENT = "client", "Client"


class CodingScheme(models.Model):
    """A coding manual as data: dimensions of codes, global scales and summary scores.

    ``agency`` is empty for the schemes that ship with the project (visible to every agency)
    and set for an agency's own custom scheme.
    """

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    version = models.CharField(max_length=20, blank=True)
    description = models.TextField(blank=True)
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="schemes"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Dimension(models.Model):
    scheme = models.ForeignKey(CodingScheme, on_delete=models.CASCADE, related_name="dimensions")
    slug = models.SlugField(max_length=64)
    name = models.CharField(max_length=120)
    speaker = models.CharField(max_length=20, choices=DimensionSpeaker.choices)
    multiple = models.BooleanField(
        default=False, help_text="One utterance may carry several codes of this dimension."
    )
    position = models.PositiveIntegerField(default=0)
    exclusive = models.JSONField(
        default=list,
        blank=True,
        help_text="Sets of code abbreviations of which one utterance carries at most one.",
    )

    class Meta:
        ordering = ["scheme", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "slug"], name="dimension_slug_unique"),
            models.CheckConstraint(
                condition=Q(speaker__in=[choice.value for choice in DimensionSpeaker]),
                name="dimension_speaker_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme.slug}/{self.slug}"

    def accepts(self, speaker_role: str) -> bool:
        return self.speaker == DimensionSpeaker.ANY or self.speaker == speaker_role

    def exclusive_sets_of(self, abbreviation: str) -> list[list[str]]:
        """The declared sets of mutually exclusive codes that ``abbreviation`` belongs to."""
        return [list(group) for group in self.exclusive or [] if abbreviation in group]


class Code(models.Model):
    """One behaviour code. ``scheme`` repeats the dimension's scheme so the database can keep
    abbreviations and keys unique across a whole scheme."""

    scheme = models.ForeignKey(CodingScheme, on_delete=models.CASCADE, related_name="codes")
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="codes")
    abbreviation = models.CharField(max_length=32)
    name = models.CharField(max_length=120)
    key = models.CharField(max_length=1, blank=True, help_text="Keyboard shortcut.")
    group = models.CharField(max_length=60, blank=True)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["dimension__position", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "abbreviation"], name="code_abbreviation_unique_in_scheme"
            ),
            models.UniqueConstraint(
                fields=["scheme", "key"],
                condition=~Q(key=""),
                name="code_key_unique_in_scheme",
            ),
        ]

    def __str__(self) -> str:
        return self.abbreviation


class GlobalScale(models.Model):
    scheme = models.ForeignKey(CodingScheme, on_delete=models.CASCADE, related_name="globals")
    slug = models.SlugField(max_length=64)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    min_value = models.SmallIntegerField(default=1)
    max_value = models.SmallIntegerField(default=5)
    anchors = models.JSONField(default=dict, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["scheme", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "slug"], name="global_slug_unique"),
            models.CheckConstraint(
                condition=Q(max_value__gt=F("min_value")), name="global_range_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SummaryScore(models.Model):
    """A derived score; ``definition`` holds ``of`` or ``numerator``/``denominator``/``percent``
    exactly as the scheme JSON gives them (see coding/scores.py)."""

    scheme = models.ForeignKey(
        CodingScheme, on_delete=models.CASCADE, related_name="summary_scores"
    )
    slug = models.SlugField(max_length=64)
    name = models.CharField(max_length=120)
    type = models.CharField(max_length=10, choices=SummaryType.choices)
    definition = models.JSONField(default=dict)
    fair = models.FloatField(null=True, blank=True)
    good = models.FloatField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["scheme", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "slug"], name="summary_slug_unique"),
            models.CheckConstraint(
                condition=Q(type__in=[choice.value for choice in SummaryType]),
                name="summary_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(fair__isnull=True) | Q(good__isnull=True) | Q(good__gte=F("fair")),
                name="summary_good_not_below_fair",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ThresholdOverride(models.Model):
    """An agency's own fair/good cut-offs for one summary score."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="thresholds")
    summary_score = models.ForeignKey(
        SummaryScore, on_delete=models.CASCADE, related_name="overrides"
    )
    fair = models.FloatField(null=True, blank=True)
    good = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "summary_score"], name="one_threshold_override_per_agency"
            ),
            models.CheckConstraint(
                condition=Q(fair__isnull=True) | Q(good__isnull=True) | Q(good__gte=F("fair")),
                name="override_good_not_below_fair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency}: {self.summary_score} fair={self.fair} good={self.good}"


class CodingKind(models.TextChoices):
    PRIMARY = "primary", "Primary"
    DOUBLE = "double", "Double (reliability)"
    CONSENSUS = "consensus", "Consensus"
    GOLD = "gold", "Gold standard"
    CALIBRATION = "calibration", "Calibration"


class CodingStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"


class CodedFrom(models.TextChoices):
    TRANSCRIPT = "transcript", "Transcript"
    AUDIO = "audio", "Recording"


# Kinds of which one coder holds at most one coding per transcript and scheme.
PERSONAL_KINDS = [CodingKind.PRIMARY, CodingKind.DOUBLE, CodingKind.GOLD]


class Coding(models.Model):
    """One coder's coding of one transcript with one scheme."""

    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="codings")
    scheme = models.ForeignKey(CodingScheme, on_delete=models.PROTECT, related_name="codings")
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="codings"
    )
    kind = models.CharField(max_length=12, choices=CodingKind.choices, default=CodingKind.PRIMARY)
    status = models.CharField(
        max_length=12, choices=CodingStatus.choices, default=CodingStatus.IN_PROGRESS
    )
    coded_from = models.CharField(
        max_length=10,
        choices=CodedFrom.choices,
        default=CodedFrom.TRANSCRIPT,
        help_text="Units: the transcript's utterances, or the coder's own volleys marked "
        "while listening to the recording.",
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["coder", "status"], name="coding_coder_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["transcript", "coder", "scheme"],
                condition=Q(kind__in=PERSONAL_KINDS),
                name="one_personal_coding_per_coder",
            ),
            models.UniqueConstraint(
                fields=["transcript", "scheme"],
                condition=Q(kind=CodingKind.CONSENSUS),
                name="one_consensus_per_transcript",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[choice.value for choice in CodingKind]),
                name="coding_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in CodingStatus]),
                name="coding_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(coded_from__in=[choice.value for choice in CodedFrom]),
                name="coding_coded_from_valid",
            ),
            models.CheckConstraint(
                condition=(Q(status=CodingStatus.SUBMITTED) & Q(submitted_at__isnull=False))
                | (Q(status=CodingStatus.IN_PROGRESS) & Q(submitted_at__isnull=True)),
                name="coding_submitted_at_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return f"Coding {self.pk}: {self.transcript} by {self.coder}"

    @property
    def is_submitted(self) -> bool:
        return self.status == CodingStatus.SUBMITTED

    @property
    def is_from_audio(self) -> bool:
        return self.coded_from == CodedFrom.AUDIO


class VolleyQuerySet(models.QuerySet):
    def in_order(self) -> "VolleyQuerySet":
        return self.order_by("start_ms")


class Volley(models.Model):
    """One speaker's turn, marked by one coder on the recording: the unit of a coding made
    from audio. It lasts until ``end_ms`` or, without one, until the next volley starts."""

    coding = models.ForeignKey(Coding, on_delete=models.CASCADE, related_name="volleys")
    start_ms = models.PositiveIntegerField()
    end_ms = models.PositiveIntegerField(null=True, blank=True)
    speaker_role = models.CharField(max_length=20, choices=VolleySpeaker.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VolleyQuerySet.as_manager()

    class Meta:
        ordering = ["coding", "start_ms"]
        constraints = [
            models.UniqueConstraint(fields=["coding", "start_ms"], name="one_volley_per_instant"),
            models.CheckConstraint(
                condition=Q(speaker_role__in=[choice.value for choice in VolleySpeaker]),
                name="volley_speaker_role_valid",
            ),
            models.CheckConstraint(
                condition=Q(end_ms__isnull=True) | Q(end_ms__gt=F("start_ms")),
                name="volley_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.speaker_role} volley at {self.start_ms} ms"


class UtteranceCode(models.Model):
    """One code on one unit in one coding: an utterance of the transcript, or (in a coding
    made from audio) one of the coding's volleys, never both.

    ``dimension`` and ``exclusive`` repeat the code's dimension and its single-code rule so
    the database itself refuses a second code in a single-code dimension.
    """

    coding = models.ForeignKey(Coding, on_delete=models.CASCADE, related_name="utterance_codes")
    utterance = models.ForeignKey(
        Utterance, null=True, blank=True, on_delete=models.CASCADE, related_name="codes"
    )
    volley = models.ForeignKey(
        Volley, null=True, blank=True, on_delete=models.CASCADE, related_name="codes"
    )
    code = models.ForeignKey(Code, on_delete=models.PROTECT, related_name="uses")
    dimension = models.ForeignKey(Dimension, on_delete=models.PROTECT, related_name="uses")
    exclusive = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["utterance__position", "code__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["coding", "utterance", "code"], name="one_code_per_utterance"
            ),
            models.UniqueConstraint(
                fields=["coding", "utterance", "dimension"],
                condition=Q(exclusive=True),
                name="one_code_per_single_code_dimension",
            ),
            models.UniqueConstraint(
                fields=["coding", "volley", "code"], name="one_code_per_volley"
            ),
            models.UniqueConstraint(
                fields=["coding", "volley", "dimension"],
                condition=Q(exclusive=True),
                name="one_volley_code_per_single_code_dimension",
            ),
            models.CheckConstraint(
                condition=Q(utterance__isnull=False, volley__isnull=True)
                | Q(utterance__isnull=True, volley__isnull=False),
                name="code_on_utterance_or_volley",
            ),
        ]

    def __str__(self) -> str:
        if self.utterance_id is None:
            return f"{self.code} on volley {self.volley_id}"
        return f"{self.code} on #{self.utterance.position}"


class UtteranceNote(models.Model):
    """A coder's note on one unit of their coding: an utterance of the transcript, or (in a
    coding made from audio) one of the coding's volleys, never both."""

    coding = models.ForeignKey(Coding, on_delete=models.CASCADE, related_name="utterance_notes")
    utterance = models.ForeignKey(
        Utterance, null=True, blank=True, on_delete=models.CASCADE, related_name="notes"
    )
    volley = models.ForeignKey(
        Volley, null=True, blank=True, on_delete=models.CASCADE, related_name="notes"
    )
    text = models.TextField()
    # A note is the coders' and supervisors' own unless its coder marks it for the
    # practitioner's feedback.
    for_feedback = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["utterance__position", "volley__start_ms"]
        constraints = [
            models.UniqueConstraint(fields=["coding", "utterance"], name="one_note_per_utterance"),
            models.UniqueConstraint(fields=["coding", "volley"], name="one_note_per_volley"),
            models.CheckConstraint(
                condition=Q(utterance__isnull=False, volley__isnull=True)
                | Q(utterance__isnull=True, volley__isnull=False),
                name="note_on_utterance_or_volley",
            ),
        ]

    def __str__(self) -> str:
        if self.utterance_id is None:
            return f"Note on volley {self.volley_id} in coding {self.coding_id}"
        return f"Note on #{self.utterance_id} in coding {self.coding_id}"


class GlobalRating(models.Model):
    """A global rating. ``scale_min``/``scale_max`` repeat the scale's range so the database
    refuses a value outside it."""

    coding = models.ForeignKey(Coding, on_delete=models.CASCADE, related_name="global_ratings")
    scale = models.ForeignKey(GlobalScale, on_delete=models.PROTECT, related_name="ratings")
    value = models.SmallIntegerField()
    scale_min = models.SmallIntegerField()
    scale_max = models.SmallIntegerField()
    note = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["scale__position"]
        constraints = [
            models.UniqueConstraint(fields=["coding", "scale"], name="one_rating_per_global"),
            models.CheckConstraint(
                condition=Q(value__gte=F("scale_min")) & Q(value__lte=F("scale_max")),
                name="global_value_in_scale_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scale.slug}={self.value}"
