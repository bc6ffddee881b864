from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.commands import agency_by_slug
from accounts.models import Team, User
from accounts.services import practitioner_save, team_create
from mi_coding.errors import command_errors


class Command(BaseCommand):
    help = (
        "Create a practitioner, optionally linked to a user account and a team "
        "(the team is created if the agency has none of that name)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("display_name")
        parser.add_argument("--agency", required=True)
        parser.add_argument("--user", default=None)
        parser.add_argument("--team", default=None)

    def handle(
        self,
        *args: object,
        display_name: str,
        agency: str,
        user: str | None,
        team: str | None,
        **options: object,
    ) -> None:
        target = agency_by_slug(agency)
        account = None
        if user:
            account = User.objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"no user named {user!r}")
        with command_errors(), transaction.atomic():
            team_obj = None
            if team:
                team_obj = Team.objects.filter(agency=target, name=team.strip()).first()
                if team_obj is None:
                    team_obj = team_create(agency=target, name=team)
            practitioner = practitioner_save(
                agency=target, display_name=display_name, team=team_obj, user=account
            )
        self.stdout.write(f"practitioner {practitioner.pk}: {practitioner.display_name}")
