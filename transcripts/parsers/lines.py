"""Turning lines of text into speaker turns: ``Speaker: text`` labels, continuation lines.

Plain text, Word paragraphs and subtitle cues all end here, so a label is recognised the same
way in every format.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from transcripts.parsers.base import ParsedTranscript, ParseError, Turn
from transcripts.parsers.timecodes import CLOCK_PATTERN, clock_seconds
from transcripts.speaker_names import name_role

_BRACKETED = rf"\[\s*(?P<sq>{CLOCK_PATTERN})\s*\]|\(\s*(?P<par>{CLOCK_PATTERN})\s*\)"
_LEADING_STAMP = re.compile(
    rf"^(?:{_BRACKETED}|(?P<bare>\d{{1,3}}:\d{{2}}:\d{{2}}(?:[.,]\d{{1,3}})?)(?=\s|$))"
    r"\s*[-–—]?\s*"
)
_LABEL = re.compile(
    r"^(?P<label>[^\W\d_][\w .'’&/-]{0,59}?)\s*"
    rf"(?:{_BRACKETED})?"
    # A colon before a digit is a clock ("at 12:30"), before "//" a web address.
    r"\s*:(?!\d|//)\s*(?P<text>.*)$"
)
_MAX_LABEL_WORDS = 4


@dataclass
class Line:
    number: int
    text: str
    start: float | None = None
    end: float | None = None
    # A speaker the format itself names (a WebVTT voice tag), trusted as it is.
    speaker: str | None = None
    # The line began with a time or a cue, so a label at its start is a speaker, not prose.
    stamped: bool = False


@dataclass(frozen=True)
class Label:
    speaker: str
    text: str
    start: float | None


def leading_stamp(text: str) -> tuple[float | None, str]:
    """A time stamp at the start of ``text`` (``[00:01:02]``, ``(01:02)``, ``00:01:02``)."""
    match = _LEADING_STAMP.match(text)
    if match is None:
        return None, text
    stamp = match["sq"] or match["par"] or match["bare"]
    return clock_seconds(stamp), text[match.end() :]


def split_label(text: str) -> Label | None:
    """``Speaker: text`` (the speaker optionally followed by a bracketed time), or None."""
    match = _LABEL.match(text)
    if match is None:
        return None
    speaker = " ".join(match["label"].split())
    if len(speaker.split()) > _MAX_LABEL_WORDS:
        return None
    stamp_text = match["sq"] or match["par"]
    start = clock_seconds(stamp_text) if stamp_text else None
    rest = match["text"]
    if start is None:
        start, rest = leading_stamp(rest)
    return Label(speaker=speaker, text=rest.strip(), start=start)


def turns_from_lines(
    lines: list[Line], *, filename: str, format: str, unit: str = "line"
) -> ParsedTranscript:
    """Turns from labelled lines; a line without a label continues the turn before it.

    A ``Word: text`` line is taken as a speaker's turn when the line starts with a time, the
    label names a role (Therapist, Client, T, C …) or the same label starts other lines too,
    so that a sentence like "Note: she was late" inside a turn is not mistaken for a speaker.
    """
    labels = {line.number: split_label(line.text) for line in lines if line.speaker is None}
    counts = Counter(label.speaker for label in labels.values() if label is not None)
    turns: list[Turn] = []
    orphans: list[int] = []
    for line in lines:
        speaker, text, start = line.speaker, line.text, line.start
        label = labels.get(line.number)
        if label is not None and (
            line.stamped
            or label.start is not None
            or counts[label.speaker] > 1
            or name_role(label.speaker) is not None
        ):
            speaker, text = label.speaker, label.text
            start = start if start is not None else label.start
        text = text.strip()
        if speaker is not None:
            turns.append(
                Turn(speaker=speaker, text=text, start=start, end=line.end, line=line.number)
            )
        elif not text:
            continue
        elif turns:
            last = turns[-1]
            last.text = f"{last.text} {text}".strip()
            if line.end is not None:
                last.end = line.end
        else:
            orphans.append(line.number)
    turns = [turn for turn in turns if turn.text]
    if not turns:
        raise ParseError(
            "no speaker labels found: start each turn with the speaker's name and a colon, "
            "e.g. 'Therapist: How are you today?'",
            filename=filename,
        )
    parsed = ParsedTranscript(filename=filename, format=format, turns=turns, unit=unit)
    if orphans:
        where = (
            f"{unit} {orphans[0]} was"
            if len(orphans) == 1
            else f"{unit}s {orphans[0]}–{orphans[-1]} were"
        )
        parsed.warnings.append(f"{where} before the first speaker label and left out")
    return parsed
