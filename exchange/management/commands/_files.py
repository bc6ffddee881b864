from pathlib import Path

from django.core.management.base import CommandError


def write_output(output: str, data: bytes) -> None:
    """Write an export, failing with the one-line error commands give."""
    try:
        Path(output).write_bytes(data)
    except OSError as exc:
        raise CommandError(f"{output}: cannot write: {exc.strerror}") from exc
