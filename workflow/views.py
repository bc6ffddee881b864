from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import Cap, agency_ids_with, current_agency, require
from coding.models import Coding
from workflow.models import Assignment


def coder_queue(request: HttpRequest) -> HttpResponse:
    """What the signed-in coder has to code, is coding and has submitted."""
    if not agency_ids_with(request.user, Cap.CODE):
        raise Http404
    assignments = Assignment.objects.filter(
        coder=request.user, agency_id__in=agency_ids_with(request.user, Cap.CODE)
    ).select_related("transcript", "transcript__practitioner", "scheme", "coding")
    codings = Coding.objects.filter(
        coder=request.user, transcript__agency_id__in=agency_ids_with(request.user, Cap.CODE)
    ).select_related("transcript", "scheme")
    return render(request, "workflow/queue.html", {"assignments": assignments, "codings": codings})


def assignment_overview(request: HttpRequest) -> HttpResponse:
    agency = current_agency(request)
    if agency is None:
        raise Http404
    require(request.user, agency.pk, Cap.SUPERVISE)
    assignments = Assignment.objects.filter(agency=agency).select_related(
        "transcript", "coder", "scheme", "coding"
    )
    return render(request, "workflow/overview.html", {"assignments": assignments})
