from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest

from accounts.access import Cap, current_agency, require
from accounts.models import Agency
from mi_coding.commands import validation_message


def agency_for(request: HttpRequest, cap: Cap) -> Agency:
    """The agency the user works in now, if their role there grants ``cap``."""
    agency = current_agency(request)
    if agency is None:
        raise Http404
    require(request.user, agency.pk, cap)
    return agency


def hidden_fields(request: HttpRequest, *, drop: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """The posted fields, to post again from a confirmation page."""
    skip = {"csrfmiddlewaretoken", "confirm", *drop}
    return [(k, v) for k, values in request.POST.lists() if k not in skip for v in values]


def perform(request: HttpRequest, action: Callable[[], object], success: str = "") -> bool:
    """Run a service call; its refusal becomes an error message, its success ``success``."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, validation_message(exc))
        return False
    if success:
        messages.success(request, success)
    return True
