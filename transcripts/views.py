from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import codings_visible_to, get_transcript_for_user, transcripts_visible_to
from mi_coding.http import ranged_file_response
from mi_coding.pagination import paginate


def transcript_list(request: HttpRequest) -> HttpResponse:
    transcripts = transcripts_visible_to(request.user).for_list()
    return render(request, "transcripts/list.html", {"page": paginate(request, transcripts)})


def transcript_detail(request: HttpRequest, pk: int) -> HttpResponse:
    transcript = get_transcript_for_user(request.user, pk)
    utterances = transcript.utterances.in_order()
    codings = (
        codings_visible_to(request.user)
        .filter(transcript=transcript)
        .select_related("coder", "scheme")
    )
    return render(
        request,
        "transcripts/detail.html",
        {"transcript": transcript, "utterances": utterances, "codings": codings},
    )


def transcript_audio(request: HttpRequest, pk: int) -> HttpResponse:
    """The session's audio, only through the access layer (never a public media URL)."""
    transcript = get_transcript_for_user(request.user, pk)
    if not transcript.audio:
        raise Http404
    return ranged_file_response(request, transcript.audio)
