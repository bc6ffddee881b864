"""Which transcripts and codings each user may see: tenancy, roles, assignments, blind
double coding and gold standards.

Built on the roles of accounts/access.py. A transcript or coding outside what a user may see
answers 404 (``get_…_for_user``), whether it belongs to another agency or is hidden inside
the user's own (another practitioner's session, another coder's blind coding).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.access import (
    Cap,
    agency_ids_with,
    agency_ids_with_role,
    can,
    get_object_or_404_in,
)
from accounts.models import Agency, Role, User
from coding.models import PERSONAL_KINDS, Coding, CodingKind, CodingStatus
from transcripts.models import Transcript
from workflow.models import Assignment


def transcripts_visible_to(user: User) -> QuerySet[Transcript]:
    """Whole agencies for staff; assigned or own-coded sessions for coders; own sessions for
    practitioners."""
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


def codings_visible_to(user: User) -> QuerySet[Coding]:
    """Codings the user may read.

    Supervisors and admins see every coding of their agency; researchers every submitted one.
    Coders see their own, and, only where the agency allows it, the other codings of a
    transcript they coded once every coding of it is submitted (blind double coding).
    Practitioners see the submitted codings of their own sessions (their feedback).
    """
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
    return get_object_or_404_in(
        Coding.objects.filter(
            coder=user, transcript__agency_id__in=agency_ids_with(user, Cap.CODE)
        ).select_related("transcript", "transcript__agency", "scheme", "coder"),
        pk,
    )
