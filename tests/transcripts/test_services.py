"""Writes to transcripts: batch import, parse edits, frozen parses, audio, segment."""

import random
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AuditEvent
from tests import factories
from transcripts import services
from transcripts.models import SpeakerRole, Transcript, Utterance
from transcripts.parsers import parse_upload
from transcripts.services import TranscriptDraft

pytestmark = pytest.mark.django_db

TEXT = b"""Therapist: Hello. How are you?
Client: Fine.
Client: Tired, really.
Therapist: Tired. What keeps you up? Is it work?
Client: Work.
"""
ROLES = {"Therapist": SpeakerRole.PRACTITIONER, "Client": SpeakerRole.CLIENT}


def draft(practitioner, name="s.txt", data=TEXT, roles=None, **fields) -> TranscriptDraft:
    return TranscriptDraft(
        parsed=parse_upload(name, data)[0],
        practitioner=practitioner,
        speaker_roles=roles or dict(ROLES),
        **fields,
    )


def rows(transcript) -> list[tuple[int, str, str]]:
    return list(
        transcript.utterances.order_by("position").values_list("position", "speaker_label", "text")
    )


@pytest.fixture
def transcript(agency, practitioner, supervisor):
    (created,) = services.transcripts_import(
        agency=agency, drafts=[draft(practitioner, title="Week 1")], actor=supervisor
    )
    return created


def test_import_stores_volleys_in_order_with_roles_and_source(transcript, supervisor):
    assert rows(transcript) == [
        (1, "Therapist", "Hello. How are you?"),
        (2, "Client", "Fine. Tired, really."),
        (3, "Therapist", "Tired. What keeps you up? Is it work?"),
        (4, "Client", "Work."),
    ]
    assert set(transcript.utterances.values_list("speaker_label", "speaker_role")) == set(
        ROLES.items()
    )
    assert (transcript.title, transcript.source_filename, transcript.source_format) == (
        "Week 1",
        "s.txt",
        "txt",
    )
    event = AuditEvent.objects.get(action="transcript.create")
    assert (event.actor, event.object_id) == (supervisor, str(transcript.pk))


def test_import_titles_a_transcript_after_its_file(agency, practitioner):
    (created,) = services.transcripts_import(
        agency=agency, drafts=[draft(practitioner, name="batch.zip/week 2/session-04.txt")]
    )
    assert created.title == "session-04"


def test_a_batch_is_all_or_nothing_and_names_the_file(agency, practitioner, outsider):
    foreign = factories.make_practitioner(outsider.memberships.get().agency, "Elsewhere")
    with pytest.raises(ValidationError, match="b.txt: the practitioner belongs to another"):
        services.transcripts_import(
            agency=agency, drafts=[draft(practitioner, "a.txt"), draft(foreign, "b.txt")]
        )
    assert not Transcript.objects.exists()
    assert not Utterance.objects.exists()


def test_a_transcript_needs_a_practitioner_speaker(agency, practitioner):
    roles = {"Therapist": SpeakerRole.OTHER, "Client": SpeakerRole.CLIENT}
    with pytest.raises(ValidationError, match="choose which speaker is the practitioner"):
        services.transcripts_import(agency=agency, drafts=[draft(practitioner, roles=roles)])
    assert not Transcript.objects.exists()


def test_split_at_a_sentence_renumbers_the_rest(transcript):
    third = transcript.utterances.get(position=3)
    first, second = services.utterance_split(utterance=third, at=len("Tired. "))
    assert rows(transcript) == [
        (1, "Therapist", "Hello. How are you?"),
        (2, "Client", "Fine. Tired, really."),
        (3, "Therapist", "Tired."),
        (4, "Therapist", "What keeps you up? Is it work?"),
        (5, "Client", "Work."),
    ]
    assert (first.pk, second.position) == (third.pk, 4)


def test_split_keeps_the_outer_times(agency, practitioner):
    (created,) = services.transcripts_import(
        agency=agency,
        drafts=[draft(practitioner, "t.json", b'[{"speaker": "T", "text": "One. Two?", '
                                              b'"start": 10, "end": 20}]',
                      roles={"T": SpeakerRole.PRACTITIONER})],
    )  # fmt: skip
    first, second = services.utterance_split(utterance=created.utterances.get(), at=5)
    assert (first.start_seconds, first.end_seconds) == (10, None)
    assert (second.start_seconds, second.end_seconds) == (None, 20)


