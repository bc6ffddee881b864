from typing import Any

from django import forms

from coding.models import CodingScheme, VolleySpeaker
from coding.selectors import ScoreDefinition
from coding.services.workspace import NOTE_MAX_CHARS
from mi_coding.ids import IdField


class CodeChangeForm(forms.Form):
    """One workspace save: make a code present on an utterance, or absent from it."""

    utterance = IdField()
    code = IdField()
    action = forms.ChoiceField(choices=[("set", "set"), ("clear", "clear")])


# Times on a recording, in milliseconds: what a PositiveIntegerField holds everywhere.
MAX_MS = 2**31 - 1


def _ms(**kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(min_value=0, max_value=MAX_MS, **kwargs)


class VolleyChangeForm(forms.Form):
    """One change to a coding's volleys. A volley is named by the instant it starts (``at``,
    in ms), unique within a coding, so changes queued offline need no ids from the server:
    add a volley at ``at``; move it to ``start`` (ending at ``end``, or at the next volley);
    split it at ``start``; merge the one starting at ``next`` into it; delete it."""

    action = forms.ChoiceField(
        choices=[(a, a) for a in ("add", "move", "split", "merge", "delete")]
    )
    at = _ms()
    speaker = forms.ChoiceField(choices=VolleySpeaker.choices, required=False)
    start = _ms(required=False)
    end = _ms(required=False)
    next = _ms(required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        needs = {"add": "speaker", "move": "start", "split": "start", "merge": "next"}
        wanted = needs.get(cleaned.get("action", ""))
        if wanted and cleaned.get(wanted) in (None, ""):
            raise forms.ValidationError(f"{cleaned['action']} needs {wanted}")
        return cleaned


class VolleyCodeForm(forms.Form):
    """Make a code present on the volley starting at ``at`` (ms), or absent from it."""

    at = _ms()
    code = IdField()
    action = forms.ChoiceField(choices=[("set", "set"), ("clear", "clear")])


class NoteTextField(forms.CharField):
    """Note text from a JSON body: a string or null, never an object, list or number (which a
    plain CharField would store as its repr)."""

    def to_python(self, value: Any) -> str:
        if value is not None and not isinstance(value, str):
            raise forms.ValidationError("must be a string of text", code="not_text")
        return super().to_python(value)


class StrictBooleanField(forms.Field):
    """true or false from a JSON body (absent or null: false), never a string or a number
    that a plain BooleanField would read as true."""

    def to_python(self, value: Any) -> bool:
        if value is None:
            return False
        if not isinstance(value, bool):
            raise forms.ValidationError("must be true or false", code="not_boolean")
        return value


class UtteranceNoteForm(forms.Form):
    utterance = IdField()
    text = NoteTextField(required=False, max_length=NOTE_MAX_CHARS, strip=True)
    for_feedback = StrictBooleanField(required=False)


class VolleyNoteForm(forms.Form):
    """The note on the volley starting at ``at`` (ms); empty text removes it."""

    at = _ms()
    text = NoteTextField(required=False, max_length=NOTE_MAX_CHARS, strip=True)
    for_feedback = StrictBooleanField(required=False)


class CodingNotesForm(forms.Form):
    text = NoteTextField(required=False, max_length=NOTE_MAX_CHARS, strip=True)


class GlobalRatingForm(forms.Form):
    """``value`` null clears the rating."""

    scale = IdField()
    value = forms.IntegerField(required=False)


class StartCodingForm(forms.Form):
    scheme = forms.ModelChoiceField(
        queryset=CodingScheme.objects.none(), to_field_name="slug", empty_label=None
    )

    def __init__(self, *args: Any, schemes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = schemes


class ReopenForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why it needs changing; recorded in the audit log.",
    )


class ThresholdsForm(forms.Form):
    """A fair and a good cut-off for each summary score; both blank means no band."""

    def __init__(self, *args: Any, definitions: list[ScoreDefinition], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.definitions = definitions
        for d in definitions:
            unit = " (%)" if d.percent else ""
            self.fields[f"fair_{d.slug}"] = forms.FloatField(
                required=False, label=f"{d.name}: fair{unit}", initial=d.fair
            )
            self.fields[f"good_{d.slug}"] = forms.FloatField(
                required=False, label=f"{d.name}: good{unit}", initial=d.good
            )

    def rows(self) -> list[tuple[ScoreDefinition, forms.BoundField, forms.BoundField]]:
        return [(d, self[f"fair_{d.slug}"], self[f"good_{d.slug}"]) for d in self.definitions]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for d in self.definitions:
            fair, good = cleaned.get(f"fair_{d.slug}"), cleaned.get(f"good_{d.slug}")
            if fair is not None and good is not None and good < fair:
                self.add_error(f"good_{d.slug}", "The good threshold cannot be below fair.")
        return cleaned

    def thresholds(self) -> dict[str, tuple[float | None, float | None]]:
        return {
            d.slug: (self.cleaned_data[f"fair_{d.slug}"], self.cleaned_data[f"good_{d.slug}"])
            for d in self.definitions
        }
