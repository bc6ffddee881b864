"""Agencies may require two-factor sign-in of their admins and supervisors: such a user who
has not set it up reaches nothing but the set-up page (and signing out) until they do."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.access import roles_by_agency
from accounts.two_factor import ROLES_REQUIRING, agencies_requiring, authenticator_of

_ALLOWED = frozenset({"two_factor_setup", "logout", "login", "login_code"})
_MESSAGE = (
    "Your agency requires two-factor sign-in for your role. Set it up on your account page "
    "(Your account → Two-factor sign-in) before going on."
)


def _wants_json(request: HttpRequest) -> bool:
    return (
        "/api/" in request.path_info
        or "application/json" in request.headers.get("Accept", "")
        or request.content_type == "application/json"
    )


def two_factor_missing(request: HttpRequest) -> bool:
    """True when the signed-in user must set up two-factor sign-in and has not."""
    user = request.user
    if not user.is_authenticated or request.session.get(DEVICE_ID_SESSION_KEY):
        return False
    # Most requests end here: only admins and supervisors are ever required.
    if not any(role in ROLES_REQUIRING for role in roles_by_agency(user).values()):
        return False
    return bool(agencies_requiring(user)) and authenticator_of(user) is None


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if two_factor_missing(request) and not self._allowed(request):
            if _wants_json(request):
                return JsonResponse({"ok": False, "error": _MESSAGE}, status=403)
            messages.warning(request, _MESSAGE)
            return redirect("two_factor_setup")
        return self.get_response(request)

    @staticmethod
    def _allowed(request: HttpRequest) -> bool:
        try:
            return resolve(request.path_info).url_name in _ALLOWED
        except Resolver404:
            return False
