"""Turns from a table (CSV/TSV rows, a Word table): which column is the speaker, the text and
the times, found from the header's names or, without one, from what the columns hold."""

from __future__ import annotations

import re
from dataclasses import dataclass

from transcripts.parsers.base import ParsedTranscript, ParseError, TableLayout, Turn
from transcripts.parsers.timecodes import clock_seconds, time_seconds

# Header names for each column, best first (compared lower-case, letters and digits only).
_NAMES: dict[str, list[str]] = {
    "speaker": ["speaker", "speakerlabel", "speakername", "role", "name", "who", "person",
                "talker", "voice", "participant"],
    "text": ["text", "utterance", "utterancetext", "transcript", "transcription", "content",
             "dialogue", "dialog", "words", "message", "statement", "verbatim", "line", "said"],
    "start": ["start", "starttime", "startseconds", "begin", "begintime", "from", "timestamp",
              "time", "onset", "in", "tcin", "starts"],
    "end": ["end", "endtime", "endseconds", "stop", "stoptime", "to", "offset", "out",
            "tcout", "ends"],
}  # fmt: skip
_SAMPLE_ROWS = 200


@dataclass(frozen=True)
class Row:
    number: int  # line (CSV) or row (Word table) where the row starts, from 1
    cells: list[str]


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.casefold())


def _header_match(cells: list[str]) -> dict[str, int]:
    keys = [_key(cell) for cell in cells]
    found: dict[str, int] = {}
    for field, names in _NAMES.items():
        for name in names:
            if name in keys and keys.index(name) not in found.values():
                found[field] = keys.index(name)
                break
    return found


def _column(rows: list[Row], index: int) -> list[str]:
    return [row.cells[index].strip() for row in rows if index < len(row.cells)]


def guess_layout(rows: list[Row], filename: str, unit: str) -> TableLayout:
    """The layout a person would most likely mean: header names first, then content."""
    width = max(len(row.cells) for row in rows)
    matched = _header_match(rows[0].cells)
    header = "speaker" in matched or "text" in matched
    body = rows[1:] if header else rows
    sample = body[:_SAMPLE_ROWS]
    chosen = dict(matched) if header else {}
    for field in ("start", "end"):
        if field in chosen:
            continue
        for index in range(width):
            values = [value for value in _column(sample, index) if value]
            if (
                index not in chosen.values()
                and values
                and all(clock_seconds(value) is not None for value in values)
            ):
                chosen[field] = index
                break
    free = [index for index in range(width) if index not in chosen.values()]
    lengths = {index: _mean_length(_column(sample, index)) for index in free}
    if "text" not in chosen and free:
        chosen["text"] = max(free, key=lambda index: lengths[index])
        free.remove(chosen["text"])
    if "speaker" not in chosen and free:
        # Few distinct short values; a column of numbers is more likely a row number.
        chosen["speaker"] = min(
            free,
            key=lambda index: (
                all(value.isdigit() for value in _column(sample, index)),
                len(set(_column(sample, index))),
                lengths[index],
            ),
        )
    if "speaker" not in chosen or "text" not in chosen:
        raise ParseError(
            f"a table needs a speaker column and a text column; found {width} column"
            f"{'' if width == 1 else 's'}",
            filename=filename,
            line=rows[0].number,
            unit=unit,
        )
    return TableLayout(
        header=header,
        speaker=chosen["speaker"],
        text=chosen["text"],
        start=chosen.get("start"),
        end=chosen.get("end"),
    )


def _mean_length(values: list[str]) -> float:
    return sum(map(len, values)) / len(values) if values else 0.0


def column_names(rows: list[Row], layout: TableLayout | None) -> list[str]:
    width = max(len(row.cells) for row in rows)
    names = [f"Column {index + 1}" for index in range(width)]
    if layout is not None and layout.header:
        for index, cell in enumerate(rows[0].cells):
            if cell.strip():
                names[index] = f"{cell.strip()[:40]} (column {index + 1})"
    return names


def _check_layout(layout: TableLayout, width: int, filename: str) -> None:
    indices = [layout.speaker, layout.text, layout.start, layout.end]
    used = [index for index in indices if index is not None]
    if any(index < 0 or index >= width for index in used):
        raise ParseError(f"the table has only {width} columns", filename=filename)
    if len(set(used)) != len(used):
        raise ParseError(
            "choose a different column for each of speaker, text and times", filename=filename
        )


def _time(row: Row, index: int | None, what: str, filename: str, unit: str) -> float | None:
    if index is None or index >= len(row.cells) or not row.cells[index].strip():
        return None
    value = row.cells[index].strip()
    seconds = time_seconds(value)
    if seconds is None:
        raise ParseError(
            f"the {what} time {value[:40]!r} is not a time (use seconds or hh:mm:ss)",
            filename=filename,
            line=row.number,
            unit=unit,
        )
    return seconds


def table_turns(
    rows: list[Row],
    *,
    filename: str,
    format: str,
    layout: TableLayout | None = None,
    unit: str = "line",
) -> ParsedTranscript:
    """Turns from table rows; a row with text but no speaker continues the turn before it."""
    rows = [row for row in rows if any(cell.strip() for cell in row.cells)]
    if not rows:
        raise ParseError("the file is empty", filename=filename)
    width = max(len(row.cells) for row in rows)
    if layout is None:
        layout = guess_layout(rows, filename, unit)
    else:
        _check_layout(layout, width, filename)
    turns: list[Turn] = []
    orphans = 0
    for row in rows[1:] if layout.header else rows:
        cells = row.cells
        speaker = " ".join(cells[layout.speaker].split()) if layout.speaker < len(cells) else ""
        text = " ".join(cells[layout.text].split()) if layout.text < len(cells) else ""
        start = _time(row, layout.start, "start", filename, unit)
        end = _time(row, layout.end, "end", filename, unit)
        if not text:
            continue
        if speaker:
            turns.append(Turn(speaker=speaker, text=text, start=start, end=end, line=row.number))
        elif turns:
            turns[-1].text = f"{turns[-1].text} {text}"
            turns[-1].end = end if end is not None else turns[-1].end
        else:
            orphans += 1
    if not turns:
        raise ParseError(
            "no speaker labels found: the speaker column is empty in every row with text",
            filename=filename,
        )
    parsed = ParsedTranscript(
        filename=filename,
        format=format,
        turns=turns,
        columns=column_names(rows, layout),
        layout=layout,
        unit=unit,
    )
    if orphans:
        parsed.warnings.append(
            f"{orphans} row{'' if orphans == 1 else 's'} before the first speaker left out"
        )
    return parsed
