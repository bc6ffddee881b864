"""Every format and encoding reads into the same turns."""

import pytest

from tests.transcripts.conftest import fixture_bytes
from transcripts.parsers import Source, TableLayout, parse_source, parse_upload
from transcripts.parsers.base import Turn, merge_volleys
from transcripts.parsers.timecodes import clock_seconds, format_clock, time_seconds

ENCODED = ["utf8.txt", "utf8-bom.txt", "utf16le-bom.txt", "utf16be-bom.txt", "windows-1252.txt",
           "crlf.txt", "cr.txt"]  # fmt: skip


def parse(name: str, layout: TableLayout | None = None):
    return parse_source(Source(name=name, data=fixture_bytes(name)), layout)


def said(parsed) -> list[tuple[str, str]]:
    return [(turn.speaker, turn.text) for turn in parsed.turns]


@pytest.mark.parametrize("name", ENCODED)
def test_every_encoding_and_line_ending_reads_the_same(name):
    parsed = parse(name)
    assert said(parsed) == [
        ("Counsellor", "How are you feeling about the café plan, and your naïve résumé idea?"),
        ("Client", "“Better,” I’d say — mostly."),
        ("Counsellor", "What makes it better?"),
        ("Client", "Sleep – finally."),
    ]
    assert [turn.line for turn in parsed.turns] == [1, 2, 3, 4]


def test_plain_text_reads_stamps_comments_and_continuation_lines():
    parsed = parse("stamps.txt")
    assert parsed.format == "txt"
    assert said(parsed) == [
        ("Therapist", "Hi Sam, thanks for coming. What would you like to talk about today?"),
        ("Client", "Work, mostly. It has been a lot. It keeps me up at night."),
        ("Therapist", "Work has been weighing on you."),
        ("Client", "Yes. My manager said: we need it by Friday."),
        ("Therapist", "What would make this week easier?"),
        ("Client", "Honestly, saying no now and then."),
    ]
    assert [turn.start for turn in parsed.turns] == [5.0, 12.0, 20.0, 25.0, None, None]
    assert [turn.line for turn in parsed.turns] == [2, 3, 5, 6, 7, 8]


def test_a_label_after_the_first_words_of_a_line_is_prose_not_a_speaker():
    parsed = parse_upload(
        "notes.txt",
        b"Dana: How was it?\nMarcus: Fine.\nNote: she left early\nDana: Why?\nMarcus: Tired.\n",
    )[0]
    assert said(parsed) == [
        ("Dana", "How was it?"),
        ("Marcus", "Fine. Note: she left early"),
        ("Dana", "Why?"),
        ("Marcus", "Tired."),
    ]


def test_labels_without_a_space_but_not_clock_times_or_addresses():
    parsed = parse_upload(
        "tight.txt", b"T:Hello.\nC:We met at 12:30.\nsee http://example.org\nT:Okay.\n"
    )[0]
    assert said(parsed) == [
        ("T", "Hello."),
        ("C", "We met at 12:30. see http://example.org"),
        ("T", "Okay."),
    ]


def test_a_stamp_may_follow_the_label_and_times_may_be_bare():
    parsed = parse_upload(
        "s.txt", b"T (00:01:02): Hi.\nC [1:03.5]: Hello.\n1:00:00 T: An hour in.\n"
    )[0]
    assert [(turn.speaker, turn.start) for turn in parsed.turns] == [
        ("T", 62.0),
        ("C", 63.5),
        ("T", 3600.0),
    ]


def test_lines_before_the_first_speaker_are_left_out_with_a_warning():
    parsed = parse("paragraphs.docx")
    assert parsed.warnings == ["paragraphs 1–2 were before the first speaker label and left out"]


def test_csv_with_a_header_finds_columns_by_name_and_reads_quoted_fields():
    parsed = parse("header-comma.csv")
    assert parsed.layout == TableLayout(header=True, speaker=1, text=2, start=3, end=4)
    assert said(parsed)[1] == ("Participant", 'Long. I had three shifts, and then the "extra" one.')
    assert said(parsed)[3] == (
        "Interviewer",
        "Three shifts and an extra one. That is a heavy week. Where did you find the energy?",
    )
    assert (parsed.turns[3].start, parsed.turns[3].end) == (23.0, 33.0)
    assert [turn.line for turn in parsed.turns] == [2, 3, 4, 5]
    assert parsed.columns[1] == "speaker (column 2)"


def test_csv_without_a_header_semicolons_and_windows_1252_is_guessed_from_content():
    parsed = parse("no-header-semicolon.csv")
    assert parsed.layout == TableLayout(header=False, speaker=0, text=2, start=1, end=None)
    assert said(parsed) == [
        ("T", "Wie geht es Ihnen heute?"),
        ("C", "Gut, danke. Müde."),
        ("T", "Müde?"),
    ]
    assert [turn.start for turn in parsed.turns] == [1.0, 4.0, 8.0]


def test_tsv_reads_seconds_as_times():
    parsed = parse("tabs.tsv")
    assert parsed.format == "tsv"
    assert said(parsed) == [
        ("Provider", "What brings you in?"),
        ("Patient", "My knee, and my weight, I suppose."),
    ]
    assert [(turn.start, turn.end) for turn in parsed.turns] == [(1.5, 4.0), (4.5, 9.25)]


