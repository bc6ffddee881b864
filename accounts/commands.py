"""Lookups for management commands: an agency or practitioner by the name users type, or a
one-line error naming the value at fault."""

from django.core.management.base import CommandError

from accounts.models import Agency, Practitioner


def agency_by_slug(slug: str) -> Agency:
    try:
        return Agency.objects.get(slug=slug)
    except Agency.DoesNotExist as exc:
        raise CommandError(f"no agency with slug {slug!r}") from exc


def practitioner_by_name(agency: Agency, display_name: str) -> Practitioner:
    try:
        return Practitioner.objects.get(agency=agency, display_name=display_name)
    except Practitioner.DoesNotExist as exc:
        raise CommandError(
            f"no practitioner named {display_name!r} in agency {agency.slug!r}"
        ) from exc
