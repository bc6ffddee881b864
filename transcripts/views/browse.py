from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import Cap, can, current_agency
from mi_coding.http import ranged_file_response
from mi_coding.pagination import paginate
from transcripts.forms import AttachTranscriptForm, AudioForm, SegmentForm, TranscriptFilterForm
from transcripts.models import SpeakerRole
from transcripts.selectors import (
    coding_has_begun,
    practitioners_in,
    speakers_of,
    teams_in,
    timeline_of,
    utterances_in_use,
)
from workflow.selectors.transcripts import transcripts_for_list
from workflow.visibility import codings_visible_to, get_transcript_for_user, transcripts_visible_to


def transcript_list(request: HttpRequest) -> HttpResponse:
    visible = transcripts_visible_to(request.user)
    form = TranscriptFilterForm(
        request.GET or None, practitioners=practitioners_in(visible), teams=teams_in(visible)
    )
    transcripts = transcripts_for_list(request.user, form.filters())
    return render(
        request,
        "transcripts/list.html",
        {
            "form": form,
            "page": paginate(request, transcripts),
            "filtered": any(value for key, value in request.GET.items() if key != "page"),
            "can_upload": _can_upload(request),
        },
    )


def _can_upload(request: HttpRequest) -> bool:
    agency = current_agency(request)
    return agency is not None and can(request.user, agency.pk, Cap.MANAGE_TRANSCRIPTS)


def transcript_detail(request: HttpRequest, pk: int) -> HttpResponse:
    transcript = get_transcript_for_user(request.user, pk)
    can_manage = can(request.user, transcript.agency_id, Cap.MANAGE_TRANSCRIPTS)
    frozen = utterances_in_use(transcript)
    codings = list(
        codings_visible_to(request.user)
        .filter(transcript=transcript)
        .select_related("coder", "scheme")
        .order_by("created_at")
    )
    has_submitted = any(coding.is_submitted for coding in codings)
    context = {
        "transcript": transcript,
        "utterances": transcript.utterances.in_order(),
        "codings": codings,
        "can_manage": can_manage,
        "can_code": can(request.user, transcript.agency_id, Cap.CODE),
        "frozen": frozen,
        "segment_fixed": coding_has_begun(transcript),
        "editable": can_manage and not frozen,
        "can_delete": can_manage
        and (not has_submitted or can(request.user, transcript.agency_id, Cap.DELETE_SUBMITTED)),
    }
    if can_manage:
        speakers = speakers_of(transcript)
        context.update(
            speakers=speakers,
            role_choices=SpeakerRole.choices,
            segment_form=SegmentForm(
                initial={
                    "segment_start": transcript.segment_start,
                    "segment_end": transcript.segment_end,
                }
            ),
            audio_form=AudioForm(),
            attach_form=AttachTranscriptForm(),
            timeline=timeline_of(transcript),
        )
    return render(request, "transcripts/detail.html", context)


def transcript_audio(request: HttpRequest, pk: int) -> HttpResponse:
    """The session's audio, only through the access layer (never a public media URL)."""
    transcript = get_transcript_for_user(request.user, pk)
    if not transcript.audio:
        raise Http404
    return ranged_file_response(request, transcript.audio)
