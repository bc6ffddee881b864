"""WebVTT: cues with times; speakers from voice tags ``<v Name>`` or a ``Name:`` prefix."""

from __future__ import annotations

import re

from transcripts.parsers.base import ParsedTranscript, ParseError, TableLayout
from transcripts.parsers.cues import Cue, blocks, cue_in_block, cue_turns, is_timing
from transcripts.parsers.decoding import decode_text

_HEADER = re.compile(r"^WEBVTT(?:[ \t].*)?$")
_SKIPPED_BLOCKS = re.compile(r"^(?:NOTE|STYLE|REGION)(?:[ \t].*)?$")
EXAMPLE = "00:00:01.000 --> 00:00:04.000"


def parse(data: bytes, filename: str, layout: TableLayout | None = None) -> ParsedTranscript:
    lines = decode_text(data, filename).split("\n")
    if not _HEADER.match(lines[0].strip()):
        raise ParseError("a WebVTT file starts with the line WEBVTT", filename=filename, line=1)
    cues: list[Cue] = []
    for first, block in blocks(lines)[1:]:
        if _SKIPPED_BLOCKS.match(block[0]):
            continue
        offset = 0 if is_timing(block[0]) else 1  # a cue may start with an identifier line
        cues.append(
            cue_in_block(
                first,
                block,
                offset,
                filename=filename,
                example=EXAMPLE,
                expected=f"expected a cue time such as {EXAMPLE}",
            )
        )
    return cue_turns(cues, filename=filename, format="vtt")
