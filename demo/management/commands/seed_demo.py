from django.core.management.base import BaseCommand, CommandParser

from accounts.models import Agency
from demo.seed import DEMO_LOGINS, DEMO_PASSWORD, DEMO_SLUG, demo_seed


class Command(BaseCommand):
    help = "Load the demo agency (users in every role, practitioners, coded sessions)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only seed when the database holds no agency at all.",
        )

    def handle(self, *args: object, if_empty: bool, **options: object) -> None:
        if (
            if_empty
            and Agency.objects.exists()
            and not Agency.objects.filter(slug=DEMO_SLUG).exists()
        ):
            self.stdout.write("The database already holds agencies; the demo was not loaded.")
            return
        agency = demo_seed()
        if agency is None:
            self.stdout.write("The demo agency is already loaded; nothing changed.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Loaded the demo agency {agency.name}."))
        if Agency.objects.filter(slug=DEMO_SLUG).exists():
            self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
            for login in DEMO_LOGINS:
                self.stdout.write(f"  {login.username:<12} {login.role}")
