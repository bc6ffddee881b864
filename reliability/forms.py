from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet

from accounts.models import Agency, Practitioner, Team, User
from coding.models import Coding, CodingScheme
from coding.selectors import schemes_for
from workflow.models import ReliabilitySet


class ReliabilityForm(forms.Form):
    """What to compute reliability on: a scheme, coders and a choice of transcripts.

    A GET form, so a result has a URL to share and download; every choice is limited to the
    user's current agency, so a forged id is an invalid choice, never another agency's row.
    """

    scheme = forms.ModelChoiceField(
        queryset=CodingScheme.objects.none(), to_field_name="slug", empty_label=None
    )
    coder = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        to_field_name="username",
        required=False,
        label="Coders",
        help_text="Leave empty for every coder. With more than two, a transcript must be coded "
        "by all of them to enter the session-level ICC.",
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    reliability_set = forms.ModelChoiceField(
        queryset=ReliabilitySet.objects.none(),
        required=False,
        label="Reliability set",
        help_text="A saved set of transcripts, such as the random double-coded sample.",
    )
    date_from = forms.DateField(
        required=False, label="Sessions from", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="Sessions to", widget=forms.DateInput(attrs={"type": "date"})
    )
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False)
    practitioner = forms.ModelChoiceField(queryset=Practitioner.objects.none(), required=False)
    include_consensus = forms.BooleanField(
        required=False,
        label="Include consensus codings as a rater of their own",
        help_text="A consensus coding is a joint rating, not an independent one, so it is left "
        "out unless you ask for it.",
    )

    def __init__(
        self, *args: Any, agency: Agency, codings: QuerySet[Coding], **kwargs: Any
    ) -> None:
        # reliability.selectors reads into pandas frames: it loads with the pages that use
        # this form, not with the URLconf.
        from reliability.selectors import coders_with_codings

        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = schemes_for(agency)
        self.fields["coder"].queryset = coders_with_codings(codings)
        self.fields["reliability_set"].queryset = ReliabilitySet.objects.filter(
            agency=agency
        ).select_related("scheme")
        self.fields["team"].queryset = Team.objects.filter(agency=agency).order_by("name")
        self.fields["practitioner"].queryset = Practitioner.objects.filter(agency=agency).order_by(
            "display_name"
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        date_from: datetime.date | None = cleaned.get("date_from")
        date_to: datetime.date | None = cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", "The end date comes before the start date.")
        chosen_set: ReliabilitySet | None = cleaned.get("reliability_set")
        scheme: CodingScheme | None = cleaned.get("scheme")
        if chosen_set is not None and scheme is not None and chosen_set.scheme_id != scheme.pk:
            self.add_error(
                "reliability_set",
                f"“{chosen_set.name}” was drawn for {chosen_set.scheme.name}; choose that scheme "
                "or another set.",
            )
        return cleaned

    @property
    def coder_names(self) -> list[str]:
        return [user.username for user in self.cleaned_data.get("coder") or []]
