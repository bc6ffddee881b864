from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.commands import agency_by_slug, practitioner_by_name
from coding.commands import scheme_by_slug
from exchange.importing.check import plan_import
from exchange.importing.plan import ImportColumns, ImportOptions
from exchange.importing.tables import Table, TableError, read_table
from exchange.services import codings_import
from mi_coding.errors import command_errors


def _table(file: str) -> Table:
    path = Path(file)
    if not path.is_file():
        raise CommandError(f"{file}: no such file")
    try:
        return read_table(path.name, path.read_bytes())
    except TableError as exc:
        raise CommandError(str(exc)) from exc


class Command(BaseCommand):
    help = (
        "Import coded sessions from a long-format CSV, one row per (transcript, utterance, "
        "coder). Transcripts and utterances come from the first coder's rows, coders become "
        "accounts with the coder role, and each (transcript, coder) becomes one submitted "
        "coding. Nothing is written unless the whole file is valid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--agency", required=True)
        parser.add_argument("--scheme", required=True)
        parser.add_argument("--transcript-col", default="transcript")
        parser.add_argument("--utterance-col", default="utterance")
        parser.add_argument("--speaker-col", default="speaker")
        parser.add_argument("--text-col", default="text")
        parser.add_argument("--coder-col", default="coder")
        parser.add_argument(
            "--code-col",
            action="extend",
            nargs="+",
            default=None,
            help="A column of codes; give several for e.g. practitioner and client codes.",
        )
        parser.add_argument(
            "--ignore-value",
            action="extend",
            nargs="+",
            default=[],
            help="A cell value meaning 'no code', such as n/a (an empty cell always is).",
        )
        parser.add_argument("--practitioner-speaker", action="extend", nargs="+", default=[])
        parser.add_argument("--client-speaker", action="extend", nargs="+", default=[])
        parser.add_argument(
            "--globals",
            default=None,
            help="CSV of global ratings: transcript, coder, scale, value.",
        )
        parser.add_argument(
            "--practitioner",
            default=None,
            help="Display name of the practitioner of transcripts the import creates; required "
            "when the file holds a transcript the agency does not have yet.",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace a coder's existing coding of a transcript instead of failing.",
        )

    def handle(self, *args: object, **options: object) -> None:
        agency = agency_by_slug(options["agency"])
        scheme = scheme_by_slug(agency, options["scheme"])
        practitioner = None
        if options["practitioner"]:
            practitioner = practitioner_by_name(agency, options["practitioner"])
        table = _table(options["file"])
        globals_table = _table(options["globals"]) if options["globals"] else None
        import_options = ImportOptions(
            scheme=scheme,
            columns=ImportColumns(
                transcript=options["transcript_col"],
                utterance=options["utterance_col"],
                speaker=options["speaker_col"],
                text=options["text_col"],
                coder=options["coder_col"],
                codes=tuple(options["code_col"] or ["code"]),
            ),
            ignore_values=tuple(options["ignore_value"]),
            practitioner_speakers=tuple(options["practitioner_speaker"]),
            client_speakers=tuple(options["client_speaker"]),
            practitioner=practitioner,
            replace=options["replace"],
        )
        plan = plan_import(
            agency=agency, table=table, options=import_options, globals_table=globals_table
        )
        if not plan.ok:
            summary = plan.summary()
            if plan.problem_count > 1:
                if options["verbosity"] >= 2:
                    for problem in plan.problems[1:]:
                        self.stderr.write(str(problem))
                    if plan.more_problems:
                        self.stderr.write(f"… and {plan.more_problems} more, not listed")
                else:
                    summary += "; -v 2 lists them all"
            raise CommandError(summary)
        with command_errors():
            imported = codings_import(plan=plan)
        for coding in imported:
            self.stdout.write(coding.line())
