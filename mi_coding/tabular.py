"""Tables out: one way to write rows as CSV or XLSX, for every export and download.

``columns`` fixes the column order; each row is a mapping from column name to a value (None
becomes an empty cell, never "None" or "nan"; a boolean is written ``true`` or ``false``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.http import HttpResponse

CSV = "csv"
XLSX = "xlsx"
FORMATS = (CSV, XLSX)
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Cells starting with these are formulas to a spreadsheet; prefix them so an exported
# transcript text can never run as one.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value != value:  # NaN
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return buffer.getvalue()


def write_xlsx(
    columns: Sequence[str], rows: Iterable[Mapping[str, Any]], sheet: str = "data"
) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet[:31])
    worksheet.append(list(columns))
    for row in rows:
        worksheet.append([_cell(row.get(column)) for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_table(
    fmt: str, columns: Sequence[str], rows: Iterable[Mapping[str, Any]], sheet: str = "data"
) -> bytes:
    if fmt == CSV:
        return write_csv(columns, rows).encode("utf-8")
    if fmt == XLSX:
        return write_xlsx(columns, rows, sheet)
    raise ValueError(f"unknown format {fmt!r}; choose csv or xlsx")


def table_response(
    fmt: str, filename: str, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]
) -> HttpResponse:
    """A download of the rows; ``filename`` has no extension."""
    response = HttpResponse(write_table(fmt, columns, rows), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response
