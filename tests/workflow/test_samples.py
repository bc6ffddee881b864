"""Double-coding a random share: seeded, shown, stored and reproducible."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AuditEvent, Role
from coding.models import CodingKind
from tests import factories
from workflow.models import Assignment, ReliabilitySet
from workflow.services.samples import reliability_sample_create, reliability_sample_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def coded(agency, practitioner, coder, coder2):
    """Ten transcripts: ana codes the first six, ben the other four."""
    transcripts = [factories.make_transcript(agency, practitioner, utterances=2) for _ in range(10)]
    for index, transcript in enumerate(transcripts):
        factories.make_assignment(transcript, coder if index < 6 else coder2)
    return transcripts


def _plan(agency, coders, seed=1234, percent=30):
    return reliability_sample_plan(
        agency=agency, scheme=factories.miti(), percent=percent, seed=seed, coders=coders
    )


def test_the_same_seed_draws_the_same_sample_and_coders(agency, coded, coder, coder2):
    first = _plan(agency, [coder, coder2])
    again = _plan(agency, [coder2, coder])
    assert len(first.transcripts) == 3
    assert first.transcripts == again.transcripts
    assert first.rows == again.rows
    assert _plan(agency, [coder, coder2], seed=99).transcripts != first.transcripts


def test_the_second_coder_is_never_the_first(agency, coded, coder, coder2):
    plan = _plan(agency, [coder, coder2], percent=100)
    first = dict(Assignment.objects.values_list("transcript_id", "coder_id"))
    assert len(plan.assignments.items) == 10
    assert all(item.coder.pk != first[item.transcript.pk] for item in plan.assignments.items)
    assert all(item.kind == CodingKind.DOUBLE for item in plan.assignments.items)


def test_the_second_coders_are_balanced(agency, coded, coder, coder2):
    third = factories.make_user(agency, Role.CODER, username="cleo")
    plan = _plan(agency, [coder, coder2, third], percent=100)
    loads = {}
    for item in plan.assignments.items:
        loads[item.coder.username] = loads.get(item.coder.username, 0) + 1
    assert max(loads.values()) - min(loads.values()) <= 1


def test_creating_stores_the_seed_and_the_transcripts(agency, coded, coder, coder2, supervisor):
    plan = _plan(agency, [coder, coder2])
    sample = reliability_sample_create(agency=agency, plan=plan, name="Spring", actor=supervisor)
    assert sample.seed == 1234
    assert sample.percent == 30
    assert set(sample.transcripts.all()) == set(plan.transcripts)
    assert Assignment.objects.filter(reliability_set=sample, kind=CodingKind.DOUBLE).count() == 3
    event = AuditEvent.objects.get(action="reliability_set.draw")
    assert event.details["seed"] == 1234


def test_redrawing_after_creation_gives_the_same_sample(agency, coded, coder, coder2, supervisor):
    plan = _plan(agency, [coder, coder2])
    reliability_sample_create(agency=agency, plan=plan, name="Spring", actor=supervisor)
    again = _plan(agency, [coder, coder2])
    assert again.transcripts == plan.transcripts
    assert again.assignments.items == []
    assert len(again.assignments.skipped) == 3


def test_no_eligible_second_coder_is_explained(agency, coded, coder):
    with pytest.raises(ValidationError, match="choose more coders"):
        _plan(agency, [coder], percent=100)


def test_nothing_to_sample_is_explained(agency, coder):
    with pytest.raises(ValidationError, match="no transcript has a first coder"):
        _plan(agency, [coder])


def test_the_page_shows_the_seed_and_creates_on_confirmation(
    agency, coded, coder, coder2, supervisor, client_for
):
    client = client_for(supervisor)
    data = {
        "scheme": factories.miti().pk,
        "percent": "25",
        "coders": [coder.pk, coder2.pk],
        "seed": "",
    }
    preview = client.post(reverse("workflow:sample"), data)
    seed = preview.context["plan"].seed
    page = preview.content.decode()
    assert f'<code id="seed">{seed}</code>' in page
    assert not ReliabilitySet.objects.exists()
    sampled = [t.pk for t in preview.context["plan"].transcripts]
    confirm = dict(preview.context["hidden_fields"])
    assert confirm["seed"] == str(seed)
    response = client.post(
        reverse("workflow:sample"),
        {**data, "seed": confirm["seed"], "name": confirm["name"], "confirm": "1"},
    )
    assert response.status_code == 302
    sample = ReliabilitySet.objects.get()
    assert sample.seed == seed
    assert sorted(sample.transcripts.values_list("pk", flat=True)) == sampled
    listing = client.get(reverse("workflow:sample")).content.decode()
    assert f"<code>{seed}</code>" in listing


def test_the_page_redraws_a_given_seed(agency, coded, coder, coder2, supervisor, client_for):
    client = client_for(supervisor)
    data = {"scheme": factories.miti().pk, "percent": "40", "coders": [coder.pk, coder2.pk]}
    one = client.post(reverse("workflow:sample"), {**data, "seed": "777"}).context["plan"]
    two = client.post(reverse("workflow:sample"), {**data, "seed": "777"}).context["plan"]
    assert one.seed == two.seed == 777
    assert one.transcripts == two.transcripts


def test_a_coder_cannot_draw_samples(agency, coder, client_for):
    assert client_for(coder).get(reverse("workflow:sample")).status_code == 403
