"""Zip archives: a batch of transcripts (folders allowed), and the container of a .docx.

Names that climb out of the archive's folder and archives that expand beyond
``settings.MI_ZIP_MAX_EXPANDED_BYTES`` are refused before anything is read.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Collection

from django.conf import settings

from transcripts.parsers.base import ParseError

# What a damaged or unusual archive can raise while its directory or an entry is read.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
)
_DRIVE = re.compile(r"^[A-Za-z]:")


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def open_zip(data: bytes, filename: str) -> zipfile.ZipFile:
    """The archive, once its declared expanded size is within the limit."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except _ZIP_ERRORS as exc:
        raise ParseError("this is not a valid zip archive", filename=filename) from exc
    limit = settings.MI_ZIP_MAX_EXPANDED_BYTES
    if sum(info.file_size for info in infos) > limit:
        raise ParseError(
            f"the archive expands to more than {megabytes(limit)}; split it into smaller ones",
            filename=filename,
        )
    return archive


def _unsafe(path: str) -> bool:
    parts = path.split("/")
    return path.startswith("/") or bool(_DRIVE.match(path)) or ".." in parts


def expand(data: bytes, filename: str, extensions: Collection[str]) -> list[tuple[str, bytes]]:
    """(name, content) of each transcript file in the archive, named ``archive.zip/path``.

    Folders, macOS resource forks and hidden files are passed over; anything else that is not
    a transcript file fails the whole archive.
    """
    archive = open_zip(data, filename)
    infos = archive.infolist()
    for info in infos:
        if _unsafe(info.filename.replace("\\", "/")):
            raise ParseError(
                f"the entry {info.filename[:120]!r} points outside the archive's folder",
                filename=filename,
            )
    per_file = settings.MI_TRANSCRIPT_MAX_BYTES
    entries: list[tuple[str, bytes]] = []
    expanded = 0
    for info in infos:
        path = info.filename.replace("\\", "/")
        parts = path.split("/")
        if info.is_dir() or parts[0] == "__MACOSX" or parts[-1].startswith("."):
            continue
        name = f"{filename}/{path}"
        extension = parts[-1].rsplit(".", 1)[-1].lower() if "." in parts[-1] else ""
        if extension == "zip":
            raise ParseError("a zip inside a zip is not read; unpack it first", filename=name)
        if extension not in extensions:
            raise ParseError(
                f"not a transcript file; use {', '.join(f'.{e}' for e in sorted(extensions))}",
                filename=name,
            )
        if info.flag_bits & 0x1:
            raise ParseError("the entry is encrypted", filename=name)
        if info.file_size > per_file:
            raise ParseError(f"the file is larger than {megabytes(per_file)}", filename=name)
        try:
            with archive.open(info) as handle:
                content = handle.read(per_file + 1)
        except _ZIP_ERRORS as exc:
            raise ParseError("the entry cannot be read from the archive", filename=name) from exc
        if len(content) > per_file:
            raise ParseError(f"the file is larger than {megabytes(per_file)}", filename=name)
        expanded += len(content)
        if expanded > settings.MI_ZIP_MAX_EXPANDED_BYTES:
            raise ParseError(
                f"the archive expands to more than {megabytes(settings.MI_ZIP_MAX_EXPANDED_BYTES)}",
                filename=filename,
            )
        entries.append((name, content))
    if not entries:
        raise ParseError("the archive holds no transcript files", filename=filename)
    return entries
