"""CSV and TSV: comma, semicolon or tab separated (detected), with or without a header row."""

from __future__ import annotations

import csv
import io
from collections import Counter

from transcripts.parsers.base import ParsedTranscript, ParseError, TableLayout
from transcripts.parsers.decoding import decode_text
from transcripts.parsers.tables import Row, table_turns

_DELIMITERS = (",", ";", "\t")
_SNIFF_LINES = 50


def detect_delimiter(text: str, preferred: str) -> str:
    """The delimiter that splits the first lines into the most consistent number of fields."""
    sample = "\n".join(text.split("\n", _SNIFF_LINES)[:_SNIFF_LINES])
    best, best_score = preferred, (0.0, 0)
    for delimiter in (preferred, *(d for d in _DELIMITERS if d != preferred)):
        try:
            widths = [len(cells) for cells in csv.reader(io.StringIO(sample), delimiter=delimiter)]
        except csv.Error:
            continue
        widths = [width for width in widths if width]
        if not widths:
            continue
        width, count = Counter(widths).most_common(1)[0]
        if width < 2:
            continue
        score = (count / len(widths), width)
        if score[0] > best_score[0] or (score[0] == best_score[0] and score[1] > best_score[1]):
            best, best_score = delimiter, score
    return best


def read_rows(text: str, delimiter: str, filename: str) -> list[Row]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[Row] = []
    line = 1
    try:
        for cells in reader:
            rows.append(Row(number=line, cells=cells))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ParseError(f"this is not valid CSV ({exc})", filename=filename, line=line) from exc
    return rows


def parse(data: bytes, filename: str, layout: TableLayout | None = None) -> ParsedTranscript:
    text = decode_text(data, filename)
    format = "tsv" if filename.lower().endswith(".tsv") else "csv"
    delimiter = detect_delimiter(text, "\t" if format == "tsv" else ",")
    rows = read_rows(text, delimiter, filename)
    return table_turns(rows, filename=filename, format=format, layout=layout)
