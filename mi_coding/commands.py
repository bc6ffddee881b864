"""Shared plumbing for management commands: one-line errors and lookups by slug/name."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from accounts.models import Agency, Practitioner


def validation_message(exc: ValidationError) -> str:
    return "; ".join(str(message) for message in exc.messages)


@contextmanager
def command_errors() -> Iterator[None]:
    """Turn a service's ValidationError into the one-line CommandError users script against."""
    try:
        yield
    except ValidationError as exc:
        raise CommandError(validation_message(exc)) from exc


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
