"""Coders' utterance notes stay with coders and supervisors unless the coder marks a note for
feedback: no page, export or API answer a practitioner can reach shows a private one."""

import json

import pytest
from django.urls import reverse

from coding.migrations import __name__ as migrations_package
from coding.models import UtteranceNote
from coding.services.codings import coding_submit
from coding.services.workspace import utterance_note_set
from tests import factories
from tests.factories import ALL_GLOBALS

pytestmark = pytest.mark.django_db

PRIVATE = "PRIVATE-or-is-this-Persuade-c0ffee"
SHARED = "SHARED-lovely-double-sided-c0ffee"


@pytest.fixture
def session(agency, practitioner, coder):
    transcript = factories.make_transcript(agency, practitioner, utterances=6, title="Intake")
    coding = factories.make_coding(transcript, coder, codes={1: ["SR"]}, globals_=ALL_GLOBALS)
    utterance_note_set(coding=coding, utterance=transcript.utterances.get(position=1), text=PRIVATE)
    utterance_note_set(
        coding=coding,
        utterance=transcript.utterances.get(position=3),
        text=SHARED,
        for_feedback=True,
    )
    coding.refresh_from_db()
    coding_submit(coding=coding, actor=coder)
    return coding


def test_a_note_is_private_unless_marked(session):
    assert dict(UtteranceNote.objects.values_list("text", "for_feedback")) == {
        PRIVATE: False,
        SHARED: True,
    }


def test_existing_notes_migrate_as_private():
    import importlib

    migration = importlib.import_module(
        f"{migrations_package}.0002_dimension_exclusive_note_for_feedback"
    ).Migration
    (added,) = [
        op
        for op in migration.operations
        if getattr(op, "model_name", "") == "utterancenote" and op.name == "for_feedback"
    ]
    assert added.field.default is False
    assert UtteranceNote._meta.get_field("for_feedback").default is False


def _practitioner_paths(client, coding, practitioner):
    """Every page, export and API answer of this session a practitioner can reach."""
    yield "feedback", client.get(reverse("coding:feedback", args=[coding.pk]))
    yield "workspace", client.get(reverse("coding:workspace", args=[coding.pk]))
    yield "tally", client.get(reverse("coding:api_tally", args=[coding.pk]))
    yield "transcript", client.get(reverse("transcripts:detail", args=[coding.transcript_id]))
    yield "dashboard", client.get(reverse("dashboards:practitioner", args=[practitioner.pk]))
    yield "exchange", client.get(reverse("exchange:index"))
    for what in ("scores", "codes"):
        for fmt in ("csv", "xlsx"):
            yield (
                f"export {what} {fmt}",
                client.post(reverse(f"exchange:{what}"), {"format": fmt, "scope": "mine"}),
            )


def token_for(user, agency):
    from api.services import token_create

    return token_create(user=user, agency=agency, name="notes", scope="read", days=5)[1]


def _body(response):
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content)
    return response.content


def test_a_private_note_never_reaches_the_practitioner(
    session, practitioner, practitioner_user, client_for
):
    client = client_for(practitioner_user)
    reached = {}
    for name, response in _practitioner_paths(client, session, practitioner):
        assert response.status_code in (200, 403, 404), name
        reached[name] = response.status_code
        assert PRIVATE.encode() not in _body(response), name
    assert reached["feedback"] == reached["workspace"] == reached["dashboard"] == 200
    feedback = client.get(reverse("coding:feedback", args=[session.pk])).content.decode()
    assert SHARED in feedback
    assert "private note" not in feedback


def test_the_api_gives_a_practitioner_only_the_notes_for_feedback(
    session, agency, practitioner_user
):
    from django.test import Client

    secret = token_for(practitioner_user, agency)
    response = Client().get(
        f"/api/v1/codings/{session.pk}/", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 200
    assert PRIVATE.encode() not in response.content
    assert json.loads(response.content)["utterance_notes"] == [
        {
            "utterance": session.transcript.utterances.get(position=3).pk,
            "position": 3,
            "volley_ms": None,
            "text": SHARED,
            "for_feedback": True,
        }
    ]
    listed = Client().get("/api/v1/codings/", headers={"Authorization": f"Bearer {secret}"})
    assert PRIVATE.encode() not in listed.content


def test_coders_and_supervisors_read_private_notes_where_they_work(
    session, agency, supervisor, coder, client_for
):
    from django.test import Client

    for user in (coder, supervisor):
        workspace = client_for(user).get(reverse("coding:workspace", args=[session.pk]))
        assert PRIVATE in workspace.content.decode()
    page = client_for(supervisor).get(reverse("coding:feedback", args=[session.pk]))
    html = page.content.decode()
    # The feedback page is what the practitioner reads: the private note is counted, not shown.
    assert PRIVATE not in html
    assert SHARED in html
    assert "1 private note on utterances, not shown here" in html
    secret = token_for(supervisor, agency)
    detail = Client().get(
        f"/api/v1/codings/{session.pk}/", headers={"Authorization": f"Bearer {secret}"}
    )
    assert PRIVATE in detail.content.decode()


def test_the_note_box_marks_a_note_for_feedback_and_back(agency, practitioner, coder, client_for):
    transcript = factories.make_transcript(agency, practitioner, utterances=4)
    coding = factories.make_coding(transcript, coder)
    client = client_for(coder)
    url = reverse("coding:api_note", args=[coding.pk])
    utterance = transcript.utterances.get(position=1).pk
    body = {"utterance": utterance, "text": "Good reflection", "for_feedback": True}
    response = client.post(url, json.dumps(body), content_type="application/json")
    assert response.json()["for_feedback"] is True
    assert UtteranceNote.objects.get().for_feedback is True
    body["for_feedback"] = False
    client.post(url, json.dumps(body), content_type="application/json")
    assert UtteranceNote.objects.get().for_feedback is False
    body.pop("for_feedback")
    client.post(url, json.dumps(body), content_type="application/json")
    assert UtteranceNote.objects.get().for_feedback is False
    page = client.get(reverse("coding:workspace", args=[coding.pk])).content.decode()
    assert 'name="for_feedback"' in page


@pytest.mark.parametrize("forged", ["yes", 1, [], {"a": 1}])
def test_a_forged_for_feedback_value_is_refused_and_changes_nothing(
    agency, practitioner, coder, client_for, forged
):
    transcript = factories.make_transcript(agency, practitioner, utterances=4)
    coding = factories.make_coding(transcript, coder)
    url = reverse("coding:api_note", args=[coding.pk])
    body = {
        "utterance": transcript.utterances.get(position=1).pk,
        "text": "x",
        "for_feedback": forged,
    }
    response = client_for(coder).post(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert "true or false" in response.json()["error"]
    assert not UtteranceNote.objects.exists()
