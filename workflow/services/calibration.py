"""Calibration: a coder codes a training set and is held against its gold standards."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import audit_record
from coding.models import Coding, CodingKind
from workflow.models import CalibrationAttempt, CalibrationCoding, CalibrationRetake, TrainingSet
from workflow.selectors.calibration import calibration_data, retake_permission_of
from workflow.services.codings import coding_start


def calibration_start(*, training_set: TrainingSet, coder: User) -> CalibrationAttempt:
    """Open an attempt with one calibration coding per gold standard; an open attempt of the
    same set is returned as it is. Once the coder has finished an attempt of the set (and so
    seen its gold standards), the next one needs a supervisor's permission, which it uses."""
    with transaction.atomic():
        # Starts of one set take turns: two tabs cannot open two attempts or use one
        # permission twice.
        TrainingSet.objects.select_for_update().filter(pk=training_set.pk).exists()
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
        permission = None
        if CalibrationAttempt.objects.filter(
            training_set=training_set, coder=coder, finished_at__isnull=False
        ).exists():
            permission = retake_permission_of(training_set, coder)
            if permission is None:
                raise ValidationError(
                    f"you have taken {training_set.name} and seen its gold standards; ask a "
                    "supervisor to allow a retake"
                )
        attempt = CalibrationAttempt.objects.create(
            agency=training_set.agency,
            training_set=training_set,
            coder=coder,
            retake=permission is not None,
        )
        if permission is not None:
            permission.attempt = attempt
            permission.save(update_fields=["attempt"])
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
        details = {"training_set": training_set.name, "transcripts": len(items)}
        if permission is not None:
            details["retake"] = True
            details["allowed_by"] = getattr(permission.allowed_by, "username", None)
        audit_record(
            actor=coder,
            action="calibration.start",
            agency=training_set.agency,
            target=attempt,
            details=details,
        )
    return attempt


def calibration_retake_allow(
    *, training_set: TrainingSet, coder: User, actor: User
) -> CalibrationRetake:
    """Let ``coder``, who has finished an attempt of ``training_set``, take it once more."""
    with transaction.atomic():
        TrainingSet.objects.select_for_update().filter(pk=training_set.pk).exists()
        attempts = CalibrationAttempt.objects.filter(training_set=training_set, coder=coder)
        if not attempts.filter(finished_at__isnull=False).exists():
            raise ValidationError(
                f"{coder.username} has not finished {training_set.name}: there is nothing to "
                "retake yet"
            )
        if attempts.filter(finished_at__isnull=True).exists():
            raise ValidationError(f"{coder.username} is taking {training_set.name} now")
        if retake_permission_of(training_set, coder) is not None:
            raise ValidationError(f"{coder.username} may already retake {training_set.name} once")
        permission = CalibrationRetake.objects.create(
            agency=training_set.agency, training_set=training_set, coder=coder, allowed_by=actor
        )
        audit_record(
            actor=actor,
            action="calibration.retake_allow",
            agency=training_set.agency,
            target=permission,
            details={"coder": coder.username, "training_set": training_set.name},
        )
    return permission


def calibration_retake_withdraw(*, permission: CalibrationRetake, actor: User) -> None:
    """Take back a permission the coder has not used yet."""
    with transaction.atomic():
        TrainingSet.objects.select_for_update().filter(pk=permission.training_set_id).exists()
        if CalibrationRetake.objects.filter(pk=permission.pk, attempt__isnull=False).exists():
            raise ValidationError(
                f"{permission.coder.username} has started the retake; it stays in the history"
            )
        audit_record(
            actor=actor,
            action="calibration.retake_withdraw",
            agency=permission.agency,
            target=permission,
            details={
                "coder": permission.coder.username,
                "training_set": permission.training_set.name,
            },
        )
        permission.delete()


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
        # Finishing twice at once (two tabs) keeps one verdict.
        finished_at = (
            CalibrationAttempt.objects.select_for_update()
            .filter(pk=attempt.pk)
            .values_list("finished_at", flat=True)
            .get()
        )
        if finished_at is not None:
            raise ValidationError("this calibration is already finished")
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
                "retake": attempt.retake,
            },
        )
    return attempt
