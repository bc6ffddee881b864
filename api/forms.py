from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from api.models import Scope

LIFETIMES = (7, 30, 90, 180, 365)


def lifetime_choices() -> list[tuple[int, str]]:
    maximum = settings.MI_API_TOKEN_MAX_DAYS
    days = sorted({d for d in LIFETIMES if d <= maximum} | {maximum})
    return [(d, f"{d} day{'s' if d != 1 else ''}") for d in days]


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="What the token is for, e.g. “Case system import” or “R scripts”.",
    )
    scope = forms.ChoiceField(
        choices=Scope.choices,
        initial=Scope.READ,
        widget=forms.RadioSelect,
        help_text="Read is enough to download scores and reliability. A token never does more "
        "than your role allows.",
    )
    days = forms.TypedChoiceField(label="Expires after", coerce=int)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = lifetime_choices()
        self.fields["days"].choices = choices
        self.fields["days"].initial = 90 if any(d == 90 for d, _ in choices) else choices[-1][0]

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()
