"""Transcripts: list, read, create from JSON utterances, from a file or from recordings alone;
attach audio, or a transcript to a session known by its recording.

Creation goes through the services, parsers and speaker guesses that the upload page and
``manage.py import_transcripts`` use, in one transaction: bad input stores nothing.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.access import Cap
from accounts.models import Agency, Practitioner
from api import serializers as s
from api.lookups import practitioner_in, team_in
from api.pagination import Key, in_order, page_of
from api.permissions import agency_with, token_of
from api.selectors import imported_rows, transcript_detail, transcript_row
from api.views.base import ApiView
from transcripts.forms import AttachTranscriptForm, too_many_files_message
from transcripts.models import Transcript
from transcripts.parsers import ParseError, checked, jsonlist, parse_source, read_sources
from transcripts.parsers.archive import megabytes
from transcripts.parsers.base import ParsedTranscript
from transcripts.services import (
    TranscriptDraft,
    audio_sessions_import,
    transcript_attach,
    transcript_audio_set,
    transcripts_import,
)
from transcripts.speakers import guess_roles, labels_in_both
from workflow.selectors.transcripts import TranscriptFilters, transcripts_for_list
from workflow.visibility import get_transcript_for_user


def _roles(
    documents: list[ParsedTranscript], data: dict[str, Any], practitioner: Practitioner
) -> list[dict[str, str]]:
    """Each document's speaker roles: those named in the request, the rest guessed."""
    given_practitioner = data.get("practitioner_speakers") or []
    given_client = data.get("client_speakers") or []
    both = labels_in_both(given_practitioner, given_client)
    if both:
        raise ValidationError(
            {"client_speakers": [f"{', '.join(map(repr, both))} is also a practitioner speaker."]}
        )
    found = {speaker.casefold() for d in documents for speaker in d.speakers}
    for field, labels in (
        ("practitioner_speakers", given_practitioner),
        ("client_speakers", given_client),
    ):
        missing = [label for label in labels if label.casefold() not in found]
        if missing:
            shown = ", ".join(sorted({repr(sp) for d in documents for sp in d.speakers}))
            raise ValidationError(
                {
                    field: [
                        f"{', '.join(map(repr, missing))} never speaks; the speakers are {shown}."
                    ]
                }
            )
    return [
        {
            guess.label: guess.role
            for guess in guess_roles(
                document.turns,
                practitioner_labels=given_practitioner,
                client_labels=given_client,
                practitioner_name=practitioner.display_name,
            )
        }
        for document in documents
    ]


def _import(
    request: Request,
    agency: Agency,
    documents: list[ParsedTranscript],
    data: dict[str, Any],
    titles: list[str],
) -> list[Transcript]:
    practitioner = practitioner_in(agency, data["practitioner"])
    roles = _roles(documents, data, practitioner)
    drafts = [
        TranscriptDraft(
            parsed=document,
            practitioner=practitioner,
            speaker_roles=speaker_roles,
            title=title,
            session_date=data.get("session_date"),
            target_change=data.get("target_change", ""),
            client_pseudonym=data.get("client_pseudonym", ""),
        )
        for document, speaker_roles, title in zip(documents, roles, titles, strict=True)
    ]
    return transcripts_import(agency=agency, drafts=drafts, actor=request.user)


def _listed(request: Request, pk: int) -> Transcript:
    return transcripts_for_list(request.user, TranscriptFilters()).get(pk=pk)


class TranscriptCollection(ApiView):
    @extend_schema(
        operation_id="transcripts_list",
        summary="Transcripts this token may see",
        parameters=[s.TranscriptListParams],
        responses=s.TranscriptPage,
    )
    def get(self, request: Request) -> Response:
        params = self.params(s.TranscriptListParams)
        agency = token_of(request).agency
        filters = TranscriptFilters(
            query=params.get("q", ""),
            practitioner=practitioner_in(agency, params["practitioner"])
            if "practitioner" in params
            else None,
            team=team_in(agency, params["team"]) if "team" in params else None,
            date_from=params.get("date_from"),
            date_to=params.get("date_to"),
            status=params.get("status", ""),
        )
        transcripts = transcripts_for_list(request.user, filters).filter(agency=agency)
        page = page_of(request, transcripts, [Key("pk", int)], params)
        objects = transcripts.filter(pk__in=page.ids).in_bulk()
        return Response(
            {"results": [transcript_row(t) for t in in_order(objects, page.ids)], "next": page.next}
        )

    @extend_schema(
        operation_id="transcripts_create",
        summary="Create a transcript from utterances",
        description="One session from a list of utterances, as a recording or case system "
        "holds it. Consecutive utterances of one speaker become one utterance, as on upload. "
        "Speakers not named in `practitioner_speakers` or `client_speakers` get the role "
        "guessed from their names, else from who asks the questions. Needs the write scope "
        "and a role that manages transcripts (admin, supervisor).",
        request=s.TranscriptIn,
        responses={201: s.TranscriptDetailOut},
    )
    def post(self, request: Request) -> Response:
        agency = agency_with(request, Cap.MANAGE_TRANSCRIPTS)
        data = self.body(s.TranscriptIn)
        title = data["title"]
        raw = json.dumps([dict(item) for item in data["utterances"]]).encode()
        try:
            document = checked(jsonlist.parse(raw, title))
        except ParseError as exc:
            field = f"utterances[{exc.line - 1}]" if exc.line else "utterances"
            raise ValidationError({field: [exc.reason]}) from exc
        (created,) = _import(request, agency, [document], data, [title])
        return Response(
            transcript_detail(_listed(request, created.pk)),
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("api:transcript", args=[created.pk])},
        )


