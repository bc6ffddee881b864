from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.commands import agency_by_slug, practitioner_by_name
from mi_coding.errors import validation_message
from transcripts.commands import session_date as session_date_of
from transcripts.services import audio_sessions_import


class Command(BaseCommand):
    help = (
        "Import recordings (.mp3, .m4a, .wav, .ogg, .webm, or a .zip of them) as sessions "
        "without a transcript, coded from the audio: all of them, or on any error none."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--agency", required=True, metavar="SLUG")
        parser.add_argument("--practitioner", required=True, metavar="DISPLAY_NAME")
        parser.add_argument("--session-date", default=None, metavar="YYYY-MM-DD")
        parser.add_argument("--target-change", default="", metavar="TEXT")
        parser.add_argument("--client-pseudonym", default="", metavar="TEXT")

    def handle(self, *args: object, **options: object) -> None:
        agency = agency_by_slug(options["agency"])
        practitioner = practitioner_by_name(agency, options["practitioner"])
        session_date = session_date_of(options["session_date"])
        handles = []
        try:
            for path in options["files"]:
                try:
                    handles.append(File(Path(path).open("rb"), name=Path(path).name))  # noqa: SIM115 (closed below)
                except OSError as exc:
                    raise CommandError(
                        f"{path}: cannot read the file ({exc.strerror or exc})"
                    ) from exc
            created = audio_sessions_import(
                agency=agency,
                practitioner=practitioner,
                files=handles,
                session_date=session_date,
                target_change=options["target_change"],
                client_pseudonym=options["client_pseudonym"],
            )
        except ValidationError as exc:
            raise CommandError(" ".join(validation_message(exc).split())) from exc
        finally:
            for handle in handles:
                handle.close()
        for transcript in created:
            self.stdout.write(f"session {transcript.pk}: audio {transcript.audio_seconds:.1f} s")
