"""Zip archives: a batch of transcripts or recordings (folders allowed), and the container
of a .docx.

Names that climb out of the archive's folder and archives that expand beyond
``settings.MI_ZIP_MAX_EXPANDED_BYTES`` are refused before anything is read.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Callable, Collection
from typing import BinaryIO, TypeVar

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
_CHUNK = 1 << 20
T = TypeVar("T", bound=BinaryIO)


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def open_zip(data: bytes | BinaryIO, filename: str, limit: int | None = None) -> zipfile.ZipFile:
    """The archive (bytes, or a file opened for reading), once its declared expanded size is
    within ``limit`` (``settings.MI_ZIP_MAX_EXPANDED_BYTES`` unless given)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
        infos = archive.infolist()
    except _ZIP_ERRORS as exc:
        raise ParseError("this is not a valid zip archive", filename=filename) from exc
    limit = settings.MI_ZIP_MAX_EXPANDED_BYTES if limit is None else limit
    if sum(info.file_size for info in infos) > limit:
        raise ParseError(
            f"the archive expands to more than {megabytes(limit)}; split it into smaller ones",
            filename=filename,
        )
    return archive


def _unsafe(path: str) -> bool:
    parts = path.split("/")
    return path.startswith("/") or bool(_DRIVE.match(path)) or ".." in parts


def archive_entries(
    archive: zipfile.ZipFile,
    filename: str,
    extensions: Collection[str],
    *,
    what: str,
    per_file: int,
) -> list[tuple[str, zipfile.ZipInfo]]:
    """(name, entry) of each file the archive holds, named ``archive.zip/path``, once every
    entry is safe to read: none climbs out of the archive's folder, none is a zip, encrypted,
    of another kind than ``extensions`` (``what`` names the kind in messages) or declared
    larger than ``per_file``. Folders, macOS resource forks and hidden files are passed
    over."""
    infos = archive.infolist()
    for info in infos:
        if _unsafe(info.filename.replace("\\", "/")):
            raise ParseError(
                f"the entry {info.filename[:120]!r} points outside the archive's folder",
                filename=filename,
            )
    entries = []
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
                f"not a {what}; use {', '.join(f'.{e}' for e in sorted(extensions))}",
                filename=name,
            )
        if info.flag_bits & 0x1:
            raise ParseError("the entry is encrypted", filename=name)
        if info.file_size > per_file:
            raise ParseError(f"the file is larger than {megabytes(per_file)}", filename=name)
        entries.append((name, info))
    if not entries:
        raise ParseError(f"the archive holds no {what}s", filename=filename)
    return entries


def _copy_entry(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, target: BinaryIO, per_file: int
) -> int:
    """Copy one entry into ``target``; the bytes copied. Its real size is checked as it is
    read, whatever the archive declared."""
    copied = 0
    try:
        handle = archive.open(info)
    except _ZIP_ERRORS as exc:
        raise ParseError("the entry cannot be read from the archive", filename=name) from exc
    with handle:
        while True:
            try:
                chunk = handle.read(min(_CHUNK, per_file + 1 - copied))
            except _ZIP_ERRORS as exc:
                raise ParseError(
                    "the entry cannot be read from the archive", filename=name
                ) from exc
            if not chunk:
                return copied
            copied += len(chunk)
            if copied > per_file:
                raise ParseError(f"the file is larger than {megabytes(per_file)}", filename=name)
            target.write(chunk)


def unpack(
    archive: zipfile.ZipFile,
    filename: str,
    entries: list[tuple[str, zipfile.ZipInfo]],
    *,
    per_file: int,
    total: int,
    target: Callable[[], T],
) -> list[tuple[str, T]]:
    """(name, target) of each entry copied into a new ``target()`` (a binary file), its real
    size checked as it is read: each at most ``per_file`` bytes, all at most ``total``."""
    unpacked = []
    expanded = 0
    for name, info in entries:
        into = target()
        expanded += _copy_entry(archive, info, name, into, per_file)
        if expanded > total:
            raise ParseError(
                f"the archive expands to more than {megabytes(total)}", filename=filename
            )
        unpacked.append((name, into))
    return unpacked


def expand(data: bytes, filename: str, extensions: Collection[str]) -> list[tuple[str, bytes]]:
    """(name, content) of each transcript file in the archive, named ``archive.zip/path``;
    anything in it that is not a transcript file fails the whole archive."""
    archive = open_zip(data, filename)
    per_file = settings.MI_TRANSCRIPT_MAX_BYTES
    entries = archive_entries(
        archive, filename, extensions, what="transcript file", per_file=per_file
    )
    return [
        (name, buffer.getvalue())
        for name, buffer in unpack(
            archive,
            filename,
            entries,
            per_file=per_file,
            total=settings.MI_ZIP_MAX_EXPANDED_BYTES,
            target=io.BytesIO,
        )
    ]
