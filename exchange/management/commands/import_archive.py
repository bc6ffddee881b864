from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.services import audit_record
from exchange.archive.columns import ArchiveError
from exchange.archive.restore import archive_restore


class Command(BaseCommand):
    help = (
        "Restore an agency from an archive written by export_archive, into a database that "
        "does not have that agency. Existing accounts with an archived username are reused "
        "as they are. All or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: object, file: str, **options: object) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            restored = archive_restore(path.read_bytes(), filename=path.name)
        except ArchiveError as exc:
            raise CommandError(str(exc)) from exc
        # Recorded outside the agency so that archiving the restored agency again gives back
        # the very same file.
        audit_record(
            actor=None,
            action="archive.import",
            details={
                "agency": restored.agency.slug,
                "file": path.name,
                "users_created": restored.users_created,
                "rows": restored.rows,
            },
        )
        rows = sum(restored.rows.values())
        self.stdout.write(
            f"agency {restored.agency.slug}: restored ({restored.users_created} users created, "
            f"{restored.users_reused} reused, {rows} rows)"
        )
        for slug in restored.schemes_extended:
            self.stdout.write(f"coding scheme {slug}: given the codes the archive adds to it")
