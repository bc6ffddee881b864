"""What the transcript commands share: reading files, the speaker options, the session date
and the line printed per transcript; errors are one-line CommandErrors naming the value at
fault."""

import dataclasses
import datetime
from pathlib import Path

from django.core.management.base import CommandError, CommandParser

from transcripts.models import Transcript
from transcripts.parsers import ParseError, parse_upload
from transcripts.parsers.base import ParsedTranscript
from transcripts.selectors import with_speaker_counts
from transcripts.speakers import labels_in_both


def add_speaker_arguments(parser: CommandParser) -> None:
    """``--practitioner-speaker`` and ``--client-speaker``: roles given instead of guessed."""
    parser.add_argument(
        "--practitioner-speaker",
        nargs="+",
        action="extend",
        default=[],
        metavar="LABEL",
        help="Speaker labels that are the practitioner (default: guessed).",
    )
    parser.add_argument(
        "--client-speaker",
        nargs="+",
        action="extend",
        default=[],
        metavar="LABEL",
        help="Speaker labels that are the client (default: guessed).",
    )


def count_lines(transcripts: list[Transcript]) -> list[str]:
    """``transcript <id>: <n> utterances (<p> practitioner, <c> client)`` for each, in order."""
    counted = with_speaker_counts(Transcript.objects.filter(pk__in=[t.pk for t in transcripts]))
    by_id = {transcript.pk: transcript for transcript in counted}
    return [
        f"transcript {row.pk}: {row.total} utterances "
        f"({row.practitioner_turns} practitioner, {row.client_turns} client)"
        for row in (by_id[transcript.pk] for transcript in transcripts)
    ]


def session_date(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            f"--session-date {value!r} is not a date in the form YYYY-MM-DD"
        ) from exc


def parse_path(path: str) -> list[ParsedTranscript]:
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise CommandError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    try:
        parsed = parse_upload(path, data)
    except ParseError as exc:
        raise CommandError(" ".join(str(exc).split())) from exc
    # Errors name the path as given; what is stored (and audited) is the file's own name, or
    # its path inside a zip, as a web upload stores it, never the server's folders.
    return [
        dataclasses.replace(document, filename=file.name + document.filename.removeprefix(path))
        for document in parsed
    ]


def check_labels_exist(parsed: list[ParsedTranscript], labels: list[str]) -> None:
    found = {speaker.casefold() for document in parsed for speaker in document.speakers}
    missing = [label for label in labels if label.casefold() not in found]
    if missing:
        shown = sorted({speaker for document in parsed for speaker in document.speakers})
        raise CommandError(
            f"speaker {', '.join(map(repr, missing))} is in none of the files; "
            f"the speakers found are {', '.join(map(repr, shown))}"
        )


def check_labels_distinct(practitioner: list[str], client: list[str]) -> None:
    both = labels_in_both(practitioner, client)
    if both:
        raise CommandError(
            f"speaker {', '.join(map(repr, both))} is given both as --practitioner-speaker and "
            "as --client-speaker; give each speaker one role"
        )
