from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Agency


class Scope(models.TextChoices):
    READ = "read", "Read"
    WRITE = "write", "Read and write"


class AccessToken(models.Model):
    """A personal access token: its owner acts through it, in one agency, with at most the
    owner's current role there. Only a SHA-256 digest of the secret is kept; ``prefix`` is the
    start of the token, shown so the owner can tell tokens apart."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens"
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope__in=[choice.value for choice in Scope]),
                name="access_token_scope_valid",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="access_token_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def can_write(self) -> bool:
        return self.scope == Scope.WRITE