@pytest.mark.parametrize("at", [0, 3, 200, -1])
def test_split_only_where_a_sentence_ends(transcript, at):
    with pytest.raises(ValidationError, match="where a sentence ends"):
        services.utterance_split(utterance=transcript.utterances.get(position=3), at=at)
    assert len(rows(transcript)) == 4


def test_merge_with_the_next_turn_of_the_same_speaker(transcript):
    third = transcript.utterances.get(position=3)
    services.utterance_split(utterance=third, at=len("Tired. "))
    merged = services.utterance_merge(utterance=transcript.utterances.get(position=3))
    assert merged.text == "Tired. What keeps you up? Is it work?"
    assert [position for position, *_ in rows(transcript)] == [1, 2, 3, 4]
    assert rows(transcript)[3] == (4, "Client", "Work.")


def test_merge_refuses_another_speaker_and_the_last_utterance(transcript):
    with pytest.raises(ValidationError, match="next utterance is Client's"):
        services.utterance_merge(utterance=transcript.utterances.get(position=1))
    with pytest.raises(ValidationError, match="last utterance"):
        services.utterance_merge(utterance=transcript.utterances.get(position=4))
    assert len(rows(transcript)) == 4


def test_fix_a_typo(transcript):
    services.utterance_text_set(
        utterance=transcript.utterances.get(position=4), text="  Work,   mostly. "
    )
    assert rows(transcript)[3] == (4, "Client", "Work, mostly.")
    with pytest.raises(ValidationError, match="needs some text"):
        services.utterance_text_set(utterance=transcript.utterances.get(position=4), text="  ")


def test_change_a_speakers_role(transcript):
    changed = services.speaker_roles_set(transcript=transcript, roles={"Client": SpeakerRole.OTHER})
    assert changed == 2
    assert set(transcript.utterances.values_list("speaker_label", "speaker_role")) == {
        ("Therapist", SpeakerRole.PRACTITIONER),
        ("Client", SpeakerRole.OTHER),
    }
    assert services.speaker_roles_set(transcript=transcript, roles=dict(ROLES)) == 2
    assert services.speaker_roles_set(transcript=transcript, roles=dict(ROLES)) == 0


@pytest.mark.parametrize(
    ("roles", "message"),
    [
        ({"Nobody": SpeakerRole.CLIENT}, "no speaker 'Nobody'"),
        ({"Therapist": SpeakerRole.CLIENT}, "at least one speaker must be the practitioner"),
        ({"Client": "boss"}, "unknown speaker role 'boss'"),
    ],
)
def test_role_changes_that_are_refused(transcript, roles, message):
    with pytest.raises(ValidationError, match=message):
        services.speaker_roles_set(transcript=transcript, roles=roles)
    assert transcript.utterances.filter(speaker_role=SpeakerRole.PRACTITIONER).count() == 2


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: services.utterance_split(utterance=t.utterances.get(position=3), at=7),
        lambda t: services.utterance_merge(utterance=t.utterances.get(position=1)),
        lambda t: services.utterance_text_set(utterance=t.utterances.get(position=1), text="x"),
        lambda t: services.speaker_roles_set(transcript=t, roles={"Client": SpeakerRole.OTHER}),
        lambda t: services.transcript_segment_set(transcript=t, start=1.0, end=2.0),
    ],
)
def test_once_coding_has_begun_the_parse_is_frozen(transcript, coder, edit):
    factories.make_coding(transcript, coder)
    before = list(transcript.utterances.values_list("position", "speaker_role", "text"))
    with pytest.raises(ValidationError, match="Coding of this (transcript|session) has begun"):
        edit(transcript)
    assert list(transcript.utterances.values_list("position", "speaker_role", "text")) == before


def test_details_can_change_after_coding_has_begun(transcript, coder, other_practitioner):
    factories.make_coding(transcript, coder, submitted=True)
    services.transcript_update(
        transcript=transcript,
        practitioner=other_practitioner,
        title="Renamed",
        session_date=None,
        target_change="smoking",
        client_pseudonym="C-9",
    )
    transcript.refresh_from_db()
    assert (transcript.title, transcript.practitioner, transcript.target_change) == (
        "Renamed",
        other_practitioner,
        "smoking",
    )


