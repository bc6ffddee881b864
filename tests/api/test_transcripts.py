"""Transcripts through the API: created from JSON utterances or a file with the upload's parsers
and services, audio attached, listed and read; bad input stores nothing."""

import datetime
import io
import json
import zipfile

import pytest
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from accounts.models import AuditEvent
from mi_coding.ids import MAX_ID
from tests import factories
from tests.audio_files import tone_wav
from tests.transcripts.conftest import fixture_bytes
from transcripts.models import Transcript, Utterance

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(100)


@pytest.fixture
def writer(admin_user, api_as):
    return api_as(admin_user, scope="write")


def _post_json(client, body):
    return client.post("/api/v1/transcripts/", body, content_type="application/json")


def _session(practitioner, **extra):
    return {
        "title": "Intake 2026-03-01",
        "practitioner": practitioner.pk,
        "session_date": "2026-03-01",
        "target_change": "reduce drinking",
        "utterances": [
            {"speaker": "Therapist", "text": "What brings you in today?", "start": 0, "end": 3},
            {"speaker": "Client", "text": "My wife says I drink too much.", "start": 3.5},
            {"speaker": "Client", "text": "I am not so sure.", "start": 6},
            {"speaker": "Therapist", "text": "You have doubts about what she says.", "start": 8},
        ],
        **extra,
    }


def test_a_transcript_is_created_from_json_utterances(agency, writer, practitioner):
    response = _post_json(writer, _session(practitioner))
    assert response.status_code == 201, response.content
    body = response.json()
    transcript = Transcript.objects.get(pk=body["id"])
    assert response["Location"] == f"/api/v1/transcripts/{transcript.pk}/"
    assert transcript.agency == agency and transcript.practitioner == practitioner
    assert transcript.title == "Intake 2026-03-01"
    assert str(transcript.session_date) == "2026-03-01"
    # Consecutive turns of one speaker become one utterance, as on upload; roles guessed.
    rows = [(u["speaker"], u["role"], u["text"]) for u in body["utterances"]]
    assert rows == [
        ("Therapist", "practitioner", "What brings you in today?"),
        ("Client", "client", "My wife says I drink too much. I am not so sure."),
        ("Therapist", "practitioner", "You have doubts about what she says."),
    ]
    assert body["utterances"][1]["start"] == 3.5
    assert body["utterance_count"] == 3


def test_speaker_roles_can_be_named(writer, practitioner):
    session = _session(
        practitioner, practitioner_speakers=["client"], client_speakers=["THERAPIST"]
    )
    for item in session["utterances"]:
        item["speaker"] = {"Therapist": "A", "Client": "B"}[item["speaker"]]
    session["practitioner_speakers"], session["client_speakers"] = ["a"], ["B"]
    response = _post_json(writer, session)
    assert response.status_code == 201, response.content
    roles = {u["speaker"]: u["role"] for u in response.json()["utterances"]}
    assert roles == {"A": "practitioner", "B": "client"}


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"practitioner": 10**6}, "practitioner", "No practitioner"),
        ({"practitioner": MAX_ID + 1}, "practitioner", "less than or equal"),
        ({"utterances": []}, "utterances", "empty"),
        ({"title": ""}, "title", "blank"),
        ({"session_date": "01/03/2026"}, "session_date", "format"),
        (
            {"utterances": [{"speaker": "T", "text": "Hi", "start": 5, "end": 1}]},
            "utterances[0]",
            "before",
        ),
        ({"utterances": [{"speaker": " ", "text": "Hi"}]}, "utterances[0].speaker", "blank"),
        ({"utterances": [{"speaker": "T", "text": "   "}]}, "utterances", "no utterances"),
        ({"practitioner_speakers": ["Nobody"]}, "practitioner_speakers", "never speaks"),
        (
            {"practitioner_speakers": ["Client"], "client_speakers": ["client"]},
            "client_speakers",
            "also a practitioner",
        ),
        (
            {
                "utterances": [{"speaker": "Client", "text": "Hello."}],
                "client_speakers": ["Client"],
            },
            "",
            "practitioner",
        ),
    ],
)
def test_bad_utterances_store_nothing_and_say_why(writer, practitioner, change, field, words):
    response = _post_json(writer, _session(practitioner) | change)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400 and body["title"]
    assert any(e["field"] == field and words in e["detail"] for e in body["errors"]), body
    assert not Transcript.objects.exists()
    assert not AuditEvent.objects.filter(action="transcript.create").exists()


def test_a_practitioner_of_another_agency_is_not_a_choice(writer, other_agency):
    stranger = factories.make_practitioner(other_agency, "Far Away")
    response = _post_json(writer, _session(stranger))
    assert response.status_code == 400
    assert "Far Away" not in response.content.decode()
    assert not Transcript.objects.exists()


