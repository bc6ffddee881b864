"""Roles and capabilities: what each role may do, within which agency.

Every view, JSON endpoint and export asks this module (and, for transcripts and codings,
workflow/visibility.py, which builds on it). Anything outside the user's agencies answers 404
so that its existence does not leak; an action the user's role does not allow on an object
they can see answers 403.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from accounts.models import Agency, Membership, Practitioner, Role, Team, User


class Cap(StrEnum):
    MANAGE_AGENCY = "manage_agency"  # members, teams, practitioners, thresholds, settings
    MANAGE_TRANSCRIPTS = "manage_transcripts"  # upload, edit parse, audio, delete
    DELETE_SUBMITTED = "delete_submitted"  # delete a transcript that has submitted codings
    CODE = "code"  # own codings
    SUPERVISE = "supervise"  # assign, reopen, adjudicate, gold standards, see every coding
    VIEW_CODINGS = "view_codings"  # read submitted codings of the agency
    RELIABILITY = "reliability"
    DASHBOARDS = "dashboards"  # every practitioner's dashboard, audits
    EXPORT = "export"
    IMPORT_CODINGS = "import_codings"
    AUDIT_LOG = "audit_log"


ROLE_CAPS: dict[str, frozenset[Cap]] = {
    Role.ADMIN: frozenset(Cap),
    Role.SUPERVISOR: frozenset(Cap) - {Cap.MANAGE_AGENCY, Cap.DELETE_SUBMITTED},
    Role.CODER: frozenset({Cap.CODE}),
    Role.RESEARCHER: frozenset(
        {Cap.VIEW_CODINGS, Cap.RELIABILITY, Cap.DASHBOARDS, Cap.EXPORT, Cap.IMPORT_CODINGS}
    ),
    Role.PRACTITIONER: frozenset(),
}

_CACHE_ATTR = "_mi_roles"
_AGENCIES_ATTR = "_mi_agencies"
_CONFINED_ATTR = "_mi_confined_to"


def roles_by_agency(user: User) -> dict[int, str]:
    """{agency id: role} for the user, read once per user object."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        memberships = Membership.objects.filter(user=user).order_by()
        confined_to = getattr(user, _CONFINED_ATTR, None)
        if confined_to is not None:
            memberships = memberships.filter(agency_id=confined_to)
        cached = dict(memberships.values_list("agency_id", "role"))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def remember_memberships(user: User, memberships: Iterable[Membership]) -> None:
    """Keep the user's roles, and their agencies, as read with the user itself (see
    accounts/backends.py), so a request asks the database for neither again."""
    memberships = list(memberships)
    setattr(user, _AGENCIES_ATTR, {m.agency_id: m.agency for m in memberships})
    confined_to = getattr(user, _CONFINED_ATTR, None)
    setattr(
        user,
        _CACHE_ATTR,
        {
            m.agency_id: m.role
            for m in memberships
            if confined_to is None or m.agency_id == confined_to
        },
    )


def known_agency(user: User, agency_id: int) -> Agency | None:
    """One of the user's agencies if it was read with the user, else None."""
    return getattr(user, _AGENCIES_ATTR, {}).get(agency_id)


def forget_roles(user: User) -> None:
    for attribute in (_CACHE_ATTR, _AGENCIES_ATTR):
        if hasattr(user, attribute):
            delattr(user, attribute)


def confine_to_agency(user: User, agency_id: int) -> None:
    """From now on this user object holds at most its role in one agency, whatever other
    agencies it belongs to: what an API token bound to that agency may act with. Every helper
    here and in workflow/visibility.py then sees that agency alone."""
    setattr(user, _CONFINED_ATTR, agency_id)
    forget_roles(user)


def role_in(user: User, agency_id: int) -> str | None:
    return roles_by_agency(user).get(agency_id)


def can(user: User, agency_id: int, cap: Cap) -> bool:
    role = role_in(user, agency_id)
    return role is not None and cap in ROLE_CAPS[role]


def agency_ids_with(user: User, cap: Cap) -> list[int]:
    return [
        agency_id for agency_id, role in roles_by_agency(user).items() if cap in ROLE_CAPS[role]
    ]


def agency_ids_with_role(user: User, roles: Iterable[str]) -> list[int]:
    wanted = set(roles)
    return [agency_id for agency_id, role in roles_by_agency(user).items() if role in wanted]


def require(user: User, agency_id: int, cap: Cap) -> None:
    """403 unless the user's role in the agency grants ``cap``; 404 if not a member at all."""
    if role_in(user, agency_id) is None:
        raise Http404
    if not can(user, agency_id, cap):
        raise PermissionDenied


def get_object_or_404_in(queryset: QuerySet, pk: object) -> object:
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


# ---------------------------------------------------------------- agencies and people


def agencies_for(user: User) -> QuerySet[Agency]:
    return Agency.objects.filter(pk__in=list(roles_by_agency(user)))


def current_agency(request: HttpRequest) -> Agency | None:
    """The agency the user works in now: the one chosen in the session, else the user's
    default agency (which only they change), else their first."""
    roles = roles_by_agency(request.user)
    if not roles:
        return None
    chosen = request.session.get("agency_id")
    default = request.user.default_agency_id
    if chosen in roles:
        agency_id = chosen
    elif default in roles:
        agency_id = default
    else:
        agency_id = min(roles)
    cached = getattr(request, "_mi_agency", None)
    if cached is None or cached.pk != agency_id:
        cached = known_agency(request.user, agency_id) or Agency.objects.get(pk=agency_id)
        request._mi_agency = cached
    return cached


def current_agency_with(request: HttpRequest, cap: Cap) -> Agency:
    """The agency the user works in now, if their role there grants ``cap``: 404 without an
    agency, 403 without the capability."""
    agency = current_agency(request)
    if agency is None:
        raise Http404
    require(request.user, agency.pk, cap)
    return agency


def get_agency_for_user(user: User, slug: str) -> Agency:
    try:
        return agencies_for(user).get(slug=slug)
    except Agency.DoesNotExist as exc:
        raise Http404 from exc


def teams_visible_to(user: User) -> QuerySet[Team]:
    return Team.objects.filter(agency_id__in=agency_ids_with(user, Cap.DASHBOARDS))


def practitioners_visible_to(user: User) -> QuerySet[Practitioner]:
    """Every practitioner where the user may read dashboards; else only themselves."""
    return Practitioner.objects.filter(
        Q(agency_id__in=agency_ids_with(user, Cap.DASHBOARDS))
        | Q(agency_id__in=agency_ids_with_role(user, [Role.PRACTITIONER]), user=user)
    ).select_related("team", "agency")


def get_practitioner_for_user(user: User, pk: object) -> Practitioner:
    return get_object_or_404_in(practitioners_visible_to(user), pk)
