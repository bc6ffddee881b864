"""Who the token acts as, and the schemes whose names the other operations use."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.access import role_in
from api import serializers as s
from api.permissions import token_of
from api.selectors import scheme_rows
from api.views.base import ApiView


class Me(ApiView):
    @extend_schema(
        operation_id="me_read",
        summary="Who this token acts as",
        description="The owner, the token's agency, the owner's role there now (which bounds "
        "what the token may do), the token's scope and when it expires.",
        responses=s.MeOut,
    )
    def get(self, request: Request) -> Response:
        token = token_of(request)
        return Response(
            {
                "username": request.user.username,
                "agency": {"slug": token.agency.slug, "name": token.agency.name},
                "role": role_in(request.user, token.agency_id),
                "scope": token.scope,
                "token": token.prefix,
                "expires_at": token.expires_at,
            }
        )


class Schemes(ApiView):
    @extend_schema(
        operation_id="schemes_list",
        summary="Coding schemes this agency may use",
        description="Each scheme's slug (the `scheme` parameter elsewhere) and the names of its "
        "code counts, globals and summary scores (the columns of scores).",
        responses=s.SchemeList,
    )
    def get(self, request: Request) -> Response:
        return Response({"results": scheme_rows(token_of(request).agency)})
