from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

AUDIO = bytes(range(256)) * 40  # 10,240 bytes


@pytest.fixture
def transcript_with_audio(agency, practitioner, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    transcript = factories.make_transcript(agency, practitioner)
    transcript.audio.save("session.mp3", ContentFile(AUDIO))
    return transcript


def test_whole_file_for_a_member(transcript_with_audio, supervisor, client_for):
    response = client_for(supervisor).get(
        reverse("transcripts:audio", args=[transcript_with_audio.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == AUDIO
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "audio/mpeg"


def test_byte_range_for_seeking(transcript_with_audio, supervisor, client_for):
    response = client_for(supervisor).get(
        reverse("transcripts:audio", args=[transcript_with_audio.pk]),
        HTTP_RANGE="bytes=100-199",
    )
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-199/{len(AUDIO)}"
    assert b"".join(response.streaming_content) == AUDIO[100:200]


def test_suffix_and_unsatisfiable_ranges(transcript_with_audio, supervisor, client_for):
    client = client_for(supervisor)
    url = reverse("transcripts:audio", args=[transcript_with_audio.pk])
    tail = client.get(url, HTTP_RANGE="bytes=-10")
    assert b"".join(tail.streaming_content) == AUDIO[-10:]
    assert client.get(url, HTTP_RANGE=f"bytes={len(AUDIO) + 5}-").status_code == 416


def test_audio_of_another_agency_is_not_found(transcript_with_audio, outsider, client_for):
    response = client_for(outsider).get(
        reverse("transcripts:audio", args=[transcript_with_audio.pk])
    )
    assert response.status_code == 404


def test_transcript_without_audio_is_not_found(agency, practitioner, supervisor, client_for):
    transcript = factories.make_transcript(agency, practitioner)
    response = client_for(supervisor).get(reverse("transcripts:audio", args=[transcript.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("headers", [{}, {"HTTP_RANGE": "bytes=0-99"}])
def test_audio_missing_from_storage_is_not_found_with_a_message(
    transcript_with_audio, supervisor, client_for, headers
):
    Path(transcript_with_audio.audio.path).unlink()
    response = client_for(supervisor).get(
        reverse("transcripts:audio", args=[transcript_with_audio.pk]), **headers
    )
    assert response.status_code == 404
    assert response.content.decode() == "This file is missing from storage; upload it again."
