from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import (
    Cap,
    codings_visible_to,
    current_agency,
    get_practitioner_for_user,
    practitioners_visible_to,
    require,
    role_in,
    transcripts_visible_to,
)
from coding.models import CodingStatus
from coding.selectors import coding_results, score_definitions
from mi_coding.pagination import paginate


def home(request: HttpRequest) -> HttpResponse:
    agency = current_agency(request)
    if agency is None:
        return render(request, "dashboards/no_agency.html", status=200)
    role = role_in(request.user, agency.pk)
    own_codings = (
        codings_visible_to(request.user)
        .filter(coder=request.user, transcript__agency=agency, status=CodingStatus.IN_PROGRESS)
        .select_related("transcript", "scheme")[:10]
    )
    context = {
        "agency": agency,
        "role": role,
        "own_codings": own_codings,
        "recent_transcripts": transcripts_visible_to(request.user)
        .filter(agency=agency)
        .for_list()[:8],
        "own_practitioners": practitioners_visible_to(request.user).filter(
            agency=agency, user=request.user
        ),
    }
    return render(request, "dashboards/home.html", context)


def practitioner_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    practitioner = get_practitioner_for_user(request.user, pk)
    codings = list(
        codings_visible_to(request.user)
        .filter(transcript__practitioner=practitioner, status=CodingStatus.SUBMITTED)
        .select_related("transcript", "scheme", "coder")
        .order_by("transcript__session_date", "pk")
    )
    definitions = {
        scheme.pk: score_definitions(scheme, practitioner.agency)
        for scheme in {coding.scheme for coding in codings}
    }
    return render(
        request,
        "dashboards/practitioner.html",
        {
            "practitioner": practitioner,
            "results": coding_results(codings, definitions),
            "definitions": definitions,
        },
    )


def agency_audit(request: HttpRequest) -> HttpResponse:
    agency = current_agency(request)
    if agency is None:
        raise Http404
    require(request.user, agency.pk, Cap.DASHBOARDS)
    practitioners = practitioners_visible_to(request.user).filter(agency=agency)
    return render(
        request,
        "dashboards/audit.html",
        {"agency": agency, "page": paginate(request, practitioners)},
    )
