"""Gold standards and the training sets coders calibrate against."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Agency, User
from accounts.services import audit_record
from coding.models import Coding, CodingKind, CodingScheme
from coding.selectors import schemes_for
from coding.services.locks import coding_lock
from transcripts.models import Transcript
from workflow.models import CalibrationCoding, GoldStandard, TrainingItem, TrainingSet

GOLD_FROM = [CodingKind.PRIMARY, CodingKind.DOUBLE, CodingKind.CONSENSUS]


def coding_mark_gold(*, coding: Coding, actor: User) -> Coding:
    """Make a submitted coding the gold standard of its transcript.

    Checked under the locks of the transcript (one gold standard per transcript, even when
    two supervisors mark two codings at once) and of the coding (not reopened meanwhile)."""
    previous = coding.kind
    try:
        with transaction.atomic():
            Transcript.objects.select_for_update().filter(pk=coding.transcript_id).exists()
            coding_lock(coding)
            previous = coding.kind
            if coding.kind == CodingKind.GOLD:
                raise ValidationError("this coding is already a gold standard")
            if coding.kind not in GOLD_FROM:
                raise ValidationError(
                    f"a {coding.get_kind_display().lower()} coding cannot be gold"
                )
            if not coding.is_submitted:
                raise ValidationError("only a submitted coding can be a gold standard")
            if coding.is_from_audio:
                raise ValidationError(
                    "a coding made from the recording cannot be a gold standard: calibration "
                    "compares codes utterance by utterance, and its units are its own volleys"
                )
            other = Coding.objects.filter(
                transcript=coding.transcript_id, scheme=coding.scheme_id, kind=CodingKind.GOLD
            ).first()
            if other is not None:
                raise ValidationError(
                    f"this transcript already has a gold standard (coding {other.pk}); "
                    "unmark it first"
                )
            coding.kind = CodingKind.GOLD
            coding.save(update_fields=["kind", "updated_at"])
            GoldStandard.objects.update_or_create(
                coding=coding, defaults={"previous_kind": previous, "marked_by": actor}
            )
            audit_record(
                actor=actor,
                action="coding.gold",
                agency=coding.transcript.agency,
                target=coding,
                details={"previous_kind": previous},
            )
    except IntegrityError as exc:
        coding.kind = previous
        raise ValidationError(
            f"{coding.coder.username} already has a coding of this transcript of their own"
        ) from exc
    return coding


def coding_unmark_gold(*, coding: Coding, actor: User) -> Coding:
    """Return a gold standard to the kind it had; refused while training depends on it."""
    try:
        with transaction.atomic():
            coding_lock(coding)
            if coding.kind != CodingKind.GOLD:
                raise ValidationError("this coding is not a gold standard")
            if TrainingItem.objects.filter(gold=coding).exists():
                raise ValidationError("remove it from its training sets first")
            if CalibrationCoding.objects.filter(gold=coding).exists():
                raise ValidationError("coders have calibrated against it; it stays a gold standard")
            record = GoldStandard.objects.filter(coding=coding).first()
            previous = record.previous_kind if record else CodingKind.PRIMARY
            coding.kind = previous
            coding.save(update_fields=["kind", "updated_at"])
            if record:
                record.delete()
            audit_record(
                actor=actor,
                action="coding.ungold",
                agency=coding.transcript.agency,
                target=coding,
                details={"kind": previous},
            )
    except IntegrityError as exc:
        coding.kind = CodingKind.GOLD
        raise ValidationError(
            f"it cannot become a {previous} coding again: the transcript has another one"
        ) from exc
    return coding


def _check_golds(agency: Agency, scheme: CodingScheme, golds: list[Coding]) -> None:
    wrong = [
        g.pk
        for g in golds
        if g.kind != CodingKind.GOLD
        or g.scheme_id != scheme.pk
        or g.transcript.agency_id != agency.pk
    ]
    if wrong:
        raise ValidationError(
            f"only gold standards of this agency coded with {scheme.name} can be training items"
        )
    transcripts = [g.transcript_id for g in golds]
    if len(set(transcripts)) != len(transcripts):
        raise ValidationError("a training set holds one gold standard per transcript")


def training_set_save(
    *,
    agency: Agency,
    name: str,
    scheme: CodingScheme,
    golds: list[Coding],
    actor: User,
    description: str = "",
    training_set: TrainingSet | None = None,
) -> TrainingSet:
    """Create a training set, or update ``training_set``, holding exactly ``golds``."""
    name = name.strip()
    if not name:
        raise ValidationError("a training set needs a name")
    if not schemes_for(agency).filter(pk=scheme.pk).exists():
        raise ValidationError(f"{scheme.name} belongs to another agency")
    if (
        training_set is not None
        and training_set.scheme_id != scheme.pk
        and training_set.attempts.exists()
    ):
        raise ValidationError("coders have calibrated on this set; its scheme stays")
    clash = TrainingSet.objects.filter(agency=agency, name=name)
    if training_set is not None:
        clash = clash.exclude(pk=training_set.pk)
    if clash.exists():
        raise ValidationError(f"a training set named {name!r} already exists")
    if not golds:
        raise ValidationError("choose at least one gold standard")
    _check_golds(agency, scheme, golds)
    with transaction.atomic():
        # Lock the golds and check again: one unmarked meanwhile cannot become an item.
        kinds = dict(
            Coding.objects.select_for_update()
            .filter(pk__in=[g.pk for g in golds])
            .values_list("pk", "kind")
        )
        if any(kinds.get(g.pk) != CodingKind.GOLD for g in golds):
            raise ValidationError("a chosen coding is no longer a gold standard; choose again")
        created = training_set is None
        if created:
            training_set = TrainingSet(agency=agency, created_by=actor)
        training_set.name = name
        training_set.description = description.strip()
        training_set.scheme = scheme
        training_set.save()
        training_set.items.exclude(gold__in=golds).delete()
        kept = set(training_set.items.values_list("gold_id", flat=True))
        TrainingItem.objects.bulk_create(
            [
                TrainingItem(training_set=training_set, transcript_id=g.transcript_id, gold=g)
                for g in golds
                if g.pk not in kept
            ]
        )
        audit_record(
            actor=actor,
            action="training_set.create" if created else "training_set.update",
            agency=agency,
            target=training_set,
            details={"golds": sorted(g.pk for g in golds)},
        )
    return training_set


def training_set_delete(*, training_set: TrainingSet, actor: User) -> None:
    if training_set.attempts.exists():
        raise ValidationError("coders have calibrated on this set; deleting it would lose history")
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="training_set.delete",
            agency=training_set.agency,
            target=training_set,
        )
        training_set.delete()
