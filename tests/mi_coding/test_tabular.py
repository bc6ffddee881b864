import io

import pytest
from openpyxl import load_workbook

from mi_coding.tabular import table_response, write_csv, write_table, write_xlsx

COLUMNS = ["name", "score", "note"]
ROWS = [
    {"name": "Dana", "score": 1.5, "note": None},
    {"name": '=HYPERLINK("x")', "score": float("nan"), "note": "ok"},
]


def test_csv_keeps_column_order_and_blanks_missing_values():
    text = write_csv(COLUMNS, ROWS)
    lines = text.splitlines()
    assert lines[0] == "name,score,note"
    assert lines[1] == "Dana,1.5,"


def test_formulas_are_neutralised_in_both_formats():
    assert "'=HYPERLINK" in write_csv(COLUMNS, ROWS)
    sheet = load_workbook(io.BytesIO(write_xlsx(COLUMNS, ROWS))).active
    assert sheet.cell(row=3, column=1).value.startswith("'=")
    assert sheet.cell(row=3, column=2).value in (None, "")


def test_xlsx_round_trips_numbers():
    sheet = load_workbook(io.BytesIO(write_xlsx(COLUMNS, ROWS))).active
    assert [c.value for c in sheet[1]] == COLUMNS
    assert sheet.cell(row=2, column=2).value == 1.5


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown format"):
        write_table("pdf", COLUMNS, ROWS)


def test_download_response_names_the_file_and_is_not_cached():
    response = table_response("csv", "scores", COLUMNS, ROWS)
    assert response["Content-Disposition"] == 'attachment; filename="scores.csv"'
    assert response["Cache-Control"] == "no-store"
