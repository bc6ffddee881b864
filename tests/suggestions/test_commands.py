"""The stable commands: train_suggester and suggest_codes, their output and refusals."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Agency
from coding.models import CodingScheme
from suggestions.models import Suggester
from tests.factories import make_coded_dialogues, make_dialogue, make_practitioner


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def coded(agency, practitioner, coder):
    return make_coded_dialogues(agency, practitioner, coder)


@pytest.mark.django_db
def test_train_suggester_prints_the_extent_and_kappa_beside_human_kappa(agency, coded):
    out = run("train_suggester", "--agency", agency.slug, "--scheme", "miti-4.2.1")
    lines = out.splitlines()
    suggester = Suggester.objects.get()
    assert lines[0] == f"suggester {suggester.pk}: 80 utterances from 8 codings"
    assert len(lines) == 2
    kappa = suggester.metrics["behaviour"]["kappa"]
    assert lines[1] == f"behaviour kappa {kappa:.3f} (human n/a)"


@pytest.mark.django_db
def test_train_suggester_json_has_the_stable_keys(agency, coded):
    result = json.loads(
        run(
            "train_suggester", "--agency", agency.slug, "--scheme", "miti-4.2.1", "--format", "json"
        )
    )
    assert set(result) == {"suggester", "utterances", "codings", "evaluation"}
    assert result["utterances"] == 80 and result["codings"] == 8
    behaviour = result["evaluation"]["behaviour"]
    assert set(behaviour) == {"kappa", "alpha", "percent_agreement", "per_code", "human_kappa"}
    assert set(behaviour["per_code"]["SR"]) == {"kappa", "precision", "recall", "support"}


@pytest.mark.django_db
def test_train_suggester_refuses_too_little_data_in_one_line(agency, practitioner, coder):
    make_coded_dialogues(agency, practitioner, coder, sessions=1)
    with pytest.raises(CommandError) as refused:
        run("train_suggester", "--agency", agency.slug, "--scheme", "miti-4.2.1")
    message = str(refused.value)
    assert "\n" not in message
    assert "too little coded data: training needs at least 5 coded sessions" in message
    assert "has 1 session(s) and 10 utterance(s)" in message


@pytest.mark.django_db
def test_train_suggester_refuses_another_agencys_scheme(agency, other_agency, coded):
    CodingScheme.objects.create(slug="theirs", name="Theirs", agency=other_agency)
    with pytest.raises(CommandError, match="no coding scheme 'theirs' for agency"):
        run("train_suggester", "--agency", agency.slug, "--scheme", "theirs")


@pytest.mark.django_db
def test_suggest_codes_prints_every_code_ranked(agency, practitioner, coded):
    run("train_suggester", "--agency", agency.slug, "--scheme", "miti-4.2.1")
    transcript, codes = make_dialogue(agency, practitioner, seed=42)
    result = json.loads(
        run(
            "suggest_codes",
            "--agency",
            agency.slug,
            "--transcript",
            str(transcript.pk),
            "--format",
            "json",
        )
    )
    assert set(result) == {"suggester", "scheme", "utterances"}
    assert result["scheme"] == "miti-4.2.1"
    assert len(result["utterances"]) == 20
    first = result["utterances"][0]
    assert set(first) == {"position", "speaker_role", "suggestions"}
    assert first["suggestions"]["behaviour"][0] == {
        "code": codes[1][0],
        "probability": first["suggestions"]["behaviour"][0]["probability"],
    }
    hits = sum(
        u["suggestions"]["behaviour"][0]["code"] == codes[u["position"]][0]
        for u in result["utterances"]
        if u["speaker_role"] == "practitioner"
    )
    assert hits >= 9


@pytest.mark.django_db
def test_suggest_codes_refuses_a_transcript_outside_the_agency(agency, other_agency, coded):
    run("train_suggester", "--agency", agency.slug, "--scheme", "miti-4.2.1")
    theirs, _ = make_dialogue(other_agency, make_practitioner(other_agency))
    with pytest.raises(CommandError, match=f"no transcript {theirs.pk} in agency"):
        run(
            "suggest_codes",
            "--agency",
            agency.slug,
            "--transcript",
            str(theirs.pk),
            "--format",
            "json",
        )


@pytest.mark.django_db
def test_suggest_codes_refuses_an_agency_with_too_little_data(agency, practitioner):
    transcript, _ = make_dialogue(agency, practitioner)
    with pytest.raises(CommandError, match="too little coded data: training needs at least 5"):
        run(
            "suggest_codes",
            "--agency",
            agency.slug,
            "--transcript",
            str(transcript.pk),
            "--scheme",
            "miti-4.2.1",
            "--format",
            "json",
        )


@pytest.mark.django_db
def test_suggest_codes_refuses_a_scheme_the_agency_cannot_use(agency, practitioner, coded):
    other = Agency.objects.create(slug="elsewhere", name="Elsewhere")
    CodingScheme.objects.create(slug="theirs", name="Theirs", agency=other)
    transcript, _ = make_dialogue(agency, practitioner)
    with pytest.raises(CommandError, match="no coding scheme 'theirs' for agency"):
        run(
            "suggest_codes",
            "--agency",
            agency.slug,
            "--transcript",
            str(transcript.pk),
            "--scheme",
            "theirs",
            "--format",
            "json",
        )
