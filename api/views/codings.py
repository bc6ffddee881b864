"""Codings: the list and one coding with its codes, notes and globals, as far as blinding and
the owner's role allow (workflow/visibility.py)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from api import serializers as s
from api.lookups import scheme_in, sessions_filtered
from api.pagination import Key, in_order, page_of
from api.permissions import token_of
from api.selectors import CODING_RELATED, coding_detail, coding_row
from api.views.base import ApiView
from coding.models import Coding
from coding.selectors import sees_private_notes
from workflow.visibility import codings_visible_to, get_coding_for_user


class CodingCollection(ApiView):
    @extend_schema(
        operation_id="codings_list",
        summary="Codings this token may see",
        description="A coder sees their own codings, and others' only where the agency lifts "
        "blinding once every coding of a transcript is submitted.",
        parameters=[s.CodingListParams],
        responses=s.CodingPage,
    )
    def get(self, request: Request) -> Response:
        params = self.params(s.CodingListParams)
        agency = token_of(request).agency
        codings = codings_visible_to(request.user).filter(transcript__agency=agency)
        if "transcript" in params:
            codings = codings.filter(transcript_id=params["transcript"])
        if "scheme" in params:
            codings = codings.filter(scheme=scheme_in(agency, params["scheme"]))
        codings = sessions_filtered(codings, agency, params)
        for field in ("status", "kind"):
            if field in params:
                codings = codings.filter(**{field: params[field]})
        if "coder" in params:
            codings = codings.filter(coder__username=params["coder"])
        page = page_of(request, codings, [Key("pk", int)], params)
        objects = Coding.objects.select_related(*CODING_RELATED).in_bulk(page.ids)
        return Response(
            {"results": [coding_row(c) for c in in_order(objects, page.ids)], "next": page.next}
        )


class CodingDetail(ApiView):
    @extend_schema(
        operation_id="codings_read",
        summary="A coding with its codes, notes, globals and scores",
        responses=s.CodingDetailOut,
    )
    def get(self, request: Request, pk: int) -> Response:
        coding = get_coding_for_user(request.user, pk)
        agency = token_of(request).agency
        private_notes = sees_private_notes(request.user, coding.transcript.agency_id)
        return Response(coding_detail(coding, agency, private_notes=private_notes))
