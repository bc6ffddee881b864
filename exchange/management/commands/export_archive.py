from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.commands import agency_by_slug
from exchange.archive.columns import ArchiveError
from exchange.archive.dump import archive_dump
from exchange.management.commands._files import audit_export, write_output


class Command(BaseCommand):
    help = (
        "Write one agency, whole, to a JSON archive: members with their password hashes, "
        "teams, practitioners, transcripts, the schemes it uses, codings, assignments, "
        "reliability sets and the audit log. Audio files are not inside; copy MEDIA_ROOT/audio "
        "separately."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True)
        parser.add_argument("--output", required=True)

    def handle(self, *args: object, agency: str, output: str, **options: object) -> None:
        target = agency_by_slug(agency)
        try:
            data = archive_dump(target)
        except ArchiveError as exc:
            raise CommandError(str(exc)) from exc
        write_output(output, data)
        audit_export(target, "archive", file=Path(output).name, bytes=len(data))
        self.stdout.write(f"agency {target.slug}: archive written to {output} ({len(data)} bytes)")
