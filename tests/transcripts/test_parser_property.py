"""Whatever bytes arrive, every parser either parses them or raises ParseError."""

import io
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transcripts.parsers import EXTENSIONS, PARSERS, ParseError, parse_upload
from transcripts.parsers.base import ParsedTranscript

# Beginnings that lead each parser past its first checks, so the fuzzing reaches deep code.
PREFIXES = [
    b"",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xfe\xff",
    b"WEBVTT\n\n",
    b"WEBVTT\n\n00:00:01.000 --> ",
    b"1\r\n00:00:01,000 --> 00:00:02,000\r\n",
    b"[00:00:01] Therapist: ",
    b"speaker,text,start,end\n",
    b"T;00:01;",
    b'[{"speaker": "T", "text": ',
    b"PK\x03\x04",
    b"\x89PNG\r\n\x1a\n",
]
TEXT_PIECES = st.sampled_from(
    ["T: ", "Client: ", "\n", "\r\n", "\r", "[", "]", "(", ")", ":", "-->", " ", ",", ";", "\t",
     '"', "00:00:01.000", "99:99", "<v A>", "</v>", "{", "}", "#", "é", "\x00", "\ufeff", "?"]
)  # fmt: skip

texty = st.lists(TEXT_PIECES | st.text(max_size=8), max_size=40).map(
    lambda parts: "".join(parts).encode("utf-8", "surrogatepass")
)
raw = st.builds(
    lambda prefix, body: prefix + body, st.sampled_from(PREFIXES), st.binary(max_size=400)
)


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


zips = st.dictionaries(
    st.sampled_from(["a.txt", "d/b.csv", "c.vtt", "e.json", "f.srt", "g.docx", "../h.txt", "i.png",
                     "word/document.xml", "[Content_Types].xml", "j.tsv", "k/"]),
    texty | raw,
    max_size=4,
).map(_zip)  # fmt: skip
anything = raw | texty | zips


def parses_or_refuses(parse, data: bytes, name: str) -> None:
    try:
        result = parse(data, name)
    except ParseError as error:
        assert str(error)
    else:
        parsed = result if isinstance(result, list) else [result]
        assert all(isinstance(item, ParsedTranscript) and item.turns for item in parsed)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=anything, extension=st.sampled_from(sorted(PARSERS)))
def test_every_format_parser_parses_or_raises_parse_error(data, extension):
    parses_or_refuses(lambda d, n: PARSERS[extension](d, n, None), data, f"file.{extension}")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=anything, extension=st.sampled_from(EXTENSIONS))
def test_an_upload_of_any_kind_parses_or_raises_parse_error(data, extension):
    parses_or_refuses(lambda d, n: parse_upload(n, d), data, f"upload.{extension}")
