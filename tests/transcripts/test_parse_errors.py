"""Bad files get one clear message naming the file, and the line where there is one."""

import io
import zipfile

import pytest

from tests.transcripts.conftest import fixture_bytes
from transcripts.parsers import ParseError, parse_upload


def error_for(name: str, data: bytes | None = None) -> ParseError:
    with pytest.raises(ParseError) as excinfo:
        parse_upload(name, fixture_bytes(name) if data is None else data)
    return excinfo.value


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.txt", "empty.txt: the file is empty"),
        ("blank.txt", "blank.txt: the file is empty"),
        ("no-speakers.txt", "no-speakers.txt: no speaker labels found"),
        ("image.txt", "image.txt: this is a PNG image, not a transcript"),
        ("binary.txt", "binary.txt, line 2: this looks like binary data"),
        ("notes.pdf", "notes.pdf: .pdf files cannot be read as transcripts; use .txt, .csv"),
        ("text.docx", "text.docx: this is not a Word document but plain text"),
        ("bad-times.vtt", "bad-times.vtt, line 6: malformed cue time '00:00:0x.000 --> "),
        ("bad-times.srt", "bad-times.srt, line 6: expected a cue number and a time"),
        ("backwards.srt", "backwards.srt, line 2: the cue ends before it starts"),
        ("invalid.zip", "invalid.zip: this is not a valid zip archive"),
        ("escape.zip", "escape.zip: the entry '../escape.txt' points outside the archive's folder"),
        ("mixed.zip", "mixed.zip/photo.png: not a transcript file"),
    ],
)
def test_bad_fixture_files(name, message):
    assert str(error_for(name)).startswith(message)


def test_a_text_file_over_the_limit_is_refused(settings):
    settings.MI_TRANSCRIPT_MAX_BYTES = 100
    error = error_for("stamps.txt")
    assert str(error) == "stamps.txt: the file is larger than the 0.0 MB allowed"


def test_a_zip_expanding_beyond_the_limit_is_refused_before_reading(settings):
    settings.MI_ZIP_MAX_EXPANDED_BYTES = 10_000
    data = zipped({"a.txt": b"T: " + b"a" * 6_000, "b.txt": b"C: " + b"b" * 6_000})
    assert len(data) < 1_000
    assert "expands to more than" in str(error_for("big.zip", data))


def test_a_zip_entry_over_the_text_limit_is_refused(settings):
    settings.MI_TRANSCRIPT_MAX_BYTES = 5_000
    data = zipped({"folder/a.txt": b"T: " + b"a" * 6_000})
    assert str(error_for("big.zip", data)).startswith("big.zip/folder/a.txt: the file is larger")


@pytest.mark.parametrize(
    "name", ["/etc/passwd.txt", "a/../../b.txt", "C:/Windows/x.txt", "..\\evil.txt"]
)
def test_zip_names_escaping_the_folder(name):
    data = zipped({"ok.txt": b"T: hi\nC: yo\n", name: b"T: hi\nC: yo\n"})
    assert "points outside the archive's folder" in str(error_for("batch.zip", data))


def test_a_zip_inside_a_zip_and_an_empty_zip():
    inner = zipped({"a.txt": b"T: hi\nC: yo\n"})
    assert "a zip inside a zip" in str(error_for("outer.zip", zipped({"inner.zip": inner})))
    assert "holds no transcript files" in str(error_for("none.zip", zipped({"folder/": b""})))


def test_an_error_inside_a_zip_names_the_entry_and_line():
    data = zipped({"week1/ok.txt": b"T: hi\nC: yo\n", "week2/bad.vtt": b"WEBVTT\n\nnonsense\n"})
    assert str(error_for("batch.zip", data)) == (
        "batch.zip/week2/bad.vtt, line 3: expected a cue time such as 00:00:01.000 --> 00:00:04.000"
    )


def test_a_broken_docx_package():
    data = zipped({"word/document.xml": b"<not really xml"})
    assert "not a readable Word document" in str(error_for("broken.docx", data))


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("x.vtt", b"Therapist: hi\n", "x.vtt, line 1: a WebVTT file starts with the line WEBVTT"),
        ("x.vtt", b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v T>hi\n\n00:00:03.000 --> "
                  b"00:00:02.000\n<v C>yo\n", "x.vtt, line 6: the cue ends before it starts"),
        ("x.json", b'{"speaker": "T"', "x.json, line 1: this is not valid JSON"),
        ("x.json", b'{"speaker": "T"}', "x.json: expected a list of"),
        ("x.json", b'[{"speaker": "T", "text": "hi"}, ["C", "yo"]]',
         "x.json, item 2: expected an object, found list"),
        ("x.json", b'[{"speaker": "", "text": "hi"}]', 'x.json, item 1: "speaker" must be'),
        ("x.json", b'[{"speaker": "T", "text": "hi", "start": "soon"}]',
         "x.json, item 1: \"start\" must be seconds or hh:mm:ss, not 'soon'"),
        ("x.json", b'[{"speaker": "T", "text": "hi", "start": 5, "end": 2}]',
         'x.json, item 1: "end" comes before "start"'),
        ("x.json", b"[" * 100_000, "x.json"),
        ("x.csv", b"speaker,text,start\nT,hi,later\n",
         "x.csv, line 2: the start time 'later' is not a time"),
        ("x.csv", b"only one column\nhere\n", "x.csv, line 1: a table needs a speaker column"),
        ("x.csv", b"speaker,text\n,hi\n", "x.csv: no speaker labels found"),
        ("x.csv", b"speaker,text,start,end\nT,hi,5,2\n", "x.csv, line 2: the turn ends before"),
        ("x.txt", b"T: hi\n\xff\xfeC: yo\x81\x8d\n", "x.txt"),
        ("x.txt", ("A" * 61 + ": hi\n").encode() * 2, "x.txt: no speaker labels found"),
        ("x.tsv", ("speaker\ttext\n" + "S" * 120 + "\thi\n").encode(),
         "x.tsv, line 2: the speaker label"),
        ("x.txt", b"\xef\xbb\xbfT: caf\xe9\n", "x.txt: the file is marked as UTF-8"),
        ("x.txt", b"\xff\xfeT\x00C", "x.txt: the file is marked as UTF-16"),
        ("x.srt", b"1\n00:00:01,000 --> 00:00:02,000\n", "x.srt: no speaker labels found"),
        ("noext", b"T: hi\n", "noext: files without an extension cannot be read"),
    ],
)  # fmt: skip
def test_malformed_content(name, data, message):
    assert str(error_for(name, data)).startswith(message)


def test_the_error_keeps_file_line_and_reason_apart():
    error = error_for("bad-times.vtt")
    assert (error.filename, error.line) == ("bad-times.vtt", 6)
    assert error.reason.startswith("malformed cue time")


def damaged(name: str, content: bytes) -> bytes:
    """A zip of one deflated entry whose compressed bytes are overwritten."""
    data = bytearray(zipped({name: content}))
    start = 30 + len(name)  # the entry's data follows its local header
    data[start : start + 8] = b"\xff" * 8
    return bytes(data)


def test_a_damaged_entry_is_named_as_unreadable():
    error = error_for("broken.zip", damaged("a.txt", b"T: How are you today?\nC: Fine.\n" * 50))
    assert str(error) == "broken.zip/a.txt: the entry cannot be read from the archive"
