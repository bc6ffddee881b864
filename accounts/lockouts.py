"""Sign-in throttling (django-axes): who is locked out, recording lockouts, and unlocking.

Axes counts failed sign-ins per user name *and* network address, so a stranger guessing a
password locks only their own attempts, never the owner at their desk.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.access import Cap, can
from accounts.models import Agency, Membership, User
from accounts.services import audit_record_for_account

logger = logging.getLogger(__name__)


def locked_usernames(usernames: Iterable[str]) -> set[str]:
    """Which of ``usernames`` are locked out now, from at least one address."""
    attempts = AccessAttempt.objects.filter(
        username__in=list(usernames), failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    )
    if settings.AXES_COOLOFF_TIME:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)
    return set(attempts.values_list("username", flat=True))


def login_lockout_record(*, username: str, ip_address: str) -> None:
    """A lockout goes to the audit log of every agency of the account; a user name that
    names no account is only logged."""
    account = User.objects.filter(username=username).first()
    written = 0
    if account is not None:
        written = audit_record_for_account(
            actor=None,
            action="login.lockout",
            account=account,
            details={"ip_address": ip_address},
        )
    if not written:
        logger.warning("sign-in locked out for user name %r from %s", username, ip_address)


def login_lockout_clear(*, username: str, actor: User, agency: Agency | None) -> int:
    """Let ``username`` sign in again from every address. An agency admin unlocks members of
    ``agency``; with no agency, only a superuser (the Django admin) does. Recorded in the
    audit log of every agency of the account. Returns how many attempt records were cleared."""
    account = User.objects.filter(username=username).first()
    if agency is not None:
        member = (
            account is not None and Membership.objects.filter(user=account, agency=agency).exists()
        )
        if not (member and can(actor, agency.pk, Cap.MANAGE_AGENCY)):
            raise PermissionDenied
    elif not actor.is_superuser:
        raise PermissionDenied
    with transaction.atomic():
        cleared = axes_reset(username=username)
        if account is not None:
            audit_record_for_account(
                actor=actor, action="login.unlock", account=account, details={"cleared": cleared}
            )
        else:
            logger.warning("sign-in unlocked for unknown user name %r by %s", username, actor)
    return cleared


def on_user_locked_out(
    sender: object, request: object = None, username: str = "", ip_address: str = "", **kwargs
) -> None:
    """Axes signals a lockout on every refused attempt; only the failure that reached the
    limit (the one axes counted) is recorded."""
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    login_lockout_record(username=username or "", ip_address=ip_address or "")
