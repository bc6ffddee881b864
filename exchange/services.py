"""Writing an import plan: every row in bulk, inside one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import AuditEvent, Membership, Role, User
from accounts.services import audit_event_build, audit_record
from coding.models import Coding, CodingStatus, GlobalRating, UtteranceCode
from exchange.importing.plan import ImportPlan
from transcripts.models import SourceFormat, Transcript, Utterance

BATCH = 2000


@dataclass(frozen=True)
class ImportedCoding:
    coding_id: int
    transcript_id: int
    coder: str
    codes: int

    def line(self) -> str:
        return (
            f"coding {self.coding_id}: transcript {self.transcript_id} coder {self.coder} "
            f"({self.codes} codes)"
        )


def _coders(plan: ImportPlan, actor: User | None) -> tuple[dict[str, User], list[AuditEvent]]:
    """Accounts for every coder: new ones get no password; anyone without a role in the
    agency becomes a coder there, and nobody's existing role changes."""
    User.objects.bulk_create(
        [User(username=name, password=make_password(None)) for name in plan.new_coders]
    )
    users = {user.username: user for user in User.objects.filter(username__in=plan.coders)}
    joining = plan.new_coders + plan.joining_coders
    memberships = Membership.objects.bulk_create(
        [Membership(user=users[name], agency=plan.agency, role=Role.CODER) for name in joining]
    )
    events = [
        audit_event_build(
            actor=actor,
            action="membership.create",
            agency=plan.agency,
            target=membership,
            details={"username": membership.user.username, "role": Role.CODER},
        )
        for membership in memberships
    ]
    return users, events


def _transcripts(
    plan: ImportPlan, actor: User | None
) -> tuple[dict[str, Transcript], list[AuditEvent]]:
    """Create the new transcripts and their utterances, filling in the planned utterances'
    primary keys; returns every transcript of the plan by title."""
    new = plan.new_transcripts
    created = Transcript.objects.bulk_create(
        [
            Transcript(
                agency=plan.agency,
                practitioner=plan.options.practitioner,
                title=planned.title,
                source_filename=plan.filename[:255],
                source_format=SourceFormat.CODED_IMPORT,
                created_by=actor,
            )
            for planned in new
        ]
    )
    utterances = []
    for planned, transcript in zip(new, created, strict=True):
        utterances.extend(
            Utterance(
                transcript_id=transcript.pk,
                position=utterance.position,
                speaker_label=utterance.speaker,
                speaker_role=utterance.role,
                text=utterance.text,
                source_ref=utterance.ref,
            )
            for utterance in planned.utterances
        )
    Utterance.objects.bulk_create(utterances, batch_size=BATCH)
    positions = {(u.transcript_id, u.position): u.pk for u in utterances}
    for planned, transcript in zip(new, created, strict=True):
        for utterance in planned.utterances:
            utterance.pk = positions[(transcript.pk, utterance.position)]
    transcripts = {planned.title: planned.existing for planned in plan.transcripts}
    transcripts.update((planned.title, t) for planned, t in zip(new, created, strict=True))
    events = [
        audit_event_build(
            actor=actor,
            action="transcript.create",
            agency=plan.agency,
            target=transcript,
            details={"utterances": len(planned.utterances), "source": plan.filename},
        )
        for planned, transcript in zip(new, created, strict=True)
    ]
    return transcripts, events


def codings_import(*, plan: ImportPlan, actor: User | None = None) -> list[ImportedCoding]:
    """Write a checked plan: transcripts, coder accounts and one submitted coding per
    (transcript, coder), all or nothing."""
    if not plan.ok:
        raise ValidationError(plan.summary())
    scheme = plan.options.scheme
    now = timezone.now()
    try:
        with transaction.atomic():
            users, events = _coders(plan, actor)
            replaced = [coding.replaces for coding in plan.codings if coding.replaces]
            if replaced:
                Coding.objects.filter(pk__in=replaced).delete()
            transcripts, transcript_events = _transcripts(plan, actor)
            events += transcript_events
            pairs = [
                (planned, coding) for planned in plan.transcripts for coding in planned.codings
            ]
            codings = Coding.objects.bulk_create(
                [
                    Coding(
                        transcript_id=transcripts[planned.title].pk,
                        scheme_id=scheme.pk,
                        coder_id=users[coding.coder].pk,
                        kind=coding.kind,
                        status=CodingStatus.SUBMITTED,
                        submitted_at=now,
                    )
                    for planned, coding in pairs
                ]
            )
            code_rows = []
            rating_rows = []
            for (planned, coding), row in zip(pairs, codings, strict=True):
                utterance_ids = {u.position: u.pk for u in planned.utterances}
                code_rows.extend(
                    UtteranceCode(
                        coding_id=row.pk,
                        utterance_id=utterance_ids[position],
                        code_id=code.pk,
                        dimension_id=code.dimension_id,
                        exclusive=not code.dimension.multiple,
                    )
                    for position, code in coding.codes
                )
                rating_rows.extend(
                    GlobalRating(
                        coding_id=row.pk,
                        scale_id=scale.pk,
                        value=value,
                        scale_min=scale.min_value,
                        scale_max=scale.max_value,
                    )
                    for scale, value in coding.ratings.values()
                )
            UtteranceCode.objects.bulk_create(code_rows, batch_size=BATCH)
            GlobalRating.objects.bulk_create(rating_rows, batch_size=BATCH)
            AuditEvent.objects.bulk_create(events, batch_size=BATCH)
            audit_record(
                actor=actor,
                action="codings.import",
                agency=plan.agency,
                details={
                    "file": plan.filename,
                    "scheme": scheme.slug,
                    "codings": len(codings),
                    "codes": len(code_rows),
                    "ratings": len(rating_rows),
                    "transcripts_created": len(plan.new_transcripts),
                    "coders_created": plan.new_coders,
                    "replaced_codings": replaced,
                },
            )
    except IntegrityError as exc:
        raise ValidationError(
            "the agency's codings changed while importing; check the file again"
        ) from exc
    return [
        ImportedCoding(
            coding_id=row.pk,
            transcript_id=transcripts[planned.title].pk,
            coder=coding.coder,
            codes=len(coding.codes),
        )
        for (planned, coding), row in zip(pairs, codings, strict=True)
    ]
