"""Recognising a file by its first bytes rather than by its name."""

from __future__ import annotations

AUDIO_EXTENSIONS = {"mp3": "MP3", "m4a": "M4A", "wav": "WAV", "ogg": "Ogg", "webm": "WebM"}

# (what the file is, how to recognise it); audio comes first so a WAV is not called an image.
_SIGNATURES: list[tuple[str, bytes, int]] = [
    ("PNG image", b"\x89PNG\r\n\x1a\n", 0),
    ("JPEG image", b"\xff\xd8\xff", 0),
    ("GIF image", b"GIF87a", 0),
    ("GIF image", b"GIF89a", 0),
    ("TIFF image", b"II*\x00", 0),
    ("TIFF image", b"MM\x00*", 0),
    ("PDF document", b"%PDF-", 0),
    ("zip archive or Word document", b"PK\x03\x04", 0),
    ("empty zip archive", b"PK\x05\x06", 0),
    ("old Word (.doc) or Excel (.xls) file", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0),
    ("gzip archive", b"\x1f\x8b", 0),
    ("RAR archive", b"Rar!\x1a\x07", 0),
    ("7-Zip archive", b"7z\xbc\xaf\x27\x1c", 0),
    ("ELF program", b"\x7fELF", 0),
]


def audio_kind(head: bytes) -> str | None:
    """The audio container of a file from its first bytes: an extension in AUDIO_EXTENSIONS."""
    if head.startswith(b"ID3"):
        return "mp3"
    if head[4:8] == b"ftyp":
        return "m4a"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    if _mpeg_frame(head):
        return "mp3"
    return None


def _mpeg_frame(head: bytes) -> bool:
    """An MPEG audio frame header: 11 sync bits, a valid version, layer and bitrate."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version = (head[1] >> 3) & 0b11
    layer = (head[1] >> 1) & 0b11
    bitrate = head[2] >> 4
    sample_rate = (head[2] >> 2) & 0b11
    return version != 0b01 and layer != 0b00 and bitrate != 0b1111 and sample_rate != 0b11


def binary_kind(head: bytes) -> str | None:
    """A short description of a well-known binary format, or None."""
    kind = audio_kind(head)
    if kind is not None:
        return f"{AUDIO_EXTENSIONS[kind]} audio file"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "WebP image"
    for description, magic, offset in _SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return description
    return None
