"""The workspace's JSON endpoints: each POST sets one thing and answers with its new state.

Errors answer JSON with a human message: 400 malformed, 401 signed out, 404 not yours,
409 the coding is submitted (or a consensus, which changes only through its adjudication),
422 a rule of the scheme refused the change.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from coding.forms import (
    CodeChangeForm,
    CodingNotesForm,
    GlobalRatingForm,
    UtteranceNoteForm,
    VolleyChangeForm,
    VolleyCodeForm,
    VolleyNoteForm,
)
from coding.models import Coding, GlobalScale, Volley
from coding.selectors import coding_results, score_definitions, score_rows
from coding.services import volleys
from coding.services.codes import VOLLEY_GONE, utterance_code_put, volley_code_put
from coding.services.codings import global_rating_set
from coding.services.locks import CodingLocked
from coding.services.workspace import coding_notes_set, utterance_note_set
from coding.views import coding_for_request
from mi_coding.errors import validation_message
from transcripts.models import Utterance
from workflow.visibility import get_own_coding

Payload = dict[str, Any]


class Refused(Exception):
    """An answer other than success: a human message and the HTTP status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message, self.status = message, status


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message}, status=status)


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:] + "."


def _cleaned(form_class: type[forms.Form], payload: Payload) -> dict[str, Any]:
    form = form_class(payload)
    if not form.is_valid():
        problems = "; ".join(
            f"{name}: {' '.join(errors)}" if name != "__all__" else " ".join(errors)
            for name, errors in form.errors.items()
        )
        raise Refused(f"Malformed request ({problems}).", 400)
    return form.cleaned_data


def json_endpoint(
    method: str,
) -> Callable[[Callable[..., JsonResponse]], Callable[..., HttpResponse]]:
    """Answer JSON in every case: a signed-out user gets 401 rather than the sign-in page,
    so the workspace keeps its unsent changes and says why."""

    def decorate(view: Callable[..., JsonResponse]) -> Callable[..., HttpResponse]:
        @login_not_required
        @never_cache
        @wraps(view)
        def wrapper(request: HttpRequest, pk: int) -> HttpResponse:
            if not request.user.is_authenticated:
                return _error("You are signed out. Sign in again; nothing is lost.", 401)
            if request.method != method:
                return _error(f"Use {method}.", 405)
            payload: Payload = {}
            if method == "POST":
                try:
                    payload = json.loads(request.body or b"{}")
                except ValueError:
                    return _error("The request body is not JSON.", 400)
                if not isinstance(payload, dict):
                    return _error("The request body must be a JSON object.", 400)
            try:
                return view(request, pk, payload)
            except Refused as exc:
                return _error(exc.message, exc.status)
            except Http404:
                return _error("No such coding, or it is not yours to change.", 404)
            except CodingLocked as exc:
                # Submitted (or reached as a consensus) between the request's read and its
                # write: the same answer as when the request finds it so.
                return _error(_sentence(validation_message(exc)), 409)
            except ValidationError as exc:
                return _error(_sentence(validation_message(exc)), 422)

        return wrapper

    return decorate


def _open_coding(request: HttpRequest, pk: int) -> Coding:
    """The user's own coding; whether it is open to the change is the services' rule (a
    submitted coding or a consensus answers 409 through ``CodingLocked``). Its agency goes on
    the request for the request log."""
    coding = get_own_coding(request.user, pk)
    request.mi_agency_id = coding.transcript.agency_id
    return coding


@json_endpoint("POST")
def code_change(request: HttpRequest, pk: int, payload: Payload) -> JsonResponse:
    data = _cleaned(CodeChangeForm, payload)
    coding = _open_coding(request, pk)
    change = utterance_code_put(
        coding=coding,
        utterance_id=data["utterance"],
        code_id=data["code"],
        present=data["action"] == "set",
    )
    return JsonResponse(
        {
            "ok": True,
            "utterance": change.utterance_id,
            "code": change.code_id,
            "present": change.present,
            "changed": change.changed,
        }
    )


def _utterance_of(coding: Coding, utterance_pk: int) -> Utterance:
    try:
        return Utterance.objects.get(pk=utterance_pk, transcript_id=coding.transcript_id)
    except Utterance.DoesNotExist as exc:
        raise ValidationError("that utterance is not part of this transcript") from exc


@json_endpoint("POST")
def note_change(request: HttpRequest, pk: int, payload: Payload) -> JsonResponse:
    data = _cleaned(UtteranceNoteForm, payload)
    coding = _open_coding(request, pk)
    utterance = _utterance_of(coding, data["utterance"])
    note = utterance_note_set(
        coding=coding,
        utterance=utterance,
        text=data["text"],
        for_feedback=data["for_feedback"],
    )
    return JsonResponse(
        {
            "ok": True,
            "utterance": utterance.pk,
            "text": note.text if note else "",
            "for_feedback": note.for_feedback if note else False,
        }
    )


