"""Deleting a transcript: its codings go with it, and submitted ones need an agency admin."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AuditEvent
from coding.models import Coding
from coding.services.transcripts import transcript_delete
from tests import factories
from transcripts import services
from transcripts.models import Transcript, Utterance

pytestmark = pytest.mark.django_db

MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(100)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_delete_without_codings(transcript, supervisor):
    pk = transcript.pk
    transcript_delete(transcript=transcript, actor=supervisor)
    assert not Transcript.objects.filter(pk=pk).exists()
    assert not Utterance.objects.exists()
    event = AuditEvent.objects.get(action="transcript.delete")
    assert event.details["utterances"] == 6
    assert event.object_id == str(pk)
    assert event.actor == supervisor


def test_delete_with_submitted_codings_needs_explicit_confirmation(transcript, coder, admin_user):
    factories.make_coding(transcript, coder, submitted=True)
    with pytest.raises(ValidationError, match="1 submitted coding; confirm"):
        transcript_delete(transcript=transcript, actor=admin_user)
    assert Transcript.objects.filter(pk=transcript.pk).exists()
    transcript_delete(transcript=transcript, submitted_confirmed=True, actor=admin_user)
    assert not Transcript.objects.exists()
    assert not Coding.objects.exists()
    event = AuditEvent.objects.get(action="transcript.delete")
    assert (event.actor, event.details["submitted_codings"]) == (admin_user, 1)


def test_a_supervisor_cannot_delete_submitted_codings_even_when_confirming(
    transcript, coder, supervisor
):
    factories.make_coding(transcript, coder, submitted=True)
    with pytest.raises(PermissionDenied, match="only an agency admin"):
        transcript_delete(transcript=transcript, submitted_confirmed=True, actor=supervisor)
    assert Transcript.objects.filter(pk=transcript.pk).exists()
    assert Coding.objects.filter(transcript=transcript).count() == 1
    assert not AuditEvent.objects.filter(action="transcript.delete").exists()


def test_a_supervisor_may_delete_a_transcript_whose_codings_are_open(transcript, coder, supervisor):
    factories.make_coding(transcript, coder, submitted=False)
    transcript_delete(transcript=transcript, actor=supervisor)
    assert not Transcript.objects.exists()
    assert AuditEvent.objects.get(action="transcript.delete").details["codings"] == 1


def test_delete_removes_the_audio_file(
    transcript, supervisor, media_root, django_capture_on_commit_callbacks
):
    services.transcript_audio_set(transcript=transcript, file=SimpleUploadedFile("a.mp3", MP3))
    assert list(media_root.rglob("*.*"))
    with django_capture_on_commit_callbacks(execute=True):
        transcript_delete(transcript=transcript, actor=supervisor)
    assert not list(media_root.rglob("*.*"))
