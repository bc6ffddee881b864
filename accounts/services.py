from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import models, transaction

from accounts.access import forget_roles
from accounts.models import Agency, AuditEvent, Membership, Practitioner, Role, Team, User


def audit_event_build(
    *,
    actor: User | None,
    action: str,
    agency: Agency | None = None,
    target: models.Model | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """An unsaved audit event, for services that write many at once with bulk_create."""
    return AuditEvent(
        agency=agency,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target)[:255] if target is not None else "",
        details=details or {},
    )


def audit_record(
    *,
    actor: User | None,
    action: str,
    agency: Agency | None = None,
    target: models.Model | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event. ``target`` names the object acted on."""
    event = audit_event_build(
        actor=actor, action=action, agency=agency, target=target, details=details
    )
    event.save()
    return event


def audit_record_for_account(
    *,
    actor: User | None,
    action: str,
    account: User,
    details: dict[str, Any] | None = None,
) -> int:
    """One event about ``account`` in each agency it belongs to, so that every agency's
    admins read what happened to their member; how many were written."""
    agency_ids = Membership.objects.filter(user=account).values_list("agency_id", flat=True)
    events = [
        audit_event_build(
            actor=actor,
            action=action,
            agency=Agency(pk=agency_id),
            target=account,
            details={"username": account.username, **(details or {})},
        )
        for agency_id in agency_ids
    ]
    AuditEvent.objects.bulk_create(events)
    return len(events)


def _length_checked(value: str, what: str, max_length: int) -> str:
    if len(value) > max_length:
        raise ValidationError(f"{what} {value[:40]!r}… is longer than {max_length} characters")
    return value


def _value_checked(value: str, what: str, rule: str, validator: Any, max_length: int) -> str:
    """``value`` if ``validator`` accepts it and it fits; else an error naming it and ``rule``."""
    try:
        validator(value)
    except ValidationError as exc:
        raise ValidationError(f"{what} {value!r} {rule}") from exc
    return _length_checked(value, what, max_length)


def _agency_slug_checked(slug: str) -> str:
    if not slug:
        raise ValidationError("an agency needs a slug")
    return _value_checked(
        slug,
        "agency slug",
        "may hold only letters, digits, hyphens and underscores",
        validate_slug,
        Agency._meta.get_field("slug").max_length,
    )


def _agency_name_checked(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValidationError("an agency needs a name")
    return _length_checked(name, "agency name", Agency._meta.get_field("name").max_length)


def agency_create(*, slug: str, name: str, actor: User | None = None) -> Agency:
    slug = _agency_slug_checked(slug)
    name = _agency_name_checked(name)
    if Agency.objects.filter(slug=slug).exists():
        raise ValidationError(f"an agency with slug {slug!r} already exists")
    with transaction.atomic():
        agency = Agency.objects.create(slug=slug, name=name)
        audit_record(actor=actor, action="agency.create", agency=agency, target=agency)
    return agency


def user_create_or_update(
    *,
    username: str,
    agency: Agency,
    role: str,
    email: str = "",
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    actor: User | None = None,
) -> User:
    """Create the user if new and give them ``role`` in ``agency``.

    An existing user keeps their password unless a new one is given; their role in this
    agency is set to ``role`` (one role per agency), other agencies are untouched.
    """
    if role not in Role.values:
        raise ValidationError(f"unknown role {role!r}; choose one of {', '.join(Role.values)}")
    _username_check(username)
    if password:
        existing = User.objects.filter(username=username).first()
        _password_check(
            password,
            existing
            or User(username=username, email=email, first_name=first_name, last_name=last_name),
        )
    with transaction.atomic():
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"email": email, "first_name": first_name, "last_name": last_name},
        )
        if created:
            if password:
                user.set_password(password)
            else:
                user.set_unusable_password()
            user.save()
        else:
            changed = False
            if email and user.email != email:
                user.email = email
                changed = True
            if password:
                user.set_password(password)
                changed = True
            if changed:
                user.save()
        membership_set(user=user, agency=agency, role=role, actor=actor)
    return user


def _username_check(username: str) -> None:
    _value_checked(
        username,
        "username",
        "is not valid; use letters, digits and @ . + - _ only",
        User.username_validator,
        User._meta.get_field("username").max_length,
    )


def _password_check(password: str, user: User) -> None:
    """Django's password validators, which the web forms apply too, for every way in."""
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError(f"password refused: {' '.join(exc.messages)}") from exc


def membership_set(
    *, user: User, agency: Agency, role: str, actor: User | None = None
) -> Membership:
    if role not in Role.values:
        raise ValidationError(f"unknown role {role!r}")
    with transaction.atomic():
        existing = Membership.objects.select_for_update().filter(user=user, agency=agency).first()
        if (
            existing is not None
            and actor is not None
            and actor.pk == user.pk
            and existing.role != role
        ):
            raise ValidationError("nobody can change their own role; another admin can")
        membership, created = Membership.objects.update_or_create(
            user=user, agency=agency, defaults={"role": role}
        )
        if created and user.default_agency_id is None:
            # The first agency is home; joining later ones never moves the user (only they
            # do). An account from before defaults lands where it always did.
            user.default_agency_id = (
                Membership.objects.filter(user=user)
                .exclude(pk=membership.pk)
                .order_by("agency_id")
                .values_list("agency_id", flat=True)
                .first()
            ) or agency.pk
            user.save(update_fields=["default_agency"])
        audit_record(
            actor=actor,
            action="membership.create" if created else "membership.update",
            agency=agency,
            target=membership,
            details={"username": user.username, "role": role},
        )
    forget_roles(user)
    return membership


def membership_remove(*, membership: Membership, actor: User | None) -> None:
    """Remove a member. ``actor`` is who acts (None for the operator's commands): nobody
    removes their own membership, and an agency keeps at least one admin."""
    if actor is not None and actor.pk == membership.user_id:
        raise ValidationError(
            "nobody can remove their own membership; another admin of the agency can"
        )
    with transaction.atomic():
        # Locking every admin row of the agency serialises two admins removing each other.
        admins = set(
            Membership.objects.select_for_update()
            .filter(agency_id=membership.agency_id, role=Role.ADMIN)
            .values_list("pk", flat=True)
        )
        current = (
            Membership.objects.select_for_update()
            .select_related("user", "agency")
            .filter(pk=membership.pk)
            .first()
        )
        if current is None:
            raise ValidationError(f"{membership.user.username} is no longer a member")
        if current.role == Role.ADMIN and not admins - {current.pk}:
            raise ValidationError("an agency needs at least one admin")
        audit_record(
            actor=actor,
            action="membership.remove",
            agency=current.agency,
            target=current,
            details={"username": current.user.username, "role": current.role},
        )
        current.delete()
        user = current.user
        if user.default_agency_id == current.agency_id:
            user.default_agency_id = (
                Membership.objects.filter(user=user)
                .order_by("created_at", "pk")
                .values_list("agency_id", flat=True)
                .first()
            )
            user.save(update_fields=["default_agency"])
    forget_roles(membership.user)


def default_agency_set(*, user: User, agency: Agency) -> None:
    """The user chooses where their sign-ins start: one of their own agencies."""
    with transaction.atomic():
        if not Membership.objects.filter(user=user, agency=agency).exists():
            raise ValidationError(f"you are not a member of {agency.name}")
        user.default_agency = agency
        user.save(update_fields=["default_agency"])


def team_create(*, agency: Agency, name: str, actor: User | None = None) -> Team:
    name = name.strip()
    if not name:
        raise ValidationError("a team needs a name")
    if Team.objects.filter(agency=agency, name=name).exists():
        raise ValidationError(f"team {name!r} already exists")
    with transaction.atomic():
        team = Team.objects.create(agency=agency, name=name)
        audit_record(actor=actor, action="team.create", agency=agency, target=team)
    return team


def team_rename(*, team: Team, name: str, actor: User | None = None) -> Team:
    name = name.strip()
    if not name:
        raise ValidationError("a team needs a name")
    if Team.objects.filter(agency=team.agency, name=name).exclude(pk=team.pk).exists():
        raise ValidationError(f"team {name!r} already exists")
    with transaction.atomic():
        old = team.name
        team.name = name
        team.save(update_fields=["name"])
        audit_record(
            actor=actor,
            action="team.rename",
            agency=team.agency,
            target=team,
            details={"from": old},
        )
    return team


def team_delete(*, team: Team, actor: User | None = None) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action="team.delete", agency=team.agency, target=team)
        team.delete()


