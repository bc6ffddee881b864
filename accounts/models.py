from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class User(AbstractUser):
    """A person who signs in. Roles come from memberships, one per agency."""

    default_agency = models.ForeignKey(
        "accounts.Agency",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Where a sign-in starts: set at the first membership, changed only by the "
        "user, so that joining another agency never moves them.",
    )

    class Meta:
        ordering = ["username"]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    ADMIN = "admin", "Agency admin"
    SUPERVISOR = "supervisor", "Supervisor"
    CODER = "coder", "Coder"
    RESEARCHER = "researcher", "Researcher"
    PRACTITIONER = "practitioner", "Practitioner"


class Agency(models.Model):
    """A tenant: everything clinical belongs to exactly one agency."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    coders_see_others_after_submission = models.BooleanField(
        default=False,
        help_text="Once every coding of a transcript is submitted, coders may see the others.",
    )
    calibration_pass_kappa = models.FloatField(
        default=0.6,
        help_text="Minimum mean kappa against the gold standard to pass a calibration.",
    )
    require_two_factor = models.BooleanField(
        default=False,
        help_text="Admins and supervisors must sign in with a second factor.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.CheckConstraint(
                condition=Q(calibration_pass_kappa__gte=-1) & Q(calibration_pass_kappa__lte=1),
                name="agency_pass_kappa_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agency__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "agency"], name="one_membership_per_agency"),
            models.CheckConstraint(
                condition=Q(role__in=[choice.value for choice in Role]),
                name="membership_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.agency}"


class Team(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="team_name_unique_in_agency"),
        ]

    def __str__(self) -> str:
        return self.name


class Practitioner(models.Model):
    """The person whose sessions are coded; may or may not have a user account."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="practitioners")
    display_name = models.CharField(max_length=200)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="practitioners"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="practitioner_profiles",
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "display_name"], name="practitioner_name_unique_in_agency"
            ),
            models.UniqueConstraint(
                fields=["agency", "user"],
                condition=Q(user__isnull=False),
                name="one_practitioner_per_user_in_agency",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name


class AuditEvent(models.Model):
    """An append-only record of who did what to which object, and when."""

    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="audit_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=255, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "-created_at"], name="audit_agency_recent"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_repr}"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    REVOKED = "revoked", "Revoked"


class Invitation(models.Model):
    """An offer of a role in an agency, made by a one-time link that its holder accepts.

    Only a hash of the link's token is stored: the database alone cannot be used to join.
    """

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    note = models.CharField(
        max_length=200, blank=True, help_text="For the admins: whom the invitation is for."
    )
    email = models.EmailField(blank=True, help_text="Where the link was sent, if anywhere.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who accepted it.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=[choice.value for choice in Role]),
                name="invitation_role_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in InvitationStatus]),
                name="invitation_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["agency", "status"], name="invitation_agency_status")]

    def __str__(self) -> str:
        return f"invitation to {self.agency} as {self.get_role_display()}"
