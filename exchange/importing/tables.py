"""Reading uploaded spreadsheets saved as CSV: encoding, delimiter, header and numbered rows.

Row numbers are the ones a spreadsheet shows: the header is row 1, the first data row row 2,
so a message naming a row points at the line the user sees when they open the file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat

# Excel on Windows saves "CSV" in the system code page; UTF-16 is its "Unicode text".
_ENCODINGS = ("utf-8-sig", "cp1252")
_DELIMITERS = (",", ";", "\t")


class TableError(ValueError):
    """A file that cannot be read as a table; the message names the file and the fault."""


@dataclass(frozen=True)
class Row:
    number: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass
class Table:
    filename: str
    columns: list[str]
    rows: list[Row]
    encoding: str
    delimiter: str

    def column(self, wanted: str) -> str | None:
        """The header matching ``wanted``, ignoring case and surrounding spaces."""
        key = wanted.strip().casefold()
        for column in self.columns:
            if column.casefold() == key:
                return column
        return None


def file_size(size: int) -> str:
    """ "2.0 MB", with a plain space so command-line messages read cleanly."""
    return filesizeformat(size).replace("\xa0", " ")


def size_limit_message(filename: str, size: int) -> str | None:
    limit = settings.MI_IMPORT_MAX_BYTES
    if size <= limit:
        return None
    return f"{filename} is {file_size(size)}, larger than the import limit of {file_size(limit)}"


def _decode(filename: str, data: bytes) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise TableError(f"{filename}: cannot be read as UTF-16 text") from exc
    if b"\x00" in data:
        raise TableError(f"{filename} is not a text file; save the spreadsheet as CSV")
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise TableError(f"{filename}: cannot be read as UTF-8 or Windows-1252 text")


def _delimiter(first_line: str) -> str:
    return max(_DELIMITERS, key=first_line.count)


def read_table(filename: str, data: bytes) -> Table:
    """The header and the non-blank rows of a CSV (or tab- or semicolon-separated) file."""
    too_big = size_limit_message(filename, len(data))
    if too_big:
        raise TableError(too_big)
    text, encoding = _decode(filename, data)
    if not text.strip():
        raise TableError(f"{filename} is empty")
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = _delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise TableError(f"{filename}: line {reader.line_num}: {exc}") from exc
    start = 0
    while start < len(records) and not any(cell.strip() for cell in records[start]):
        start += 1
    if start == len(records):
        raise TableError(f"{filename} is empty")
    header = [cell.strip() for cell in records[start]]
    seen: set[str] = set()
    for index, name in enumerate(header, start=1):
        if not name:
            raise TableError(f"{filename}: column {index} of the header has no name")
        if name.casefold() in seen:
            raise TableError(f"{filename}: column {name!r} appears twice in the header")
        seen.add(name.casefold())
    rows = []
    for number, record in enumerate(records[start + 1 :], start=start + 2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(header) and any(cell.strip() for cell in record[len(header) :]):
            raise TableError(
                f"{filename}: row {number} has {len(record)} cells but the header has "
                f"{len(header)}; check the quoting of that row"
            )
        cells = {
            name: (record[i].strip() if i < len(record) else "") for i, name in enumerate(header)
        }
        rows.append(Row(number=number, cells=cells))
    if not rows:
        raise TableError(f"{filename} has a header but no data rows")
    return Table(
        filename=filename, columns=header, rows=rows, encoding=encoding, delimiter=delimiter
    )