def practitioner_save(
    *,
    agency: Agency,
    display_name: str,
    team: Team | None = None,
    user: User | None = None,
    active: bool = True,
    practitioner: Practitioner | None = None,
    actor: User | None = None,
) -> Practitioner:
    """Create a practitioner, or update ``practitioner`` when given."""
    display_name = display_name.strip()
    if not display_name:
        raise ValidationError("a practitioner needs a display name")
    if team is not None and team.agency_id != agency.pk:
        raise ValidationError("the team belongs to another agency")
    if user is not None and not Membership.objects.filter(user=user, agency=agency).exists():
        raise ValidationError(f"user {user.username!r} is not a member of {agency.slug}")
    clash = Practitioner.objects.filter(agency=agency, display_name=display_name)
    if practitioner is not None:
        clash = clash.exclude(pk=practitioner.pk)
    if clash.exists():
        raise ValidationError(f"a practitioner named {display_name!r} already exists")
    linked = Practitioner.objects.filter(agency=agency, user=user) if user else None
    if linked is not None and practitioner is not None:
        linked = linked.exclude(pk=practitioner.pk)
    if linked is not None and linked.exists():
        raise ValidationError(f"user {user.username!r} is already linked to a practitioner")
    with transaction.atomic():
        created = practitioner is None
        if created:
            practitioner = Practitioner(agency=agency)
        practitioner.display_name = display_name
        practitioner.team = team
        practitioner.user = user
        practitioner.active = active
        practitioner.save()
        audit_record(
            actor=actor,
            action="practitioner.create" if created else "practitioner.update",
            agency=agency,
            target=practitioner,
        )
    return practitioner


def agency_settings_update(
    *,
    agency: Agency,
    name: str,
    coders_see_others_after_submission: bool,
    calibration_pass_kappa: float,
    require_two_factor: bool | None = None,
    actor: User | None = None,
) -> Agency:
    """Save the agency's settings; ``require_two_factor`` None leaves that one as it is."""
    fields = ["name", "coders_see_others_after_submission", "calibration_pass_kappa"]
    before = {field: getattr(agency, field) for field in [*fields, "require_two_factor"]}
    name = _agency_name_checked(name)
    with transaction.atomic():
        agency.name = name
        agency.coders_see_others_after_submission = coders_see_others_after_submission
        agency.calibration_pass_kappa = calibration_pass_kappa
        if require_two_factor is not None:
            agency.require_two_factor = require_two_factor
            fields.append("require_two_factor")
        agency.save(update_fields=fields)
        audit_record(
            actor=actor,
            action="agency.settings",
            agency=agency,
            target=agency,
            details={"before": before},
        )
    return agency
