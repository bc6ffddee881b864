"""Calibration: a coder codes a training set and is held against its gold standards."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from accounts.services import audit_record
from coding.models import Coding, CodingKind
from coding.services.codings import coding_create
from workflow.models import CalibrationAttempt, CalibrationCoding, TrainingSet


def calibration_start(*, training_set: TrainingSet, coder: User) -> CalibrationAttempt:
    """Open an attempt with one calibration coding per gold standard; an open attempt of the
    same set is returned as it is."""
    existing = CalibrationAttempt.objects.filter(
        training_set=training_set, coder=coder, finished_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    items = list(training_set.items.select_related("gold", "transcript"))
    if not items:
        raise ValidationError("this training set has no gold standards yet")
    seen = list(
        Coding.objects.filter(transcript__in=[item.transcript for item in items], coder=coder)
        .exclude(kind=CodingKind.CALIBRATION)
        .select_related("transcript")
    )
    if seen:
        titles = ", ".join(sorted({c.transcript.label for c in seen}))
        raise ValidationError(
            f"you have coded {titles} yourself, so it cannot test you; ask a supervisor for "
            "another training set"
        )
    with transaction.atomic():
        attempt = CalibrationAttempt.objects.create(
            agency=training_set.agency, training_set=training_set, coder=coder
        )
        CalibrationCoding.objects.bulk_create(
            [
                CalibrationCoding(
                    attempt=attempt,
                    gold=item.gold,
                    coding=coding_create(
                        transcript=item.transcript,
                        scheme=training_set.scheme,
                        coder=coder,
                        kind=CodingKind.CALIBRATION,
                    ),
                )
                for item in items
            ]
        )
        audit_record(
            actor=coder,
            action="calibration.start",
            agency=training_set.agency,
            target=attempt,
            details={"training_set": training_set.name, "transcripts": len(items)},
        )
    return attempt


def calibration_finish(*, attempt: CalibrationAttempt, actor: User) -> CalibrationAttempt:
    raise ValidationError("calibration results are not available yet")
