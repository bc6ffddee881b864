"""Lookups for management commands: a coding scheme by slug, or a one-line error."""

from django.core.management.base import CommandError

from accounts.models import Agency
from coding.models import CodingScheme
from coding.selectors import schemes_for


def scheme_by_slug(agency: Agency, slug: str) -> CodingScheme:
    """A scheme the agency may use: a shipped one or its own, never another agency's."""
    scheme = schemes_for(agency).filter(slug=slug).first()
    if scheme is None:
        raise CommandError(f"no coding scheme {slug!r} for agency {agency.slug!r}")
    return scheme
