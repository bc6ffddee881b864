"""Training a suggester on coded sessions the tests write, and what it stores."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from coding.models import CodingKind
from suggestions.models import Suggester, SuggesterStatus
from suggestions.selectors import MIN_SESSIONS, training_extent
from suggestions.services import suggester_create, suggester_train
from suggestions.suggesting import transcript_suggestions
from tests.factories import make_coded_dialogues, make_coding, make_dialogue, miti


@pytest.fixture
def trained(agency, practitioner, coder, supervisor):
    make_coded_dialogues(agency, practitioner, coder)
    suggester = suggester_create(agency=agency, scheme=miti(), actor=supervisor)
    return suggester_train(suggester_id=suggester.pk)


@pytest.mark.django_db
def test_training_stores_the_model_its_extent_and_grouped_metrics(trained):
    assert trained.status == SuggesterStatus.DONE, trained.message
    assert trained.progress == 100
    assert trained.codings == 8
    assert trained.utterances == 80  # the practitioner utterances MITI codes
    assert trained.first_session.isoformat() == "2026-03-01"
    assert trained.last_session.isoformat() == "2026-03-08"
    behaviour = trained.metrics["behaviour"]
    assert behaviour["units"] == 80
    # Held-out sessions of lines the model has seen in other sessions: it learns them.
    assert behaviour["kappa"] > 0.8
    assert behaviour["percent_agreement"] > 0.8
    assert behaviour["alpha"] > 0.8
    assert behaviour["per_code"]["Q"]["support"] > 0
    assert behaviour["per_code"]["Q"]["precision"] > 0.8
    assert behaviour["per_code"]["Q"]["recall"] > 0.8
    assert behaviour["per_code"]["Confront"]["support"] == 0
    assert behaviour["human_kappa"] is None  # no double-coded session
    assert bytes(trained.model)


@pytest.mark.django_db
def test_the_trained_model_suggests_the_code_its_line_says(trained, agency, practitioner):
    transcript, codes = make_dialogue(agency, practitioner, seed=99)
    result = transcript_suggestions(trained, transcript)
    assert result["suggester"] == trained.pk and result["scheme"] == "miti-4.2.1"
    first = result["utterances"][0]
    assert first["position"] == 1 and first["speaker_role"] == "practitioner"
    ranked = first["suggestions"]["behaviour"]
    assert ranked[0]["code"] == codes[1][0]
    assert len(ranked) == 10  # every code of the dimension
    probabilities = [s["probability"] for s in ranked]
    assert probabilities == sorted(probabilities, reverse=True)
    assert all(0 <= p <= 1 for p in probabilities)
    assert result["utterances"][1]["suggestions"] == {}  # MITI codes no client utterance


@pytest.mark.django_db
def test_training_refuses_too_little_coded_data_saying_how_much_is_needed(
    agency, practitioner, coder, supervisor
):
    make_coded_dialogues(agency, practitioner, coder, sessions=2)
    with pytest.raises(ValidationError) as refused:
        suggester_create(agency=agency, scheme=miti(), actor=supervisor)
    assert f"at least {MIN_SESSIONS} coded sessions" in refused.value.messages[0]
    assert not Suggester.objects.exists()


@pytest.mark.django_db
def test_calibration_and_double_codings_are_never_training_data(
    agency, practitioner, coder, coder2
):
    transcript, codes = make_dialogue(agency, practitioner)
    make_coding(transcript, coder2, kind=CodingKind.DOUBLE, codes=codes, submitted=True)
    other, codes = make_dialogue(agency, practitioner, seed=1)
    make_coding(other, coder, kind=CodingKind.CALIBRATION, codes=codes, submitted=True)
    assert training_extent(agency, miti()).codings == 0


@pytest.mark.django_db
def test_a_failing_training_is_recorded_as_failed_with_its_reason(
    agency, practitioner, coder, supervisor
):
    codings = make_coded_dialogues(agency, practitioner, coder, sessions=5)
    suggester = suggester_create(agency=agency, scheme=miti(), actor=supervisor)
    codings[0].transcript.delete()  # the data shrank below the minimum meanwhile
    suggester = suggester_train(suggester_id=suggester.pk)
    assert suggester.status == SuggesterStatus.FAILED
    assert "too little coded data" in suggester.message
    assert suggester.model is None
