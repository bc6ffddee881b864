from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Agency
from accounts.services import audit_record


def write_output(output: str, data: bytes) -> None:
    """Write an export, failing with the one-line error commands give."""
    try:
        Path(output).write_bytes(data)
    except OSError as exc:
        raise CommandError(f"{output}: cannot write: {exc.strerror}") from exc


def emit(command: BaseCommand, output: str | None, data: bytes) -> None:
    """An export to ``output``, or to standard output when no file is named."""
    if output:
        write_output(output, data)
    else:
        command.stdout.write(data.decode("utf-8"), ending="")


def audit_export(agency: Agency, what: str, **details: object) -> None:
    """An export from the command line in the agency's audit log (no signed-in actor)."""
    audit_record(
        actor=None, action=f"export.{what}", agency=agency, details={"via": "command", **details}
    )
