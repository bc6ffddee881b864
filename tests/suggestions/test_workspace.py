"""Suggestions in the coding workspace: only in the coder's own primary coding of a session no
one else codes, only when the agency turned them on; accepting goes through the write path for
codes and is recorded."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from coding.models import CodingKind, UtteranceCode
from suggestions.models import AcceptedSuggestion
from tests.factories import code, make_assignment, make_coding, make_dialogue, make_practitioner
from workflow.models import ReliabilitySet


def suggestions(client, coding):
    return client.get(reverse("suggestions:coding", args=[coding.pk]))


def accept(client, coding, utterance, codes):
    return client.post(
        reverse("suggestions:accept", args=[coding.pk]),
        data=json.dumps({"utterance": utterance, "codes": codes}),
        content_type="application/json",
    )


@pytest.fixture
def session(agency, practitioner):
    return make_dialogue(agency, practitioner, seed=77)


@pytest.fixture
def primary(session, coder):
    transcript, _ = session
    return make_coding(transcript, coder)


def first_utterance(coding):
    return coding.transcript.utterances.get(position=1)


@pytest.mark.django_db
def test_the_coders_primary_coding_gets_suggestions_with_probabilities(
    switched_on, primary, session, coder, client_for
):
    response = suggestions(client_for(coder), primary)
    assert response.status_code == 200
    data = response.json()
    assert data["enabled"] is True and data["threshold"] == 0.4
    utterance = first_utterance(primary)
    ranked = data["utterances"][str(utterance.pk)]
    _, codes = session
    assert ranked[0][0] == code(codes[1][0]).pk
    assert ranked[0][1] > ranked[1][1]
    client_turn = primary.transcript.utterances.get(position=2)
    assert str(client_turn.pk) not in data["utterances"]


@pytest.mark.django_db
def test_suggestions_are_off_unless_the_agency_turns_them_on(trained, primary, coder, client_for):
    data = suggestions(client_for(coder), primary).json()
    assert data == {"ok": True, "enabled": False, "reason": "suggestions are off in this agency"}


@pytest.mark.parametrize(
    "kind, reason",
    [
        (CodingKind.DOUBLE, "never in a double coding"),
        (CodingKind.CALIBRATION, "never in a calibration"),
        (CodingKind.CONSENSUS, "never in an adjudication"),
    ],
)
@pytest.mark.django_db
def test_no_suggestion_reaches_a_double_coding_calibration_or_adjudication(
    switched_on, session, coder, client_for, kind, reason
):
    transcript, codes = session
    coding = make_coding(transcript, coder, kind=kind, assign=False)
    client = client_for(coder)
    data = suggestions(client, coding).json()
    assert data["enabled"] is False and "utterances" not in data
    assert data["reason"].startswith(reason)
    refused = accept(client, coding, first_utterance(coding).pk, [code(codes[1][0]).pk])
    assert refused.status_code == 422
    assert not UtteranceCode.objects.filter(coding=coding).exists()
    assert not AcceptedSuggestion.objects.exists()


@pytest.mark.django_db
def test_a_primary_coding_of_a_double_coded_session_gets_none(
    switched_on, primary, coder, coder2, client_for
):
    make_assignment(primary.transcript, coder2, kind=CodingKind.DOUBLE)
    data = suggestions(client_for(coder), primary).json()
    assert data["enabled"] is False and "double-coded" in data["reason"]


@pytest.mark.django_db
def test_a_primary_coding_of_a_session_in_a_reliability_sample_gets_none(
    switched_on, agency, primary, coder, client_for
):
    sample = ReliabilitySet.objects.create(agency=agency, name="Sample", scheme=primary.scheme)
    sample.transcripts.add(primary.transcript)
    assert suggestions(client_for(coder), primary).json()["enabled"] is False


@pytest.mark.django_db
def test_a_forged_coding_id_answers_404_and_gives_nothing(
    switched_on, primary, coder2, outsider, client_for
):
    for user in (coder2, outsider):
        client = client_for(user)
        assert suggestions(client, primary).status_code == 404
        utterance = first_utterance(primary).pk
        assert accept(client, primary, utterance, [code("Q").pk]).status_code == 404
    for missing in (10**9, 2**63):
        response = client_for(coder2).get(f"/suggestions/codings/{missing}/")
        assert response.status_code == 404
    assert not AcceptedSuggestion.objects.exists()


@pytest.mark.django_db
def test_accepting_puts_the_code_through_the_write_path_and_records_it(
    switched_on, trained, primary, session, coder, client_for
):
    _, codes = session
    utterance = first_utterance(primary)
    suggested = code(codes[1][0])
    response = accept(client_for(coder), primary, utterance.pk, [suggested.pk])
    assert response.status_code == 200, response.content
    assert response.json()["changes"] == [[suggested.pk, True]]
    assert UtteranceCode.objects.filter(
        coding=primary, utterance=utterance, code=suggested
    ).exists()
    record = AcceptedSuggestion.objects.get()
    assert (record.coding, record.utterance, record.code) == (primary, utterance, suggested)
    assert record.suggester == trained
    assert 0.4 < record.probability <= 1


@pytest.mark.django_db
def test_accepting_refuses_a_submitted_coding(switched_on, primary, session, coder, client_for):
    primary.status = "submitted"
    primary.submitted_at = primary.created_at
    primary.save()
    _, codes = session
    response = accept(client_for(coder), primary, first_utterance(primary).pk, [code("Q").pk])
    assert response.status_code == 422
    assert not AcceptedSuggestion.objects.exists()


@pytest.mark.django_db
def test_accepting_refuses_an_utterance_of_another_transcript_and_malformed_bodies(
    switched_on, agency, primary, coder, client_for
):
    other, _ = make_dialogue(agency, make_practitioner(agency), seed=5)
    client = client_for(coder)
    stranger = other.utterances.get(position=1).pk
    assert accept(client, primary, stranger, [code("Q").pk]).status_code == 422
    assert accept(client, primary, 2**63, [code("Q").pk]).status_code == 400
    assert accept(client, primary, first_utterance(primary).pk, "Q").status_code == 400
    assert accept(client, primary, first_utterance(primary).pk, []).status_code == 400
    assert (
        not UtteranceCode.objects.exists()
        or not UtteranceCode.objects.filter(coding=primary).exists()
    )


@pytest.mark.django_db
def test_accepting_a_code_of_the_clients_turn_is_refused(switched_on, primary, coder, client_for):
    client_turn = primary.transcript.utterances.get(position=2)
    response = accept(client_for(coder), primary, client_turn.pk, [code("Q").pk])
    assert response.status_code == 422
    assert "not suggested" in response.json()["error"]