def test_segment_set_and_refused(transcript):
    services.transcript_segment_set(transcript=transcript, start=60.0, end=1260.0)
    transcript.refresh_from_db()
    assert (transcript.segment_start, transcript.segment_end) == (60.0, 1260.0)
    with pytest.raises(ValidationError, match="end after it starts"):
        services.transcript_segment_set(transcript=transcript, start=100.0, end=50.0)
    with pytest.raises(ValidationError, match="before the session"):
        services.transcript_segment_set(transcript=transcript, start=-1.0, end=None)


def test_random_segment_of_twenty_minutes_starts_where_an_utterance_starts(agency, practitioner):
    transcript = factories.make_transcript(agency, practitioner, utterances=600)  # 5 s apart
    services.transcript_segment_pick(transcript=transcript, rng=random.Random(7))
    transcript.refresh_from_db()
    starts = set(transcript.utterances.values_list("start_seconds", flat=True))
    assert transcript.segment_start in starts
    assert transcript.segment_end - transcript.segment_start == 1200
    assert transcript.segment_end <= 600 * 5 + 4


def test_random_segment_of_a_short_session_is_the_whole_session(agency, practitioner):
    transcript = factories.make_transcript(agency, practitioner, utterances=10)
    services.transcript_segment_set(transcript=transcript, start=5.0, end=20.0)
    services.transcript_segment_pick(transcript=transcript, rng=random.Random(1))
    transcript.refresh_from_db()
    assert (transcript.segment_start, transcript.segment_end) == (None, None)


def test_random_segment_needs_times(agency, practitioner):
    transcript = factories.make_transcript(agency, practitioner, with_times=False)
    with pytest.raises(ValidationError, match="no times"):
        services.transcript_segment_pick(transcript=transcript)


AUDIO = {
    "mp3": b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(100),
    "m4a": b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00" + bytes(100),
    "wav": b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(100),
    "ogg": b"OggS\x00\x02" + bytes(100),
    "webm": b"\x1a\x45\xdf\xa3\x01\x00\x00\x00" + bytes(100),
}


@pytest.mark.parametrize("kind", sorted(AUDIO))
def test_audio_of_each_kind_is_stored(transcript, media_root, kind):
    upload = SimpleUploadedFile(f"recording.{kind}", AUDIO[kind])
    services.transcript_audio_set(transcript=transcript, file=upload)
    transcript.refresh_from_db()
    assert transcript.audio.name.startswith(f"audio/{transcript.agency_id}/transcript-")
    assert transcript.audio.name.endswith(f".{kind}")
    assert transcript.audio.read() == AUDIO[kind]


def test_an_mp3_without_id3_is_recognised_by_its_frame_sync(transcript, media_root):
    upload = SimpleUploadedFile("bare.mp3", b"\xff\xfb\x90\x64" + bytes(100))
    services.transcript_audio_set(transcript=transcript, file=upload)
    assert transcript.audio.name.endswith(".mp3")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("photo.mp3", b"\x89PNG\r\n\x1a\n" + bytes(50), "photo.mp3: the content is not MP3"),
        ("notes.txt", b"ID3" + bytes(50), "notes.txt: not an audio file we accept"),
        ("empty.wav", b"", "empty.wav: the file is empty"),
        ("text.ogg", b"Therapist: hello there", "text.ogg: the content is not"),
    ],
)
def test_audio_that_is_refused(transcript, media_root, name, data, message):
    with pytest.raises(ValidationError, match=message):
        services.transcript_audio_set(transcript=transcript, file=SimpleUploadedFile(name, data))
    transcript.refresh_from_db()
    assert not transcript.audio
    assert not list(media_root.rglob("*.*"))


def test_audio_over_the_limit_is_refused(transcript, media_root, settings):
    settings.MI_AUDIO_MAX_BYTES = 50
    with pytest.raises(ValidationError, match="larger than the 0.0 MB allowed"):
        services.transcript_audio_set(
            transcript=transcript, file=SimpleUploadedFile("a.mp3", AUDIO["mp3"])
        )


def test_replacing_audio_deletes_the_old_file(
    transcript, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.transcript_audio_set(
            transcript=transcript, file=SimpleUploadedFile("a.mp3", AUDIO["mp3"])
        )
    old = Path(transcript.audio.path)
    with django_capture_on_commit_callbacks(execute=True):
        services.transcript_audio_set(
            transcript=transcript, file=SimpleUploadedFile("b.wav", AUDIO["wav"])
        )
    assert list(media_root.rglob("*.*")) == [Path(transcript.audio.path)]
    assert not old.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.transcript_audio_remove(transcript=transcript)
    assert not list(media_root.rglob("*.*"))
