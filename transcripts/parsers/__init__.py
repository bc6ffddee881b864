"""Transcript files to one common structure (``ParsedTranscript``), one module per format.

``read_sources`` checks an uploaded file's name, size and kind and opens a zip into its
transcript files; ``parse_source`` parses one of them. Both raise only ``ParseError``, whose
message names the file and, where there is one, the line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from transcripts.parsers import archive, base, delimited, jsonlist, plaintext, srt, webvtt, word
from transcripts.parsers.base import ParsedTranscript, ParseError, TableLayout

Parser = Callable[[bytes, str, TableLayout | None], ParsedTranscript]

PARSERS: dict[str, Parser] = {
    "txt": plaintext.parse,
    "csv": delimited.parse,
    "tsv": delimited.parse,
    "docx": word.parse,
    "vtt": webvtt.parse,
    "srt": srt.parse,
    "json": jsonlist.parse,
}
EXTENSIONS = (*PARSERS, "zip")


@dataclass(frozen=True)
class Source:
    """One transcript file: uploaded as it is, or found inside an uploaded zip."""

    name: str
    data: bytes

    @property
    def extension(self) -> str:
        return extension_of(self.name)


def extension_of(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def accepted_extensions() -> str:
    return ", ".join(f".{extension}" for extension in EXTENSIONS)


def read_sources(name: str, data: bytes) -> list[Source]:
    """The transcript files in one upload: the file itself, or each file in a zip."""
    extension = extension_of(name)
    if extension not in EXTENSIONS:
        kind = f".{extension} files" if extension else "files without an extension"
        raise ParseError(
            f"{kind} cannot be read as transcripts; use {accepted_extensions()}", filename=name
        )
    if not data:
        raise ParseError("the file is empty", filename=name)
    limit = settings.MI_TRANSCRIPT_MAX_BYTES
    if len(data) > limit:
        raise ParseError(
            f"the file is larger than the {archive.megabytes(limit)} allowed", filename=name
        )
    if extension == "zip":
        return [
            Source(name=inner, data=content)
            for inner, content in archive.expand(data, name, PARSERS)
        ]
    return [Source(name=name, data=data)]


def parse_source(source: Source, layout: TableLayout | None = None) -> ParsedTranscript:
    parser = PARSERS.get(source.extension)
    if parser is None:
        raise ParseError(
            f"cannot read this kind of file; use {accepted_extensions()}", filename=source.name
        )
    return checked(parser(source.data, source.name, layout))


def parse_upload(name: str, data: bytes) -> list[ParsedTranscript]:
    """Every transcript in one uploaded file, each parsed with its guessed layout."""
    return [parse_source(source) for source in read_sources(name, data)]


def checked(parsed: ParsedTranscript) -> ParsedTranscript:
    """What every format must satisfy before its turns can be stored."""
    for turn in parsed.turns:
        if len(turn.speaker) > base.SPEAKER_LABEL_MAX:
            raise ParseError(
                f"the speaker label {turn.speaker[:30]!r}… is longer than "
                f"{base.SPEAKER_LABEL_MAX} characters",
                filename=parsed.filename,
                line=turn.line,
                unit=parsed.unit,
            )
        if turn.start is not None and turn.end is not None and turn.end < turn.start:
            raise ParseError(
                "the turn ends before it starts",
                filename=parsed.filename,
                line=turn.line,
                unit=parsed.unit,
            )
    return parsed


__all__ = [
    "EXTENSIONS",
    "PARSERS",
    "ParseError",
    "ParsedTranscript",
    "Source",
    "TableLayout",
    "parse_source",
    "parse_upload",
    "read_sources",
]
