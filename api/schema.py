"""The OpenAPI schema: token authentication, and the problems every operation may answer
with, so that clients (and the property-based tests) know every status they can meet."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

from api.problems import PROBLEM_CONTENT_TYPE, TITLES
from api.serializers import Problem

ERRORS_ALWAYS = (400, 401, 403, 404, 429)
ERRORS_OF_WRITES = (413, 415)


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token, created under API tokens in the user "
            "menu: `Authorization: Bearer mic_…`.",
        }


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        statuses = ERRORS_ALWAYS + (ERRORS_OF_WRITES if self.method in ("POST", "PUT") else ())
        for status in statuses:
            body = self._get_response_for_code(
                Problem, str(status), media_types=[PROBLEM_CONTENT_TYPE], direction=direction
            )
            body["description"] = TITLES[status]
            responses.setdefault(str(status), body)
        return responses
