"""Uploaded files waiting for the person to confirm their parse.

Nothing is stored as a transcript before confirmation: the uploaded bytes wait in the
person's own session (compressed) under a random token, for at most ``MAX_AGE`` seconds, and
are parsed again, and checked again, when the preview is shown and when it is confirmed.
"""

from __future__ import annotations

import base64
import secrets
import zlib
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from transcripts.parsers import Source, TableLayout, parse_source, read_sources
from transcripts.parsers.base import ParsedTranscript, Turn
from transcripts.speakers import SpeakerGuess, guess_roles

SESSION_KEY = "transcript_previews"
MAX_AGE = 60 * 60
MAX_KEPT = 3


class PreviewGone(Exception):
    """The preview does not exist in this session, or has expired."""


@dataclass
class Preview:
    token: str
    agency_id: int
    created: float
    uploads: list[Source]
    initial: dict[str, Any]
    layouts: dict[int, TableLayout] = field(default_factory=dict)


@dataclass
class PreviewDocument:
    index: int
    parsed: ParsedTranscript
    guesses: list[SpeakerGuess]

    def utterances(self) -> list[tuple[int, SpeakerGuess, Turn]]:
        """Each utterance the confirmed parse will store, with its speaker's number."""
        numbers = {guess.label: number for number, guess in enumerate(self.guesses)}
        return [
            (numbers[volley.speaker], self.guesses[numbers[volley.speaker]], volley)
            for volley in self.parsed.volleys
        ]


def _pack(data: bytes) -> str:
    return base64.b64encode(zlib.compress(data, 6)).decode("ascii")


def _unpack(text: str) -> bytes:
    return zlib.decompress(base64.b64decode(text))


def _layout_data(layout: TableLayout) -> list[Any]:
    return [layout.header, layout.speaker, layout.text, layout.start, layout.end]


def preview_save(
    request: HttpRequest, *, agency_id: int, uploads: list[Source], initial: dict[str, Any]
) -> str:
    """Keep the uploads for confirmation; returns the preview's token."""
    now = timezone.now().timestamp()
    kept = {
        token: entry
        for token, entry in request.session.get(SESSION_KEY, {}).items()
        if now - entry["created"] < MAX_AGE
    }
    while len(kept) >= MAX_KEPT:
        kept.pop(min(kept, key=lambda token: kept[token]["created"]))
    token = secrets.token_urlsafe(18)
    kept[token] = {
        "agency": agency_id,
        "created": now,
        "uploads": [{"name": source.name, "data": _pack(source.data)} for source in uploads],
        "initial": initial,
        "layouts": {},
    }
    request.session[SESSION_KEY] = kept
    return token


def preview_load(request: HttpRequest, token: str) -> Preview:
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if entry is None or timezone.now().timestamp() - entry["created"] >= MAX_AGE:
        preview_discard(request, token)
        raise PreviewGone
    return Preview(
        token=token,
        agency_id=entry["agency"],
        created=entry["created"],
        uploads=[
            Source(name=item["name"], data=_unpack(item["data"])) for item in entry["uploads"]
        ],
        initial=entry["initial"],
        layouts={int(index): TableLayout(*values) for index, values in entry["layouts"].items()},
    )


def preview_layout_set(request: HttpRequest, token: str, index: int, layout: TableLayout) -> None:
    previews = request.session.get(SESSION_KEY, {})
    if token in previews:
        previews[token]["layouts"][str(index)] = _layout_data(layout)
        request.session.modified = True


def preview_discard(request: HttpRequest, token: str) -> None:
    previews = request.session.get(SESSION_KEY, {})
    if previews.pop(token, None) is not None:
        request.session.modified = True


def sources_of(uploads: list[Source]) -> list[Source]:
    """Each transcript file in the uploads, zips opened, in a stable order."""
    return [source for upload in uploads for source in read_sources(upload.name, upload.data)]


def preview_documents(preview: Preview, practitioner_name: str = "") -> list[PreviewDocument]:
    """The uploads parsed again, with each document's chosen columns; ParseError if any fails."""
    documents = []
    for index, source in enumerate(sources_of(preview.uploads)):
        parsed = parse_source(source, preview.layouts.get(index))
        documents.append(
            PreviewDocument(
                index=index,
                parsed=parsed,
                guesses=guess_roles(parsed.turns, practitioner_name=practitioner_name),
            )
        )
    return documents
