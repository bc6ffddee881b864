import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.commands import agency_by_slug
from coding.commands import scheme_by_slug
from coding.models import Coding
from mi_coding.ids import id_argument
from mi_coding.tabular import write_csv
from transcripts.models import Transcript


class Command(BaseCommand):
    help = (
        "Inter-rater reliability of an agency's submitted codings with one scheme: utterance-"
        "level kappa, Fleiss' kappa, Krippendorff's alpha and agreement per dimension, and "
        "session-level ICC of every code count, global and summary score. Calibration "
        "codings never count; consensus codings only with --include-consensus."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True)
        parser.add_argument("--scheme", required=True)
        parser.add_argument(
            "--transcript",
            action="append",
            type=id_argument,
            default=[],
            dest="transcripts",
            metavar="ID",
            help="Only this transcript (repeatable).",
        )
        parser.add_argument(
            "--coder",
            action="append",
            default=[],
            dest="coders",
            metavar="NAME",
            help="Only this coder's codings, by username (repeatable).",
        )
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument(
            "--include-consensus",
            action="store_true",
            help="Count consensus codings as a rater of their own, named (consensus).",
        )

    def handle(
        self,
        *args: object,
        agency: str,
        scheme: str,
        transcripts: list[int],
        coders: list[str],
        format: str,
        include_consensus: bool,
        **options: object,
    ) -> None:
        # The statistics load here, not with the command's module: `--help` and a mistyped
        # argument answer at once.
        from reliability.reports import TABLE_COLUMNS, reliability_report, report_json, report_rows
        from reliability.selectors import coders_with_codings, reliability_data

        target = agency_by_slug(agency)
        chosen_scheme = scheme_by_slug(target, scheme)
        codings = Coding.objects.filter(transcript__agency=target)
        transcript_set = None
        if transcripts:
            transcript_set = Transcript.objects.filter(agency=target, pk__in=transcripts)
            missing = sorted(set(transcripts) - set(transcript_set.values_list("pk", flat=True)))
            if missing:
                raise CommandError(
                    f"no transcript {', '.join(map(str, missing))} in agency {agency!r}"
                )
        if coders:
            known = set(
                coders_with_codings(codings.filter(scheme=chosen_scheme)).values_list(
                    "username", flat=True
                )
            )
            unknown = [name for name in coders if name not in known]
            if unknown:
                raise CommandError(
                    f"no submitted {chosen_scheme.slug} codings by {', '.join(unknown)} "
                    f"in agency {agency!r}"
                )
        try:
            data = reliability_data(
                codings,
                scheme=chosen_scheme,
                agency=target,
                transcripts=transcript_set,
                coders=coders,
                include_consensus=include_consensus,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        report = reliability_report(data)
        if format == "csv":
            self.stdout.write(write_csv(TABLE_COLUMNS, report_rows(report)), ending="")
        else:
            self.stdout.write(json.dumps(report_json(report), indent=2, allow_nan=False))
