"""Sessions known by their recording alone: the command, the web upload, the segment."""

import io
import random
import re
import zipfile
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.models import AuditEvent
from tests import factories
from tests.audio_files import silent_mp3, tone_wav, webm_header
from transcripts.models import SourceFormat, Transcript
from transcripts.services import audio_session_create, transcript_segment_pick

pytestmark = pytest.mark.django_db

LINE = re.compile(r"^session (\d+): audio (\d+\.\d) s$")


def run(*args: str) -> list[str]:
    out = StringIO()
    call_command("import_audio", *args, stdout=out)
    return out.getvalue().splitlines()


def import_for(practitioner, *paths: str) -> list[str]:
    """import_audio of ``paths`` for the practitioner, in their agency."""
    return run(
        *paths, "--agency", practitioner.agency.slug, "--practitioner", practitioner.display_name
    )


def stored_files(media_root) -> list:
    return [p for p in media_root.joinpath("audio").rglob("*") if p.is_file()]


@pytest.fixture
def files(tmp_path):
    def write(name: str, data: bytes) -> str:
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)

    return write


def test_import_audio_prints_one_line_per_session(files, agency, practitioner, media_root):
    lines = run(
        files("first.wav", tone_wav(3)),
        files("second.mp3", silent_mp3()),
        files("third.webm", webm_header(95.25)),
        "--agency",
        agency.slug,
        "--practitioner",
        practitioner.display_name,
        "--session-date",
        "2026-02-03",
    )
    matches = [LINE.match(line) for line in lines]
    assert all(matches), lines
    seconds = [float(m.group(2)) for m in matches]
    assert seconds == [3.0, 5.2, 95.2] or seconds == [3.0, 5.2, 95.3]
    sessions = Transcript.objects.filter(pk__in=[int(m.group(1)) for m in matches])
    assert {s.source_format for s in sessions} == {SourceFormat.AUDIO}
    assert {s.session_date.isoformat() for s in sessions} == {"2026-02-03"}
    assert all(s.audio and not s.utterances.exists() for s in sessions)
    assert {s.title for s in sessions} == {"first", "second", "third"}


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.wav", b"just some text, not a recording", "not MP3, M4A, WAV, Ogg or WebM"),
        ("empty.wav", b"", "empty"),
        ("silence.wav", tone_wav(0), "lasts no time"),
        ("broken.mp3", b"ID3\x04\x00\x00\x00\x00\x00\x00", "cannot be read"),
        ("nolength.webm", b"\x1a\x45\xdf\xa3" + bytes(60), "cannot be read"),
        ("notes.txt", tone_wav(1), "not an audio file we accept"),
    ],
)
def test_bad_recordings_fail_the_whole_import(
    files, agency, practitioner, media_root, name, data, message
):
    good = files("good.wav", tone_wav(1))
    with pytest.raises(CommandError, match=message):
        import_for(
            practitioner,
            good,
            files(name, data),
        )
    assert not Transcript.objects.exists()
    assert not stored_files(media_root), "left behind"


def test_a_missing_file_is_named(agency, practitioner):
    with pytest.raises(CommandError, match="nowhere.wav: cannot read the file"):
        run("nowhere.wav", "--agency", agency.slug, "--practitioner", practitioner.display_name)


def test_the_web_upload_saves_sessions_from_recordings(
    client_for, supervisor, agency, practitioner, media_root
):
    client = client_for(supervisor)
    url = reverse("transcripts:upload_recordings")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "files": [SimpleUploadedFile("week1.wav", tone_wav(2))],
            "practitioner": practitioner.pk,
            "session_date": "2026-01-05",
            "target_change": "drink less",
            "client_pseudonym": "C-17",
        },
    )
    session = Transcript.objects.get()
    assert response["Location"] == reverse("transcripts:detail", args=[session.pk])
    assert (session.audio_seconds, session.client_pseudonym, session.target_change) == (
        2.0,
        "C-17",
        "drink less",
    )
    assert AuditEvent.objects.filter(action="transcript.create").count() == 1
    page = client.get(response["Location"])
    assert page.status_code == 200


