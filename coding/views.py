from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.access import Cap, can, require
from coding.forms import ReopenForm, StartCodingForm
from coding.models import PERSONAL_KINDS, Coding, CodingKind
from coding.selectors import (
    AudioWorkspace,
    Workspace,
    audio_workspace_for,
    code_badge,
    feedback_for,
    record_of_session,
    schemes_visible_to,
    sees_private_notes,
    workspace_for,
)
from coding.services.codings import coding_reopen, coding_submit
from mi_coding.errors import validation_message
from workflow.selectors.adjudication import adjudication_url
from workflow.services.codings import coding_start
from workflow.visibility import (
    codings_visible_to,
    get_coding_for_user,
    get_own_coding,
    get_transcript_for_user,
)


def coding_for_request(request: HttpRequest, pk: int) -> tuple[Coding, bool]:
    """(coding, editable): the owner edits an open coding; whoever else may read it reads.
    A consensus is never edited here: it changes only item by item in its adjudication."""
    try:
        coding = get_own_coding(request.user, pk)
    except Http404:
        return get_coding_for_user(request.user, pk), False
    return coding, not coding.is_submitted and coding.kind != CodingKind.CONSENSUS


def _exclusive_sets(codes: list) -> list[dict[str, Any]]:
    """The scheme's sets of mutually exclusive codes, each as its dimension's id and the
    codes' abbreviations as the scheme names them (static/js/lib/codes.mjs maps them)."""
    dimensions = {code.dimension_id: code.dimension for code in codes}
    return [
        {"dim": dimension.pk, "codes": list(group)}
        for dimension in dimensions.values()
        for group in dimension.exclusive or []
    ]


def _workspace_config(
    coding: Coding, ws: Workspace | AudioWorkspace, editable: bool
) -> dict[str, Any]:
    return {
        "coding": coding.pk,
        "editable": editable,
        "urls": {
            **{
                name: reverse(f"coding:api_{name}", args=[coding.pk])
                for name in ("code", "note", "notes", "global", "tally")
            },
            # Suggested codes are served only where their rule allows (never in a double
            # coding, a calibration or an adjudication); the page asks only in a primary.
            **(
                {
                    "suggestions": reverse("suggestions:coding", args=[coding.pk]),
                    "accept": reverse("suggestions:accept", args=[coding.pk]),
                }
                if editable and coding.kind == CodingKind.PRIMARY
                else {}
            ),
        },
        "codes": [
            {
                "id": code.pk,
                "abbr": code.abbreviation,
                "name": code.name,
                "key": code.key,
                "dim": code.dimension_id,
                "speaker": code.dimension.speaker,
                "multiple": code.dimension.multiple,
                "tone": code_badge(code).tone,
            }
            for code in ws.layout.codes
        ],
        "exclusive": _exclusive_sets(ws.layout.codes),
        "scales": [
            {
                "id": scale.pk,
                "slug": scale.slug,
                "name": scale.name,
                "min": scale.min_value,
                "max": scale.max_value,
            }
            for scale in ws.layout.globals
        ],
        # The summary scores as coding/scores.py computes them, with the agency's thresholds,
        # so the page recomputes them with every change (static/js/lib/scores.js).
        "scores": [
            {**score.as_mapping(), "fair": score.fair, "good": score.good}
            for score in ws.layout.summaries
        ],
    }


def coding_workspace(request: HttpRequest, pk: int) -> HttpResponse:
    coding, editable = coding_for_request(request, pk)
    if coding.is_from_audio:
        return audio_workspace(request, coding, editable)
    transcript = coding.transcript
    ws = workspace_for(
        coding,
        transcript.agency,
        private_notes=sees_private_notes(request.user, transcript.agency_id),
    )
    dimensions = []
    for code in ws.layout.codes:
        if not dimensions or dimensions[-1][0] != code.dimension:
            dimensions.append((code.dimension, []))
        dimensions[-1][1].append(code)
    return render(
        request,
        "coding/workspace.html",
        {
            **_workspace_context(request, coding, ws, editable),
            "dimensions": dimensions,
            "adjudication_url": adjudication_url(coding)
            if coding.kind == CodingKind.CONSENSUS
            and can(request.user, transcript.agency_id, Cap.SUPERVISE)
            else "",
            "config": _workspace_config(coding, ws, editable),
        },
    )


