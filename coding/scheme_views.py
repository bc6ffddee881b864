"""Scheme pages: what a scheme codes and scores, and an agency's own thresholds."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.access import Cap, can, current_agency, require
from accounts.models import Agency
from coding.forms import ThresholdsForm
from coding.models import CodingScheme
from coding.selectors import scheme_layout, schemes_visible_to, score_definitions
from coding.services.schemes import thresholds_update
from mi_coding.errors import validation_message


def _scheme_for(request: HttpRequest, slug: str) -> CodingScheme:
    try:
        return schemes_visible_to(request.user).get(slug=slug)
    except CodingScheme.DoesNotExist as exc:
        raise Http404 from exc


def scheme_list(request: HttpRequest) -> HttpResponse:
    schemes = (
        schemes_visible_to(request.user).select_related("agency").prefetch_related("dimensions")
    )
    return render(
        request,
        "coding/scheme_list.html",
        {"schemes": schemes, "default_scheme": settings.MI_DEFAULT_SCHEME},
    )


def scheme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    scheme = _scheme_for(request, slug)
    agency = current_agency(request)
    layout = scheme_layout(scheme, agency)
    manual = {d.slug: d for d in score_definitions(scheme)}
    dimensions = list(scheme.dimensions.all())
    return render(
        request,
        "coding/scheme_detail.html",
        {
            "scheme": scheme,
            "layout": layout,
            "agency": agency,
            "dimensions": [
                (d, [c for c in layout.codes if c.dimension_id == d.pk]) for d in dimensions
            ],
            "summaries": [(d, manual[d.slug]) for d in layout.summaries],
            "can_set_thresholds": agency is not None
            and can(request.user, agency.pk, Cap.MANAGE_AGENCY),
        },
    )


def _managed_agency(request: HttpRequest) -> Agency:
    agency = current_agency(request)
    if agency is None:
        raise Http404
    require(request.user, agency.pk, Cap.MANAGE_AGENCY)
    return agency


def scheme_thresholds(request: HttpRequest, slug: str) -> HttpResponse:
    agency = _managed_agency(request)
    scheme = _scheme_for(request, slug)
    if scheme.agency_id not in (None, agency.pk):
        raise Http404
    definitions = score_definitions(scheme, agency)
    manual = {d.slug: d for d in score_definitions(scheme)}
    form = ThresholdsForm(request.POST or None, definitions=definitions)
    if request.method == "POST" and form.is_valid():
        try:
            thresholds_update(
                agency=agency, scheme=scheme, thresholds=form.thresholds(), actor=request.user
            )
        except ValidationError as exc:
            messages.error(request, validation_message(exc))
        else:
            messages.success(request, f"Thresholds for {scheme.name} saved for {agency.name}.")
            return redirect("coding:scheme", scheme.slug)
    return render(
        request,
        "coding/thresholds.html",
        {
            "scheme": scheme,
            "agency": agency,
            "rows": [(d, fair, good, manual[d.slug]) for d, fair, good in form.rows()],
            "form": form,
        },
    )
