"""Every write of the API app: personal access tokens, and the record of their use."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.access import role_in
from accounts.models import Agency, User
from accounts.services import audit_record
from api.models import AccessToken, Scope
from api.tokens import token_digest, token_generate, token_prefix

# Touching last_used_at on every request would write on every read; once a minute says enough.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


def token_create(
    *, user: User, agency: Agency, name: str, scope: str, days: int
) -> tuple[AccessToken, str]:
    """A new token for ``user`` in ``agency``, and its secret, which is never stored and cannot
    be shown again."""
    name = name.strip()
    if not name:
        raise ValidationError("give the token a name that says what it is for")
    if len(name) > AccessToken._meta.get_field("name").max_length:
        raise ValidationError("the name is longer than 100 characters")
    if scope not in Scope.values:
        raise ValidationError(f"unknown scope {scope!r}; choose read or write")
    maximum = settings.MI_API_TOKEN_MAX_DAYS
    if not 1 <= days <= maximum:
        raise ValidationError(f"a token lasts from 1 to {maximum} days, not {days}")
    if role_in(user, agency.pk) is None:
        raise ValidationError(f"you are not a member of {agency.name}")
    secret = token_generate()
    with transaction.atomic():
        token = AccessToken.objects.create(
            user=user,
            agency=agency,
            name=name,
            prefix=token_prefix(secret),
            digest=token_digest(secret),
            scope=scope,
            expires_at=timezone.now() + datetime.timedelta(days=days),
        )
        audit_record(
            actor=user,
            action="api.token_create",
            agency=agency,
            target=token,
            details={"scope": scope, "expires_at": token.expires_at.isoformat()},
        )
    return token, secret


def token_revoke(*, token: AccessToken, actor: User) -> AccessToken:
    """Revoke at once; revoking a revoked token changes nothing."""
    with transaction.atomic():
        locked = AccessToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            return locked
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="api.token_revoke",
            agency=locked.agency,
            target=locked,
            details={"scope": locked.scope},
        )
    return locked


def token_touch(*, token: AccessToken, now: datetime.datetime) -> None:
    """Note that the token was used, at most once a minute."""
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return
    AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


def token_write_record(*, token: AccessToken, method: str, path: str, status: int) -> None:
    """Every write request made with a token goes to the agency's audit log, refused or not."""
    audit_record(
        actor=token.user,
        action="api.write",
        agency=token.agency,
        target=token,
        details={"method": method, "path": path[:200], "status": status},
    )
