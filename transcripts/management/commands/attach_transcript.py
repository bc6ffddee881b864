from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.commands import agency_by_slug
from mi_coding.errors import validation_message
from mi_coding.ids import id_argument
from transcripts.commands import (
    add_speaker_arguments,
    check_labels_distinct,
    check_labels_exist,
    count_lines,
    parse_path,
)
from transcripts.models import Transcript
from transcripts.services import transcript_attach
from transcripts.speakers import guess_roles


class Command(BaseCommand):
    help = (
        "Attach a transcript file to a session known until now by its recording alone. "
        "Codings made from the recording keep their volleys; codings begun afterwards code "
        "the transcript's utterances."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--agency", required=True, metavar="SLUG")
        parser.add_argument("--session", required=True, type=id_argument, metavar="ID")
        add_speaker_arguments(parser)

    def handle(self, *args: object, **options: object) -> None:
        given_practitioner = options["practitioner_speaker"]
        given_client = options["client_speaker"]
        check_labels_distinct(given_practitioner, given_client)
        agency = agency_by_slug(options["agency"])
        session_id = options["session"]
        session = Transcript.objects.filter(agency=agency, pk=session_id).first()
        if session is None:
            raise CommandError(f"no session {session_id} in agency {agency.slug!r}")
        parsed = parse_path(options["file"])
        if len(parsed) != 1:
            raise CommandError(
                f"{options['file']} holds {len(parsed)} transcript files; attach one file"
            )
        check_labels_exist(parsed, [*given_practitioner, *given_client])
        guesses = guess_roles(
            parsed[0].turns,
            practitioner_labels=given_practitioner,
            client_labels=given_client,
            practitioner_name=session.practitioner.display_name,
        )
        try:
            attached = transcript_attach(
                transcript=session,
                parsed=parsed[0],
                speaker_roles={guess.label: guess.role for guess in guesses},
            )
        except ValidationError as exc:
            raise CommandError(" ".join(validation_message(exc).split())) from exc
        for line in count_lines([attached]):
            self.stdout.write(line)