def test_a_chosen_layout_overrides_the_guess():
    layout = TableLayout(header=True, speaker=1, text=2, start=None, end=None)
    parsed = parse("header-comma.csv", layout)
    assert parsed.layout == layout
    assert all(turn.start is None for turn in parsed.turns)


def test_word_paragraphs():
    parsed = parse("paragraphs.docx")
    assert parsed.format == "docx"
    assert said(parsed) == [
        ("Clinician", "What matters most to you this month?"),
        ("Patient", "Getting back to walking the dog."),
        ("Clinician", "Walking the dog matters. It gets you outside."),
        ("Patient", "Yes, every morning."),
    ]


def test_word_table():
    parsed = parse("table.docx")
    assert parsed.layout == TableLayout(header=True, speaker=1, text=2, start=0, end=None)
    assert said(parsed) == [
        ("Worker", "Where would you like to start?"),
        ("Member", "The rent, I think."),
        ("Worker", "The rent is on your mind."),
    ]
    assert [turn.start for turn in parsed.turns] == [3.0, 9.0, 15.0]


def test_webvtt_voices_prefixes_notes_styles_and_cue_ids():
    parsed = parse("voices.vtt")
    assert parsed.format == "vtt"
    assert said(parsed) == [
        ("Coach", "Welcome back. How did the week go?"),
        ("Youth", "It was okay. I went to practice twice and skipped once."),
        ("Coach", "Twice is more than last week."),
        ("Youth", "<laughs> Yeah, I guess."),
    ]
    assert [(turn.start, turn.end) for turn in parsed.turns] == [
        (1.0, 4.0), (5.0, 9.5), (10.0, 14.0), (15.0, 18.0)
    ]  # fmt: skip


def test_srt_with_crlf_and_markup():
    parsed = parse("session.srt")
    assert parsed.format == "srt"
    assert said(parsed) == [
        ("Nurse", "What do you already know about quitting?"),
        ("Patient", "That the patches made me dizzy. Last time, anyway."),
        ("Nurse", "Dizziness put you off."),
    ]
    assert parsed.turns[1].start == 4.5
    assert parsed.turns[1].end == 9.0


def test_json_list_with_seconds_clock_strings_and_nulls():
    parsed = parse("session.json")
    assert parsed.format == "json"
    assert [(turn.speaker, turn.start, turn.end) for turn in parsed.turns] == [
        ("Practitioner", 2.0, 4.5),
        ("Client", 5.0, 6.5),
        ("Client", 7.0, 8.0),
        ("Practitioner", None, None),
    ]


def test_json_object_holding_turns():
    parsed = parse_upload("t.json", b'{"turns": [{"speaker": "T", "text": "Hi"}]}')[0]
    assert said(parsed) == [("T", "Hi")]


def test_zip_with_folders_reads_each_file_and_skips_system_files():
    parsed = parse_upload("batch.zip", fixture_bytes("batch.zip"))
    assert [(p.filename, p.format) for p in parsed] == [
        ("batch.zip/week1/stamps.txt", "txt"),
        ("batch.zip/week1/interview.csv", "csv"),
        ("batch.zip/week2/nested/voices.vtt", "vtt"),
    ]
    assert said(parsed[0]) == said(parse("stamps.txt"))


@pytest.mark.parametrize(
    ("name", "speakers", "turns"),
    [
        ("samples/alcohol-session.txt", ["Practitioner", "Client"], 30),
        ("samples/housing-session.csv", ["Worker", "Client"], 13),
        ("samples/medication-session.vtt", ["Counselor", "Patient"], 15),
    ],
)
def test_shared_samples(name, speakers, turns):
    parsed = parse_upload(name.split("/")[-1], fixture_bytes(name))[0]
    assert parsed.speakers == speakers
    assert len(parsed.turns) == turns
    assert all(turn.start is not None for turn in parsed.turns)
    assert parsed.warnings == []


def test_consecutive_turns_of_one_speaker_become_one_volley():
    volleys = merge_volleys(
        [
            Turn("T", "One.", 1, 2),
            Turn("T", "Two.", 3, 4),
            Turn("C", "Three.", 5, 6),
            Turn("T", "Four.", None, None),
        ]
    )
    assert [(v.speaker, v.text, v.start, v.end) for v in volleys] == [
        ("T", "One. Two.", 1, 4),
        ("C", "Three.", 5, 6),
        ("T", "Four.", None, None),
    ]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("1:02:03", 3723.0), ("02:03", 123.0), ("00:00:03.500", 3.5), ("00:00:03,5", 3.5),
     ("75:30", 4530.0), ("00:61:00", None), ("00:00:60", None), ("1:2:3:4", None), ("", None)],
)  # fmt: skip
def test_clock_stamps(text, seconds):
    assert clock_seconds(text) == seconds


def test_times_from_numbers_and_strings():
    assert time_seconds(12) == 12.0
    assert time_seconds("12.25") == 12.25
    assert time_seconds(float("nan")) is None
    assert time_seconds(-1) is None
    assert time_seconds(True) is None
    assert time_seconds(10**400) is None
    assert format_clock(3723.9) == "1:02:03"
    assert format_clock(65) == "1:05"
    assert format_clock(None) == ""