class TranscriptFiles(ApiView):
    @extend_schema(
        operation_id="transcripts_import",
        summary="Create transcripts from a file",
        description="A transcript file in any format the upload page reads, or a zip of them "
        "(each file one transcript), all stored or, on any error, none. Needs the write scope "
        "and a role that manages transcripts (admin, supervisor).",
        request={"multipart/form-data": s.TranscriptFileIn},
        responses={201: s.ImportedTranscripts},
    )
    def post(self, request: Request) -> Response:
        agency = agency_with(request, Cap.MANAGE_TRANSCRIPTS)
        data = self.body(s.TranscriptFileIn)
        upload = data["file"]
        limit = settings.MI_TRANSCRIPT_MAX_BYTES
        name = upload.name or "transcript"
        if upload.size > limit:
            raise ValidationError(
                {"file": [f"{name}: the file is larger than the {megabytes(limit)} allowed."]}
            )
        sources = read_sources(name, upload.read())
        if len(sources) > settings.MI_UPLOAD_MAX_FILES:
            raise ValidationError({"file": [too_many_files_message(len(sources))]})
        documents = [parse_source(source) for source in sources]
        # A title names one file; the files of a zip keep their own names.
        single = len(sources) == 1 and sources[0].name == name
        titles = [(data.get("title") or "").strip() if single else ""] * len(documents)
        created = _import(request, agency, documents, data, titles)
        rows = imported_rows(Transcript.objects.filter(pk__in=[t.pk for t in created]))
        return Response({"transcripts": rows}, status=status.HTTP_201_CREATED)


class TranscriptDetail(ApiView):
    @extend_schema(
        operation_id="transcripts_read",
        summary="A transcript with its utterances",
        responses=s.TranscriptDetailOut,
    )
    def get(self, request: Request, pk: int) -> Response:
        transcript = get_transcript_for_user(request.user, pk)
        return Response(transcript_detail(_listed(request, transcript.pk)))


class TranscriptAudio(ApiView):
    @extend_schema(
        operation_id="transcripts_audio_set",
        summary="Attach the session's audio",
        description="Attach (or replace) the recording: mp3, m4a, wav, ogg or webm, checked by "
        "content. Needs the write scope and a role that manages transcripts.",
        request={"multipart/form-data": s.AudioIn},
        responses=s.TranscriptOut,
    )
    def put(self, request: Request, pk: int) -> Response:
        transcript = get_transcript_for_user(request.user, pk)
        agency_with(request, Cap.MANAGE_TRANSCRIPTS)
        data = self.body(s.AudioIn)
        transcript_audio_set(transcript=transcript, file=data["file"], actor=request.user)
        return Response(transcript_row(_listed(request, transcript.pk)))


class TranscriptRecordings(ApiView):
    @extend_schema(
        operation_id="transcripts_recordings_import",
        summary="Create sessions from recordings alone",
        description="A recording, or a zip of them: each becomes a session without a "
        "transcript, coded from the audio in volleys; all stored or, on any error, none. Needs "
        "the write scope and a role that manages transcripts (admin, supervisor).",
        request={"multipart/form-data": s.RecordingsIn},
        responses={201: s.RecordedSessions},
    )
    def post(self, request: Request) -> Response:
        agency = agency_with(request, Cap.MANAGE_TRANSCRIPTS)
        data = self.body(s.RecordingsIn)
        created = audio_sessions_import(
            agency=agency,
            practitioner=practitioner_in(agency, data["practitioner"]),
            files=[data["file"]],
            session_date=data.get("session_date"),
            target_change=data.get("target_change", ""),
            client_pseudonym=data.get("client_pseudonym", ""),
            actor=request.user,
        )
        listed = transcripts_for_list(request.user, TranscriptFilters()).in_bulk(
            [t.pk for t in created]
        )
        return Response(
            {"transcripts": [transcript_row(listed[t.pk]) for t in created]},
            status=status.HTTP_201_CREATED,
        )


class TranscriptAttach(ApiView):
    @extend_schema(
        operation_id="transcripts_transcript_attach",
        summary="Attach a transcript to a session known by its recording",
        description="The session's transcript, typed or imported once it was coded from the "
        "recording. Speaker roles as in transcripts_import: those named, the rest guessed. "
        "Codings made from the recording keep their volleys; codings begun afterwards code the "
        "utterances. Needs the write scope and a role that manages transcripts.",
        request={"multipart/form-data": s.AttachTranscriptIn},
        responses=s.TranscriptDetailOut,
    )
    def put(self, request: Request, pk: int) -> Response:
        session = get_transcript_for_user(request.user, pk)
        agency_with(request, Cap.MANAGE_TRANSCRIPTS)
        data = self.body(s.AttachTranscriptIn)
        form = AttachTranscriptForm(files={"file": data["file"]})
        if not form.is_valid():
            raise ValidationError({"file": form.errors["file"]})
        (roles,) = _roles([form.parsed], data, session.practitioner)
        transcript_attach(
            transcript=session, parsed=form.parsed, speaker_roles=roles, actor=request.user
        )
        return Response(transcript_detail(_listed(request, session.pk)))
