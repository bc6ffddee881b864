"""Every API error as ``application/problem+json`` (RFC 9457): a type, a title, the status, a
detail a person can act on, and the fields at fault.

Services refuse with Django's ``ValidationError`` and parsers with ``ParseError``; both become
400 here, so views translate nothing by hand.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import got_request_exception
from django.http import HttpRequest
from django.urls import reverse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from mi_coding.errors import validation_message
from transcripts.parsers import ParseError

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:mi-coding:problem:"
logger = logging.getLogger("django.request")

TITLES = {
    400: "The request is not valid",
    401: "A valid token is needed",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    413: "Too large",
    415: "Unsupported media type",
    429: "Too many requests",
    500: "Server error",
}


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


def problem(
    status_code: int,
    detail: str,
    *,
    code: str = "",
    errors: list[dict[str, str]] | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": TYPE_PREFIX + (code or "error"),
        "title": TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    body.update(extra or {})
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def field_errors(detail: Any, prefix: str = "") -> Iterator[dict[str, str]]:
    """DRF's nested error detail as a flat list of {field, detail}; ``field`` names the place
    as a path (``utterances[2].text``), empty for the request as a whole."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            if isinstance(key, int):  # an item of a list of objects, as DRF reports it
                yield from field_errors(value, f"{prefix}[{key}]")
                continue
            name = "" if key in ("non_field_errors", "") else str(key)
            yield from field_errors(
                value, f"{prefix}.{name}" if prefix and name else prefix or name
            )
    elif isinstance(detail, list):
        if all(isinstance(item, str) for item in detail):
            for item in detail:
                yield {"field": prefix, "detail": str(item)}
        else:
            for index, item in enumerate(detail):
                if item:
                    yield from field_errors(item, f"{prefix}[{index}]")
    else:
        yield {"field": prefix, "detail": str(detail)}


def _summary(errors: list[dict[str, str]]) -> str:
    lines = [f"{e['field']}: {e['detail']}" if e["field"] else e["detail"] for e in errors]
    if len(lines) > 3:
        return "; ".join(lines[:3]) + f"; and {len(lines) - 3} more (see errors)"
    return "; ".join(lines)


def _code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError({"non_field_errors": [validation_message(exc)]})
    elif isinstance(exc, ParseError):
        exc = exceptions.ValidationError({"file": [str(exc)]})
    elif isinstance(exc, RequestDataTooBig):
        exc = BodyTooLarge(
            f"The body is larger than the {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes allowed; "
            "send a transcript as a file to /api/v1/transcripts/files/, or less at once."
        )
    elif isinstance(exc, SuspiciousOperation):
        # Django's own guards on a body (too many fields or files): the client's fault.
        exc = exceptions.ParseError(f"The body was refused: {exc}")
    elif isinstance(exc, RecursionError):
        exc = exceptions.ParseError("The JSON is nested too deeply.")
    response = drf_exception_handler(exc, context)
    if response is None:
        request = context.get("request")
        django_request: HttpRequest | None = getattr(request, "_request", None)
        logger.error(
            "Internal Server Error: %s",
            getattr(django_request, "path", "?"),
            exc_info=exc,
            extra={"status_code": 500, "request": django_request},
        )
        got_request_exception.send(sender=None, request=django_request)
        return problem(
            500, "Something went wrong on our side; the request changed nothing. Try again later."
        )
    headers = {
        name: value
        for name, value in response.items()
        if name in ("WWW-Authenticate", "Retry-After", "Allow")
    }
    if isinstance(exc, exceptions.ValidationError):
        errors = list(field_errors(exc.detail))
        return problem(
            status.HTTP_400_BAD_REQUEST,
            _summary(errors) or "The request is not valid.",
            code="invalid",
            errors=errors,
            headers=headers,
        )
    if isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait or 1)
        return problem(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"Too many requests with this token. Try again in {wait} second"
            f"{'' if wait == 1 else 's'}.",
            code="throttled",
            extra={"retry_after": wait},
            headers={**headers, "Retry-After": str(wait)},
        )
    if isinstance(exc, exceptions.NotAuthenticated):
        return problem(
            response.status_code,
            "Send a personal access token as 'Authorization: Bearer <token>'; create one under "
            f"API tokens in the user menu ({reverse('api:tokens')}).",
            code="not_authenticated",
            headers=headers,
        )
    if isinstance(exc, exceptions.APIException):
        detail = (
            exc.detail if isinstance(exc.detail, str) else _summary(list(field_errors(exc.detail)))
        )
        return problem(response.status_code, str(detail), code=_code(exc), headers=headers)
    # Http404 and Django's PermissionDenied, which DRF answered with its own words.
    code = "not_found" if response.status_code == 404 else "permission_denied"
    detail = (
        "No such object, or none that this token may see."
        if response.status_code == 404
        else "This token's role does not allow this."
    )
    return problem(response.status_code, detail, code=code, headers=headers)
