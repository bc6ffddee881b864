"""What WebVTT and SRT share: blocks separated by blank lines, cue timings, cue text with
markup, and speakers from voice tags or ``Name:`` prefixes."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from transcripts.parsers.base import ParsedTranscript, ParseError
from transcripts.parsers.lines import Line, turns_from_lines
from transcripts.parsers.timecodes import clock_seconds

_TIMING = re.compile(r"^\s*(?P<start>\S+)\s+-->\s+(?P<end>\S+)(?:\s.*)?$")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)*(?:\s+(?P<name>[^>]*))?>")
_TAG = re.compile(r"<[^>]*>|\{\\[^}]*\}")
_DIALOGUE_DASH = re.compile(r"^[-–—]\s+")


@dataclass
class Cue:
    start: float
    end: float
    payload: list[tuple[int, str]]  # (line number, text)


def blocks(lines: list[str], first: int = 1) -> list[tuple[int, list[str]]]:
    """Runs of non-blank lines as (number of the run's first line, its lines)."""
    found: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = first
    for number, line in enumerate(lines, start=first):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            found.append((start, current))
            current = []
    if current:
        found.append((start, current))
    return found


def is_timing(line: str) -> bool:
    return "-->" in line


def cue_timing(line: str, number: int, filename: str, example: str) -> tuple[float, float]:
    match = _TIMING.match(line)
    start = clock_seconds(match["start"]) if match else None
    end = clock_seconds(match["end"]) if match else None
    if start is None or end is None:
        raise ParseError(
            f"malformed cue time {line.strip()[:60]!r}; write it as {example}",
            filename=filename,
            line=number,
        )
    if end < start:
        raise ParseError("the cue ends before it starts", filename=filename, line=number)
    return start, end


def cue_in_block(
    first: int, block: list[str], offset: int, *, filename: str, example: str, expected: str
) -> Cue:
    """The cue whose timing line is ``block[offset]`` (the block's lines start at ``first``)."""
    if offset >= len(block) or not is_timing(block[offset]):
        raise ParseError(expected, filename=filename, line=first + min(offset, len(block) - 1))
    start, end = cue_timing(block[offset], first + offset, filename, example)
    payload = list(enumerate(block[offset + 1 :], start=first + offset + 1))
    return Cue(start=start, end=end, payload=payload)


def _clean(text: str) -> str:
    text = html.unescape(_TAG.sub("", text))
    return _DIALOGUE_DASH.sub("", " ".join(text.split()))


def cue_lines(cues: list[Cue]) -> list[Line]:
    """One Line per voice (or per payload line without one), carrying the cue's times."""
    lines: list[Line] = []
    for cue in cues:
        for index, (number, raw) in enumerate(cue.payload):
            voices = list(_VOICE.finditer(raw))
            pieces: list[tuple[str | None, str]] = []
            if voices:
                before = raw[: voices[0].start()]
                if _clean(before):
                    pieces.append((None, before))
                for position, voice in enumerate(voices):
                    stop = voices[position + 1].start() if position + 1 < len(voices) else None
                    name = " ".join((voice["name"] or "").split()) or None
                    pieces.append((name, raw[voice.end() : stop]))
            else:
                pieces.append((None, raw))
            for speaker, text in pieces:
                lines.append(
                    Line(
                        number=number,
                        text=_clean(text),
                        start=cue.start,
                        end=cue.end,
                        speaker=speaker,
                        stamped=index == 0,
                    )
                )
    return lines


def cue_turns(cues: list[Cue], *, filename: str, format: str) -> ParsedTranscript:
    if not cues:
        raise ParseError("the file holds no cues", filename=filename)
    return turns_from_lines(cue_lines(cues), filename=filename, format=format)
