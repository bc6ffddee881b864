from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from accounts.access import Cap, current_agency_with, get_object_or_404_in, require
from coding.api import Payload, Refused, json_endpoint
from coding.selectors import schemes_for
from mi_coding.errors import validation_message
from suggestions.forms import AcceptForm, SuggestionSettingsForm, TrainForm
from suggestions.models import Suggester
from suggestions.selectors import coder_reliance, settings_for, suggesters_of
from suggestions.services import suggester_start, suggestion_settings_update, suggestions_accept
from suggestions.suggesting import coding_suggestions, machine_estimate, suggestion_refusal
from workflow.visibility import get_own_coding, get_transcript_for_user


def _suggester_for(request: HttpRequest, pk: int) -> Suggester:
    agency = current_agency_with(request, Cap.SUPERVISE)
    return get_object_or_404_in(suggesters_of(agency), pk)


def suggestions_index(request: HttpRequest) -> HttpResponse:
    """Turn suggestions on or off, set the threshold, train a suggester, see the models."""
    agency = current_agency_with(request, Cap.SUPERVISE)
    current = settings_for(agency)
    schemes = schemes_for(agency)
    settings_form = SuggestionSettingsForm(
        initial={"enabled": current.enabled, "threshold": current.threshold}
    )
    train_form = TrainForm(schemes=schemes)
    if request.method == "POST" and "threshold" in request.POST:
        settings_form = SuggestionSettingsForm(request.POST)
        if settings_form.is_valid():
            suggestion_settings_update(
                agency=agency, actor=request.user, **settings_form.cleaned_data
            )
            messages.success(request, "Suggestion settings saved.")
            return redirect("suggestions:index")
    elif request.method == "POST":
        train_form = TrainForm(request.POST, schemes=schemes)
        if train_form.is_valid():
            try:
                suggester = suggester_start(
                    agency=agency, scheme=train_form.cleaned_data["scheme"], actor=request.user
                )
            except ValidationError as exc:
                messages.error(request, f"Not started: {validation_message(exc)}.")
            else:
                return redirect("suggestions:detail", suggester.pk)
    return render(
        request,
        "suggestions/index.html",
        {
            "agency": agency,
            "current": current,
            "settings_form": settings_form,
            "train_form": train_form,
            "suggesters": list(suggesters_of(agency)[:50]),
        },
    )


def suggester_detail(request: HttpRequest, pk: int) -> HttpResponse:
    suggester = _suggester_for(request, pk)
    return render(request, "suggestions/detail.html", {"suggester": suggester})


def suggester_status(request: HttpRequest, pk: int) -> JsonResponse:
    """What the model page polls while a suggester trains."""
    suggester = _suggester_for(request, pk)
    return JsonResponse(
        {
            "status": suggester.status,
            "status_label": suggester.get_status_display(),
            "progress": suggester.progress,
            "message": suggester.message,
            "finished": suggester.is_finished,
        }
    )


@json_endpoint("GET")
def coding_suggestions_view(request: HttpRequest, pk: int, payload: Payload) -> JsonResponse:
    """The workspace's suggestions for the user's own coding; where none may be shown, says
    why and gives none."""
    coding = get_own_coding(request.user, pk)
    refusal = suggestion_refusal(coding, request.user)
    if refusal is not None:
        return JsonResponse({"ok": True, "enabled": False, "reason": refusal})
    try:
        return JsonResponse(coding_suggestions(coding, request.user))
    except ValidationError as exc:
        return JsonResponse({"ok": True, "enabled": False, "reason": validation_message(exc)})


@json_endpoint("POST")
def coding_accept_view(request: HttpRequest, pk: int, payload: Payload) -> JsonResponse:
    form = AcceptForm(payload)
    if not form.is_valid():
        raise Refused("Malformed request (utterance and a list of code ids).", 400)
    coding = get_own_coding(request.user, pk)
    changes = suggestions_accept(
        coding=coding,
        user=request.user,
        utterance_id=form.cleaned_data["utterance"],
        code_ids=form.cleaned_data["codes"],
    )
    return JsonResponse(
        {
            "ok": True,
            "utterance": form.cleaned_data["utterance"],
            "changes": [[c.code_id, c.present] for c in changes],
        }
    )


def machine_estimate_view(request: HttpRequest, pk: int) -> HttpResponse:
    transcript = get_transcript_for_user(request.user, pk)
    require(request.user, transcript.agency_id, Cap.SUPERVISE)
    scheme_slug = request.GET.get("scheme", "")
    schemes = schemes_for(transcript.agency)
    trained = schemes.filter(
        pk__in=Suggester.objects.filter(agency_id=transcript.agency_id).values("scheme_id")
    )
    scheme = trained.filter(slug=scheme_slug).first() if scheme_slug else trained.first()
    estimate, problem = None, ""
    if scheme is None:
        problem = "No suggester is trained in this agency yet."
    else:
        try:
            estimate = machine_estimate(transcript, scheme)
        except ValidationError as exc:
            problem = f"No estimate: {validation_message(exc)}."
    return render(
        request,
        "suggestions/estimate.html",
        {"transcript": transcript, "scheme": scheme, "estimate": estimate, "problem": problem},
    )


def coder_report(request: HttpRequest) -> HttpResponse:
    agency = current_agency_with(request, Cap.SUPERVISE)
    return render(request, "suggestions/coders.html", {"rows": coder_reliance(agency)})
