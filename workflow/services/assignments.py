"""Assigning transcripts to coders, starting and withdrawing assignments."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Agency, AuditEvent, User
from accounts.services import audit_event_build, audit_record
from coding.models import PERSONAL_KINDS, Coding, CodingKind, CodingScheme
from coding.selectors import schemes_for
from transcripts.models import Transcript
from workflow.models import Assignment, ReliabilitySet
from workflow.people import coders_of
from workflow.services.codings import coding_start


class AssignMode:
    SHARE = "share"  # each transcript to one of the coders, spread evenly
    EACH = "each"  # each transcript to every coder


@dataclass(frozen=True)
class PlannedAssignment:
    transcript: Transcript
    coder: User
    kind: str


@dataclass
class AssignmentPlan:
    items: list[PlannedAssignment] = field(default_factory=list)
    skipped: list[tuple[Transcript, str]] = field(default_factory=list)


@dataclass
class CodingState:
    """Who already codes each transcript with a scheme, and which have a first coder."""

    coders: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    with_primary: set[int] = field(default_factory=set)
    with_second: set[int] = field(default_factory=set)


def coding_state(transcript_ids: Iterable[int], scheme: CodingScheme) -> CodingState:
    """Assignments and personal codings of the transcripts, in two queries."""
    ids = list(transcript_ids)
    state = CodingState()
    rows = list(
        Assignment.objects.filter(transcript_id__in=ids, scheme=scheme).values_list(
            "transcript_id", "coder_id", "kind"
        )
    ) + list(
        Coding.objects.filter(
            transcript_id__in=ids, scheme=scheme, kind__in=PERSONAL_KINDS
        ).values_list("transcript_id", "coder_id", "kind")
    )
    for transcript_id, coder_id, kind in rows:
        state.coders[transcript_id].add(coder_id)
        if kind in (CodingKind.PRIMARY, CodingKind.GOLD):
            state.with_primary.add(transcript_id)
        elif kind == CodingKind.DOUBLE:
            state.with_second.add(transcript_id)
    return state


def _check_in_agency(
    *, agency: Agency, transcripts: Sequence[Transcript], coders: Sequence[User], scheme
) -> None:
    if any(t.agency_id != agency.pk for t in transcripts):
        raise ValidationError("a transcript belongs to another agency")
    allowed = set(
        coders_of(agency).filter(pk__in=[c.pk for c in coders]).values_list("pk", flat=True)
    )
    strangers = [c.username for c in coders if c.pk not in allowed]
    if strangers:
        raise ValidationError(f"{', '.join(strangers)} may not code in {agency.name}")
    if not schemes_for(agency).filter(pk=scheme.pk).exists():
        raise ValidationError(f"{scheme.name} belongs to another agency")


def assignment_plan(
    *,
    agency: Agency,
    transcripts: Sequence[Transcript],
    coders: Sequence[User],
    scheme: CodingScheme,
    mode: str = AssignMode.SHARE,
) -> AssignmentPlan:
    """What assigning ``transcripts`` to ``coders`` would create, without creating it.

    A transcript's first coder gets a primary assignment, later ones a double (reliability)
    one; a coder who already has a transcript is never given it again.
    """
    if not transcripts or not coders:
        raise ValidationError("choose at least one transcript and one coder")
    _check_in_agency(agency=agency, transcripts=transcripts, coders=coders, scheme=scheme)
    state = coding_state([t.pk for t in transcripts], scheme)
    coders = sorted(coders, key=lambda c: c.username)
    load = dict.fromkeys([c.pk for c in coders], 0)
    plan = AssignmentPlan()
    for transcript in sorted(transcripts, key=lambda t: t.pk):
        taken = state.coders[transcript.pk]
        eligible = [c for c in coders if c.pk not in taken]
        if not eligible:
            names = ", ".join(c.username for c in coders)
            plan.skipped.append((transcript, f"already assigned to {names}"))
            continue
        if mode == AssignMode.SHARE:
            eligible = [min(eligible, key=lambda c: load[c.pk])]
        for coder in eligible:
            kind = CodingKind.DOUBLE if transcript.pk in state.with_primary else CodingKind.PRIMARY
            state.with_primary.add(transcript.pk)
            taken.add(coder.pk)
            load[coder.pk] += 1
            plan.items.append(PlannedAssignment(transcript=transcript, coder=coder, kind=kind))
    return plan


def assignments_create(
    *,
    agency: Agency,
    plan: AssignmentPlan,
    scheme: CodingScheme,
    actor: User,
    due_date: datetime.date | None = None,
    reliability_set: ReliabilitySet | None = None,
) -> list[Assignment]:
    """Create the planned assignments, all or none, each written to the audit log."""
    if not plan.items:
        raise ValidationError("nothing to assign: every transcript already has those coders")
    _check_in_agency(
        agency=agency,
        transcripts=[item.transcript for item in plan.items],
        coders=list({item.coder.pk: item.coder for item in plan.items}.values()),
        scheme=scheme,
    )
    state = coding_state({item.transcript.pk for item in plan.items}, scheme)
    clashes = [
        f"{item.transcript.label} ({item.coder.username})"
        for item in plan.items
        if item.coder.pk in state.coders[item.transcript.pk]
    ]
    if clashes:
        raise ValidationError(f"already assigned: {', '.join(clashes)}")
    with transaction.atomic():
        created = Assignment.objects.bulk_create(
            [
                Assignment(
                    agency=agency,
                    transcript=item.transcript,
                    coder=item.coder,
                    scheme=scheme,
                    kind=item.kind,
                    due_date=due_date,
                    reliability_set=reliability_set,
                    assigned_by=actor,
                )
                for item in plan.items
            ]
        )
        AuditEvent.objects.bulk_create(
            [
                audit_event_build(
                    actor=actor,
                    action="assignment.create",
                    agency=agency,
                    target=assignment,
                    details={
                        "transcript": assignment.transcript_id,
                        "coder": assignment.coder.username,
                        "kind": assignment.kind,
                        "scheme": scheme.slug,
                        "due_date": due_date.isoformat() if due_date else None,
                    },
                )
                for assignment in created
            ],
            batch_size=500,
        )
    return created


def assignment_start(*, assignment: Assignment, actor: User) -> Coding:
    """The assignment's coding, started when its coder first opens it."""
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update(of=("self",))
            .select_related("transcript", "transcript__agency", "scheme", "coding", "coder")
            .get(pk=assignment.pk)
        )
        if assignment.coding is not None:
            return assignment.coding
        return coding_start(
            transcript=assignment.transcript,
            scheme=assignment.scheme,
            coder=assignment.coder,
            actor=actor,
        )


def assignment_delete(*, assignment: Assignment, actor: User) -> None:
    """Withdraw an assignment its coder has not started."""
    if assignment.coding_id is not None:
        raise ValidationError(
            f"{assignment.coder.username} has already started this coding; it cannot be withdrawn"
        )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="assignment.delete",
            agency=assignment.agency,
            target=assignment,
            details={"transcript": assignment.transcript_id, "coder": assignment.coder.username},
        )
        assignment.delete()