@pytest.mark.parametrize(
    ("body", "words"),
    [(b"{not json", "JSON parse error"), (b"[" * 100_000 + b"]" * 100_000, "")],
)
def test_malformed_json_is_refused(writer, body, words):
    response = writer.post("/api/v1/transcripts/", body, content_type="application/json")
    assert response.status_code == 400
    assert words in response.json()["detail"]


def test_a_body_past_the_limit_is_refused_before_it_is_read(writer, practitioner, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = _post_json(
        writer, _session(practitioner, title="x" * 150) | {"target_change": "y" * 900}
    )
    assert response.status_code == 413, response.content
    assert "/api/v1/transcripts/files/" in response.json()["detail"]
    assert not Transcript.objects.exists()


def test_a_form_body_is_not_a_transcript(writer, practitioner):
    response = writer.post("/api/v1/transcripts/", {"title": "x"})
    assert response.status_code in (400, 415)
    assert not Transcript.objects.exists()


def test_coders_and_researchers_cannot_create_transcripts(coder, researcher, practitioner, api_as):
    for user in (coder, researcher):
        response = _post_json(api_as(user, scope="write"), _session(practitioner))
        assert response.status_code == 403
        assert "admin or supervisor" in response.json()["detail"]
    assert not Transcript.objects.exists()


def test_a_file_is_read_as_the_upload_page_reads_it(writer, practitioner):
    response = writer.post(
        "/api/v1/transcripts/files/",
        {
            "file": io.BytesIO(b"Therapist: Hello there.\nClient: Hi.\nTherapist: How are you?\n"),
            "practitioner": practitioner.pk,
            "session_date": "2026-04-02",
        },
    )
    assert response.status_code == 400  # a file needs a name with an extension
    upload = io.BytesIO(b"Therapist: Hello there.\nClient: Hi.\nTherapist: How are you?\n")
    upload.name = "intake.txt"
    response = writer.post(
        "/api/v1/transcripts/files/",
        {"file": upload, "practitioner": practitioner.pk, "session_date": "2026-04-02"},
    )
    assert response.status_code == 201, response.content
    (row,) = response.json()["transcripts"]
    assert row | {"id": 0} == {
        "id": 0,
        "title": "intake",
        "utterances": 3,
        "practitioner_utterances": 2,
        "client_utterances": 1,
    }
    transcript = Transcript.objects.get(pk=row["id"])
    assert transcript.source_filename == "intake.txt" and transcript.source_format == "txt"


def test_a_zip_makes_one_transcript_per_file_or_none(writer, practitioner):
    upload = io.BytesIO(fixture_bytes("batch.zip"))
    upload.name = "batch.zip"
    response = writer.post(
        "/api/v1/transcripts/files/", {"file": upload, "practitioner": practitioner.pk}
    )
    assert response.status_code == 201, response.content
    made = response.json()["transcripts"]
    assert len(made) == Transcript.objects.count() > 1

    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("good.txt", "Therapist: Hello.\nClient: Hi.\n")
        archive.writestr("bad.json", "{oops")
    broken.seek(0)
    broken.name = "mixed.zip"
    response = writer.post(
        "/api/v1/transcripts/files/", {"file": broken, "practitioner": practitioner.pk}
    )
    assert response.status_code == 400
    assert "bad.json" in response.json()["detail"]
    assert Transcript.objects.count() == len(made)


def test_a_file_past_the_limit_is_refused(writer, practitioner, settings):
    settings.MI_TRANSCRIPT_MAX_BYTES = 10
    upload = io.BytesIO(b"Therapist: Hello there.\nClient: Hi.\n")
    upload.name = "long.txt"
    response = writer.post(
        "/api/v1/transcripts/files/", {"file": upload, "practitioner": practitioner.pk}
    )
    assert response.status_code == 400
    assert "larger than" in response.json()["errors"][0]["detail"]
    assert not Transcript.objects.exists()


def test_audio_is_attached_and_checked_by_content(
    agency, writer, practitioner, media_root, coder, api_as
):
    transcript = factories.make_transcript(agency, practitioner)
    url = f"/api/v1/transcripts/{transcript.pk}/audio/"

    def put(client, name, data):
        upload = io.BytesIO(data)
        upload.name = name
        body = encode_multipart(BOUNDARY, {"file": upload})
        return client.put(url, body, content_type=MULTIPART_CONTENT)

    fake = put(writer, "session.wav", b"not audio at all")
    assert fake.status_code == 400
    assert "not MP3, M4A, WAV" in fake.json()["detail"]
    transcript.refresh_from_db()
    assert not transcript.audio
    done = put(writer, "session.wav", WAV)
    assert done.status_code == 200, done.content
    assert done.json()["has_audio"] is True
    transcript.refresh_from_db()
    assert transcript.audio.name.endswith(".wav")
    assert AuditEvent.objects.filter(action="transcript.audio_set").count() == 1
    factories.make_assignment(transcript, coder)
    assert put(api_as(coder, scope="write"), "session.wav", WAV).status_code == 403


def test_lists_filter_and_read_with_utterances(
    agency, practitioner, other_practitioner, api_as, admin_user
):
    team = factories.make_team(agency, "Outpatient")
    other_practitioner.team = team
    other_practitioner.save()
    early = factories.make_transcript(agency, practitioner, session_date=datetime.date(2026, 1, 5))
    late = factories.make_transcript(
        agency, other_practitioner, session_date=datetime.date(2026, 6, 5), title="Late"
    )
    client = api_as(admin_user)

    def ids(query):
        response = client.get(f"/api/v1/transcripts/?{query}")
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids("") == [early.pk, late.pk]
    assert ids(f"practitioner={practitioner.pk}") == [early.pk]
    assert ids(f"team={team.pk}") == [late.pk]
    assert ids("date_from=2026-02-01") == [late.pk]
    assert ids("date_to=2026-02-01") == [early.pk]
    assert ids("q=Late") == [late.pk]
    bad = client.get("/api/v1/transcripts/?date_from=2026-05-01&date_to=2026-01-01")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "date_to"
    detail = client.get(f"/api/v1/transcripts/{late.pk}/").json()
    assert len(detail["utterances"]) == Utterance.objects.filter(transcript=late).count()
    assert detail["team"] == {"id": team.pk, "name": "Outpatient"}
    assert client.get(f"/api/v1/transcripts/{MAX_ID + 5}/").status_code == 404


def test_json_utterances_round_trip_through_the_parser(writer, practitioner):
    body = _session(practitioner)
    body["utterances"] = [
        {"speaker": "T", "text": "  spaced   out  ", "start": 1.0},
        {"speaker": "C", "text": "ok"},
    ]
    response = _post_json(writer, body)
    assert response.status_code == 201
    assert json.loads(response.content)["utterances"][0]["text"] == "spaced out"


def _upload(name: str, data: bytes) -> io.BytesIO:
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def test_sessions_are_created_from_recordings_or_none(writer, practitioner, media_root):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("week1.wav", tone_wav(2))
        archive.writestr("clinic/week2.wav", tone_wav(3))
    url = "/api/v1/transcripts/recordings/"
    response = writer.post(
        url,
        {"file": _upload("visits.zip", buffer.getvalue()), "practitioner": practitioner.pk},
    )
    assert response.status_code == 201, response.content
    rows = response.json()["transcripts"]
    assert [(r["title"], r["source_format"], r["audio_seconds"]) for r in rows] == [
        ("week1", "audio", 2.0),
        ("week2", "audio", 3.0),
    ]
    assert all(r["has_audio"] and r["utterance_count"] == 0 for r in rows)
    refused = writer.post(
        url, {"file": _upload("fake.mp3", b"<html>no</html>"), "practitioner": practitioner.pk}
    )
    assert refused.status_code == 400
    assert refused["Content-Type"] == "application/problem+json"
    assert "fake.mp3: the content is not MP3" in refused.json()["detail"]
    assert Transcript.objects.count() == 2


def test_a_transcript_is_attached_to_a_session_known_by_its_recording(
    agency, writer, practitioner, coder, api_as
):
    session = factories.make_audio_session(agency, practitioner)
    from_audio = factories.make_audio_coding(
        session, coder, volleys=[(1000, "practitioner", ["Q"])]
    )
    url = f"/api/v1/transcripts/{session.pk}/transcript/"
    text = b"Dana: What brings you?\nMarcus: My wife.\nDana: She worries.\nMarcus: Yes.\n"

    def put(client, name, data, **fields):
        body = encode_multipart(BOUNDARY, {"file": _upload(name, data), **fields})
        return client.put(url, body, content_type=MULTIPART_CONTENT)

    assert put(api_as(coder, scope="write"), "later.txt", text).status_code == 403
    unknown = put(writer, "later.txt", text, practitioner_speakers=["Nobody"])
    assert unknown.status_code == 400
    assert "'Nobody' never speaks" in unknown.content.decode()
    assert put(writer, "later.pdf", b"%PDF").status_code == 400
    assert not session.utterances.exists()
    done = put(writer, "later.txt", text, client_speakers=["Marcus"])
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["source_format"] == "txt"
    assert [(u["speaker"], u["role"]) for u in body["utterances"]] == [
        ("Dana", "practitioner"),
        ("Marcus", "client"),
        ("Dana", "practitioner"),
        ("Marcus", "client"),
    ]
    from_audio.refresh_from_db()
    assert from_audio.coded_from == "audio" and from_audio.volleys.count() == 1
    again = put(writer, "later.txt", text)
    assert again.status_code == 400
    assert "has a transcript already" in again.json()["detail"]
    assert session.utterances.count() == 4
