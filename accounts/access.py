"""The one access layer: who may see and do what, within which agency.

Every view, JSON endpoint and export asks this module. Objects outside the user's agencies,
or inside but not theirs to see (another practitioner's sessions, another coder's blind
coding), answer 404 so that their existence does not leak; an action the user's role does not
allow on an object they can see answers 403.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest

from accounts.models import Agency, Membership, Practitioner, Role, Team, User

if TYPE_CHECKING:
    from coding.models import Coding
    from transcripts.models import Transcript


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


def roles_by_agency(user: User) -> dict[int, str]:
    """{agency id: role} for the user, read once per user object."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = dict(Membership.objects.filter(user=user).values_list("agency_id", "role"))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_roles(user: User) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


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
        cached = Agency.objects.get(pk=agency_id)
        request._mi_agency = cached
    return cached


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


# ---------------------------------------------------------------- transcripts


def transcripts_visible_to(user: User) -> QuerySet[Transcript]:
    """Whole agencies for staff; assigned or own-coded sessions for coders; own sessions for
    practitioners."""
    from coding.models import Coding
    from transcripts.models import Transcript
    from workflow.models import Assignment

    if not user.is_authenticated:
        return Transcript.objects.none()
    staff_agencies = agency_ids_with(user, Cap.VIEW_CODINGS) + agency_ids_with(
        user, Cap.MANAGE_TRANSCRIPTS
    )
    condition = Q(agency_id__in=staff_agencies)
    coder_agencies = agency_ids_with_role(user, [Role.CODER])
    if coder_agencies:
        assigned = Exists(Assignment.objects.filter(transcript=OuterRef("pk"), coder=user))
        coded = Exists(Coding.objects.filter(transcript=OuterRef("pk"), coder=user))
        condition |= Q(agency_id__in=coder_agencies) & (assigned | coded)
    practitioner_agencies = agency_ids_with_role(user, [Role.PRACTITIONER])
    if practitioner_agencies:
        condition |= Q(agency_id__in=practitioner_agencies, practitioner__user=user)
    return Transcript.objects.filter(condition)


def get_transcript_for_user(user: User, pk: object) -> Transcript:
    return get_object_or_404_in(transcripts_visible_to(user).select_related("practitioner"), pk)


# ---------------------------------------------------------------- codings


def codings_visible_to(user: User) -> QuerySet[Coding]:
    """Codings the user may read.

    Supervisors and admins see every coding of their agency; researchers every submitted one.
    Coders see their own, and, only where the agency allows it, the other codings of a
    transcript they coded once every coding of it is submitted (blind double coding).
    Practitioners see the submitted codings of their own sessions (their feedback).
    """
    from coding.models import PERSONAL_KINDS, Coding, CodingKind, CodingStatus
    from workflow.models import Assignment

    if not user.is_authenticated:
        return Coding.objects.none()
    condition = Q(transcript__agency_id__in=agency_ids_with(user, Cap.SUPERVISE))
    researcher_agencies = [
        agency_id
        for agency_id in agency_ids_with(user, Cap.VIEW_CODINGS)
        if not can(user, agency_id, Cap.SUPERVISE)
    ]
    if researcher_agencies:
        condition |= Q(transcript__agency_id__in=researcher_agencies, status=CodingStatus.SUBMITTED)
    coder_agencies = agency_ids_with_role(user, [Role.CODER])
    if coder_agencies:
        condition |= Q(transcript__agency_id__in=coder_agencies, coder=user)
        unblinded = Agency.objects.filter(
            pk__in=coder_agencies, coders_see_others_after_submission=True
        ).values_list("pk", flat=True)
        if unblinded:
            # Practice on a training transcript unlocks nothing: it would show the gold.
            own_coding = Exists(
                Coding.objects.filter(transcript=OuterRef("transcript"), coder=user).exclude(
                    kind=CodingKind.CALIBRATION
                )
            )
            open_coding = Exists(
                Coding.objects.filter(
                    transcript=OuterRef("transcript"), status=CodingStatus.IN_PROGRESS
                ).exclude(kind=CodingKind.CALIBRATION)
            )
            # A coder assigned but not started yet holds an open coding of it too.
            started = Coding.objects.filter(
                transcript=OuterRef("transcript"),
                coder=OuterRef("coder"),
                scheme=OuterRef("scheme"),
                kind__in=PERSONAL_KINDS,
            )
            unstarted = Exists(
                Assignment.objects.filter(
                    transcript=OuterRef("transcript"), coding__isnull=True
                ).exclude(Exists(started))
            )
            condition |= (
                Q(transcript__agency_id__in=list(unblinded), status=CodingStatus.SUBMITTED)
                # Gold standards are what coders are tested against: never shown this way.
                & ~Q(kind__in=[CodingKind.CALIBRATION, CodingKind.GOLD])
                & own_coding
                & ~open_coding
                & ~unstarted
            )
    practitioner_agencies = agency_ids_with_role(user, [Role.PRACTITIONER])
    if practitioner_agencies:
        condition |= Q(
            transcript__agency_id__in=practitioner_agencies,
            transcript__practitioner__user=user,
            status=CodingStatus.SUBMITTED,
        ) & ~Q(kind=CodingKind.CALIBRATION)
    return Coding.objects.filter(condition)


def get_coding_for_user(user: User, pk: object) -> Coding:
    return get_object_or_404_in(
        codings_visible_to(user).select_related(
            "transcript", "transcript__practitioner", "scheme", "coder"
        ),
        pk,
    )


def get_own_coding(user: User, pk: object) -> Coding:
    """A coding the user may edit: their own, in an agency where they may code."""
    from coding.models import Coding

    return get_object_or_404_in(
        Coding.objects.filter(
            coder=user, transcript__agency_id__in=agency_ids_with(user, Cap.CODE)
        ).select_related("transcript", "transcript__agency", "scheme", "coder"),
        pk,
    )
