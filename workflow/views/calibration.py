"""Calibration: coders practise against gold standards; supervisors follow their drift and
allow retakes."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.access import Cap, can, current_agency_with, get_object_or_404_in
from mi_coding.errors import perform, validation_message
from workflow.models import CalibrationAttempt, CalibrationRetake, TrainingSet
from workflow.selectors.calibration import (
    attempts_of,
    drift_by_coder,
    retake_permission_of,
    retake_permissions_of,
    training_sets_of,
)
from workflow.services.calibration import (
    calibration_finish,
    calibration_retake_allow,
    calibration_retake_withdraw,
    calibration_start,
)


@dataclass(frozen=True)
class SetRow:
    """A training set as one coder stands with it."""

    training_set: TrainingSet
    open_attempt: CalibrationAttempt | None
    taken: bool  # finished once: the next attempt needs a supervisor's permission
    permission: CalibrationRetake | None


def calibration(request: HttpRequest) -> HttpResponse:
    from workflow.charts import drift_figure  # plotly: loaded by the page that charts

    agency = current_agency_with(request, Cap.CODE)
    supervising = can(request.user, agency.pk, Cap.SUPERVISE)
    mine = attempts_of(agency, request.user)
    open_sets = {a.training_set_id: a for a in mine if not a.is_finished}
    taken = {a.training_set_id for a in mine if a.is_finished}
    allowed = {p.training_set_id: p for p in retake_permissions_of(agency, request.user)}
    sets = [
        SetRow(s, open_sets.get(s.pk), s.pk in taken, allowed.get(s.pk))
        for s in training_sets_of(agency)
    ]
    everyone = attempts_of(agency) if supervising else mine
    drift = drift_by_coder(everyone)
    return render(
        request,
        "workflow/calibration.html",
        {
            "agency": agency,
            "sets": sets,
            "mine": mine,
            "supervising": supervising,
            "retakes": list(retake_permissions_of(agency)) if supervising else [],
            "drift": drift,
            "drift_figure": drift_figure(drift, agency.calibration_pass_kappa) if drift else None,
        },
    )


@require_POST
def calibration_begin(request: HttpRequest, pk: int) -> HttpResponse:
    agency = current_agency_with(request, Cap.CODE)
    training_set = get_object_or_404_in(training_sets_of(agency), pk)
    try:
        attempt = calibration_start(training_set=training_set, coder=request.user)
    except ValidationError as exc:
        messages.error(request, validation_message(exc))
        return redirect("workflow:calibration")
    return redirect("workflow:attempt", attempt.pk)


def _attempt_for(request: HttpRequest, pk: int) -> CalibrationAttempt:
    """The user's own attempt, or any attempt of the agency for a supervisor."""
    agency = current_agency_with(request, Cap.CODE)
    attempt = get_object_or_404_in(attempts_of(agency), pk)
    if attempt.coder_id != request.user.pk and not can(request.user, agency.pk, Cap.SUPERVISE):
        raise Http404
    return attempt


def calibration_attempt(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _attempt_for(request, pk)
    items = list(attempt.items.all())
    # After a finished attempt: the coder's next one, open now, or the permission for it.
    retaking = permission = None
    if attempt.is_finished:
        retaking = CalibrationAttempt.objects.filter(
            training_set_id=attempt.training_set_id,
            coder_id=attempt.coder_id,
            finished_at__isnull=True,
        ).first()
        if retaking is None:
            permission = retake_permission_of(attempt.training_set, attempt.coder)
    return render(
        request,
        "workflow/calibration_attempt.html",
        {
            "attempt": attempt,
            "items": items,
            "all_submitted": all(item.coding.is_submitted for item in items),
            "own": attempt.coder_id == request.user.pk,
            "supervising": can(request.user, attempt.agency_id, Cap.SUPERVISE),
            "retaking": retaking,
            "permission": permission,
        },
    )


@require_POST
def calibration_complete(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _attempt_for(request, pk)
    if attempt.coder_id != request.user.pk:
        raise Http404
    perform(request, lambda: calibration_finish(attempt=attempt, actor=request.user))
    return redirect("workflow:attempt", attempt.pk)


@require_POST
def retake_allow(request: HttpRequest, pk: int) -> HttpResponse:
    """Allow the coder of attempt ``pk`` one more attempt of its training set."""
    agency = current_agency_with(request, Cap.SUPERVISE)
    attempt = get_object_or_404_in(attempts_of(agency), pk)
    perform(
        request,
        lambda: calibration_retake_allow(
            training_set=attempt.training_set, coder=attempt.coder, actor=request.user
        ),
        f"{attempt.coder.username} may retake {attempt.training_set.name} once.",
    )
    return redirect("workflow:attempt", attempt.pk)


@require_POST
def retake_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    agency = current_agency_with(request, Cap.SUPERVISE)
    permission = get_object_or_404_in(
        CalibrationRetake.objects.filter(agency=agency).select_related("coder", "training_set"),
        pk,
    )
    perform(
        request,
        lambda: calibration_retake_withdraw(permission=permission, actor=request.user),
        f"{permission.coder.username} may no longer retake {permission.training_set.name}.",
    )
    return redirect("workflow:calibration")
