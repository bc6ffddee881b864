"""SRT subtitles: numbered cues with ``00:00:01,000 --> 00:00:04,000`` times; speakers from
a ``Name:`` prefix (or a voice tag, which some tools write)."""

from __future__ import annotations

from transcripts.parsers.base import ParsedTranscript, TableLayout
from transcripts.parsers.cues import blocks, cue_in_block, cue_turns
from transcripts.parsers.decoding import decode_text

EXAMPLE = "00:00:01,000 --> 00:00:04,000"


def parse(data: bytes, filename: str, layout: TableLayout | None = None) -> ParsedTranscript:
    lines = decode_text(data, filename).split("\n")
    cues = [
        cue_in_block(
            first,
            block,
            1 if block[0].strip().isdigit() else 0,
            filename=filename,
            example=EXAMPLE,
            expected=f"expected a cue number and a time such as {EXAMPLE}",
        )
        for first, block in blocks(lines)
    ]
    return cue_turns(cues, filename=filename, format="srt")
