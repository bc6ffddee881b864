from django import forms

from coding.models import CodingScheme
from mi_coding.ids import IdField


class SuggestionSettingsForm(forms.Form):
    enabled = forms.BooleanField(
        required=False, label="Show suggested codes to coders in their primary codings"
    )
    threshold = forms.FloatField(
        min_value=0.01,
        max_value=1,
        label="Accept-all threshold",
        help_text="The accept-all key takes every suggestion at or above this probability.",
    )


class TrainForm(forms.Form):
    scheme = forms.ModelChoiceField(queryset=CodingScheme.objects.none(), empty_label=None)

    def __init__(self, *args: object, schemes: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = schemes


class AcceptForm(forms.Form):
    utterance = IdField()
    codes = forms.JSONField()

    def clean_codes(self) -> list[int]:
        codes = self.cleaned_data["codes"]
        field = IdField()
        if not isinstance(codes, list) or not codes or len(codes) > 50:
            raise forms.ValidationError("a list of one to fifty code ids")
        return [field.clean(code) for code in codes]
