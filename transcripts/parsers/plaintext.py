"""Plain text: ``Speaker: text`` lines, optionally stamped ``[hh:mm:ss]``, ``(mm:ss)`` or
``hh:mm:ss``; ``#`` lines are comments; a line without a label continues the turn before it."""

from __future__ import annotations

from collections.abc import Iterable

from transcripts.parsers.base import ParsedTranscript, TableLayout
from transcripts.parsers.decoding import decode_text
from transcripts.parsers.lines import Line, leading_stamp, turns_from_lines


def parse(data: bytes, filename: str, layout: TableLayout | None = None) -> ParsedTranscript:
    text = decode_text(data, filename)
    return parse_text(enumerate(text.split("\n"), start=1), filename=filename, format="txt")


def parse_text(
    rows: Iterable[tuple[int, str]], *, filename: str, format: str, unit: str = "line"
) -> ParsedTranscript:
    """Turns from numbered lines of text, read as in a plain text transcript."""
    lines = []
    for number, raw in rows:
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        start, rest = leading_stamp(stripped)
        lines.append(Line(number=number, text=rest, start=start, stamped=start is not None))
    return turns_from_lines(lines, filename=filename, format=format, unit=unit)
