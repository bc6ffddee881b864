"""Calibration: coders practise against gold standards; supervisors follow their drift."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.access import Cap, can, current_agency_with, get_object_or_404_in
from mi_coding.errors import perform, validation_message
from workflow.models import CalibrationAttempt
from workflow.selectors.calibration import attempts_of, drift_by_coder, training_sets_of
from workflow.services.calibration import calibration_finish, calibration_start


def calibration(request: HttpRequest) -> HttpResponse:
    from workflow.charts import drift_figure  # plotly: loaded by the page that charts

    agency = current_agency_with(request, Cap.CODE)
    supervising = can(request.user, agency.pk, Cap.SUPERVISE)
    mine = attempts_of(agency, request.user)
    open_sets = {a.training_set_id: a for a in mine if not a.is_finished}
    sets = [(s, open_sets.get(s.pk)) for s in training_sets_of(agency)]
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
    return render(
        request,
        "workflow/calibration_attempt.html",
        {
            "attempt": attempt,
            "items": items,
            "all_submitted": all(item.coding.is_submitted for item in items),
            "own": attempt.coder_id == request.user.pk,
        },
    )


@require_POST
def calibration_complete(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _attempt_for(request, pk)
    if attempt.coder_id != request.user.pk:
        raise Http404
    perform(request, lambda: calibration_finish(attempt=attempt, actor=request.user))
    return redirect("workflow:attempt", attempt.pk)
