from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import Cap, agency_ids_with


def reliability_index(request: HttpRequest) -> HttpResponse:
    if not agency_ids_with(request.user, Cap.RELIABILITY):
        raise Http404
    return render(request, "reliability/index.html", {})
