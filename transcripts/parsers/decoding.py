"""Bytes to text: the encodings transcripts arrive in, and refusing what is not text."""

from __future__ import annotations

import codecs
import re

from transcripts.filetypes import binary_kind
from transcripts.parsers.base import ParseError

# C0 control characters other than tab, line feed, vertical tab, form feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def decode_text(data: bytes, filename: str) -> str:
    """The text of ``data`` with every line ending turned into ``\\n``.

    UTF-8 with or without a byte-order mark, UTF-16 with one, else Windows-1252.
    """
    if data.startswith(codecs.BOM_UTF8):
        text = _decode(data[len(codecs.BOM_UTF8) :], "utf-8", filename, "UTF-8")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _decode(data, "utf-16", filename, "UTF-16")
    else:
        kind = binary_kind(data[:16])
        if kind is not None:
            raise ParseError(f"this is a {kind}, not a transcript", filename=filename)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise ParseError(
                    "this is not text in UTF-8, UTF-16 or Windows-1252 "
                    f"(byte {exc.start + 1} cannot be read)",
                    filename=filename,
                    line=data[: exc.start].count(b"\n") + 1,
                ) from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\x1a")
    bad = _CONTROL.search(text)
    if bad is not None:
        hint = ""
        if bad.group() == "\x00":
            hint = "; if it is UTF-16 text, save it with a byte-order mark or as UTF-8"
        raise ParseError(
            f"this looks like binary data, not text (control character "
            f"U+{ord(bad.group()):04X}){hint}",
            filename=filename,
            line=text.count("\n", 0, bad.start()) + 1,
        )
    if not text.strip():
        raise ParseError("the file is empty", filename=filename)
    return text


def _decode(data: bytes, codec: str, filename: str, name: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise ParseError(
            f"the file is marked as {name} but byte {exc.start + 1} is not valid {name}",
            filename=filename,
        ) from exc
