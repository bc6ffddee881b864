from django.core.management.base import BaseCommand, CommandParser

from accounts.commands import agency_by_slug
from coding.commands import scheme_by_slug
from coding.models import Coding
from exchange.management.commands._files import audit_export, emit
from exchange.selectors import utterance_code_table
from mi_coding.tabular import CSV, write_table


class Command(BaseCommand):
    help = (
        "Export every utterance code of an agency's codings in long format, one row per code: "
        "coding, transcript, utterance position, speaker role, coder, scheme, dimension and "
        "code. The utterance text, the most sensitive part, only with --include-text."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True)
        parser.add_argument("--scheme", default=None)
        parser.add_argument(
            "--include-text", action="store_true", help="Add each utterance's text."
        )
        parser.add_argument("--output", default=None, help="File to write; else stdout.")

    def handle(
        self,
        *args: object,
        agency: str,
        scheme: str | None,
        include_text: bool,
        output: str | None,
        **options: object,
    ) -> None:
        target = agency_by_slug(agency)
        chosen = scheme_by_slug(target, scheme) if scheme else None
        table = utterance_code_table(
            Coding.objects.filter(transcript__agency=target),
            include_text=include_text,
            scheme=chosen,
        )
        emit(self, output, write_table(CSV, table.columns, table.rows, sheet="codes"))
        audit_export(
            target,
            "utterance_codes",
            format=CSV,
            scheme=scheme or "",
            include_text=include_text,
            rows=len(table.rows),
        )
