"""How a refusal from a service reaches people: one line for commands, a message for pages.

Services refuse with ``ValidationError``; everything here only translates it.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.http import HttpRequest


def validation_message(exc: ValidationError) -> str:
    return "; ".join(str(message) for message in exc.messages)


@contextmanager
def command_errors() -> Iterator[None]:
    """Turn a service's ValidationError into the one-line CommandError users script against."""
    try:
        yield
    except ValidationError as exc:
        raise CommandError(validation_message(exc)) from exc


def perform(request: HttpRequest, action: Callable[[], object], success: str = "") -> bool:
    """Run a service call for a page: its refusal becomes an error message, its success
    ``success``. True when it succeeded."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, validation_message(exc))
        return False
    if success:
        messages.success(request, success)
    return True
