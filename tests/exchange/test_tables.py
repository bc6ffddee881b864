"""Reading uploaded CSV files: encodings, separators, row numbers and bad files."""

import pytest

from exchange.importing.tables import TableError, read_table

CSV = "transcript,utterance,speaker,text,coder,code\nS1,1,T,Café “quoted”,ana,Q\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (CSV.encode("utf-8"), "utf-8-sig"),
        ("\ufeff".encode() + CSV.encode("utf-8"), "utf-8-sig"),
        (CSV.replace("“", '"').replace("”", '"').encode("cp1252"), "cp1252"),
        (CSV.encode("utf-16"), "utf-16"),
    ],
)
def test_utf8_excel_and_utf16_files_are_read(data, encoding):
    table = read_table("f.csv", data)
    assert table.encoding == encoding
    assert table.columns[0] == "transcript"
    assert table.rows[0].get("text").startswith("Café")


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_commas_semicolons_and_tabs_separate_columns(separator):
    data = f"transcript{separator}code\nS1{separator}Q;SR\n".replace("Q;SR", '"Q;SR"')
    table = read_table("f.csv", data.encode())
    assert table.columns == ["transcript", "code"]
    assert table.rows[0].get("code") == "Q;SR"


def test_rows_are_numbered_as_a_spreadsheet_shows_them():
    data = b'a,b\n1,"two\nlines"\n\n3,4\n'
    table = read_table("f.csv", data)
    assert [row.number for row in table.rows] == [2, 4]
    assert table.rows[0].get("b") == "two\nlines"


def test_short_rows_are_padded_and_headers_match_in_any_case():
    table = read_table("f.csv", b" Transcript ,Code\nS1\n")
    assert table.rows[0].get("Code") == ""
    assert table.column("transcript") == "Transcript"
    assert table.column("missing") is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "f.csv is empty"),
        (b"\n\n  \n", "f.csv is empty"),
        (b"a,b\n", "f.csv has a header but no data rows"),
        (b"a,,b\n1,2,3\n", "f.csv: column 2 of the header has no name"),
        (b"a,A\n1,2\n", "f.csv: column 'A' appears twice in the header"),
        (b"a,b\n1,2,3\n", "f.csv: row 2 has 3 cells but the header has 2"),
        (b"PK\x03\x04\x00\x00binary", "f.csv is not a text file; save the spreadsheet as CSV"),
    ],
)
def test_bad_files_are_refused_with_a_message(data, message):
    with pytest.raises(TableError, match=message):
        read_table("f.csv", data)


def test_a_file_over_the_limit_is_refused_before_reading(settings):
    settings.MI_IMPORT_MAX_BYTES = 10
    with pytest.raises(TableError, match=r"f\.csv is 15 bytes, larger than the import limit"):
        read_table("f.csv", b"a,b\n1,2\n3,4\n5,6")
