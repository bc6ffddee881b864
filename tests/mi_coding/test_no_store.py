"""Nothing that carries session text may be kept by a browser or proxy; static files may."""

import json

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.fixture
def coding(agency, practitioner, coder):
    transcript = factories.make_transcript(agency, practitioner)
    return factories.make_coding(transcript, coder)


def test_pages_to_a_signed_in_user_are_never_stored(coding, supervisor, client_for):
    client = client_for(supervisor)
    for url in [
        reverse("home"),
        reverse("transcripts:list"),
        reverse("transcripts:detail", args=[coding.transcript_id]),
        reverse("coding:workspace", args=[coding.pk]),
        reverse("coding:feedback", args=[coding.pk]),
        reverse("reliability:index"),
        reverse("dashboards:audit"),
        reverse("accounts:audit"),
        reverse("transcripts:detail", args=[999999]),
    ]:
        response = client.get(url)
        assert response.status_code in {200, 404}, url
        assert _no_store(response), url
        assert "private" in response["Cache-Control"], url


def test_json_endpoints_are_never_stored(coding, coder, client_for):
    client = client_for(coder)
    tally = client.get(reverse("coding:api_tally", args=[coding.pk]))
    assert tally.status_code == 200
    assert _no_store(tally)
    note = client.post(
        reverse("coding:api_notes", args=[coding.pk]),
        json.dumps({"text": "about the client"}),
        content_type="application/json",
    )
    assert note.status_code == 200
    assert _no_store(note)


def test_exports_are_never_stored(coding, supervisor, client_for):
    response = client_for(supervisor).post(
        reverse("exchange:scores"), {"scope": "agency", "format": "csv"}
    )
    assert response.status_code == 200
    assert _no_store(response)


def test_static_files_stay_cacheable(client_for, coder):
    response = client_for(coder).get("/static/css/app.css")
    assert response.status_code == 200
    assert not _no_store(response)
    assert "max-age" in response["Cache-Control"]
