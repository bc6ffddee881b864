from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.commands import agency_by_slug
from coding.commands import scheme_by_slug
from coding.models import Coding
from exchange.management.commands._files import audit_export, emit
from exchange.selectors import score_table
from mi_coding.tabular import CSV, FORMATS, XLSX, write_table


class Command(BaseCommand):
    help = (
        "Export one row per coding of an agency: transcript, practitioner, coder, scheme and "
        "status, then every code count, global rating and summary score. Without --scheme, "
        "the columns are the union over the schemes the codings use."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True)
        parser.add_argument("--scheme", default=None)
        parser.add_argument("--format", choices=FORMATS, default=CSV)
        parser.add_argument("--output", default=None, help="File to write; CSV goes to stdout.")

    def handle(
        self,
        *args: object,
        agency: str,
        scheme: str | None,
        format: str,
        output: str | None,
        **options: object,
    ) -> None:
        target = agency_by_slug(agency)
        chosen = scheme_by_slug(target, scheme) if scheme else None
        if format == XLSX and not output:
            raise CommandError("an XLSX export needs --output FILE.xlsx")
        table = score_table(Coding.objects.filter(transcript__agency=target), target, chosen)
        data = write_table(format, table.columns, table.rows, sheet="scores")
        emit(self, output, data)
        audit_export(target, "scores", format=format, scheme=scheme or "", rows=len(table.rows))
