"""A person's own pages: their account, its sign-in security, and the invitation links they
open."""

from __future__ import annotations

from base64 import b32encode

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login

from accounts.forms import DefaultAgencyForm, NewAccountForm, PasswordConfirmForm
from accounts.invitations import (
    invitation_accept,
    invitation_accept_new_account,
    invitation_by_token,
    invitation_decline,
    invitations_open,
)
from accounts.models import Invitation
from accounts.services import default_agency_set
from accounts.signin import CodeForm
from accounts.two_factor import (
    agencies_requiring,
    authenticator_of,
    authenticator_pending,
    authenticator_start,
    recovery_codes_left,
    recovery_codes_renew,
    two_factor_disable,
    two_factor_enable,
)
from mi_coding.errors import validation_message

_SETUP = "mi_authenticator_setup"
# Invitations whose link this browser session opened: listed to the user until answered.
_OPENED = "mi_invitations"
_MODEL_BACKEND = "accounts.backends.MembershipBackend"


def _remember_opened(request: HttpRequest, invitation: Invitation) -> None:
    opened = list(request.session.get(_OPENED, []))
    if invitation.pk not in opened:
        request.session[_OPENED] = [*opened, invitation.pk]


def opened_invitations(request: HttpRequest) -> list[Invitation]:
    return list(invitations_open(request.session.get(_OPENED, [])))


def _answer(request: HttpRequest, invitation: Invitation, action: str) -> HttpResponse | None:
    """Accept or decline for the signed-in user; a redirect when done, None to show again."""
    try:
        if action == "accept":
            invitation_accept(invitation=invitation, user=request.user)
        else:
            invitation_decline(invitation=invitation, actor=request.user)
    except ValidationError as exc:
        message = validation_message(exc)
        messages.error(request, message[:1].upper() + message[1:] + ".")
        return None
    if action == "accept":
        messages.success(
            request,
            f"You joined {invitation.agency.name} as {invitation.get_role_display().lower()}. "
            "Switch to it from the menu at the top.",
        )
    else:
        messages.info(request, f"You declined the invitation to {invitation.agency.name}.")
    return redirect("home")


@login_not_required
@sensitive_post_parameters("password1", "password2")
def invitation_open(request: HttpRequest, token: str) -> HttpResponse:
    """Where an invitation link leads: accept or decline it signed in, create an account with
    it, or decline it without one. Any link that is not open says only that."""
    invitation = invitation_by_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    _remember_opened(request, invitation)
    signed_in = request.user.is_authenticated
    signup = NewAccountForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "decline" and not signed_in:
            invitation_decline(invitation=invitation, actor=None)
            messages.info(request, "You declined the invitation.")
            return redirect("login")
        if action in {"accept", "decline"}:
            if not signed_in:
                return redirect_to_login(request.get_full_path())
            done = _answer(request, invitation, action)
            if done is not None:
                return done
        elif action == "create" and not signed_in:
            signup = NewAccountForm(request.POST)
            if signup.is_valid():
                data = signup.cleaned_data
                try:
                    user = invitation_accept_new_account(
                        invitation=invitation,
                        username=data["username"],
                        password=data["password1"],
                        email=data["email"],
                        first_name=data["first_name"],
                        last_name=data["last_name"],
                    )
                except ValidationError as exc:
                    signup.add_error(None, validation_message(exc))
                else:
                    login(request, user, backend=_MODEL_BACKEND)
                    messages.success(request, f"Welcome to {invitation.agency.name}.")
                    return redirect("home")
    return render(
        request,
        "accounts/invitation.html",
        {"invitation": invitation, "signup": signup, "signed_in": signed_in},
    )


