from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coding.schemes import SchemeError, read_definition
from coding.services.schemes import scheme_load
from mi_coding.errors import command_errors


class Command(BaseCommand):
    help = (
        "Create or update a coding scheme from its JSON file. A scheme already used by a "
        "coding may gain codes but never lose or rename them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: object, file: str, **options: object) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            definition = read_definition(path)
        except SchemeError as exc:
            raise CommandError(str(exc)) from exc
        with command_errors():
            scheme, created = scheme_load(definition=definition)
        verb = "created" if created else "updated"
        self.stdout.write(
            f"scheme {scheme.slug}: {verb} ({scheme.codes.count()} codes, "
            f"{scheme.globals.count()} globals, {scheme.summary_scores.count()} summary scores)"
        )
