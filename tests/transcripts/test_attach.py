"""A transcript attached later to a session known by its recording alone: codings made from
the recording keep their volleys, codings begun afterwards code the utterances, and no coding
ever mixes the two kinds of unit."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.models import AuditEvent, Role
from coding.models import CodedFrom, Volley
from coding.services.codes import codes_write, volley_codes_write
from coding.services.codings import coding_create
from coding.services.volleys import volley_add
from coding.services.workspace import utterance_note_set
from suggestions.selectors import training_records
from suggestions.suggesting import suggestion_refusal
from tests import factories
from tests.factories import ALL_GLOBALS
from tests.reliability.test_command import run_json
from transcripts.models import SourceFormat, SpeakerRole, Utterance
from transcripts.parsers import Source, parse_source
from transcripts.services import (
    speaker_roles_set,
    transcript_attach,
    transcript_segment_set,
    utterance_split,
)

pytestmark = pytest.mark.django_db

TEXT = (
    b"Dana: How was the week? What happened?\nMarcus: Long.\n"
    b"Dana: It felt long.\nMarcus: Yes.\nDana: What would help?\n"
)
ROLES = {"Dana": SpeakerRole.PRACTITIONER, "Marcus": SpeakerRole.CLIENT}


def parsed(data: bytes = TEXT, name: str = "session.txt"):
    return parse_source(Source(name=name, data=data))


@pytest.fixture
def session(agency, practitioner):
    return factories.make_audio_session(agency, practitioner, seconds=900, segment=(60.0, 660.0))


@pytest.fixture
def from_audio(session, coder):
    return factories.make_audio_coding(
        session,
        coder,
        volleys=[
            (61_000, "practitioner", ["Q"]),
            (70_000, "client", []),
            (80_000, "practitioner", ["CR"]),
        ],
        globals_=ALL_GLOBALS,
        submitted=True,
    )


def test_attaching_keeps_the_recording_codings_and_their_volleys(
    session, from_audio, coder2, supervisor
):
    attached = transcript_attach(
        transcript=session, parsed=parsed(), speaker_roles=ROLES, actor=supervisor
    )
    attached.refresh_from_db()
    assert not attached.is_audio_only
    assert attached.source_format == SourceFormat.TEXT
    assert attached.source_filename == "session.txt"
    assert attached.audio_seconds == 900
    assert (attached.segment_start, attached.segment_end) == (60.0, 660.0)
    assert [(u.position, u.speaker_role) for u in attached.utterances.in_order()] == [
        (1, SpeakerRole.PRACTITIONER),
        (2, SpeakerRole.CLIENT),
        (3, SpeakerRole.PRACTITIONER),
        (4, SpeakerRole.CLIENT),
        (5, SpeakerRole.PRACTITIONER),
    ]
    from_audio.refresh_from_db()
    assert from_audio.coded_from == CodedFrom.AUDIO
    assert Volley.objects.filter(coding=from_audio).count() == 3
    codes = from_audio.utterance_codes.values_list("code__abbreviation", flat=True)
    assert sorted(codes) == ["CR", "Q"]
    later = coding_create(transcript=attached, scheme=from_audio.scheme, coder=coder2)
    assert later.coded_from == CodedFrom.TRANSCRIPT
    event = AuditEvent.objects.get(action="transcript.attach")
    assert (event.actor, event.object_id, event.details["utterances"]) == (
        supervisor,
        str(session.pk),
        5,
    )


def test_a_coding_begun_after_attaching_codes_utterances_whatever_the_caller_holds(session, coder):
    """The session's source is read under the lock, not from the caller's copy of it."""
    transcript_attach(transcript=session, parsed=parsed(), speaker_roles=ROLES)
    assert session.is_audio_only  # the caller's copy, read before the attachment
    coding = coding_create(transcript=session, scheme=factories.miti(), coder=coder)
    assert coding.coded_from == CodedFrom.TRANSCRIPT


@pytest.mark.parametrize(
    ("roles", "message"),
    [
        (
            {"Dana": SpeakerRole.CLIENT, "Marcus": SpeakerRole.CLIENT},
            "which speaker is the practitioner",
        ),
        ({"Dana": SpeakerRole.PRACTITIONER}, "no role chosen for speaker 'Marcus'"),
        ({"Dana": SpeakerRole.PRACTITIONER, "Marcus": "boss"}, "unknown speaker role 'boss'"),
    ],
)
def test_a_refused_attachment_changes_nothing(session, from_audio, roles, message):
    with pytest.raises(ValidationError, match=message):
        transcript_attach(transcript=session, parsed=parsed(), speaker_roles=roles)
    session.refresh_from_db()
    assert session.is_audio_only
    assert not session.utterances.exists()
    assert not AuditEvent.objects.filter(action="transcript.attach").exists()


def test_a_session_with_a_transcript_takes_no_second_one(agency, practitioner):
    transcript = factories.make_transcript(agency, practitioner, utterances=4)
    with pytest.raises(ValidationError, match="has a transcript already"):
        transcript_attach(transcript=transcript, parsed=parsed(), speaker_roles=ROLES)
    assert transcript.utterances.count() == 4


def test_the_parse_stays_open_until_someone_codes_the_utterances(
    session, from_audio, coder2, supervisor
):
    attached = transcript_attach(transcript=session, parsed=parsed(), speaker_roles=ROLES)
    first = attached.utterances.in_order().first()
    utterance_split(utterance=first, at=first.text.index("What"), actor=supervisor)
    assert attached.utterances.count() == 6
    # The recording's coders coded this segment: it stays fixed.
    with pytest.raises(ValidationError, match="segment is fixed"):
        transcript_segment_set(transcript=attached, start=0.0, end=600.0)
    coding_create(transcript=attached, scheme=from_audio.scheme, coder=coder2)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        speaker_roles_set(
            transcript=attached, roles={"Dana": SpeakerRole.CLIENT, "Marcus": SpeakerRole.CLIENT}
        )


def test_no_coding_mixes_volleys_and_utterances(agency, practitioner, session, coder, coder2):
    from_audio = factories.make_audio_coding(
        session, coder, volleys=[(61_000, "practitioner", ["Q"])]
    )
    attached = transcript_attach(transcript=session, parsed=parsed(), speaker_roles=ROLES)
    utterance = attached.utterances.in_order().first()
    question = factories.code("Q")
    with pytest.raises(ValidationError, match="made from the recording"):
        codes_write(coding=from_audio, wanted=[(utterance.pk, question.pk, True)])
    with pytest.raises(ValidationError, match="made from the recording"):
        utterance_note_set(coding=from_audio, utterance=utterance, text="a note")
    assert from_audio.utterance_codes.filter(utterance__isnull=False).count() == 0
    assert not from_audio.utterance_notes.exists()
    from_transcript = coding_create(transcript=attached, scheme=from_audio.scheme, coder=coder2)
    with pytest.raises(ValidationError, match="not volleys"):
        volley_add(coding=from_transcript, start_ms=61_000, speaker_role="practitioner")
    volley = Volley.objects.get(coding=from_audio)
    with pytest.raises(ValidationError, match="not volleys"):
        volley_codes_write(coding=from_transcript, wanted=[(volley.pk, question.pk, True)])
    assert not from_transcript.utterance_codes.exists()


def test_reliability_never_mixes_a_recording_coding_with_a_transcript_coding(
    agency, practitioner, coder, coder2
):
    for questions in (1, 2, 3):
        session = factories.make_audio_session(agency, practitioner)
        factories.make_audio_coding(
            session,
            coder,
            volleys=[(n * 10_000, "practitioner", ["Q"]) for n in range(questions)],
            globals_=ALL_GLOBALS,
            submitted=True,
        )
        attached = transcript_attach(transcript=session, parsed=parsed(), speaker_roles=ROLES)
        factories.make_coding(
            attached, coder2, codes={1: ["Q"]}, globals_=ALL_GLOBALS, submitted=True
        )
    report = run_json("--agency", agency.slug, "--scheme", "miti-4.2.1")
    # Session level: each session's two codings count, whatever their units.
    assert report["session_level"]["Q"]["transcripts"] == 3
    # Utterance level: every session is left out, since one side coded volleys.
    behaviour = report["utterance_level"]["behaviour"]
    assert behaviour["units"] == 0
    assert "3 transcript(s) coded from audio left out" in behaviour["note"]


def test_suggestions_neither_learn_from_nor_serve_a_recording_coding(session, from_audio, coder2):
    attached = transcript_attach(transcript=session, parsed=parsed(), speaker_roles=ROLES)
    assert training_records(attached.agency, from_audio.scheme) == []
    open_audio = factories.make_audio_coding(
        factories.make_audio_session(attached.agency, attached.practitioner), coder2
    )
    assert "from the recording" in suggestion_refusal(open_audio, coder2)


# The web path: upload, check the roles, attach.


def attach_url(session) -> str:
    return reverse("transcripts:attach", args=[session.pk])


def post_file(client, session, name="later.txt", data=TEXT):
    return client.post(attach_url(session), {"file": SimpleUploadedFile(name, data)})


def test_attaching_from_the_web_asks_only_for_the_roles(
    client_for, supervisor, session, from_audio
):
    client = client_for(supervisor)
    detail = client.get(reverse("transcripts:detail", args=[session.pk])).content.decode()
    assert 'id="attach"' in detail
    response = post_file(client, session)
    assert response.status_code == 302
    preview = response["Location"]
    page = client.get(preview)
    body = page.content.decode()
    assert "Check before attaching" in body
    assert 'name="doc0-title"' not in body and 'name="doc0-practitioner"' not in body
    assert not session.utterances.exists()  # nothing stored before confirmation
    saved = client.post(
        preview,
        {"doc0-role_0": SpeakerRole.PRACTITIONER, "doc0-role_1": SpeakerRole.CLIENT},
        follow=True,
    )
    assert saved.redirect_chain[-1][0] == reverse("transcripts:detail", args=[session.pk])
    assert "Codings made from the recording keep their volleys" in saved.content.decode()
    session.refresh_from_db()
    assert session.source_format == SourceFormat.TEXT
    assert session.utterances.count() == 5
    # The recording coding is listed as such, beside the utterances now shown.
    body = saved.content.decode()
    assert "recording</span>" in body
    assert 'id="utterances-title"' in body


def test_the_preview_of_an_attachment_refuses_a_practitioner_less_parse(
    client_for, supervisor, session
):
    client = client_for(supervisor)
    preview = post_file(client, session)["Location"]
    page = client.post(
        preview, {"doc0-role_0": SpeakerRole.CLIENT, "doc0-role_1": SpeakerRole.CLIENT}
    )
    assert page.status_code == 200
    assert "Choose which speaker is the practitioner" in page.content.decode()
    assert not session.utterances.exists()


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, TEXT)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "empty"),
        ("two.zip", _zip("a.txt", "b.txt"), "holds 2 transcript files; attach one file"),
        ("notes.pdf", b"%PDF-1.4", ".pdf files cannot be read as transcripts"),
    ],
)
def test_a_bad_file_attaches_nothing(client_for, supervisor, session, name, data, message):
    client = client_for(supervisor)
    response = post_file(client, session, name, data)
    assert response.status_code == 302
    assert response["Location"].endswith("#attach")
    page = client.get(response["Location"])
    assert message in page.content.decode()
    session.refresh_from_db()
    assert session.is_audio_only and not session.utterances.exists()


def test_only_a_session_known_by_its_recording_takes_a_transcript(
    client_for, supervisor, agency, practitioner
):
    transcript = factories.make_transcript(agency, practitioner, utterances=4)
    client = client_for(supervisor)
    response = post_file(client, transcript)
    assert response.status_code == 302
    assert transcript.utterances.count() == 4
    assert "has a transcript already" in client.get(response["Location"]).content.decode()


def test_attaching_is_for_those_who_manage_transcripts_of_the_agency(
    client_for, coder, outsider, session, from_audio
):
    """The coder sees the session (they coded it) but may not change it."""
    assert post_file(client_for(coder), session).status_code == 403
    assert post_file(client_for(outsider), session).status_code == 404
    session.refresh_from_db()
    assert session.is_audio_only


def test_each_preview_attaches_to_its_own_session(client_for, supervisor, session, agency):
    client = client_for(supervisor)
    preview = post_file(client, session)["Location"]
    other = factories.make_audio_session(agency, session.practitioner)
    client.post(attach_url(other), {"file": SimpleUploadedFile("x.txt", TEXT)})
    client.post(
        preview, {"doc0-role_0": SpeakerRole.PRACTITIONER, "doc0-role_1": SpeakerRole.CLIENT}
    )
    session.refresh_from_db()
    other.refresh_from_db()
    assert session.utterances.count() == 5
    assert other.is_audio_only


def test_an_agency_admin_may_attach(client_for, agency, session):
    admin = factories.make_user(agency, Role.ADMIN, username="boss")
    assert post_file(client_for(admin), session).status_code == 302


# The command.


def attach(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("attach_transcript", *args, stdout=out)
    return out.getvalue().splitlines()


def test_the_command_attaches_and_prints_the_counts(tmp_path, agency, session, from_audio):
    path = tmp_path / "later.txt"
    path.write_bytes(TEXT)
    lines = attach(str(path), "--agency", agency.slug, "--session", str(session.pk))
    assert lines == [f"transcript {session.pk}: 5 utterances (3 practitioner, 2 client)"]
    session.refresh_from_db()
    assert session.source_filename == "later.txt"
    assert Volley.objects.filter(coding=from_audio).count() == 3


def test_the_command_takes_the_roles_it_is_given(tmp_path, agency, session):
    path = tmp_path / "later.txt"
    path.write_bytes(TEXT)
    lines = attach(
        str(path),
        "--agency",
        agency.slug,
        "--session",
        str(session.pk),
        "--practitioner-speaker",
        "Marcus",
        "--client-speaker",
        "Dana",
    )
    assert lines == [f"transcript {session.pk}: 5 utterances (2 practitioner, 3 client)"]


@pytest.mark.parametrize(
    ("session_of", "extra", "message"),
    [
        (
            lambda s, other: s.pk,
            ["--practitioner-speaker", "Nobody"],
            "speaker 'Nobody' is in none",
        ),
        (lambda s, other: other.pk, [], "no session"),
        (lambda s, other: 987_654_321, [], "no session 987654321"),
    ],
)
def test_the_command_refuses_in_one_line_and_changes_nothing(
    tmp_path, agency, other_agency, session, session_of, extra, message
):
    path = tmp_path / "later.txt"
    path.write_bytes(TEXT)
    elsewhere = factories.make_audio_session(other_agency)
    with pytest.raises(CommandError, match=message):
        attach(
            str(path),
            "--agency",
            agency.slug,
            "--session",
            str(session_of(session, elsewhere)),
            *extra,
        )
    assert not Utterance.objects.exists()


def test_the_command_refuses_a_session_with_a_transcript(tmp_path, agency, practitioner):
    transcript = factories.make_transcript(agency, practitioner, utterances=4)
    path = tmp_path / "later.txt"
    path.write_bytes(TEXT)
    with pytest.raises(CommandError, match="has a transcript already"):
        attach(str(path), "--agency", agency.slug, "--session", str(transcript.pk))
    assert transcript.utterances.count() == 4


def test_the_command_refuses_an_archive_of_several(tmp_path, agency, session):
    path = tmp_path / "two.zip"
    path.write_bytes(_zip("a.txt", "b.txt"))
    with pytest.raises(CommandError, match="holds 2 transcript files; attach one file"):
        attach(str(path), "--agency", agency.slug, "--session", str(session.pk))
    assert not session.utterances.exists()
