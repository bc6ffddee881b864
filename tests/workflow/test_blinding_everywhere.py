"""Blind double coding beyond the coding pages: JSON endpoints, exports, reliability and
dashboards never show a coder another coder's coding of a transcript while it is blind."""

import csv
import io
import json

import pytest
from django.urls import reverse

from coding.models import CodingKind
from tests import factories
from tests.factories import ALL_GLOBALS

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(agency, practitioner, coder, coder2):
    """ana has submitted; ben's double coding of the same transcript is still open."""
    transcript = factories.make_transcript(agency, practitioner, title="Blind session")
    mine = factories.make_coding(
        transcript, coder, codes={1: ["Q"]}, globals_=ALL_GLOBALS, submitted=True
    )
    theirs = factories.make_coding(
        transcript, coder2, kind=CodingKind.DOUBLE, codes={1: ["SR"], 3: ["CR"]}
    )
    return transcript, mine, theirs


def _payloads(coding):
    utterance = coding.transcript.utterances.get(position=1)
    scale = coding.scheme.globals.first()
    return {
        "api_code": {"utterance": utterance.pk, "code": factories.code("Q").pk, "action": "set"},
        "api_note": {"utterance": utterance.pk, "text": "peek"},
        "api_notes": {"text": "peek"},
        "api_global": {"scale": scale.pk, "value": 3},
    }


@pytest.mark.parametrize("endpoint", ["api_code", "api_note", "api_notes", "api_global"])
def test_json_endpoints_refuse_another_coding_and_change_nothing(pair, coder, client_for, endpoint):
    _, _, theirs = pair
    before = (theirs.utterance_codes.count(), theirs.utterance_notes.count(), theirs.notes)
    response = client_for(coder).post(
        reverse(f"coding:{endpoint}", args=[theirs.pk]),
        data=_payloads(theirs)[endpoint],
        content_type="application/json",
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    after = (theirs.utterance_codes.count(), theirs.utterance_notes.count(), theirs.notes)
    assert after == before
    assert not theirs.global_ratings.exists()


def test_tally_of_another_coding_answers_404(pair, coder, client_for):
    _, _, theirs = pair
    response = client_for(coder).get(reverse("coding:api_tally", args=[theirs.pk]))
    assert response.status_code == 404
    assert b"SR" not in response.content


def test_coders_own_export_holds_only_their_coding(pair, coder, client_for):
    _, mine, theirs = pair
    response = client_for(coder).post(
        reverse("exchange:codes"), {"scope": "mine", "include_text": ""}
    )
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows, "the coder's own codes are exported"
    assert {row["coder"] for row in rows} == {mine.coder.username}
    assert "CR" not in {row["code"] for row in rows}


def test_coder_cannot_ask_for_the_agency_wide_export(pair, coder, client_for):
    response = client_for(coder).post(
        reverse("exchange:scores"), {"scope": "agency", "format": "csv"}
    )
    assert response.status_code == 403


def test_researcher_export_leaves_out_the_open_double_coding(pair, researcher, client_for):
    _, mine, theirs = pair
    response = client_for(researcher).post(
        reverse("exchange:scores"), {"scope": "agency", "format": "csv"}
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["coder"] for row in rows] == [mine.coder.username]


@pytest.mark.parametrize(
    "url",
    [
        reverse("reliability:index"),
        reverse("reliability:download", args=["json"]),
        reverse("reliability:cell"),
        reverse("dashboards:audit"),
        reverse("dashboards:audit_export", args=["csv"]),
    ],
)
def test_coders_reach_no_reliability_or_audit_page(pair, coder, client_for, url):
    assert client_for(coder).get(url).status_code in (403, 404)


def test_practitioner_dashboard_is_closed_to_coders(pair, coder, client_for):
    transcript, _, _ = pair
    url = reverse("dashboards:practitioner", args=[transcript.practitioner_id])
    assert client_for(coder).get(url).status_code == 404


def test_coders_home_page_names_no_other_coder(pair, coder, coder2, client_for):
    body = client_for(coder).get(reverse("home")).content.decode()
    assert coder2.username not in body


def test_reliability_uses_only_submitted_codings_the_user_may_see(
    pair, agency, researcher, client_for
):
    transcript, mine, theirs = pair
    response = client_for(researcher).get(
        reverse("reliability:download", args=["json"]), {"scheme": mine.scheme.slug}
    )
    assert response.status_code == 200
    assert theirs.coder.username not in json.dumps(json.loads(response.content))


def test_practitioner_reads_feedback_of_own_session_only_once_submitted(pair, client_for):
    transcript, mine, theirs = pair
    owner = transcript.practitioner.user
    assert owner is not None
    client = client_for(owner)
    assert client.get(reverse("coding:feedback", args=[mine.pk])).status_code == 200
    assert client.get(reverse("coding:feedback", args=[theirs.pk])).status_code == 404
