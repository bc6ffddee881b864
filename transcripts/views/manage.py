"""Changing a stored transcript: its details, speakers, utterances, segment, audio; deleting."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.access import Cap, can, get_object_or_404_in, get_transcript_for_user, require
from coding.models import CodingStatus
from mi_coding.commands import validation_message
from transcripts import services
from transcripts.forms import (
    AudioForm,
    DeleteSubmittedForm,
    SegmentForm,
    SpeakerRolesForm,
    TranscriptForm,
    UtteranceSplitForm,
    UtteranceTextForm,
)
from transcripts.models import Transcript
from transcripts.parsers.timecodes import format_clock
from transcripts.segments import sentence_boundaries
from transcripts.selectors import coding_has_begun, speakers_of


def _managed(request: HttpRequest, pk: int) -> Transcript:
    """A transcript the user may see (else 404) and manage (else 403)."""
    transcript = get_transcript_for_user(request.user, pk)
    require(request.user, transcript.agency_id, Cap.MANAGE_TRANSCRIPTS)
    return transcript


def _detail(transcript: Transcript, anchor: str = "") -> str:
    url = reverse("transcripts:detail", args=[transcript.pk])
    return f"{url}#{anchor}" if anchor else url


def _apply(
    request: HttpRequest, service: Callable[..., object], success: str, **arguments: object
) -> bool:
    """Call a service as the user; its ValidationError becomes a message. True on success."""
    try:
        service(actor=request.user, **arguments)
    except ValidationError as exc:
        messages.error(request, validation_message(exc))
        return False
    messages.success(request, success)
    return True


def transcript_edit(request: HttpRequest, pk: int) -> HttpResponse:
    transcript = _managed(request, pk)
    form = TranscriptForm(
        request.POST or None,
        agency=transcript.agency,
        initial=TranscriptForm.initial_for(transcript),
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(
            request,
            services.transcript_update,
            "Session details saved.",
            transcript=transcript,
            **form.cleaned_data,
        )
    ):
        return redirect(_detail(transcript))
    return render(request, "transcripts/edit.html", {"transcript": transcript, "form": form})


@require_POST
def transcript_speakers(request: HttpRequest, pk: int) -> HttpResponse:
    transcript = _managed(request, pk)
    form = SpeakerRolesForm(request.POST, speakers=speakers_of(transcript))
    if not form.is_valid():
        messages.error(request, "Choose practitioner, client or other for every speaker.")
    else:
        _apply(
            request,
            services.speaker_roles_set,
            "Speaker roles saved.",
            transcript=transcript,
            roles=form.roles(),
        )
    return redirect(_detail(transcript, "speakers"))


def utterance_edit(request: HttpRequest, pk: int, utterance_pk: int) -> HttpResponse:
    """Fix an utterance's text, split it at a sentence, or merge it with a neighbour."""
    transcript = _managed(request, pk)
    utterance = get_object_or_404_in(transcript.utterances.all(), utterance_pk)
    neighbours = {
        u.position: u
        for u in transcript.utterances.filter(
            position__in=[utterance.position - 1, utterance.position + 1]
        )
    }
    previous = neighbours.get(utterance.position - 1)
    following = neighbours.get(utterance.position + 1)
    action = request.POST.get("action") if request.method == "POST" else None
    text_form = UtteranceTextForm(
        request.POST if action == "text" else None, initial={"text": utterance.text}
    )
    split_form = UtteranceSplitForm(
        request.POST if action == "split" else None,
        text=utterance.text,
        boundaries=sentence_boundaries(utterance.text),
    )
    back = _detail(transcript, f"u{utterance.position}")
    position = utterance.position
    if action == "text" and text_form.is_valid():
        if _apply(
            request,
            services.utterance_text_set,
            f"Utterance {position} corrected.",
            utterance=utterance,
            text=text_form.cleaned_data["text"],
        ):
            return redirect(back)
    elif action == "split" and split_form.is_valid():
        if _apply(
            request,
            services.utterance_split,
            f"Utterance {position} split in two.",
            utterance=utterance,
            at=split_form.cleaned_data["at"],
        ):
            return redirect(back)
    elif action in ("merge_next", "merge_previous"):
        first = utterance if action == "merge_next" else previous
        if first is None:
            messages.error(request, "There is no utterance before this one.")
        elif _apply(
            request,
            services.utterance_merge,
            f"Utterances {first.position} and {first.position + 1} merged.",
            utterance=first,
        ):
            return redirect(_detail(transcript, f"u{first.position}"))
    elif action is not None:
        messages.error(request, "Nothing was changed; check the form below.")
    return render(
        request,
        "transcripts/utterance_edit.html",
        {
            "transcript": transcript,
            "utterance": utterance,
            "previous": previous,
            "following": following,
            "frozen": coding_has_begun(transcript),
            "text_form": text_form,
            "split_form": split_form,
            "back": back,
        },
    )


