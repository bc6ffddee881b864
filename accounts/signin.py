"""Signing in: the password, then (where set up) a second factor, under throttling.

The password step never signs anyone in who has two-factor sign-in: it remembers who passed
it, for a few minutes, and asks for a code. A wrong code counts as a failed sign-in for the
throttle, like a wrong password.
"""

from __future__ import annotations

import time

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView, redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from accounts.models import User
from accounts.two_factor import authenticator_of, two_factor_verify

_PENDING = "mi_signin_pending"
_PENDING_SECONDS = 300


class CodeForm(forms.Form):
    code = forms.CharField(
        max_length=20,
        label="Code",
        help_text="The six digits your authenticator app shows, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


def client_ip(request: HttpRequest) -> str | None:
    """The address that failed sign-ins are counted against. Behind the reverse proxy it is
    the last address the proxy appended (the one it saw), which a client cannot forge."""
    if settings.MI_BEHIND_PROXY:
        forwarded = request.headers.get("X-Forwarded-For", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR")


def _lockout_message() -> str:
    cool_off = get_cool_off()
    when = (
        f"Try again in {int(cool_off.total_seconds() // 60)} minutes, or ask" if cool_off else "Ask"
    )
    return (
        "Too many failed sign-ins for this user name from your network address, so signing "
        f"in is blocked here for now. {when} an admin of your agency to unlock your account."
    )


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: object
) -> HttpResponse:
    """The sign-in page again, saying why it refuses (429), whatever step was locked."""
    request.session.pop(_PENDING, None)
    return render(
        request,
        "registration/login.html",
        {"form": AuthenticationForm(request), "locked_out": _lockout_message()},
        status=429,
    )


def _next_url(request: HttpRequest, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


class SignInView(LoginView):
    """Django's sign-in page; with two-factor sign-in set up, the password leads on to the
    code step instead of signing in."""

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if authenticator_of(user) is None:
            return super().form_valid(form)
        self.request.session[_PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "since": time.time(),
            "next": self.get_redirect_url(),
        }
        return redirect("login_code")


def _pending_user(request: HttpRequest) -> tuple[User, dict] | None:
    pending = request.session.get(_PENDING)
    if not pending or time.time() - pending["since"] > _PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    return (user, pending) if user is not None else None


@login_not_required
@never_cache
@sensitive_post_parameters("code")
def login_code(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the authenticator app or a recovery code."""
    found = _pending_user(request)
    if found is None:
        request.session.pop(_PENDING, None)
        messages.info(request, "Sign in with your password first.")
        return redirect("login")
    user, pending = found
    credentials = {"username": user.username}
    if not AxesProxyHandler.is_allowed(request, credentials):
        return lockout_response(request, None, credentials)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor_verify(user=user, code=form.cleaned_data["code"])
        if device is not None:
            request.session.pop(_PENDING, None)
            user.backend = pending["backend"]
            user.otp_device = device  # django-otp marks the session as verified on login
            login(request, user, backend=pending["backend"])
            return redirect(_next_url(request, pending.get("next", "")))
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        form.add_error("code", "That code is not right. Check the time on your phone, or use "
                               "a recovery code.")  # fmt: skip
    return render(request, "registration/login_code.html", {"form": form})


@login_not_required
def admin_login(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    """The Django admin signs in through the same page, throttle and second factor."""
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))
