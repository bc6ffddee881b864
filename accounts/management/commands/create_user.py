import os

from django.core.management.base import BaseCommand, CommandParser

from accounts.commands import agency_by_slug
from accounts.models import Role
from accounts.services import user_create_or_update
from mi_coding.errors import command_errors


class Command(BaseCommand):
    help = (
        "Create a user (or update an existing one) with a role in an agency. The password is "
        "read from MI_PASSWORD; without it a new account has no usable password."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--agency", required=True)
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--email", default="")

    def handle(
        self, *args: object, username: str, agency: str, role: str, email: str, **options: object
    ) -> None:
        target = agency_by_slug(agency)
        with command_errors():
            user = user_create_or_update(
                username=username,
                agency=target,
                role=role,
                email=email,
                password=os.environ.get("MI_PASSWORD") or None,
            )
        self.stdout.write(f"user {user.username}: {role} in {target.slug}")
