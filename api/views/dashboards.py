"""Practitioners, a practitioner's dashboard series and the fidelity overview, from the
selectors of the dashboards (loaded inside the views: they compute with pandas)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.access import (
    Cap,
    get_practitioner_for_user,
    practitioners_visible_to,
    teams_visible_to,
)
from accounts.models import Practitioner
from accounts.services import audit_record
from api import serializers as s
from api.pagination import Key, in_order, page_of
from api.permissions import agency_with, token_of
from api.selectors import dashboard_body, practitioner_row
from api.views.base import ApiView, form_data, form_problems


class PractitionerCollection(ApiView):
    @extend_schema(
        operation_id="practitioners_list",
        summary="Practitioners whose dashboards this token may read",
        parameters=[s.PageParams],
        responses=s.PractitionerPage,
    )
    def get(self, request: Request) -> Response:
        params = self.params(s.PageParams)
        practitioners = practitioners_visible_to(request.user).filter(
            agency=token_of(request).agency
        )
        page = page_of(request, practitioners, [Key("pk", int)], params)
        objects = Practitioner.objects.select_related("team").in_bulk(page.ids)
        return Response(
            {
                "results": [practitioner_row(p) for p in in_order(objects, page.ids)],
                "next": page.next,
            }
        )


class PractitionerDashboard(ApiView):
    @extend_schema(
        operation_id="practitioners_dashboard",
        summary="A practitioner's dashboard: sessions of record over time",
        description="Each session's score of record with one scheme, in date order, with its "
        "counts, globals, summary scores and bands against the agency's thresholds; and per "
        "summary score the latest, mean, shares at fair and good, and the trend.",
        parameters=[s.DashboardParams],
        responses=s.DashboardOut,
    )
    def get(self, request: Request, pk: int) -> Response:
        from dashboards.selectors import practitioner_dashboard

        practitioner = get_practitioner_for_user(request.user, pk)
        params = self.params(s.DashboardParams)
        requested = params.get("scheme")
        dashboard = practitioner_dashboard(request.user, practitioner, requested)
        if requested and (dashboard.scheme is None or dashboard.scheme.slug != requested):
            used = ", ".join(scheme.slug for scheme, _ in dashboard.schemes) or "none"
            raise ValidationError(
                {"scheme": [f"No sessions of record with {requested!r}; schemes used: {used}."]}
            )
        return Response(dashboard_body(dashboard))


class Fidelity(ApiView):
    @extend_schema(
        operation_id="fidelity_read",
        summary="The fidelity overview: one row per practitioner",
        description="The table of the Fidelity page's CSV export, with the same filters and "
        "columns: `practitioner_id, practitioner, team, active, scheme, sessions, "
        "sessions_<kind>…, first_session, latest_session`, then per summary score "
        "`<slug>_latest, <slug>_latest_band, <slug>_mean, <slug>_share_fair, "
        "<slug>_share_good, <slug>_slope, <slug>_trend`.",
        parameters=[s.FidelityParams],
        responses=s.FidelityOut,
    )
    def get(self, request: Request) -> Response:
        from dashboards import selectors
        from dashboards.forms import AuditFilterForm

        agency = agency_with(request, Cap.DASHBOARDS)
        params = self.params(s.FidelityParams)
        form = AuditFilterForm(
            form_data(params, ("scheme", "team", "date_from", "date_to")),
            schemes=selectors.schemes_for_agency(agency),
            teams=list(teams_visible_to(request.user).filter(agency=agency)),
        )
        if not form.is_valid():
            raise form_problems(form)
        filters = form.filters()
        if filters is None:
            raise ValidationError({"scheme": ["This agency has no coding scheme."]})
        audit = selectors.agency_audit(request.user, agency, filters)
        sort = params.get("sort") or "name"
        if not selectors.sort_key_valid(sort, audit.definitions):
            raise ValidationError(
                {
                    "sort": [
                        f"Cannot sort by {sort!r}; use name, team, sessions, latest_date or "
                        "<score slug>.<latest|mean|fair|good|trend>."
                    ]
                }
            )
        audit.rows = selectors.sort_rows(audit.rows, sort, params["descending"])
        columns, rows = selectors.audit_table(audit)
        audit_record(
            actor=request.user,
            action="dashboards.export",
            agency=agency,
            details={**filters.as_details(), "format": "json", "via": "api", "rows": len(rows)},
        )
        return Response(
            {
                "scheme": filters.scheme.slug,
                "filters": filters.as_details(),
                "columns": columns,
                "results": rows,
            }
        )
