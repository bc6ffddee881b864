"""A person's own pages: their account, and the invitation links they open."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts.forms import DefaultAgencyForm, NewAccountForm
from accounts.invitations import (
    invitation_accept,
    invitation_accept_new_account,
    invitation_by_token,
    invitation_decline,
    invitations_open,
)
from accounts.models import Invitation
from accounts.services import default_agency_set
from mi_coding.commands import validation_message

# Invitations whose link this browser session opened: listed to the user until answered.
_OPENED = "mi_invitations"
_MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


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
        },
    )
