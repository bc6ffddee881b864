from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render

from accounts.access import (
    Cap,
    can,
    current_agency,
    current_agency_with,
    get_practitioner_for_user,
    practitioners_visible_to,
    role_in,
    teams_visible_to,
)
from accounts.models import Agency
from accounts.services import audit_record
from dashboards import queues, selectors
from dashboards.forms import AuditFilterForm
from mi_coding.pagination import paginate
from mi_coding.tabular import FORMATS, table_response

AUDIT_PAGE_SIZE = 50


def home(request: HttpRequest) -> HttpResponse:
    """What this user should look at first, by their role in the current agency."""
    agency = current_agency(request)
    if agency is None:
        return render(request, "dashboards/no_agency.html")
    user = request.user
    context: dict = {
        "agency": agency,
        "role": role_in(user, agency.pk),
        "own": queues.own_feedback(user, agency),
        "can_manage": can(user, agency.pk, Cap.MANAGE_AGENCY),
        "can_supervise": can(user, agency.pk, Cap.SUPERVISE),
        "can_code": can(user, agency.pk, Cap.CODE),
        "can_research": can(user, agency.pk, Cap.RELIABILITY),
        "can_export": can(user, agency.pk, Cap.EXPORT),
        "can_dashboards": can(user, agency.pk, Cap.DASHBOARDS),
    }
    if context["can_code"]:
        context["queue"] = queues.coder_queue(user, agency)
    if context["can_supervise"]:
        recent = queues.recent_submissions(user, agency)
        scheme = selectors.default_scheme(selectors.schemes_for_agency(agency))
        watch, concerns = (
            queues.practitioners_below_fair(user, agency, scheme) if scheme else ([], [])
        )
        context |= {
            "recent": recent[: queues.LIST_LIMIT],
            "recent_more": len(recent) > queues.LIST_LIMIT,
            "recent_days": queues.RECENT_DAYS,
            "watch_scheme": scheme,
            "watch": watch,
            "concerns": concerns,
            "unassigned": queues.unassigned_transcript_count(user, agency),
        }
    elif context["can_research"]:
        context["research"] = queues.research_counts(user, agency)
    return render(request, "dashboards/home.html", context)


def practitioner_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    from dashboards import charts  # plotly: loaded by the pages that chart, not by every worker

    practitioner = get_practitioner_for_user(request.user, pk)
    requested = request.GET.get("scheme") or None
    data = selectors.practitioner_dashboard(request.user, practitioner, requested)
    figures = [
        {
            "id": f"chart-{definition.slug}",
            "definition": definition,
            "summary": data.summary.get(definition.slug),
            "figure": charts.score_over_time(definition, data.sessions, data.scale_ranges),
        }
        for definition in data.definitions
    ]
    return render(
        request,
        "dashboards/practitioner.html",
        {
            "practitioner": practitioner,
            "data": data,
            "charts": figures,
            "undated": sum(1 for s in data.sessions if s.coding.transcript.session_date is None),
            "unknown_scheme": requested
            if requested and (data.scheme is None or data.scheme.slug != requested)
            else None,
            "can_assign": can(request.user, practitioner.agency_id, Cap.SUPERVISE),
        },
    )


def my_dashboard(request: HttpRequest) -> HttpResponse:
    """The signed-in practitioner's own dashboard in the current agency."""
    agency = current_agency(request)
    practitioner = (
        practitioners_visible_to(request.user).filter(agency=agency, user=request.user).first()
        if agency is not None
        else None
    )
    if practitioner is None:
        raise Http404
    return redirect("dashboards:practitioner", practitioner.pk)


def _audit_form(request: HttpRequest, agency: Agency) -> AuditFilterForm:
    return AuditFilterForm(
        request.GET or None,
        schemes=selectors.schemes_for_agency(agency),
        teams=list(teams_visible_to(request.user).filter(agency=agency)),
    )


def _sort(request: HttpRequest, audit: selectors.Audit) -> tuple[str, bool]:
    key = request.GET.get("sort", "name")
    if not selectors.sort_key_valid(key, audit.definitions):
        key = "name"
    return key, request.GET.get("dir") == "desc"


def agency_audit(request: HttpRequest) -> HttpResponse:
    from dashboards import charts

    agency = current_agency_with(request, Cap.DASHBOARDS)
    form = _audit_form(request, agency)
    filters = form.filters()
    if filters is None:
        return render(request, "dashboards/audit.html", {"agency": agency, "form": form})
    audit = selectors.agency_audit(request.user, agency, filters)
    sort, descending = _sort(request, audit)
    spreads = [
        {
            "id": f"spread-{spread.definition.slug}",
            "spread": spread,
            "figure": charts.score_spread(
                spread.definition, spread.points, spread.distribution, audit.scale_ranges
            ),
        }
        for spread in audit.spreads
    ]
    return render(
        request,
        "dashboards/audit.html",
        {
            "agency": agency,
            "form": form,
            "audit": audit,
            "page": paginate(
                request, selectors.sort_rows(audit.rows, sort, descending), AUDIT_PAGE_SIZE
            ),
            "sort": sort,
            "descending": descending,
            "spreads": spreads,
            "export_query": request.GET.urlencode(),
            "can_assign": can(request.user, agency.pk, Cap.SUPERVISE),
        },
    )


def audit_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The audit table as CSV or XLSX, with the page's filters and order; written to the
    audit log."""
    if fmt not in FORMATS:
        raise Http404
    agency = current_agency_with(request, Cap.DASHBOARDS)
    form = _audit_form(request, agency)
    if form.is_bound and not form.is_valid():
        errors = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        return HttpResponseBadRequest(f"Invalid filters: {errors}", content_type="text/plain")
    filters = form.filters()
    if filters is None:
        raise Http404
    audit = selectors.agency_audit(request.user, agency, filters)
    sort, descending = _sort(request, audit)
    audit.rows = selectors.sort_rows(audit.rows, sort, descending)
    columns, rows = selectors.audit_table(audit)
    audit_record(
        actor=request.user,
        action="dashboards.export",
        agency=agency,
        details={**filters.as_details(), "format": fmt, "rows": len(rows)},
    )
    return table_response(fmt, f"fidelity-{agency.slug}-{filters.scheme.slug}", columns, rows)
