"""Two-factor sign-in (django-otp): an authenticator app's codes, and one-time recovery codes.

A user has at most one authenticator (a TOTP device) and, with it, one set of recovery codes
(a static device whose tokens are deleted as they are used).
"""

from __future__ import annotations

import re

from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.access import known_agency, roles_by_agency
from accounts.models import Agency, Role, User
from accounts.services import audit_record_for_account

RECOVERY_CODES = 10
AUTHENTICATOR = "Authenticator app"
RECOVERY = "Recovery codes"
ROLES_REQUIRING = frozenset({Role.ADMIN, Role.SUPERVISOR})
_TOTP = re.compile(r"^\d{6}$")


def authenticator_of(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def authenticator_pending(user: User, device_id: object) -> TOTPDevice | None:
    """The user's authenticator still waiting for its first code."""
    if not isinstance(device_id, int):
        return None
    return TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def agencies_requiring(user: User) -> list[Agency]:
    """Agencies that require two-factor sign-in of this user's role there."""
    ids = [
        agency_id for agency_id, role in roles_by_agency(user).items() if role in ROLES_REQUIRING
    ]
    known = [known_agency(user, agency_id) for agency_id in ids]
    if None in known:
        return list(Agency.objects.filter(pk__in=ids, require_two_factor=True))
    return [agency for agency in known if agency.require_two_factor]


def authenticator_start(*, user: User) -> TOTPDevice:
    """A new authenticator awaiting its first code; any earlier unconfirmed one is dropped."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def two_factor_enable(*, user: User, device_id: int, code: str) -> list[str] | None:
    """Confirm the pending authenticator with a code it shows; the recovery codes to show
    once, or None when the code is wrong."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(pk=device_id, user=user, confirmed=False)
            .first()
        )
        if device is None or not device.verify_token(_digits(code)):
            return None
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
        audit_record_for_account(actor=user, action="two_factor.enable", account=user)
    return codes


def two_factor_disable(*, user: User) -> None:
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_record_for_account(actor=user, action="two_factor.disable", account=user)


def recovery_codes_renew(*, user: User) -> list[str]:
    """A fresh set of recovery codes; the old ones stop working."""
    with transaction.atomic():
        if authenticator_of(user) is None:
            raise ValueError("recovery codes come with an authenticator")
        codes = _new_recovery_codes(user)
        audit_record_for_account(actor=user, action="two_factor.recovery_codes", account=user)
    return codes


def _digits(code: str) -> str:
    return re.sub(r"[\s-]", "", code)


def two_factor_verify(*, user: User, code: str) -> Device | None:
    """The device that accepts ``code``: six digits from the authenticator, or else one of
    the recovery codes (spent by its use, and audited); None when neither does."""
    cleaned = _digits(code)
    with transaction.atomic():
        if _TOTP.match(cleaned):
            device = (
                TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            )
            if device is not None and device.verify_token(cleaned):
                return device
            return None
        device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None or not device.verify_token(code.strip().lower()):
            return None
        audit_record_for_account(
            actor=user,
            action="two_factor.recovery_code_used",
            account=user,
            details={"left": device.token_set.count()},
        )
        return device
