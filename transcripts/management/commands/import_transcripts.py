import dataclasses
import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count, Q

from accounts.commands import agency_by_slug, practitioner_by_name
from mi_coding.errors import validation_message
from transcripts.models import SpeakerRole, Transcript
from transcripts.parsers import ParseError, parse_upload
from transcripts.parsers.base import ParsedTranscript
from transcripts.services import TranscriptDraft, transcripts_import
from transcripts.speakers import guess_roles, labels_in_both


class Command(BaseCommand):
    help = (
        "Import transcript files (.txt, .csv, .tsv, .docx, .vtt, .srt, .json, or a .zip of "
        "them) for one practitioner: all of them, or on any error none."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--agency", required=True, metavar="SLUG")
        parser.add_argument("--practitioner", required=True, metavar="DISPLAY_NAME")
        parser.add_argument("--session-date", default=None, metavar="YYYY-MM-DD")
        parser.add_argument("--target-change", default="", metavar="TEXT")
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

    def handle(self, *args: object, **options: object) -> None:
        _check_labels_distinct(options["practitioner_speaker"], options["client_speaker"])
        agency = agency_by_slug(options["agency"])
        practitioner = practitioner_by_name(agency, options["practitioner"])
        session_date = _date(options["session_date"])
        parsed = [document for path in options["files"] for document in _parse(path)]
        given_practitioner = options["practitioner_speaker"]
        given_client = options["client_speaker"]
        _check_labels_exist(parsed, [*given_practitioner, *given_client])
        drafts = []
        for document in parsed:
            guesses = guess_roles(
                document.turns,
                practitioner_labels=given_practitioner,
                client_labels=given_client,
                practitioner_name=practitioner.display_name,
            )
            drafts.append(
                TranscriptDraft(
                    parsed=document,
                    practitioner=practitioner,
                    speaker_roles={guess.label: guess.role for guess in guesses},
                    session_date=session_date,
                    target_change=options["target_change"],
                )
            )
        try:
            created = transcripts_import(agency=agency, drafts=drafts)
        except ValidationError as exc:
            raise CommandError(" ".join(validation_message(exc).split())) from exc
        counted = Transcript.objects.filter(pk__in=[t.pk for t in created]).annotate(
            total=Count("utterances"),
            practitioner_turns=Count(
                "utterances", filter=Q(utterances__speaker_role=SpeakerRole.PRACTITIONER)
            ),
            client_turns=Count("utterances", filter=Q(utterances__speaker_role=SpeakerRole.CLIENT)),
        )
        by_id = {transcript.pk: transcript for transcript in counted}
        for transcript in created:
            row = by_id[transcript.pk]
            self.stdout.write(
                f"transcript {row.pk}: {row.total} utterances "
                f"({row.practitioner_turns} practitioner, {row.client_turns} client)"
            )


def _date(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            f"--session-date {value!r} is not a date in the form YYYY-MM-DD"
        ) from exc


def _parse(path: str) -> list[ParsedTranscript]:
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


def _check_labels_exist(parsed: list[ParsedTranscript], labels: list[str]) -> None:
    found = {speaker.casefold() for document in parsed for speaker in document.speakers}
    missing = [label for label in labels if label.casefold() not in found]
    if missing:
        shown = sorted({speaker for document in parsed for speaker in document.speakers})
        raise CommandError(
            f"speaker {', '.join(map(repr, missing))} is in none of the files; "
            f"the speakers found are {', '.join(map(repr, shown))}"
        )


def _check_labels_distinct(practitioner: list[str], client: list[str]) -> None:
    both = labels_in_both(practitioner, client)
    if both:
        raise CommandError(
            f"speaker {', '.join(map(repr, both))} is given both as --practitioner-speaker and "
            "as --client-speaker; give each speaker one role"
        )
