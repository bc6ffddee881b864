"""The owner's page of personal access tokens: create one (shown once), list, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from accounts.access import current_agency, get_object_or_404_in
from api.forms import TokenForm
from api.models import AccessToken
from api.services import token_create, token_revoke
from mi_coding.errors import validation_message


@never_cache
def tokens_page(request: HttpRequest) -> HttpResponse:
    agency = current_agency(request)
    if agency is None:
        raise Http404
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = token_create(
                user=request.user,
                agency=agency,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                days=form.cleaned_data["days"],
            )
        except ValidationError as exc:
            form.add_error(None, validation_message(exc))
        else:
            # Rendered in this response only: the secret is stored nowhere, not even in the
            # session, so it cannot be shown again.
            created = {"token": token, "secret": secret}
            form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {
            "agency": agency,
            "form": form,
            "created": created,
            "tokens": AccessToken.objects.filter(user=request.user).select_related("agency"),
            "now": timezone.now(),
        },
    )


def token_revoke_page(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404_in(AccessToken.objects.filter(user=request.user), pk)
    if request.method == "POST":
        token_revoke(token=token, actor=request.user)
        messages.success(request, f"Token “{token.name}” revoked: it no longer works.")
        return redirect("api:tokens")
    return render(
        request,
        "confirm.html",
        {
            "title": f"Revoke the token “{token.name}”?",
            "message": f"Anything using {token.prefix}… stops working at once. This cannot be "
            "undone; you can create a new token afterwards.",
            "confirm_label": "Revoke",
            "cancel_url": reverse("api:tokens"),
        },
    )
