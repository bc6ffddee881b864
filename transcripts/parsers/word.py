"""Word ``.docx``: paragraphs ``Speaker: text``, or a table with speaker and text columns."""

from __future__ import annotations

import io

from transcripts.parsers.archive import open_zip
from transcripts.parsers.base import ParsedTranscript, ParseError, TableLayout
from transcripts.parsers.decoding import decode_text
from transcripts.parsers.plaintext import parse_text
from transcripts.parsers.tables import Row, table_turns

_ZIP_MAGIC = b"PK\x03\x04"


def parse(data: bytes, filename: str, layout: TableLayout | None = None) -> ParsedTranscript:
    if not data.startswith(_ZIP_MAGIC):
        decode_text(data, filename)  # names binary data and empty files precisely
        raise ParseError(
            "this is not a Word document but plain text; rename it to .txt, or save it from "
            "Word as a .docx document",
            filename=filename,
        )
    open_zip(data, filename)
    paragraphs, tables = _read(data, filename)
    if layout is None:
        numbered = [
            (number, line)
            for number, text in enumerate(paragraphs, start=1)
            for line in text.split("\n")
        ]
        try:
            return parse_text(numbered, filename=filename, format="docx", unit="paragraph")
        except ParseError:
            if not tables:
                raise
    if not tables:
        raise ParseError("the document has no table to choose columns from", filename=filename)
    table = max(tables, key=len)
    rows = [Row(number=number, cells=cells) for number, cells in enumerate(table, start=1)]
    return table_turns(rows, filename=filename, format="docx", layout=layout, unit="table row")


def _read(data: bytes, filename: str) -> tuple[list[str], list[list[list[str]]]]:
    """The body's paragraph texts and each table's rows of cell texts."""
    import docx  # python-docx and lxml: loaded by the first Word file, not by every process

    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs = [paragraph.text for paragraph in document.paragraphs]
        tables = [
            [[cell.text for cell in row.cells] for row in table.rows] for table in document.tables
        ]
    # python-docx reports a damaged or foreign package with errors of many kinds (zip, XML,
    # missing parts, key and value errors); to the user each means the same thing.
    except Exception as exc:
        raise ParseError(
            "this is not a readable Word document (.docx); open it in Word and save it again",
            filename=filename,
        ) from exc
    return paragraphs, [table for table in tables if table and max(map(len, table)) >= 2]