def audio_workspace(request: HttpRequest, coding: Coding, editable: bool) -> HttpResponse:
    """The workspace of a coding made from audio: the recording, and the coder's volleys."""
    transcript = coding.transcript
    ws = audio_workspace_for(
        coding,
        transcript.agency,
        private_notes=sees_private_notes(request.user, transcript.agency_id),
    )
    config = _workspace_config(coding, ws, editable)
    config["urls"].update(
        {
            name: reverse(f"coding:api_{name}", args=[coding.pk])
            for name in ("volley", "volley_code", "volley_note")
        }
    )
    config["volleys"] = ws.volleys
    config["bounds"] = {"start": ws.bounds.start, "end": ws.bounds.end}
    return render(
        request,
        "coding/audio_workspace.html",
        {**_workspace_context(request, coding, ws, editable), "config": config},
    )


def _workspace_context(
    request: HttpRequest, coding: Coding, ws: Workspace | AudioWorkspace, editable: bool
) -> dict[str, Any]:
    """What both workspaces, of a transcript and of a recording, show around the units."""
    transcript = coding.transcript
    return {
        "coding": coding,
        "transcript": transcript,
        "ws": ws,
        "tally_rows": [(code, ws.counts.get(code.abbreviation, 0)) for code in ws.layout.codes],
        "globals": _global_levels(ws),
        "editable": editable,
        "is_owner": coding.coder_id == request.user.pk,
        "can_reopen": coding.is_submitted
        and coding.kind != CodingKind.GOLD
        and can(request.user, transcript.agency_id, Cap.SUPERVISE),
        "audio_url": reverse("transcripts:audio", args=[transcript.pk]) if transcript.audio else "",
    }


def _global_levels(ws: Workspace | AudioWorkspace) -> list[tuple[Any, list[tuple[int, str, bool]]]]:
    return [
        (
            scale,
            [
                (level, scale.anchors.get(str(level), ""), ws.ratings.get(scale.pk) == level)
                for level in range(scale.min_value, scale.max_value + 1)
            ],
        )
        for scale in ws.layout.globals
    ]


@require_POST
def coding_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    coding = get_own_coding(request.user, pk)
    if coding.kind == CodingKind.CONSENSUS:
        messages.error(
            request,
            "Not submitted: a consensus is finished on its adjudication page, "
            "once every disagreement is decided.",
        )
        return redirect(adjudication_url(coding))
    try:
        coding_submit(coding=coding, actor=request.user)
    except ValidationError as exc:
        messages.error(request, f"Not submitted: {validation_message(exc)}.")
    else:
        messages.success(request, "Coding submitted. It is now locked; a supervisor can reopen it.")
    return redirect("coding:workspace", coding.pk)


def coding_reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    coding = get_coding_for_user(request.user, pk)
    require(request.user, coding.transcript.agency_id, Cap.SUPERVISE)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            coding_reopen(coding=coding, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, validation_message(exc))
        else:
            messages.success(request, f"Coding reopened for {coding.coder.display_name}.")
        return redirect("coding:workspace", coding.pk)
    return render(request, "coding/reopen.html", {"coding": coding, "form": form})


def coding_start_view(request: HttpRequest, transcript_pk: int) -> HttpResponse:
    """Start (or continue) the user's own coding of a transcript."""
    transcript = get_transcript_for_user(request.user, transcript_pk)
    require(request.user, transcript.agency_id, Cap.CODE)
    schemes = schemes_visible_to(request.user).filter(
        Q(agency__isnull=True) | Q(agency_id=transcript.agency_id)
    )
    form = StartCodingForm(
        request.POST or None,
        schemes=schemes,
        initial={"scheme": schemes.filter(slug=settings.MI_DEFAULT_SCHEME).first()},
    )
    own = Coding.objects.filter(
        transcript=transcript, coder=request.user, kind__in=PERSONAL_KINDS
    ).select_related("scheme")
    if request.method == "POST" and form.is_valid():
        try:
            coding = coding_start(
                transcript=transcript,
                scheme=form.cleaned_data["scheme"],
                coder=request.user,
                actor=request.user,
            )
        except ValidationError as exc:
            messages.error(request, validation_message(exc))
        else:
            return redirect("coding:workspace", coding.pk)
    return render(
        request,
        "coding/start.html",
        {"transcript": transcript, "form": form, "own": list(own)},
    )


def coding_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    coding = get_coding_for_user(request.user, pk)
    feedback = feedback_for(
        coding,
        coding.transcript.agency,
        private_notes=sees_private_notes(request.user, coding.transcript.agency_id),
    )
    record = record_of_session(codings_visible_to(request.user), coding)
    return render(
        request, "coding/feedback.html", {"coding": coding, "feedback": feedback, "record": record}
    )
