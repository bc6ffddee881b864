"""Scores, codes and reliability: the rows and JSON of ``manage.py export_scores``,
``export_codes`` and ``reliability``, from the same selectors, for what the token may see.

Exports are written to the audit log, as every export is. The statistics load where they are
computed, inside the view that needs them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.access import Cap, can
from accounts.models import Agency
from accounts.services import audit_record
from api import serializers as s
from api.lookups import scheme_in, sessions_filtered
from api.pagination import Key, page_of
from api.permissions import agency_with, token_of
from api.views.base import ApiView, form_data, form_problems
from coding.models import Coding, CodingScheme
from exchange.selectors import (
    AGENCY,
    MINE,
    codings_for_export,
    codings_readable,
    exportable,
    schemes_in_use,
    score_table,
    utterance_code_table,
)
from workflow.visibility import codings_visible_to, transcripts_visible_to

# The order of the command-line exports: transcript, coder, coding.
EXPORT_ORDER = [Key("transcript_id", int), Key("coder__username", str), Key("pk", int)]


def _export_codings(
    request: Request, params: dict[str, Any]
) -> tuple[Agency, str, CodingScheme | None, QuerySet[Coding]]:
    """As on the Data page: the agency-wide export needs the export capability; any member
    may export their own codings and the codings of their own sessions."""
    agency = token_of(request).agency
    scope = params.get("scope") or (AGENCY if can(request.user, agency.pk, Cap.EXPORT) else MINE)
    if scope == AGENCY:
        agency_with(request, Cap.EXPORT)
    scheme = scheme_in(agency, params["scheme"]) if "scheme" in params else None
    codings = exportable(codings_for_export(request.user, agency, scope), scheme)
    codings = sessions_filtered(codings, agency, params)
    return agency, scope, scheme, codings


def _record(request: Request, agency: Agency, what: str, details: dict[str, Any]) -> None:
    audit_record(
        actor=request.user,
        action=f"export.{what}",
        agency=agency,
        details={"via": "api", "page": bool(request.query_params.get("cursor")), **details},
    )


class Scores(ApiView):
    @extend_schema(
        operation_id="scores_list",
        summary="Scores: one row per coding, as export_scores",
        description="The rows of `manage.py export_scores` with the same columns: "
        "`transcript_id, transcript, practitioner, session_date, coder, scheme, status`, then "
        "one per code count, global and summary score, then `kind` (primary, double, consensus, "
        "gold) and `score_of_record` (true when the row is its session's score of record). "
        "An undefined score is null, never 0. "
        "`columns` lists every column in order; every page has the same columns.",
        parameters=[s.ScoreParams],
        responses=s.ScoresPage,
    )
    def get(self, request: Request) -> Response:
        params = self.params(s.ScoreParams)
        agency, scope, scheme, codings = _export_codings(request, params)
        page = page_of(request, codings, EXPORT_ORDER, params)
        table = score_table(
            Coding.objects.filter(pk__in=page.ids),
            agency,
            scheme,
            column_schemes=schemes_in_use(codings) if scheme is None else (),
            records_among=codings_readable(request.user, agency),
        )
        rows = [{column: row.get(column) for column in table.columns} for row in table.rows]
        _record(
            request,
            agency,
            "scores",
            {"scope": scope, "scheme": scheme.slug if scheme else "", "rows": len(rows)},
        )
        return Response({"columns": table.columns, "results": rows, "next": page.next})


class Codes(ApiView):
    @extend_schema(
        operation_id="codes_list",
        summary="Codes: one row per utterance code, as export_codes",
        description="The rows of `manage.py export_codes`: `coding_id, transcript_id, "
        "transcript, utterance, speaker_role, coder, scheme, dimension, code`, `text` with "
        "`include_text`, then `kind` and `score_of_record` of the row's coding. "
        "A page holds every code of up to `page_size` codings.",
        parameters=[s.CodeParams],
        responses=s.CodesPage,
    )
    def get(self, request: Request) -> Response:
        params = self.params(s.CodeParams)
        agency, scope, scheme, codings = _export_codings(request, params)
        page = page_of(request, codings, EXPORT_ORDER, params)
        table = utterance_code_table(
            Coding.objects.filter(pk__in=page.ids),
            include_text=params["include_text"],
            scheme=scheme,
            records_among=codings_readable(request.user, agency),
        )
        _record(
            request,
            agency,
            "utterance_codes",
            {
                "scope": scope,
                "scheme": scheme.slug if scheme else "",
                "include_text": params["include_text"],
                "rows": len(table.rows),
            },
        )
        return Response({"columns": table.columns, "results": table.rows, "next": page.next})


class Reliability(ApiView):
    @extend_schema(
        operation_id="reliability_read",
        summary="Inter-rater reliability, as manage.py reliability --format json",
        description="Utterance-level agreement per dimension and session-level ICC of every "
        "code count, global and summary score, over the submitted codings this token may see. "
        "A statistic that cannot be computed is null, with a note saying why.",
        parameters=[s.ReliabilityParams],
        responses=s.ReliabilityOut,
    )
    def get(self, request: Request) -> Response:
        from reliability.forms import ReliabilityForm
        from reliability.reports import reliability_report, report_json
        from reliability.selectors import filtered_transcripts, reliability_data

        agency = agency_with(request, Cap.RELIABILITY)
        params = self.params(s.ReliabilityParams)
        codings = codings_visible_to(request.user).filter(transcript__agency=agency)
        form = ReliabilityForm(
            form_data(
                params,
                (
                    "scheme",
                    "coder",
                    "reliability_set",
                    "date_from",
                    "date_to",
                    "team",
                    "practitioner",
                    "include_consensus",
                ),
            ),
            agency=agency,
            codings=codings,
        )
        if not form.is_valid():
            raise form_problems(form)
        data = form.cleaned_data
        visible = transcripts_visible_to(request.user).filter(agency=agency)
        wanted = params.get("transcript") or []
        if wanted:
            missing = sorted(
                set(wanted) - set(visible.filter(pk__in=wanted).values_list("pk", flat=True))
            )
            if missing:
                raise ValidationError(
                    {"transcript": [f"No transcript {', '.join(map(str, missing))} here."]}
                )
        transcripts = filtered_transcripts(
            visible,
            date_from=data["date_from"],
            date_to=data["date_to"],
            team=data["team"],
            practitioner=data["practitioner"],
            reliability_set=data["reliability_set"],
            ids=wanted or None,
        )
        try:
            report = reliability_report(
                reliability_data(
                    codings,
                    scheme=data["scheme"],
                    agency=agency,
                    transcripts=transcripts,
                    coders=form.coder_names,
                    include_consensus=data["include_consensus"],
                )
            )
        except ValueError as exc:
            raise ValidationError({"": [str(exc)]}) from exc
        return Response(report_json(report))