@require_POST
def invitation_respond(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept or decline, from the account page, an invitation whose link this session
    opened."""
    if pk not in request.session.get(_OPENED, []):
        raise Http404
    invitation = invitations_open([pk]).first()
    if invitation is None:
        messages.error(request, "That invitation is no longer open.")
        return redirect("account")
    action = "accept" if request.POST.get("action") == "accept" else "decline"
    return _answer(request, invitation, action) or redirect("account")


def account(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own settings: where they start, sign-in security, invitations."""
    form = DefaultAgencyForm(
        request.POST or None,
        user=request.user,
        initial={"agency": request.user.default_agency_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            default_agency_set(user=request.user, agency=form.cleaned_data["agency"])
        except ValidationError as exc:
            form.add_error("agency", validation_message(exc))
        else:
            messages.success(request, f"Sign-ins now start in {form.cleaned_data['agency']}.")
            return redirect("account")
    return render(
        request,
        "accounts/account.html",
        {
            "default_form": form,
            "invitations": opened_invitations(request),
            "agency_count": form.fields["agency"].queryset.count(),
            "authenticator": authenticator_of(request.user),
            "recovery_left": recovery_codes_left(request.user),
            "requiring": list(agencies_requiring(request.user)),
        },
    )


def _qr_svg(url: str) -> str:
    import segno

    # Inline SVG markup: nothing for the Content-Security-Policy to allow.
    return segno.make(url, error="m").svg_inline(scale=4, dark="#000", light="#fff")


def _setup_step(request: HttpRequest, form: forms.Form) -> HttpResponse:
    device = authenticator_pending(request.user, request.session.get(_SETUP, 0))
    if device is None:
        return redirect("two_factor_setup")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "step": "code",
            "form": form,
            "qr": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 (segno's own markup)
            "secret": b32encode(device.bin_key).decode(),
        },
    )


def _show_recovery_codes(request: HttpRequest, codes: list[str], title: str) -> HttpResponse:
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "title": title})


@sensitive_post_parameters("password", "code")
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Password again, then scan the QR code and type the first code; recovery codes once."""
    if authenticator_of(request.user) is not None:
        messages.info(request, "Two-factor sign-in is already on.")
        return redirect("account")
    step = request.POST.get("step", "")
    if request.method == "POST" and step == "code":
        form = CodeForm(request.POST)
        if form.is_valid():
            codes = two_factor_enable(
                user=request.user,
                device_id=request.session.get(_SETUP, 0),
                code=form.cleaned_data["code"],
            )
            if codes is not None:
                request.session.pop(_SETUP, None)
                otp_login(request, authenticator_of(request.user))
                return _show_recovery_codes(request, codes, "Two-factor sign-in is on")
            form.add_error("code", "That code is not right; enter the one the app shows now.")
        return _setup_step(request, form)
    form = PasswordConfirmForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        request.session[_SETUP] = authenticator_start(user=request.user).pk
        return _setup_step(request, CodeForm())
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"step": "password", "form": form, "requiring": list(agencies_requiring(request.user))},
    )


@sensitive_post_parameters("password")
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    if authenticator_of(request.user) is None:
        return redirect("account")
    form = PasswordConfirmForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        two_factor_disable(user=request.user)
        request.session.pop(DEVICE_ID_SESSION_KEY, None)
        messages.success(request, "Two-factor sign-in is off; your password alone signs you in.")
        return redirect("account")
    return render(
        request,
        "accounts/two_factor_confirm.html",
        {
            "form": form,
            "title": "Turn off two-factor sign-in?",
            "message": "Your authenticator and recovery codes stop working.",
            "confirm_label": "Turn off",
            "danger": True,
            "requiring": list(agencies_requiring(request.user)),
        },
    )


@sensitive_post_parameters("password")
def recovery_codes_view(request: HttpRequest) -> HttpResponse:
    if authenticator_of(request.user) is None:
        return redirect("account")
    form = PasswordConfirmForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        codes = recovery_codes_renew(user=request.user)
        return _show_recovery_codes(request, codes, "New recovery codes")
    return render(
        request,
        "accounts/two_factor_confirm.html",
        {
            "form": form,
            "title": "Make new recovery codes?",
            "message": "The codes you have now stop working.",
            "confirm_label": "Make new codes",
        },
    )
