from django.core.management.base import BaseCommand, CommandParser

from accounts.services import agency_create
from mi_coding.errors import command_errors


class Command(BaseCommand):
    help = "Create an agency (a tenant)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)

    def handle(self, *args: object, slug: str, name: str, **options: object) -> None:
        with command_errors():
            agency = agency_create(slug=slug, name=name)
        self.stdout.write(f"agency {agency.slug}: {agency.name}")
