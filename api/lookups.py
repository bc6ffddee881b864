"""Rows named by a request (a practitioner, team or scheme of the token's agency), or 400 with
a message naming what is missing: a filter on something that does not exist is a mistake to
report, not an empty list."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError

from accounts.models import Agency, Practitioner, Team
from coding.models import Coding, CodingScheme
from coding.selectors import schemes_for


def practitioner_in(agency: Agency, pk: int, field: str = "practitioner") -> Practitioner:
    found = Practitioner.objects.filter(agency=agency, pk=pk).select_related("team").first()
    if found is None:
        raise ValidationError({field: [f"No practitioner {pk} in {agency.name}."]})
    return found


def team_in(agency: Agency, pk: int) -> Team:
    found = Team.objects.filter(agency=agency, pk=pk).first()
    if found is None:
        raise ValidationError({"team": [f"No team {pk} in {agency.name}."]})
    return found


def scheme_in(agency: Agency, slug: str) -> CodingScheme:
    schemes = schemes_for(agency)
    found = schemes.filter(slug=slug).first()
    if found is None:
        known = ", ".join(schemes.values_list("slug", flat=True))
        raise ValidationError({"scheme": [f"No scheme {slug!r} here; choose one of {known}."]})
    return found


def sessions_filtered(codings: QuerySet[Coding], agency: Agency, params: dict) -> QuerySet[Coding]:
    """Codings narrowed by a request's session filters: practitioner, team, session dates."""
    if "practitioner" in params:
        codings = codings.filter(
            transcript__practitioner=practitioner_in(agency, params["practitioner"])
        )
    if "team" in params:
        codings = codings.filter(transcript__practitioner__team=team_in(agency, params["team"]))
    if "date_from" in params:
        codings = codings.filter(transcript__session_date__gte=params["date_from"])
    if "date_to" in params:
        codings = codings.filter(transcript__session_date__lte=params["date_to"])
    return codings
