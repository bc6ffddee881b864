"""The workspace's JSON endpoints: every rule of the scheme, enforced by the server."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from coding.models import CodingScheme, GlobalRating, UtteranceCode, UtteranceNote
from coding.services.rules import scheme_codes
from tests import factories
from tests.factories import ALL_GLOBALS

pytestmark = pytest.mark.django_db


@pytest.fixture
def coding(transcript, coder):
    return factories.make_coding(transcript, coder)


def utterance(coding, position):
    return coding.transcript.utterances.get(position=position)


def post(client, coding, name, payload):
    return client.post(
        reverse(f"coding:api_{name}", args=[coding.pk]),
        json.dumps(payload),
        content_type="application/json",
    )


def put_code(client, coding, position, abbreviation, action="set", scheme=None):
    return post(
        client,
        coding,
        "code",
        {
            "utterance": utterance(coding, position).pk,
            "code": factories.code(abbreviation, scheme).pk,
            "action": action,
        },
    )


def rows(coding):
    return list(
        UtteranceCode.objects.filter(coding=coding).values_list(
            "utterance__position", "code__abbreviation"
        )
    )


def test_setting_a_code_saves_it_and_answers_the_new_state(coding, coder, client_for):
    response = put_code(client_for(coder), coding, 1, "Q")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["present"] is True
    assert body["changed"] is True
    assert rows(coding) == [(1, "Q")]


def test_repeating_the_same_set_keeps_one_row(coding, coder, client_for):
    client = client_for(coder)
    put_code(client, coding, 1, "SR")
    second = put_code(client, coding, 1, "SR")
    assert second.status_code == 200
    assert second.json()["present"] is True
    assert second.json()["changed"] is False
    assert rows(coding) == [(1, "SR")]


def test_clearing_is_idempotent_and_never_a_toggle(coding, coder, client_for):
    client = client_for(coder)
    put_code(client, coding, 1, "AF")
    assert put_code(client, coding, 1, "AF", "clear").json()["changed"] is True
    again = put_code(client, coding, 1, "AF", "clear")
    assert again.status_code == 200
    assert again.json() == {
        "ok": True,
        "utterance": utterance(coding, 1).pk,
        "code": factories.code("AF").pk,
        "present": False,
        "changed": False,
    }
    assert rows(coding) == []


def test_each_code_at_most_once_but_several_codes_in_a_multiple_dimension(
    coding, coder, client_for
):
    client = client_for(coder)
    for abbreviation in ["Q", "SR", "Q", "AF"]:
        assert put_code(client, coding, 1, abbreviation).status_code == 200
    assert sorted(rows(coding)) == [(1, "AF"), (1, "Q"), (1, "SR")]


def test_another_users_coding_answers_404(coding, coder2, supervisor, outsider, client_for):
    for user in (coder2, supervisor, outsider):
        response = put_code(client_for(user), coding, 1, "Q")
        assert response.status_code == 404
        assert response.json()["ok"] is False
    assert rows(coding) == []


def test_a_submitted_coding_refuses_every_change(transcript, coder, client_for):
    coding = factories.make_coding(
        transcript, coder, codes={1: ["Q"]}, globals_=ALL_GLOBALS, submitted=True
    )
    client = client_for(coder)
    for response in (
        put_code(client, coding, 3, "SR"),
        put_code(client, coding, 1, "Q", "clear"),
        post(client, coding, "note", {"utterance": utterance(coding, 1).pk, "text": "x"}),
        post(client, coding, "notes", {"text": "x"}),
        post(client, coding, "global", {"scale": coding.scheme.globals.first().pk, "value": 1}),
    ):
        assert response.status_code == 409
        assert "submitted" in response.json()["error"]
    assert rows(coding) == [(1, "Q")]
    assert not UtteranceNote.objects.exists()
    assert dict(GlobalRating.objects.values_list("scale__slug", "value")) == ALL_GLOBALS


def test_a_code_on_the_wrong_speaker_is_refused(coding, coder, client_for):
    response = put_code(client_for(coder), coding, 2, "Q")  # position 2 is the client
    assert response.status_code == 422
    assert response.json()["error"] == ("Q codes practitioner utterances, and this one is client.")
    assert rows(coding) == []


@pytest.fixture
def misc():
    return CodingScheme.objects.get(slug="misc-2.5")


def test_a_second_code_in_a_single_code_dimension_is_refused(transcript, coder, client_for, misc):
    coding = factories.make_coding(transcript, coder, scheme=misc)
    client = client_for(coder)
    assert put_code(client, coding, 1, "QUO", scheme=misc).status_code == 200
    refused = put_code(client, coding, 1, "RES", scheme=misc)
    assert refused.status_code == 422
    assert "one code per utterance" in refused.json()["error"]
    assert "QUO" in refused.json()["error"]
    assert rows(coding) == [(1, "QUO")]
    # Clearing first, as the workspace does, lets the other code in.
    assert put_code(client, coding, 1, "QUO", "clear", scheme=misc).status_code == 200
    assert put_code(client, coding, 1, "RES", scheme=misc).status_code == 200
    # The client's own single-code dimension is independent of the practitioner's.
    assert put_code(client, coding, 2, "C+", scheme=misc).status_code == 200
    assert sorted(rows(coding)) == [(1, "RES"), (2, "C+")]


def test_a_code_of_another_scheme_or_an_utterance_of_another_transcript_is_refused(
    coding, coder, client_for, agency, misc
):
    client = client_for(coder)
    wrong_scheme = post(
        client,
        coding,
        "code",
        {"utterance": utterance(coding, 1).pk, "code": factories.code("QUO", misc).pk,
         "action": "set"},
    )  # fmt: skip
    assert wrong_scheme.status_code == 422
    assert "not part of MITI 4.2.1" in wrong_scheme.json()["error"]
    stranger = factories.make_transcript(agency).utterances.get(position=1)
    wrong_transcript = post(
        client, coding, "code", {"utterance": stranger.pk, "code": factories.code("Q").pk,
                                 "action": "set"},
    )  # fmt: skip
    assert wrong_transcript.status_code == 422
    assert "not part of this transcript" in wrong_transcript.json()["error"]
    assert rows(coding) == []


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        json.dumps({"utterance": 1, "code": 1, "action": "toggle"}).encode(),
        json.dumps({"utterance": "one", "code": 1, "action": "set"}).encode(),
        json.dumps({"code": 1, "action": "set"}).encode(),
    ],
)
def test_malformed_requests_answer_400_and_change_nothing(coding, coder, client_for, body):
    response = client_for(coder).post(
        reverse("coding:api_code", args=[coding.pk]), body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]
    assert rows(coding) == []


@pytest.mark.parametrize("field", ["utterance", "code"])
@pytest.mark.parametrize("forged", [2**63, 2**64, 10**30, 0, -1, "²", 1.5, True])
def test_ids_no_row_could_have_answer_400_and_change_nothing(
    coding, coder, client_for, field, forged
):
    payload = {"utterance": utterance(coding, 1).pk, "code": factories.code("Q").pk}
    response = post(client_for(coder), coding, "code", {**payload, field: forged, "action": "set"})
    assert response.status_code == 400
    assert field in response.json()["error"]
    assert rows(coding) == []


@pytest.mark.parametrize(("name", "field"), [("note", "utterance"), ("global", "scale")])
def test_other_endpoints_refuse_ids_past_64_bits(coding, coder, client_for, name, field):
    response = post(client_for(coder), coding, name, {field: 2**64, "text": "x", "value": 3})
    assert response.status_code == 400
    assert field in response.json()["error"]


def test_signed_out_answers_401_json_not_the_sign_in_page(coding, client):
    response = put_code(client, coding, 1, "Q")
    assert response.status_code == 401
    assert "signed out" in response.json()["error"].lower()


def test_get_is_not_allowed_on_a_save_endpoint(coding, coder, client_for):
    response = client_for(coder).get(reverse("coding:api_code", args=[coding.pk]))
    assert response.status_code == 405


def test_the_endpoint_requires_the_csrf_token(coding, coder):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coder)
    response = put_code(client, coding, 1, "Q")
    assert response.status_code == 403
    assert rows(coding) == []


@pytest.mark.parametrize(
    ("first", "second"),
    [(None, ("Q", "set")), (("Q", "set"), ("Q", "set")), (("Q", "set"), ("Q", "clear")),
     (None, ("Q", "clear"))],
)  # fmt: skip
def test_a_save_takes_at_most_six_queries(
    coding, coder, client_for, django_assert_max_num_queries, first, second
):
    scheme_codes(coding.scheme)  # read once per process, not per save
    client = client_for(coder)
    if first:
        put_code(client, coding, 1, *first)
    target = {"utterance": utterance(coding, 1).pk, "code": factories.code(second[0]).pk,
              "action": second[1]}  # fmt: skip
    with django_assert_max_num_queries(6):
        response = post(client, coding, "code", target)
    assert response.status_code == 200


def test_a_refused_save_also_takes_at_most_six_queries(
    coding, coder, client_for, django_assert_max_num_queries
):
    scheme_codes(coding.scheme)
    client = client_for(coder)
    target = {"utterance": utterance(coding, 2).pk, "code": factories.code("Q").pk,
              "action": "set"}  # fmt: skip
    with django_assert_max_num_queries(6):
        assert post(client, coding, "code", target).status_code == 422


def test_a_save_marks_the_coding_as_worked_on(coding, coder, client_for):
    before = coding.updated_at
    put_code(client_for(coder), coding, 1, "Q")
    coding.refresh_from_db()
    assert coding.updated_at > before


def test_notes_on_an_utterance_are_set_replaced_and_removed(coding, coder, client_for):
    client = client_for(coder)
    target = utterance(coding, 1)
    assert post(client, coding, "note", {"utterance": target.pk, "text": " ask about sleep "}
                ).json()["text"] == "ask about sleep"  # fmt: skip
    post(client, coding, "note", {"utterance": target.pk, "text": "CR or SR?"})
    assert list(UtteranceNote.objects.values_list("text", flat=True)) == ["CR or SR?"]
    assert post(client, coding, "note", {"utterance": target.pk, "text": ""}).json()["text"] == ""
    assert not UtteranceNote.objects.exists()


def test_a_note_too_long_is_refused(coding, coder, client_for):
    target = utterance(coding, 1)
    response = post(client_for(coder), coding, "note", {"utterance": target.pk, "text": "x" * 5001})
    assert response.status_code == 400
    assert not UtteranceNote.objects.exists()


def test_session_notes_are_saved(coding, coder, client_for):
    response = post(client_for(coder), coding, "notes", {"text": "Strong reflections."})
    assert response.json() == {"ok": True, "text": "Strong reflections."}
    coding.refresh_from_db()
    assert coding.notes == "Strong reflections."


@pytest.mark.parametrize("text", [{"a": 1}, ["a"], 42, True])
def test_notes_that_are_not_text_are_refused(coding, coder, client_for, text):
    client = client_for(coder)
    response = post(client, coding, "notes", {"text": text})
    assert response.status_code == 400
    assert "text: must be a string of text" in response.json()["error"]
    coding.refresh_from_db()
    assert coding.notes == ""
    response = post(client, coding, "note", {"utterance": utterance(coding, 1).pk, "text": text})
    assert response.status_code == 400
    assert "text: must be a string of text" in response.json()["error"]
    assert not UtteranceNote.objects.exists()


def test_globals_are_rated_cleared_and_kept_in_range(coding, coder, client_for):
    client = client_for(coder)
    empathy = coding.scheme.globals.get(slug="empathy")
    assert post(client, coding, "global", {"scale": empathy.pk, "value": 4}).json()["value"] == 4
    out_of_range = post(client, coding, "global", {"scale": empathy.pk, "value": 6})
    assert out_of_range.status_code == 422
    assert "from 1 to 5" in out_of_range.json()["error"]
    assert GlobalRating.objects.get(coding=coding, scale=empathy).value == 4
    assert (
        post(client, coding, "global", {"scale": empathy.pk, "value": None}).json()["value"] is None
    )
    assert not GlobalRating.objects.filter(coding=coding).exists()
    other = CodingScheme.objects.get(slug="miti-3.1.1").globals.first()
    assert post(client, coding, "global", {"scale": other.pk, "value": 3}).status_code == 422


def test_the_tally_gives_counts_and_summary_scores_with_undefined_as_a_dash(
    coding, coder, client_for
):
    client = client_for(coder)
    put_code(client, coding, 1, "SR")
    put_code(client, coding, 3, "CR")
    body = client.get(reverse("coding:api_tally", args=[coding.pk])).json()
    assert body["counts"] == {"SR": 1, "CR": 1}
    by_slug = {score["slug"]: score for score in body["scores"]}
    assert by_slug["pct_cr"]["value"] == 50
    assert by_slug["pct_cr"]["band"] == "good"
    assert by_slug["r_q"]["value"] is None  # no question yet
    assert by_slug["r_q"]["display"] == "—"


def test_the_tally_is_hidden_from_outsiders(coding, outsider, client_for):
    response = client_for(outsider).get(reverse("coding:api_tally", args=[coding.pk]))
    assert response.status_code == 404