def test_the_web_upload_refuses_what_is_not_audio(client_for, supervisor, practitioner, media_root):
    response = client_for(supervisor).post(
        reverse("transcripts:upload_recordings"),
        {
            "files": [
                SimpleUploadedFile("ok.wav", tone_wav(1)),
                SimpleUploadedFile("fake.mp3", b"<html>not audio</html>"),
            ],
            "practitioner": practitioner.pk,
        },
    )
    assert response.status_code == 200
    assert "Nothing was saved: fake.mp3: the content is not MP3" in response.content.decode()
    assert not Transcript.objects.exists()


def test_coders_and_other_agencies_cannot_upload(client_for, coder, outsider, practitioner):
    for person in (coder, outsider):
        response = client_for(person).post(
            reverse("transcripts:upload_recordings"),
            {"files": [SimpleUploadedFile("a.wav", tone_wav(1))], "practitioner": practitioner.pk},
        )
        assert response.status_code in (403, 404) or not Transcript.objects.exists()
    assert not Transcript.objects.exists()


def test_another_agencys_practitioner_is_refused(agency, other_practitioner, outsider, media_root):
    other = factories.make_practitioner(outsider.memberships.get().agency)
    with pytest.raises(Exception, match="another agency"):
        audio_session_create(
            agency=agency, practitioner=other, file=ContentFile(tone_wav(1), name="a.wav")
        )
    assert not Transcript.objects.exists()


def test_a_random_twenty_minutes_of_a_recording_repeats_with_its_seed(agency, practitioner):
    session = factories.make_audio_session(agency, practitioner, seconds=3600)
    transcript_segment_pick(transcript=session, seed=42)
    expected = float(random.Random(42).randint(0, 2400))  # noqa: S311
    assert (session.segment_start, session.segment_end) == (expected, expected + 1200)
    event = AuditEvent.objects.get(action="transcript.segment_set")
    assert event.details["seed"] == 42
    short = factories.make_audio_session(agency, practitioner, seconds=900)
    transcript_segment_pick(transcript=short, seed=1)
    assert (short.segment_start, short.segment_end) == (None, None)


def test_the_page_of_a_recording_alone_offers_a_random_segment_with_its_seed(
    client_for, supervisor, agency, practitioner
):
    session = factories.make_audio_session(agency, practitioner, seconds=3000)
    client = client_for(supervisor)
    page = client.get(reverse("transcripts:detail", args=[session.pk])).content.decode()
    assert "The recording (50:00): no transcript" in page
    assert 'value="random"' in page and "Utterances (" not in page
    response = client.post(
        reverse("transcripts:segment", args=[session.pk]), {"action": "random"}, follow=True
    )
    seed = int(re.search(r"Segment picked at random \(seed (\d+)\)", response.content.decode())[1])
    session.refresh_from_db()
    start = float(random.Random(seed).randint(0, 1800))  # noqa: S311
    assert (session.segment_start, session.segment_end) == (start, start + 1200)


# Zips of recordings, from the command and the web.


def zipped(*entries: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_of_recordings_becomes_one_session_per_recording(
    files, agency, practitioner, media_root
):
    archive = zipped(
        ("week1.wav", tone_wav(2)),
        ("clinic/week2.mp3", silent_mp3()),
        ("clinic/", b""),
        ("__MACOSX/clinic/._week2.mp3", b"resource fork"),
        (".DS_Store", b"finder"),
    )
    lines = import_for(
        practitioner,
        files("visits.zip", archive),
        files("week3.wav", tone_wav(1)),
    )
    ids = [int(LINE.match(line).group(1)) for line in lines]
    sessions = [Transcript.objects.get(pk=pk) for pk in ids]
    assert [(s.title, s.source_filename, s.audio_seconds) for s in sessions] == [
        ("week1", "week1.wav", 2.0),
        ("week2", "week2.mp3", pytest.approx(5.2, abs=0.06)),
        ("week3", "week3.wav", 1.0),
    ]
    assert len(stored_files(media_root)) == 3
    assert stored_bytes(sessions[0]) == tone_wav(2)


def stored_bytes(session: Transcript) -> bytes:
    with session.audio.open("rb") as handle:
        return handle.read()


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ((("a.wav", b"x"), ("notes.txt", b"hello")), "visits.zip/notes.txt: not a recording"),
        ((("a.wav", tone_wav(1)), ("b.wav", b"RIFF not really")), "visits.zip/b.wav: the content"),
        ((("a.wav", tone_wav(1)), ("inner.zip", b"PK")), "visits.zip/inner.zip: a zip inside"),
        ((("../escape.wav", tone_wav(1)),), "points outside the archive's folder"),
        ((("folder/", b""),), "visits.zip: the archive holds no recordings"),
    ],
)
def test_a_bad_zip_of_recordings_saves_nothing(
    files, agency, practitioner, media_root, entries, message
):
    with pytest.raises(CommandError, match=re.escape(message)):
        import_for(
            practitioner,
            files("first.wav", tone_wav(1)),
            files("visits.zip", zipped(*entries)),
        )
    assert not Transcript.objects.exists()
    assert not stored_files(media_root), "left behind"


