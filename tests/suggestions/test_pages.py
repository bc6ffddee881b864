"""The suggestions pages: settings, training with its progress, the model's figures, the
machine estimate and the per-coder report."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coding.models import CodingKind
from coding.services.codes import utterance_code_set
from suggestions.models import AcceptedSuggestion, Suggester, SuggesterStatus, SuggestionSettings
from suggestions.services import suggestions_accept
from tests.factories import code, make_coded_dialogues, make_coding, make_dialogue, miti


@pytest.mark.django_db
def test_a_supervisor_turns_suggestions_on_with_a_threshold(agency, supervisor, client_for):
    client = client_for(supervisor)
    assert (
        'Suggestions are <strong id="suggestions-state">off'
        in client.get(reverse("suggestions:index")).content.decode()
    )
    response = client.post(reverse("suggestions:index"), {"enabled": "on", "threshold": "0.7"})
    assert response.status_code == 302
    settings = SuggestionSettings.objects.get(agency=agency)
    assert settings.enabled and settings.threshold == 0.7


@pytest.mark.django_db
def test_a_threshold_outside_zero_to_one_changes_nothing(agency, supervisor, client_for):
    response = client_for(supervisor).post(
        reverse("suggestions:index"), {"enabled": "on", "threshold": "1.5"}
    )
    assert response.status_code == 200
    assert not SuggestionSettings.objects.exists()


@pytest.mark.django_db
def test_coders_cannot_reach_the_settings(coder, client_for):
    assert client_for(coder).get(reverse("suggestions:index")).status_code == 403


@pytest.mark.django_db
def test_training_from_the_page_runs_and_the_model_page_shows_figures_beside_human_kappa(
    agency, practitioner, coder, coder2, supervisor, client_for
):
    codings = make_coded_dialogues(agency, practitioner, coder)
    # One session double coded by another coder, so there is a human kappa.
    transcript = codings[0].transcript
    codes = {
        u.position: [c.code.abbreviation]
        for u in transcript.utterances.all()
        for c in codings[0].utterance_codes.filter(utterance=u).select_related("code")
    }
    codes[1] = ["GI"] if codes[1] != ["GI"] else ["Q"]
    make_coding(transcript, coder2, kind=CodingKind.DOUBLE, codes=codes, submitted=True)
    client = client_for(supervisor)
    response = client.post(reverse("suggestions:index"), {"scheme": miti().pk})
    suggester = Suggester.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("suggestions:detail", args=[suggester.pk])
    assert suggester.status == SuggesterStatus.DONE  # no broker: trained in this process
    status = client.get(reverse("suggestions:status", args=[suggester.pk])).json()
    assert status == {
        "status": "done",
        "status_label": "Ready",
        "progress": 100,
        "message": "Ready",
        "finished": True,
    }
    human = suggester.metrics["behaviour"]["human_kappa"]
    assert human is not None and 0 < human < 1
    page = client.get(reverse("suggestions:detail", args=[suggester.pk])).content.decode()
    assert "80 utterances from 8 coded sessions" in page
    assert f"{human:.3f}" in page
    assert f"{suggester.metrics['behaviour']['kappa']:.3f}" in page


@pytest.mark.django_db
def test_training_too_little_data_from_the_page_says_how_much_is_needed(
    agency, supervisor, client_for
):
    response = client_for(supervisor).post(
        reverse("suggestions:index"), {"scheme": miti().pk}, follow=True
    )
    assert "Not started: too little coded data" in response.content.decode()
    assert not Suggester.objects.exists()


@pytest.mark.django_db
def test_the_machine_estimate_of_an_uncoded_session_is_labelled_an_estimate(
    trained, agency, practitioner, supervisor, client_for
):
    transcript, codes = make_dialogue(agency, practitioner, seed=123)
    page = (
        client_for(supervisor)
        .get(reverse("suggestions:estimate", args=[transcript.pk]))
        .content.decode()
    )
    assert "estimate, not a score of record" in page
    assert 'id="machine-estimate"' in page
    questions = sum(1 for c in codes.values() if c == ["Q"])
    assert f"Q {questions}" in page


@pytest.mark.django_db
def test_a_coded_session_gets_no_machine_estimate(trained, supervisor, client_for):
    coded = Suggester.objects.get().agency.transcripts.first()
    page = (
        client_for(supervisor)
        .get(reverse("suggestions:estimate", args=[coded.pk]))
        .content.decode()
    )
    assert "No estimate: this session has a coding of record" in page
    assert 'id="machine-estimate"' not in page


@pytest.mark.django_db
def test_the_coder_report_shows_acceptance_and_agreement_with_consensus(
    switched_on, agency, practitioner, coder, supervisor, client_for
):
    transcript, codes = make_dialogue(agency, practitioner, seed=321)
    primary = make_coding(transcript, coder)
    first, third = (transcript.utterances.get(position=p) for p in (1, 3))
    suggestions_accept(
        coding=primary, user=coder, utterance_id=first.pk, code_ids=[code(codes[1][0]).pk]
    )
    wrong = "GI" if codes[3] != ["GI"] else "Q"
    utterance_code_set(coding=primary, utterance=third, code=code(wrong))
    consensus = make_coding(
        transcript, supervisor, kind=CodingKind.CONSENSUS, codes={1: codes[1], 3: codes[3]}
    )
    consensus.status, consensus.submitted_at = "submitted", consensus.created_at
    consensus.save()
    assert AcceptedSuggestion.objects.count() == 1
    page = client_for(supervisor).get(reverse("suggestions:coders")).content.decode()
    row = page[page.index(coder.username) :]
    assert "50%" in row  # one of two codes accepted
    assert "100% of 1" in row  # the accepted code agrees with the consensus
    assert "0% of 1" in row  # the hand-set one does not
