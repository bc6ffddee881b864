"""HTTP helpers shared by views."""

from __future__ import annotations

import logging
import mimetypes
import re
from collections.abc import Iterator

from django.core.files import File
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseNotFound,
    StreamingHttpResponse,
)

logger = logging.getLogger(__name__)

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_CHUNK = 64 * 1024


def _read_range(file: File, start: int, length: int) -> Iterator[bytes]:
    with file.open("rb") as handle:
        handle.seek(start)
        remaining = length
        while remaining > 0:
            chunk = handle.read(min(_CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk


def ranged_file_response(request: HttpRequest, file: File, filename: str = "") -> HttpResponse:
    """Serve a stored file, honouring a single byte range so audio players can seek.

    A file the database names but storage has lost answers 404 with a plain message.
    """
    try:
        size = file.size
    except OSError as exc:
        logger.warning("stored file %s cannot be read: %s", file.name, exc)
        return HttpResponseNotFound(
            "This file is missing from storage; upload it again.",
            content_type="text/plain; charset=utf-8",
        )
    content_type = mimetypes.guess_type(filename or file.name)[0] or "application/octet-stream"
    header = request.headers.get("Range", "")
    match = _RANGE.match(header.strip()) if header else None
    if match is None or not any(match.groups()):
        response = FileResponse(file.open("rb"), content_type=content_type)
        response["Accept-Ranges"] = "bytes"
        response["Content-Length"] = str(size)
        response["Cache-Control"] = "private, no-store"
        return response
    first, last = match.groups()
    if first == "":
        start = max(0, size - int(last))
        end = size - 1
    else:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
    if start >= size or start > end:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    length = end - start + 1
    response = StreamingHttpResponse(
        _read_range(file, start, length), status=206, content_type=content_type
    )
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, no-store"
    return response
