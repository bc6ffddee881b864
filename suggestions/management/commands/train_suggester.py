import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.commands import agency_by_slug
from coding.commands import scheme_by_slug
from mi_coding.errors import validation_message
from suggestions.models import SuggesterStatus


def _figure(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


class Command(BaseCommand):
    help = (
        "Train the agency's suggester for one scheme on its codings of record and wait for it; "
        "print how it agrees with the codes of record on held-out sessions, beside the "
        "agreement between the agency's own coders."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True)
        parser.add_argument("--scheme", required=True)
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(
        self, *args: object, agency: str, scheme: str, format: str, **options: object
    ) -> None:
        from suggestions.services import suggester_create, suggester_train

        target = agency_by_slug(agency)
        chosen = scheme_by_slug(target, scheme)
        try:
            suggester = suggester_create(agency=target, scheme=chosen, actor=None)
        except ValidationError as exc:
            raise CommandError(validation_message(exc)) from exc
        suggester = suggester_train(suggester_id=suggester.pk)
        if suggester.status != SuggesterStatus.DONE:
            raise CommandError(f"suggester {suggester.pk}: {suggester.message}")
        evaluation = {
            slug: {
                "kappa": figures["kappa"],
                "alpha": figures["alpha"],
                "percent_agreement": figures["percent_agreement"],
                "per_code": figures["per_code"],
                "human_kappa": figures["human_kappa"],
            }
            for slug, figures in suggester.metrics.items()
        }
        if format == "json":
            result = {
                "suggester": suggester.pk,
                "utterances": suggester.utterances,
                "codings": suggester.codings,
                "evaluation": evaluation,
            }
            self.stdout.write(json.dumps(result, indent=2))
            return
        self.stdout.write(
            f"suggester {suggester.pk}: {suggester.utterances} utterances "
            f"from {suggester.codings} codings"
        )
        for slug, figures in evaluation.items():
            self.stdout.write(
                f"{slug} kappa {_figure(figures['kappa'])} "
                f"(human {_figure(figures['human_kappa'])})"
            )
