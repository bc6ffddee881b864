"""manage.py import_transcripts, exactly as scripts use it."""

import datetime
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import AuditEvent
from transcripts.models import SpeakerRole, Transcript, Utterance

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
LINE = re.compile(r"^transcript (\d+): (\d+) utterances \((\d+) practitioner, (\d+) client\)$")


def run(*args: str) -> list[str]:
    out = StringIO()
    call_command("import_transcripts", *args, stdout=out)
    return out.getvalue().splitlines()


def fixture(name: str) -> str:
    return str(FIXTURES / name)


@pytest.fixture
def base_args(agency, practitioner) -> list[str]:
    return ["--agency", agency.slug, "--practitioner", practitioner.display_name]


def test_prints_one_line_per_transcript(base_args):
    lines = run(
        fixture("samples/alcohol-session.txt"),
        fixture("samples/housing-session.csv"),
        fixture("samples/medication-session.vtt"),
        *base_args,
        "--session-date",
        "2026-03-01",
        "--target-change",
        "reduce drinking",
    )
    transcripts = list(Transcript.objects.order_by("pk"))
    assert lines == [
        f"transcript {transcripts[0].pk}: 30 utterances (15 practitioner, 15 client)",
        f"transcript {transcripts[1].pk}: 13 utterances (7 practitioner, 6 client)",
        f"transcript {transcripts[2].pk}: 15 utterances (8 practitioner, 7 client)",
    ]
    assert all(LINE.match(line) for line in lines)
    assert {t.session_date for t in transcripts} == {datetime.date(2026, 3, 1)}
    assert {t.target_change for t in transcripts} == {"reduce drinking"}
    assert [t.title for t in transcripts] == [
        "alcohol-session",
        "housing-session",
        "medication-session",
    ]


def test_a_zip_gives_a_line_per_file(base_args):
    lines = run(fixture("transcripts/batch.zip"), *base_args)
    assert len(lines) == 3
    assert Transcript.objects.count() == 3


def test_named_speakers_take_the_given_roles(base_args, tmp_path):
    path = tmp_path / "names.txt"
    path.write_text("Dana: Hello.\nMarcus: What do you want?\nDana: To talk.\nMarcus: Why?\n")
    (line,) = run(
        str(path), *base_args, "--practitioner-speaker", "dana", "--client-speaker", "Marcus"
    )
    assert line.endswith(": 4 utterances (2 practitioner, 2 client)")
    roles = dict(Utterance.objects.values_list("speaker_label", "speaker_role").distinct())
    assert roles == {"Dana": SpeakerRole.PRACTITIONER, "Marcus": SpeakerRole.CLIENT}


def test_without_speaker_options_roles_are_guessed(base_args, tmp_path):
    path = tmp_path / "names.txt"
    path.write_text("Sam: What brings you?\nJo: My knee.\nSam: Your knee?\nJo: Yes.\n")
    (line,) = run(str(path), *base_args)
    assert line.endswith(": 4 utterances (2 practitioner, 2 client)")
    assert Utterance.objects.get(position=1).speaker_role == SpeakerRole.PRACTITIONER


def test_a_bad_file_fails_the_whole_import_with_one_line(base_args):
    with pytest.raises(CommandError) as excinfo:
        run(fixture("samples/alcohol-session.txt"), fixture("transcripts/bad-times.vtt"),
            *base_args)  # fmt: skip
    message = str(excinfo.value)
    assert "\n" not in message
    assert message.startswith(f"{fixture('transcripts/bad-times.vtt')}, line 6: malformed cue")
    assert not Transcript.objects.exists()
    assert not AuditEvent.objects.filter(action="transcript.create").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agency", "nowhere", "--practitioner", "Dana Reyes"], "no agency with slug 'nowhere'"),
        (["--agency", "home", "--practitioner", "Nobody"], "no practitioner named 'Nobody'"),
        (["--agency", "home", "--practitioner", "Dana Reyes", "--session-date", "March"],
         "--session-date 'March' is not a date"),
        (["--agency", "home", "--practitioner", "Dana Reyes", "--practitioner-speaker", "Doc"],
         "speaker 'Doc' is in none of the files; the speakers found are 'Client', "
         "'Practitioner'"),
        (["--agency", "home", "--practitioner", "Dana Reyes", "--practitioner-speaker", "Client",
          "--client-speaker", "Practitioner"], None),
    ],
)  # fmt: skip
def test_refused_arguments(agency, practitioner, args, message):
    sample = fixture("samples/alcohol-session.txt")
    if message is None:
        (line,) = run(sample, *args)
        assert line.endswith("(15 practitioner, 15 client)")
        first = Utterance.objects.get(position=1)
        assert (first.speaker_label, first.speaker_role) == ("Practitioner", SpeakerRole.CLIENT)
        return
    with pytest.raises(CommandError, match=re.escape(message)):
        run(sample, *args)
    assert not Transcript.objects.exists()


def test_a_missing_file_is_named(base_args, tmp_path):
    missing = tmp_path / "missing.txt"
    with pytest.raises(CommandError, match=f"^{re.escape(str(missing))}: cannot read the file"):
        run(str(missing), *base_args)


def test_a_file_where_every_speaker_is_a_client_is_refused(base_args, tmp_path):
    path = tmp_path / "clients.txt"
    path.write_text("Client: Hi.\nPatient: Hello.\n")
    with pytest.raises(CommandError, match="clients.txt: choose which speaker is the practitioner"):
        run(str(path), *base_args)
    assert not Transcript.objects.exists()


@pytest.mark.parametrize("client_label", ["Client", "client"])
def test_a_label_given_as_both_practitioner_and_client_is_refused(base_args, client_label):
    sample = fixture("samples/alcohol-session.txt")
    with pytest.raises(CommandError) as excinfo:
        run(sample, *base_args, "--practitioner-speaker", "Client",
            "--client-speaker", "Practitioner", client_label)  # fmt: skip
    message = str(excinfo.value)
    assert message == (
        "speaker 'Client' is given both as --practitioner-speaker and as --client-speaker; "
        "give each speaker one role"
    )
    assert not Transcript.objects.exists()


def test_only_the_file_name_is_stored_never_the_server_path(base_args):
    run(fixture("samples/alcohol-session.txt"), fixture("transcripts/batch.zip"), *base_args)
    names = list(Transcript.objects.order_by("pk").values_list("source_filename", flat=True))
    assert names == [
        "alcohol-session.txt",
        "batch.zip/week1/stamps.txt",
        "batch.zip/week1/interview.csv",
        "batch.zip/week2/nested/voices.vtt",
    ]
    sources = AuditEvent.objects.filter(action="transcript.create").order_by("pk")
    assert [event.details["source"] for event in sources] == names
    assert str(FIXTURES) not in str(list(AuditEvent.objects.values_list("details", flat=True)))
