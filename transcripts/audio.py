"""Checking an audio file before it is stored: its size, its name and what its bytes are."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File

from transcripts.filetypes import AUDIO_EXTENSIONS, audio_kind
from transcripts.parsers.archive import archive_entries, megabytes, open_zip, unpack
from transcripts.parsers.base import ParseError

_ACCEPTED = ", ".join(f".{extension}" for extension in AUDIO_EXTENSIONS)


def _shown_name(file: File) -> str:
    """The name messages give the file: its own, or ``archive.zip/path`` inside a zip."""
    return (file.name or "the audio file").replace("\\", "/")


def audio_check(file: File) -> str:
    """The file's audio container (``mp3``, ``m4a``, ``wav``, ``ogg``, ``webm``), recognised
    by its content; ValidationError naming the file otherwise."""
    name = _shown_name(file)
    base = name.rsplit("/", 1)[-1]
    extension = base.rsplit(".", 1)[-1].lower() if "." in base else ""
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


def audio_duration(file: File, kind: str) -> float:
    """The recording's length in seconds, read from the file's headers; ValidationError
    naming the file when it cannot be read or lasts no time at all."""
    name = _shown_name(file)
    file.seek(0)
    try:
        seconds = _webm_seconds(file.read(1 << 16)) if kind == "webm" else _tagged_seconds(file)
    except Exception as exc:  # noqa: BLE001 (a damaged file can fail any way inside the reader)
        raise ValidationError(f"{name}: the recording cannot be read ({exc})") from exc
    finally:
        file.seek(0)
    if seconds is None or seconds != seconds:
        raise ValidationError(f"{name}: the recording cannot be read (its length is not stated)")
    if seconds <= 0:
        raise ValidationError(f"{name}: the recording lasts no time at all")
    return float(seconds)


def _tagged_seconds(file: File) -> float | None:
    import mutagen  # noqa: PLC0415 (read only when a recording is stored)

    audio = mutagen.File(file)
    if audio is None or audio.info is None:
        return None
    return audio.info.length


_EBML_DURATION = b"\x44\x89"
_EBML_TIMECODE_SCALE = b"\x2a\xd7\xb1"


def _webm_seconds(head: bytes) -> float | None:
    """WebM (Matroska) states its length in the segment's Info: Duration, a float in units
    of TimecodeScale nanoseconds (one million unless given)."""
    import struct  # noqa: PLC0415

    at = head.find(_EBML_DURATION)
    while at >= 0:
        size = head[at + 2] if at + 2 < len(head) else 0
        if size in (0x84, 0x88):
            raw = head[at + 3 : at + 3 + (size & 0x0F)]
            if len(raw) == size & 0x0F:
                duration = struct.unpack(">f" if size == 0x84 else ">d", raw)[0]
                return duration * _webm_scale(head) / 1e9
        at = head.find(_EBML_DURATION, at + 1)
    return None


def _webm_scale(head: bytes) -> int:
    at = head.find(_EBML_TIMECODE_SCALE)
    if at < 0 or at + 3 >= len(head):
        return 1_000_000
    width = head[at + 3] & 0x0F if head[at + 3] & 0x80 else 0
    raw = head[at + 4 : at + 4 + width]
    return int.from_bytes(raw, "big") if width and len(raw) == width else 1_000_000


@contextmanager
def recordings_of(files: Sequence[File]) -> Iterator[list[File]]:
    """``files`` with each zip among them replaced by the recordings it holds, in order.

    Each recording from a zip waits in a temporary file, removed when the block ends. A zip
    may hold recordings and folders only (each up to ``MI_AUDIO_MAX_BYTES``, together up to
    ``MI_AUDIO_ZIP_MAX_EXPANDED_BYTES``); and all of them together are at most
    ``MI_UPLOAD_MAX_FILES`` recordings. ValidationError naming the file at fault otherwise.
    """
    with ExitStack() as stack:
        recordings: list[File] = []
        for file in files:
            name = (file.name or "recordings.zip").replace("\\", "/").rsplit("/", 1)[-1]
            if name.lower().endswith(".zip"):
                recordings += _unpacked(file, name, stack)
            else:
                recordings.append(file)
        limit = settings.MI_UPLOAD_MAX_FILES
        if len(recordings) > limit:
            raise ValidationError(
                f"this upload holds {len(recordings)} recordings; upload at most {limit} at "
                "once (a zip counts each recording in it)"
            )
        yield recordings


def _unpacked(file: File, name: str, stack: ExitStack) -> list[File]:
    total_limit = settings.MI_AUDIO_ZIP_MAX_EXPANDED_BYTES
    per_file = settings.MI_AUDIO_MAX_BYTES
    if (file.size or 0) > total_limit:
        raise ValidationError(
            f"{name}: the archive is larger than the {megabytes(total_limit)} allowed; split "
            "it into smaller ones"
        )
    try:
        file.seek(0)
        archive = stack.enter_context(open_zip(file, name, limit=total_limit))
        entries = archive_entries(
            archive, name, AUDIO_EXTENSIONS, what="recording", per_file=per_file
        )
        unpacked = unpack(
            archive,
            name,
            entries,
            per_file=per_file,
            total=total_limit,
            target=lambda: stack.enter_context(tempfile.TemporaryFile()),  # noqa: SIM115 (the stack closes it)
        )
    except ParseError as exc:
        raise ValidationError(str(exc)) from exc
    recordings = []
    for entry_name, target in unpacked:
        target.seek(0)
        recordings.append(File(target, name=entry_name))
    return recordings
