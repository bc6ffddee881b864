"""Checking an audio file before it is stored: its size, its name and what its bytes are."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File

from transcripts.filetypes import AUDIO_EXTENSIONS, audio_kind
from transcripts.parsers.archive import megabytes

_ACCEPTED = ", ".join(f".{extension}" for extension in AUDIO_EXTENSIONS)


def audio_check(file: File) -> str:
    """The file's audio container (``mp3``, ``m4a``, ``wav``, ``ogg``, ``webm``), recognised
    by its content; ValidationError naming the file otherwise."""
    name = (file.name or "the audio file").replace("\\", "/").rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in AUDIO_EXTENSIONS:
        raise ValidationError(f"{name}: not an audio file we accept; use {_ACCEPTED}")
    size = file.size or 0
    if size == 0:
        raise ValidationError(f"{name}: the file is empty")
    limit = settings.MI_AUDIO_MAX_BYTES
    if size > limit:
        raise ValidationError(
            f"{name}: the file is {megabytes(size)}, larger than the {megabytes(limit)} allowed"
        )
    file.seek(0)
    head = file.read(64)
    file.seek(0)
    kind = audio_kind(head)
    if kind is None:
        raise ValidationError(
            f"{name}: the content is not MP3, M4A, WAV, Ogg or WebM audio, whatever its name"
        )
    return kind