@require_POST
def transcript_segment(request: HttpRequest, pk: int) -> HttpResponse:
    transcript = _managed(request, pk)
    if request.POST.get("action") == "random":
        if _apply(
            request,
            services.transcript_segment_pick,
            "Segment picked at random.",
            transcript=transcript,
        ):
            messages.info(request, _segment_text(transcript))
    else:
        form = SegmentForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(_form_errors(form)))
        else:
            _apply(
                request,
                services.transcript_segment_set,
                "Coded segment saved.",
                transcript=transcript,
                start=form.cleaned_data["segment_start"],
                end=form.cleaned_data["segment_end"],
            )
    return redirect(_detail(transcript, "segment"))


def _segment_text(transcript: Transcript) -> str:
    if transcript.segment_start is None and transcript.segment_end is None:
        return "The session is no longer than 20 minutes, so all of it is coded."
    return (
        f"Coders code {format_clock(transcript.segment_start) or 'the start'} to "
        f"{format_clock(transcript.segment_end) or 'the end'}."
    )


def _form_errors(form: object) -> list[str]:
    return [str(error) for errors in form.errors.values() for error in errors]


@require_POST
def transcript_audio_upload(request: HttpRequest, pk: int) -> HttpResponse:
    transcript = _managed(request, pk)
    form = AudioForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(_form_errors(form)))
    else:
        _apply(
            request,
            services.transcript_audio_set,
            "Audio attached.",
            transcript=transcript,
            file=form.cleaned_data["audio"],
        )
    return redirect(_detail(transcript, "audio"))


@require_POST
def transcript_audio_remove(request: HttpRequest, pk: int) -> HttpResponse:
    transcript = _managed(request, pk)
    _apply(request, services.transcript_audio_remove, "Audio removed.", transcript=transcript)
    return redirect(_detail(transcript, "audio"))


def transcript_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete after confirmation; with submitted codings only an agency admin may, and only
    after a second confirmation."""
    transcript = _managed(request, pk)
    counts = transcript.codings.aggregate(
        total=Count("id"), submitted=Count("id", filter=Q(status=CodingStatus.SUBMITTED))
    )
    submitted = counts["submitted"]
    if submitted:
        require(request.user, transcript.agency_id, Cap.DELETE_SUBMITTED)
    stage = request.POST.get("stage") if request.method == "POST" else None
    second = DeleteSubmittedForm(request.POST if stage == "final" else None, transcript=transcript)
    confirmed = stage == "confirm" and not submitted
    confirmed = confirmed or (stage == "final" and bool(submitted) and second.is_valid())
    if confirmed:
        label = transcript.label
        if _apply(
            request,
            services.transcript_delete,
            f"“{label}” was deleted.",
            transcript=transcript,
            submitted_confirmed=bool(submitted),
        ):
            return redirect("transcripts:list")
    return render(
        request,
        "transcripts/delete.html",
        {
            "transcript": transcript,
            "codings": counts["total"],
            "submitted": submitted,
            "second_stage": bool(submitted) and stage in ("confirm", "final"),
            "second": second,
            "utterances": transcript.utterances.count(),
            "is_admin": can(request.user, transcript.agency_id, Cap.DELETE_SUBMITTED),
        },
    )