@json_endpoint("POST")
def notes_change(request: HttpRequest, pk: int, payload: Payload) -> JsonResponse:
    data = _cleaned(CodingNotesForm, payload)
    coding = _open_coding(request, pk)
    coding_notes_set(coding=coding, text=data["text"])
    return JsonResponse({"ok": True, "text": coding.notes})


@json_endpoint("POST")
def global_change(request: HttpRequest, pk: int, payload: Payload) -> JsonResponse:
    data = _cleaned(GlobalRatingForm, payload)
    coding = _open_coding(request, pk)
    scale = GlobalScale.objects.filter(pk=data["scale"], scheme_id=coding.scheme_id).first()
    if scale is None:
        raise ValidationError(f"that global is not part of {coding.scheme.name}")
    rating = global_rating_set(coding=coding, scale=scale, value=data["value"])
    return JsonResponse({"ok": True, "scale": scale.pk, "value": rating.value if rating else None})


@json_endpoint("GET")
def tally(request: HttpRequest, pk: int, payload: Payload) -> JsonResponse:
    """Counts and summary scores as they stand, computed by coding/scores.py."""
    coding, _ = coding_for_request(request, pk)
    definitions = score_definitions(coding.scheme, coding.transcript.agency)
    (result,) = coding_results([coding], {coding.scheme_id: definitions})
    return JsonResponse(
        {
            "ok": True,
            "counts": result.counts,
            "scores": [
                row.as_json() for row in score_rows(definitions, result.counts, result.globals)
            ],
        }
    )


def volley_json(volley: Volley) -> Payload:
    return {"at": volley.start_ms, "end": volley.end_ms, "speaker": volley.speaker_role}


def _volley_id(coding: Coding, at: int | None) -> int | None:
    if at is None:
        return None
    return Volley.objects.filter(coding=coding, start_ms=at).values_list("pk", flat=True).first()


def _existing(coding: Coding, at: int) -> int:
    volley_id = _volley_id(coding, at)
    if volley_id is None:
        raise ValidationError(VOLLEY_GONE)
    return volley_id


@json_endpoint("POST")
def volley_change(request: HttpRequest, pk: int, payload: Payload) -> JsonResponse:
    """Add, move, split, merge or delete one volley; answers the volley as it now is (the
    new part after a split; null after a delete) and whether anything changed."""
    data = _cleaned(VolleyChangeForm, payload)
    coding = _open_coding(request, pk)
    action, at = data["action"], data["at"]
    changed = True
    volley: Volley | None
    if action == "add":
        volley, changed = volleys.volley_add(
            coding=coding, start_ms=at, speaker_role=data["speaker"], end_ms=data["end"]
        )
    elif action == "move":
        moved = _volley_id(coding, data["start"]) if _volley_id(coding, at) is None else None
        # Sent again after its answer was lost: the volley already starts where it went.
        volley = volleys.volley_move(
            coding=coding,
            volley_id=moved or _existing(coding, at),
            start_ms=data["start"],
            end_ms=data["end"],
        )
        changed = moved is None
    elif action == "split":
        volley = volleys.volley_split(
            coding=coding, volley_id=_existing(coding, at), at_ms=data["start"]
        )
    elif action == "merge":
        next_id = _volley_id(coding, data["next"])
        volley = volleys.volley_merge(
            coding=coding, volley_id=_existing(coding, at), next_id=next_id or 0
        )
        changed = next_id is not None
    else:
        # A volley already gone (id 0 names none) is deleted again without complaint.
        changed = volleys.volley_delete(coding=coding, volley_id=_volley_id(coding, at) or 0)
        volley = None
    return JsonResponse(
        {
            "ok": True,
            "action": action,
            "volley": volley_json(volley) if volley else None,
            "changed": changed,
        }
    )


@json_endpoint("POST")
def volley_code_change(request: HttpRequest, pk: int, payload: Payload) -> JsonResponse:
    data = _cleaned(VolleyCodeForm, payload)
    coding = _open_coding(request, pk)
    change = volley_code_put(
        coding=coding,
        volley_id=_existing(coding, data["at"]),
        code_id=data["code"],
        present=data["action"] == "set",
    )
    return JsonResponse(
        {
            "ok": True,
            "at": data["at"],
            "code": change.code_id,
            "present": change.present,
            "changed": change.changed,
        }
    )


@json_endpoint("POST")
def volley_note_change(request: HttpRequest, pk: int, payload: Payload) -> JsonResponse:
    data = _cleaned(VolleyNoteForm, payload)
    coding = _open_coding(request, pk)
    note = volleys.volley_note_set(
        coding=coding,
        volley_id=_existing(coding, data["at"]),
        text=data["text"],
        for_feedback=data["for_feedback"],
    )
    return JsonResponse(
        {
            "ok": True,
            "at": data["at"],
            "text": note.text if note else "",
            "for_feedback": note.for_feedback if note else False,
        }
    )
