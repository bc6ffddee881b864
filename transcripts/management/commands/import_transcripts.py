from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.commands import agency_by_slug, practitioner_by_name
from mi_coding.errors import validation_message
from transcripts.commands import (
    add_speaker_arguments,
    check_labels_distinct,
    check_labels_exist,
    count_lines,
    parse_path,
)
from transcripts.commands import session_date as session_date_of
from transcripts.services import TranscriptDraft, transcripts_import
from transcripts.speakers import guess_roles


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
        add_speaker_arguments(parser)

    def handle(self, *args: object, **options: object) -> None:
        check_labels_distinct(options["practitioner_speaker"], options["client_speaker"])
        agency = agency_by_slug(options["agency"])
        practitioner = practitioner_by_name(agency, options["practitioner"])
        session_date = session_date_of(options["session_date"])
        parsed = [document for path in options["files"] for document in parse_path(path)]
        given_practitioner = options["practitioner_speaker"]
        given_client = options["client_speaker"]
        check_labels_exist(parsed, [*given_practitioner, *given_client])
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
        for line in count_lines(created):
            self.stdout.write(line)
