"""Joining an agency by invitation: an admin makes a one-time link, its holder accepts.

An admin never names an account. They choose a role and get a link; whoever opens it signs in
with their own account (or creates one) and accepts or declines. So nothing about other
accounts, not even whether a user name exists, reaches the admin, and nobody is made a member
of an agency without saying yes.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Agency, Invitation, InvitationStatus, Membership, Role, User
from accounts.services import (
    _length_checked,
    _password_check,
    _username_check,
    audit_record,
    membership_set,
)

# Long enough that guessing one is hopeless; short enough to paste into a message.
_TOKEN_BYTES = 32
_TOKEN_MAX_CHARS = 100
NOT_VALID = (
    "This invitation link is not valid: it may have been used, withdrawn or have expired. "
    "Ask the agency's admin for a new one."
)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_by_token(token: str) -> Invitation | None:
    """The open invitation the link's token belongs to; None for any other token."""
    if not token or len(token) > _TOKEN_MAX_CHARS:
        return None
    return (
        Invitation.objects.select_related("agency")
        .filter(
            token_hash=_token_hash(token),
            status=InvitationStatus.PENDING,
            expires_at__gt=timezone.now(),
        )
        .first()
    )


def invitations_open(ids: list[int]) -> QuerySet[Invitation]:
    """Of ``ids``, the invitations still open, oldest first."""
    return (
        Invitation.objects.select_related("agency")
        .filter(pk__in=ids, status=InvitationStatus.PENDING, expires_at__gt=timezone.now())
        .order_by("created_at", "pk")
    )


def invitations_pending(agency: Agency) -> QuerySet[Invitation]:
    """An agency's invitations nobody has answered yet, expired ones included (to revoke)."""
    return (
        Invitation.objects.filter(agency=agency, status=InvitationStatus.PENDING)
        .select_related("created_by")
        .order_by("created_at", "pk")
    )


def invitation_create(
    *, agency: Agency, role: str, actor: User, note: str = "", email: str = ""
) -> tuple[Invitation, str]:
    """A new invitation and the token for its link, which is never stored and never shown
    again."""
    if role not in Role.values:
        raise ValidationError(f"unknown role {role!r}; choose one of {', '.join(Role.values)}")
    note = _length_checked(note.strip(), "note", Invitation._meta.get_field("note").max_length)
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            agency=agency,
            role=role,
            token_hash=_token_hash(token),
            note=note,
            email=email,
            created_by=actor,
            expires_at=timezone.now() + timedelta(days=settings.MI_INVITATION_DAYS),
        )
        audit_record(
            actor=actor,
            action="invitation.create",
            agency=agency,
            target=invitation,
            details={"role": role, "note": note, "email": email},
        )
    return invitation, token


def invitation_email_send(*, invitation: Invitation, link: str) -> None:
    """E-mail the link to the address the admin gave."""
    days = settings.MI_INVITATION_DAYS
    send_mail(
        subject=f"Invitation to {invitation.agency.name} on MI Coding",
        message=(
            f"You are invited to join {invitation.agency.name} on MI Coding as "
            f"{invitation.get_role_display().lower()}.\n\nOpen this link to accept or decline; "
            f"you can sign in with an account you already have or create one. It works once "
            f"and expires in {days} day{'s' if days != 1 else ''}:\n\n{link}\n\n"
            "If you did not expect this, ignore this message."
        ),
        from_email=None,
        recipient_list=[invitation.email],
    )


def _locked_open(invitation: Invitation) -> Invitation:
    """The invitation's row, locked; refused unless it is still open."""
    locked = (
        Invitation.objects.select_for_update()
        .select_related("agency")
        .filter(pk=invitation.pk)
        .first()
    )
    if (
        locked is None
        or locked.status != InvitationStatus.PENDING
        or locked.expires_at <= timezone.now()
    ):
        raise ValidationError(NOT_VALID)
    return locked


def _close(invitation: Invitation, status: str, member: User | None = None) -> None:
    invitation.status = status
    invitation.responded_at = timezone.now()
    invitation.member = member
    invitation.save(update_fields=["status", "responded_at", "member"])


def _accept_locked(invitation: Invitation, user: User) -> Membership:
    if Membership.objects.filter(user=user, agency=invitation.agency).exists():
        raise ValidationError(
            f"you are already a member of {invitation.agency.name}; decline this invitation, "
            "or ask an admin there to change your role"
        )
    membership = membership_set(
        user=user, agency=invitation.agency, role=invitation.role, actor=user
    )
    _close(invitation, InvitationStatus.ACCEPTED, member=user)
    audit_record(
        actor=user,
        action="invitation.accept",
        agency=invitation.agency,
        target=invitation,
        details={"username": user.username, "role": invitation.role},
    )
    return membership


def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """``user`` joins the agency in the invitation's role; the link is spent."""
    with transaction.atomic():
        return _accept_locked(_locked_open(invitation), user)


def invitation_accept_new_account(
    *,
    invitation: Invitation,
    username: str,
    password: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Create an account and accept the invitation with it, in one step."""
    _username_check(username)
    _password_check(
        password,
        User(username=username, email=email, first_name=first_name, last_name=last_name),
    )
    taken = ValidationError(f"the user name {username!r} is taken; choose another")
    try:
        with transaction.atomic():
            locked = _locked_open(invitation)
            if User.objects.filter(username__iexact=username).exists():
                raise taken
            user = User.objects.create_user(
                username=username,
                password=password,
                email=email,
                first_name=first_name,
                last_name=last_name,
            )
            _accept_locked(locked, user)
    except IntegrityError as exc:  # the same name taken at the same moment
        raise taken from exc
    return user


def invitation_decline(*, invitation: Invitation, actor: User | None) -> None:
    """The holder of the link says no; the link is spent."""
    with transaction.atomic():
        locked = _locked_open(invitation)
        _close(locked, InvitationStatus.DECLINED)
        audit_record(
            actor=actor,
            action="invitation.decline",
            agency=locked.agency,
            target=locked,
            details={"role": locked.role},
        )


def invitation_revoke(*, invitation: Invitation, actor: User) -> None:
    """An admin withdraws an invitation nobody has answered (expired ones too)."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
        if locked is None or locked.status != InvitationStatus.PENDING:
            raise ValidationError("this invitation was already answered or withdrawn")
        _close(locked, InvitationStatus.REVOKED)
        audit_record(
            actor=actor,
            action="invitation.revoke",
            agency=locked.agency,
            target=locked,
            details={"role": locked.role, "note": locked.note},
        )
