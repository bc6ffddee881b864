"""What every API view shares: no caching anywhere, writes in the audit log, query parameters
validated as input."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from api.models import AccessToken
from api.problems import PROBLEM_CONTENT_TYPE, TYPE_PREFIX
from api.services import token_write_record

NO_STORE = "no-store"


def no_store(response: HttpResponse) -> HttpResponse:
    # Session text is health data: no browser or proxy keeps a copy of any API answer.
    response["Cache-Control"] = NO_STORE
    return response


class NoStoreMixin:
    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        return no_store(super().finalize_response(request, response, *args, **kwargs))


class ApiView(NoStoreMixin, APIView):
    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        # Only a request that got as far as authenticating: reading ``request.auth`` here
        # would authenticate now, after the view, and could raise.
        token = request.__dict__.get("_auth")
        if isinstance(token, AccessToken) and request.method not in SAFE_METHODS:
            token_write_record(
                token=token,
                method=request.method,
                path=request.get_full_path(),
                status=response.status_code,
            )
        return response

    def params(self, serializer_class: type[Serializer]) -> dict[str, Any]:
        """The query parameters, validated: 400 with every problem otherwise."""
        serializer = serializer_class(data=self.request.query_params)
        # Left to DRF, ``?status=`` would mean no filter at all; say instead that it is empty.
        empty = {
            name: ["This parameter is empty; give it a value or leave it out."]
            for name, values in self.request.query_params.lists()
            if name in serializer.fields and "" in values
        }
        if empty:
            raise ValidationError(empty)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def body(self, serializer_class: type[Serializer]) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


def form_data(params: dict[str, Any], names: tuple[str, ...]) -> QueryDict:
    """Validated parameters as a page's form reads them, so that the API applies the page's
    own rules (choices limited to the agency, cross-field checks)."""
    data = QueryDict(mutable=True)
    for name in names:
        value = params.get(name)
        if isinstance(value, list):
            data.setlist(name, [str(item) for item in value])
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value)
    return data


def form_problems(form: Form) -> ValidationError:
    return ValidationError(
        {
            "non_field_errors" if name == "__all__" else name: list(errors)
            for name, errors in form.errors.items()
        }
    )


def login_optional(view: Any) -> Any:
    """API views authenticate their own way (tokens), so the site's sign-in page never
    answers for them."""
    return login_not_required(view)


@csrf_exempt
def unknown_path(request: HttpRequest, path: str = "") -> HttpResponse:
    """404 as a problem for any address under /api/v1/ that names no operation; the root
    itself points to the schema and its documentation."""
    if not path and request.method == "GET":
        return no_store(
            JsonResponse({"schema": reverse("api:schema"), "docs": reverse("api:docs")})
        )
    return no_store(
        JsonResponse(
            {
                "type": TYPE_PREFIX + "not_found",
                "title": "Not found",
                "status": 404,
                "detail": "No operation has this address; the schema at /api/v1/schema/ "
                "lists them all.",
            },
            status=404,
            content_type=PROBLEM_CONTENT_TYPE,
        )
    )
