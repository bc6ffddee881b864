"""Shared plumbing for management commands: one-line errors and lookups by slug/name."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from accounts.models import Agency, Practitioner
from coding.models import CodingScheme
from coding.selectors import schemes_for


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


def scheme_by_slug(agency: Agency, slug: str) -> CodingScheme:
    """A scheme the agency may use: a shipped one or its own, never another agency's."""
    scheme = schemes_for(agency).filter(slug=slug).first()
    if scheme is None:
        raise CommandError(f"no coding scheme {slug!r} for agency {agency.slug!r}")
    return scheme


def practitioner_by_name(agency: Agency, display_name: str) -> Practitioner:
    try:
        return Practitioner.objects.get(agency=agency, display_name=display_name)
    except Practitioner.DoesNotExist as exc:
        raise CommandError(
            f"no practitioner named {display_name!r} in agency {agency.slug!r}"
        ) from exc
