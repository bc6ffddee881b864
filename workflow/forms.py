"""Forms of the coding workflow: they validate and normalise, and never write."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils import timezone

from accounts.models import Agency, User
from coding.models import Coding, CodingKind, CodingScheme
from coding.selectors import schemes_for
from mi_coding.ids import IdsChoiceField, parse_id
from transcripts.models import Transcript
from workflow.people import coders_of
from workflow.services.assignments import AssignMode


class CoderChoiceField(IdsChoiceField):
    def label_from_instance(self, obj: object) -> str:
        name = obj.get_full_name()
        return f"{obj.username} ({name})" if name else obj.username


class TranscriptChoiceField(IdsChoiceField):
    def label_from_instance(self, obj: object) -> str:
        return obj.label


def _default_scheme(agency: Agency) -> CodingScheme | None:
    return schemes_for(agency).filter(slug=settings.MI_DEFAULT_SCHEME).first()


class _AgencyForm(forms.Form):
    scheme = forms.ModelChoiceField(queryset=CodingScheme.objects.none(), empty_label=None)
    due_date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Optional. Overdue work is flagged in the queue and the overview.",
    )

    def __init__(self, *args: object, agency: Agency, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.agency = agency
        self.fields["scheme"].queryset = schemes_for(agency)
        self.fields["scheme"].initial = _default_scheme(agency)
        if "coders" in self.fields:
            self.fields["coders"].queryset = coders_of(agency)

    def clean_due_date(self) -> object:
        due = self.cleaned_data.get("due_date")
        if due is not None and due < timezone.localdate():
            raise forms.ValidationError("The due date is in the past.")
        return due


class AssignForm(_AgencyForm):
    transcripts = TranscriptChoiceField(
        queryset=Transcript.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick at least one transcript."},
    )
    coders = CoderChoiceField(
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one coder."},
    )
    mode = forms.ChoiceField(
        choices=[
            (AssignMode.SHARE, "Share the transcripts among the chosen coders"),
            (AssignMode.EACH, "Give every transcript to each chosen coder"),
        ],
        initial=AssignMode.SHARE,
        widget=forms.RadioSelect,
    )

    field_order = ["transcripts", "coders", "mode", "scheme", "due_date"]

    def __init__(self, *args: object, agency: Agency, **kwargs: object) -> None:
        super().__init__(*args, agency=agency, **kwargs)
        self.fields["transcripts"].queryset = Transcript.objects.filter(agency=agency)


class SampleForm(_AgencyForm):
    percent = forms.DecimalField(
        label="Share to double-code (%)",
        min_value=Decimal("0.01"),
        max_value=Decimal(100),
        decimal_places=2,
        initial=Decimal(20),
    )
    coders = CoderChoiceField(
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Second coders",
        help_text="Each sampled transcript goes to the least loaded of these, never to its "
        "first coder.",
        error_messages={"required": "Choose at least one second coder."},
    )
    seed = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=2**62,
        help_text="Leave empty for a new random sample; give a seed to draw the same one again.",
    )
    date_from = forms.DateField(
        required=False, label="Sessions from", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="Sessions to", widget=forms.DateInput(attrs={"type": "date"})
    )
    name = forms.CharField(
        max_length=120, required=False, help_text="Optional; a name with the seed is made up."
    )

    field_order = ["scheme", "percent", "coders", "seed", "date_from", "date_to", "due_date"]

    def clean(self) -> dict[str, object]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date is before the start date.")
        return data


_ITEM = re.compile(r"^([ug])(\d+)$")


class DecisionForm(forms.Form):
    """One adjudication decision as the adjudication page posts it."""

    item = forms.CharField(max_length=24)
    source = forms.CharField(max_length=24)
    codes = forms.CharField(required=False, max_length=500)
    value = forms.IntegerField(required=False)
    reason = forms.CharField(required=False, max_length=1000)
    # Set once the supervisor has confirmed changing an item that is already decided.
    replace = forms.BooleanField(required=False)

    def clean_item(self) -> tuple[str, int]:
        match = _ITEM.match(self.cleaned_data["item"].strip())
        if match is None:
            raise forms.ValidationError("Unknown item.")
        return match.group(1), int(match.group(2))

    def clean_source(self) -> int | None:
        source = self.cleaned_data["source"].strip()
        if source == "own":
            return None
        number = parse_id(source)
        if number is None:
            raise forms.ValidationError("Take a coder's answer or give your own.")
        return number

    def clean_codes(self) -> list[int]:
        raw = [part for part in self.cleaned_data.get("codes", "").split(",") if part.strip()]
        codes = [parse_id(part) for part in raw]
        if None in codes:
            raise forms.ValidationError("Unknown code.")
        return codes


class GoldChoiceField(IdsChoiceField):
    def label_from_instance(self, obj: object) -> str:
        return f"{obj.transcript.label} · {obj.coder.username} · {obj.scheme.name}"


class TrainingSetForm(forms.Form):
    name = forms.CharField(max_length=120)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    scheme = forms.ModelChoiceField(queryset=CodingScheme.objects.none(), empty_label=None)
    golds = GoldChoiceField(
        queryset=Coding.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Gold standards",
        error_messages={"required": "Choose at least one gold standard."},
    )

    def __init__(self, *args: object, agency: Agency, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = schemes_for(agency)
        self.fields["scheme"].initial = _default_scheme(agency)
        self.fields["golds"].queryset = (
            Coding.objects.filter(transcript__agency=agency, kind=CodingKind.GOLD)
            .select_related("transcript", "coder", "scheme")
            .order_by("transcript__title", "transcript_id")
        )

    def clean(self) -> dict[str, object]:
        data = super().clean()
        scheme, golds = data.get("scheme"), data.get("golds")
        if scheme and golds and any(g.scheme_id != scheme.pk for g in golds):
            self.add_error("golds", f"Choose gold standards coded with {scheme.name}.")
        return data
