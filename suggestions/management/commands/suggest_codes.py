import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.commands import agency_by_slug
from coding.commands import scheme_by_slug
from mi_coding.ids import id_argument
from suggestions.models import Suggester, SuggesterStatus
from suggestions.selectors import suggester_in_use, training_extent
from transcripts.models import Transcript


class Command(BaseCommand):
    help = (
        "The codes the agency's suggester suggests for each utterance of one transcript, "
        "every code of the speaker's dimensions with its probability, highest first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True)
        parser.add_argument("--transcript", required=True, type=id_argument, metavar="ID")
        parser.add_argument(
            "--scheme", help="Default: the scheme of the agency's latest trained suggester."
        )
        parser.add_argument("--format", choices=["json"], required=True)

    def handle(
        self,
        *args: object,
        agency: str,
        transcript: int,
        scheme: str | None,
        format: str,
        **options: object,
    ) -> None:
        from suggestions.suggesting import transcript_suggestions

        target = agency_by_slug(agency)
        session = Transcript.objects.filter(agency=target, pk=transcript).first()
        if session is None:
            raise CommandError(f"no transcript {transcript} in agency {agency!r}")
        if scheme is None:
            latest = (
                Suggester.objects.filter(agency=target, status=SuggesterStatus.DONE)
                .select_related("scheme")
                .order_by("-finished_at", "-pk")
                .first()
            )
            if latest is None:
                raise CommandError(
                    f"no suggester is trained for agency {agency!r}: run train_suggester first"
                )
            chosen = latest.scheme
        else:
            chosen = scheme_by_slug(target, scheme)
        suggester = suggester_in_use(target, chosen)
        if suggester is None:
            extent = training_extent(target, chosen)
            if not extent.enough:
                raise CommandError(extent.shortfall(target, chosen))
            raise CommandError(
                f"no suggester is trained for agency {agency!r} with {chosen.slug}: "
                "run train_suggester first"
            )
        self.stdout.write(json.dumps(transcript_suggestions(suggester, session), indent=2))