def test_a_file_named_zip_that_is_not_one_is_refused(files, agency, practitioner, media_root):
    with pytest.raises(CommandError, match="visits.zip: this is not a valid zip archive"):
        import_for(
            practitioner,
            files("visits.zip", tone_wav(1)),
        )
    assert not Transcript.objects.exists()


def test_the_limits_of_a_zip_of_recordings(files, agency, practitioner, media_root, settings):
    def attempt(archive: bytes) -> None:
        import_for(practitioner, files("visits.zip", archive))

    three = zipped(*((f"w{n}.wav", tone_wav(1)) for n in range(3)))
    settings.MI_UPLOAD_MAX_FILES = 2
    with pytest.raises(CommandError, match="holds 3 recordings; upload at most 2"):
        attempt(three)
    settings.MI_UPLOAD_MAX_FILES = 100
    settings.MI_AUDIO_MAX_BYTES = len(tone_wav(1)) - 1
    with pytest.raises(CommandError, match=r"visits.zip/w0.wav: the file is larger than"):
        attempt(three)
    settings.MI_AUDIO_MAX_BYTES = 10**9
    settings.MI_AUDIO_ZIP_MAX_EXPANDED_BYTES = 150_000
    with pytest.raises(CommandError, match="visits.zip: the archive is larger than"):
        attempt(three + bytes(150_000))
    small = io.BytesIO()  # a few hundred bytes that expand to 300,000
    with zipfile.ZipFile(small, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(3):
            archive.writestr(f"w{n}.wav", bytes(100_000))
    with pytest.raises(CommandError, match="visits.zip: the archive expands to more than"):
        attempt(small.getvalue())
    assert not Transcript.objects.exists()


def test_the_web_upload_takes_a_zip_of_recordings(client_for, supervisor, practitioner, media_root):
    client = client_for(supervisor)
    url = reverse("transcripts:upload_recordings")
    assert ".zip" in client.get(url).content.decode()
    archive = zipped(("a.wav", tone_wav(1)), ("b/c.wav", tone_wav(2)))
    response = client.post(
        url,
        {"files": [SimpleUploadedFile("visits.zip", archive)], "practitioner": practitioner.pk},
        follow=True,
    )
    assert "2 session(s) saved from their recordings" in response.content.decode()
    assert sorted(Transcript.objects.values_list("title", "audio_seconds")) == [
        ("a", 1.0),
        ("c", 2.0),
    ]
    bad = zipped(("a.wav", tone_wav(1)), ("b.doc", b"doc"))
    response = client.post(
        url, {"files": [SimpleUploadedFile("more.zip", bad)], "practitioner": practitioner.pk}
    )
    assert "Nothing was saved: more.zip/b.doc: not a recording" in response.content.decode()
    assert Transcript.objects.count() == 2


def test_the_list_shows_a_recording_alone_by_its_length(
    client_for, supervisor, agency, practitioner
):
    factories.make_audio_session(agency, practitioner, seconds=2712.4)
    factories.make_transcript(agency, practitioner, utterances=6)
    page = client_for(supervisor).get(reverse("transcripts:list")).content.decode()
    assert "recording 45:12" in page
    assert '<td class="text-end">6</td>' in page


def test_a_damaged_recording_in_a_zip_is_named_and_nothing_saved(files, practitioner, media_root):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.wav", tone_wav(2))
    data = bytearray(buffer.getvalue())
    data[30 + len("a.wav") : 30 + len("a.wav") + 8] = b"\xff" * 8
    with pytest.raises(CommandError, match="visits.zip/a.wav: the entry cannot be read"):
        import_for(practitioner, files("visits.zip", bytes(data)))
    assert not Transcript.objects.exists()
    assert not stored_files(media_root), "left behind"
