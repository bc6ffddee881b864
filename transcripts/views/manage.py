"""Changing a stored transcript: its details, speakers, utterances, segment, audio; deleting."""

import secrets
from functools import partial

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.access import Cap, can, get_object_or_404_in, require
from coding.models import CodingStatus
from coding.services.transcripts import transcript_delete
from mi_coding.errors import perform
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
from transcripts.selectors import speakers_of, utterances_in_use
from transcripts.views.access import managed_transcript


def _detail(transcript: Transcript, anchor: str = "") -> str:
    url = reverse("transcripts:detail", args=[transcript.pk])
    return f"{url}#{anchor}" if anchor else url


def transcript_edit(request: HttpRequest, pk: int) -> HttpResponse:
    transcript = managed_transcript(request, pk)
    form = TranscriptForm(
        request.POST or None,
        agency=transcript.agency,
        initial=TranscriptForm.initial_for(transcript),
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and perform(
            request,
            partial(
                services.transcript_update,
                actor=request.user,
                transcript=transcript,
                **form.cleaned_data,
            ),
            "Session details saved.",
        )
    ):
        return redirect(_detail(transcript))
    return render(request, "transcripts/edit.html", {"transcript": transcript, "form": form})


@require_POST
def transcript_speakers(request: HttpRequest, pk: int) -> HttpResponse:
    transcript = managed_transcript(request, pk)
    form = SpeakerRolesForm(request.POST, speakers=speakers_of(transcript))
    if not form.is_valid():
        messages.error(request, "Choose practitioner, client or other for every speaker.")
    else:
        perform(
            request,
            partial(
                services.speaker_roles_set,
                actor=request.user,
                transcript=transcript,
                roles=form.roles(),
            ),
            "Speaker roles saved.",
        )
    return redirect(_detail(transcript, "speakers"))


def utterance_edit(request: HttpRequest, pk: int, utterance_pk: int) -> HttpResponse:
    """Fix an utterance's text, split it at a sentence, or merge it with a neighbour."""
    transcript = managed_transcript(request, pk)
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
        if perform(
            request,
            partial(
                services.utterance_text_set,
                actor=request.user,
                utterance=utterance,
                text=text_form.cleaned_data["text"],
            ),
            f"Utterance {position} corrected.",
        ):
            return redirect(back)
    elif action == "split" and split_form.is_valid():
        if perform(
            request,
            partial(
                services.utterance_split,
                actor=request.user,
                utterance=utterance,
                at=split_form.cleaned_data["at"],
            ),
            f"Utterance {position} split in two.",
        ):
            return redirect(back)
    elif action in ("merge_next", "merge_previous"):
        first = utterance if action == "merge_next" else previous
        if first is None:
            messages.error(request, "There is no utterance before this one.")
        elif perform(
            request,
            partial(services.utterance_merge, actor=request.user, utterance=first),
            f"Utterances {first.position} and {first.position + 1} merged.",
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
            "frozen": utterances_in_use(transcript),
            "text_form": text_form,
            "split_form": split_form,
            "back": back,
        },
    )


@require_POST
def transcript_segment(request: HttpRequest, pk: int) -> HttpResponse:
    transcript = managed_transcript(request, pk)
    if request.POST.get("action") == "random":
        seed = secrets.randbelow(2**31)
        if perform(
            request,
            partial(
                services.transcript_segment_pick,
                actor=request.user,
                transcript=transcript,
                seed=seed,
            ),
            f"Segment picked at random (seed {seed}).",
        ):
            messages.info(request, _segment_text(transcript))
    else:
        form = SegmentForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(_form_errors(form)))
        else:
            perform(
                request,
                partial(
                    services.transcript_segment_set,
                    actor=request.user,
                    transcript=transcript,
                    start=form.cleaned_data["segment_start"],
                    end=form.cleaned_data["segment_end"],
                ),
                "Coded segment saved.",
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
    transcript = managed_transcript(request, pk)
    form = AudioForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(_form_errors(form)))
    else:
        perform(
            request,
            partial(
                services.transcript_audio_set,
                actor=request.user,
                transcript=transcript,
                file=form.cleaned_data["audio"],
            ),
            "Audio attached.",
        )
    return redirect(_detail(transcript, "audio"))


@require_POST
def transcript_audio_remove(request: HttpRequest, pk: int) -> HttpResponse:
    transcript = managed_transcript(request, pk)
    perform(
        request,
        partial(services.transcript_audio_remove, actor=request.user, transcript=transcript),
        "Audio removed.",
    )
    return redirect(_detail(transcript, "audio"))


def transcript_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete after confirmation; with submitted codings only an agency admin may, and only
    after a second confirmation."""
    transcript = managed_transcript(request, pk)
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
        if perform(
            request,
            partial(
                transcript_delete,
                actor=request.user,
                transcript=transcript,
                submitted_confirmed=bool(submitted),
            ),
            f"“{label}” was deleted.",
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
