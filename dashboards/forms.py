from __future__ import annotations

from collections.abc import Sequence

from django import forms

from accounts.models import Team
from coding.models import CodingScheme
from dashboards.selectors import Filters, default_scheme


class AuditFilterForm(forms.Form):
    """The audit's filters, read from the query string. Choices come from lists the view has
    already fetched, so validating costs no query; a team or scheme of another agency is not
    a choice and fails validation."""

    scheme = forms.ChoiceField(label="Scheme", required=False)
    team = forms.ChoiceField(label="Team", required=False)
    date_from = forms.DateField(
        label="Sessions from",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label="Sessions to",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(
        self,
        data: object = None,
        *,
        schemes: Sequence[CodingScheme],
        teams: Sequence[Team],
    ) -> None:
        super().__init__(data)
        self.schemes = {scheme.slug: scheme for scheme in schemes}
        self.teams = {str(team.pk): team for team in teams}
        self.fields["scheme"].choices = [(s.slug, s.name) for s in schemes]
        fallback = default_scheme(list(schemes))
        if fallback is not None:
            # Unbound, the form shows the scheme the page actually reports on.
            self.fields["scheme"].initial = fallback.slug
        self.fields["team"].choices = [("", "All teams")] + [(str(t.pk), t.name) for t in teams]
        for name, field in self.fields.items():
            css = "form-select form-select-sm" if name in ("scheme", "team") else "form-control"
            field.widget.attrs["class"] = css + (" form-control-sm" if "control" in css else "")

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("The start date is after the end date.")
        return cleaned

    def filters(self) -> Filters | None:
        """The chosen filters; the defaults (most used scheme, every team, all dates) when the
        form is unbound or invalid. None when the agency has no scheme at all."""
        fallback = default_scheme(list(self.schemes.values()))
        if fallback is None:
            return None
        if not self.is_bound or not self.is_valid():
            return Filters(scheme=fallback)
        data = self.cleaned_data
        return Filters(
            scheme=self.schemes.get(data["scheme"]) or fallback,
            team=self.teams.get(data["team"]),
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
