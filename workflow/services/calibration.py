"""Calibration: a coder codes a training set and is held against its gold standards."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import audit_record
from coding.models import Coding, CodingKind
from workflow.models import CalibrationAttempt, CalibrationCoding, TrainingSet
from workflow.selectors.calibration import calibration_data
from workflow.services.codings import coding_start


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
                    coding=coding_start(
                        transcript=item.transcript,
                        scheme=training_set.scheme,
                        coder=coder,
                        actor=coder,
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
    """Hold the submitted calibration codings against their golds and keep the verdict."""
    from workflow.calibration import calibration_results  # pandas and the statistics

    if attempt.is_finished:
        raise ValidationError("this calibration is already finished")
    open_items = [
        item.coding.transcript.label
        for item in attempt.items.select_related("coding__transcript")
        if not item.coding.is_submitted
    ]
    if open_items:
        raise ValidationError(f"submit every training transcript first: {', '.join(open_items)}")
    data = calibration_data(attempt)
    pass_mark = attempt.agency.calibration_pass_kappa
    results = calibration_results(
        units=data.units, codes=data.codes, transcripts=data.transcripts, pass_mark=pass_mark
    )
    per_transcript = results.pop("per_transcript")
    results["globals"] = data.globals
    results["global_names"] = data.global_names
    with transaction.atomic():
        items = list(attempt.items.select_related("coding"))
        for item in items:
            item.agreement = per_transcript.get(item.coding.transcript_id)
        CalibrationCoding.objects.bulk_update(items, ["agreement"])
        attempt.finished_at = timezone.now()
        attempt.percent_agreement = results["percent_agreement"]
        attempt.mean_kappa = results["mean_kappa"]
        attempt.pass_mark = pass_mark
        attempt.passed = results["passed"]
        attempt.results = results
        attempt.save()
        audit_record(
            actor=actor,
            action="calibration.result",
            agency=attempt.agency,
            target=attempt,
            details={
                "coder": attempt.coder.username,
                "training_set": attempt.training_set.name,
                "mean_kappa": results["mean_kappa"],
                "pass_mark": pass_mark,
                "passed": results["passed"],
            },
        )
    return attempt
