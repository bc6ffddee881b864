"""Adjudication: agreements pre-filled, each disagreement decided, the originals untouched,
the consensus the score of record."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AuditEvent
from coding.models import Coding, CodingKind, CodingStatus, GlobalScale, UtteranceCode
from coding.selectors import codings_of_record
from tests import factories
from tests.factories import ALL_GLOBALS
from workflow import visibility
from workflow.models import AdjudicationDecision, DecisionSource
from workflow.selectors.adjudication import adjudication_cases, adjudication_for
from workflow.services.adjudication import (
    adjudication_decide,
    adjudication_finish,
    adjudication_start,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(agency, practitioner, coder, coder2):
    """Two submitted codings that agree on #1 and #5, differ on #3 and on empathy."""
    transcript = factories.make_transcript(agency, practitioner, utterances=6)
    first = factories.make_coding(
        transcript,
        coder,
        codes={1: ["Q"], 3: ["SR"], 5: ["AF", "CR"]},
        globals_=ALL_GLOBALS,
        submitted=True,
    )
    second = factories.make_coding(
        transcript,
        coder2,
        kind=CodingKind.DOUBLE,
        codes={1: ["Q"], 3: ["CR"], 5: ["CR", "AF"]},
        globals_={**ALL_GLOBALS, "empathy": 3},
        submitted=True,
    )
    return transcript, first, second


def _codes(coding, utterance):
    return sorted(
        UtteranceCode.objects.filter(coding=coding, utterance=utterance).values_list(
            "code__abbreviation", flat=True
        )
    )


def _snapshot(coding):
    return (
        sorted(coding.utterance_codes.values_list("utterance_id", "code_id")),
        sorted(coding.global_ratings.values_list("scale_id", "value")),
        Coding.objects.get(pk=coding.pk).status,
    )


def test_disagreements_are_found_per_utterance_and_global(case):
    transcript, first, second = case
    view = adjudication_for(transcript, first.scheme)
    assert [c.pk for c in view.sources] == [first.pk, second.pk]
    keys = {item.key for item in view.disagreements}
    u3 = transcript.utterances.get(position=3)
    empathy = GlobalScale.objects.get(scheme=first.scheme, slug="empathy")
    assert keys == {f"u{u3.pk}", f"g{empathy.pk}"}
    # client utterances take no practitioner code: shown, but not items
    assert [row.item is None for row in view.rows] == [False, True, False, True, False, True]


def test_starting_prefills_every_agreement(case, supervisor):
    transcript, first, second = case
    consensus = adjudication_start(transcript=transcript, scheme=first.scheme, actor=supervisor)
    assert (consensus.kind, consensus.coder, consensus.status) == (
        CodingKind.CONSENSUS,
        supervisor,
        CodingStatus.IN_PROGRESS,
    )
    u = {u.position: u for u in transcript.utterances.all()}
    assert _codes(consensus, u[1]) == ["Q"]
    assert _codes(consensus, u[3]) == []
    assert _codes(consensus, u[5]) == ["AF", "CR"]
    ratings = dict(consensus.global_ratings.values_list("scale__slug", "value"))
    assert ratings == {"cct": 3, "sst": 4, "partnership": 4}
    assert (
        AdjudicationDecision.objects.filter(
            consensus=consensus, source=DecisionSource.AGREEMENT
        ).count()
        == 2 + 3
    )
    view = adjudication_for(transcript, first.scheme)
    assert len(view.undecided) == 2
    assert AuditEvent.objects.filter(action="adjudication.start", actor=supervisor).exists()
    assert (
        adjudication_start(transcript=transcript, scheme=first.scheme, actor=supervisor)
        == consensus
    )


def test_decisions_take_a_coders_answer_or_ones_own_and_keep_the_originals(case, supervisor):
    transcript, first, second = case
    before = (_snapshot(first), _snapshot(second))
    consensus = adjudication_start(transcript=transcript, scheme=first.scheme, actor=supervisor)
    u3 = transcript.utterances.get(position=3)
    empathy = GlobalScale.objects.get(scheme=first.scheme, slug="empathy")
    decision = adjudication_decide(
        consensus=consensus, actor=supervisor, utterance=u3, source=second, reason="deeper"
    )
    assert (decision.source, decision.source_coding, decision.reason) == (
        DecisionSource.CODING,
        second,
        "deeper",
    )
    assert _codes(consensus, u3) == ["CR"]
    adjudication_decide(consensus=consensus, actor=supervisor, scale=empathy, value=4)
    assert consensus.global_ratings.get(scale=empathy).value == 4
    own = AdjudicationDecision.objects.get(consensus=consensus, scale=empathy)
    assert (own.source, own.source_coding) == (DecisionSource.OWN, None)
    adjudication_finish(consensus=consensus, actor=supervisor)
    consensus.refresh_from_db()
    assert consensus.is_submitted
    assert (_snapshot(first), _snapshot(second)) == before
    record = codings_of_record(Coding.objects.filter(transcript=transcript))
    assert record == [consensus]
    event = AuditEvent.objects.get(action="adjudication.finish")
    assert event.details["decisions"] == {"agreement": 5, "coding": 1, "own": 1}


def test_an_own_answer_can_change_an_agreement_and_replace_codes(case, supervisor):
    transcript, first, _ = case
    consensus = adjudication_start(transcript=transcript, scheme=first.scheme, actor=supervisor)
    u5 = transcript.utterances.get(position=5)
    sr = factories.code("SR")
    adjudication_decide(
        consensus=consensus, actor=supervisor, utterance=u5, codes=[sr.pk], replace=True
    )
    assert _codes(consensus, u5) == ["SR"]


def test_a_decided_item_changes_only_when_replacing_it_is_confirmed(case, supervisor):
    transcript, first, second = case
    consensus = adjudication_start(transcript=transcript, scheme=first.scheme, actor=supervisor)
    u3 = transcript.utterances.get(position=3)
    u5 = transcript.utterances.get(position=5)  # an agreement is a decision too
    adjudication_decide(
        consensus=consensus, actor=supervisor, utterance=u3, source=second, reason="deeper"
    )
    for utterance in (u3, u5):
        with pytest.raises(ValidationError, match="already decided") as refused:
            adjudication_decide(
                consensus=consensus, actor=supervisor, utterance=utterance, source=first
            )
        assert refused.value.code == "decided"
    assert _codes(consensus, u3) == ["CR"]
    assert _codes(consensus, u5) == ["AF", "CR"]
    decision = AdjudicationDecision.objects.get(consensus=consensus, utterance=u3)
    assert (decision.source_coding, decision.reason) == (second, "deeper")

    adjudication_decide(
        consensus=consensus, actor=supervisor, utterance=u3, source=first, replace=True
    )
    assert _codes(consensus, u3) == ["SR"]
    decision.refresh_from_db()
    assert (decision.source_coding, decision.reason) == (first, "")


def test_an_answer_that_breaks_the_scheme_changes_nothing(case, supervisor):
    transcript, first, _ = case
    consensus = adjudication_start(transcript=transcript, scheme=first.scheme, actor=supervisor)
    u3 = transcript.utterances.get(position=3)
    client_utterance = transcript.utterances.get(position=2)
    with pytest.raises(ValidationError, match="practitioner"):
        adjudication_decide(
            consensus=consensus,
            actor=supervisor,
            utterance=client_utterance,
            codes=[factories.code("Q").pk],
        )
    with pytest.raises(ValidationError):
        adjudication_decide(consensus=consensus, actor=supervisor, utterance=u3, codes=[999999])
    assert _codes(consensus, u3) == []
    assert not AdjudicationDecision.objects.filter(consensus=consensus, utterance=u3).exists()


def test_finishing_is_refused_while_disagreements_remain(case, supervisor):
    transcript, first, _ = case
    consensus = adjudication_start(transcript=transcript, scheme=first.scheme, actor=supervisor)
    with pytest.raises(ValidationError, match="2 disagreements still to decide"):
        adjudication_finish(consensus=consensus, actor=supervisor)
    consensus.refresh_from_db()
    assert not consensus.is_submitted


def test_a_finished_adjudication_cannot_be_changed_until_reopened(case, supervisor):
    transcript, first, second = case
    consensus = adjudication_start(transcript=transcript, scheme=first.scheme, actor=supervisor)
    view = adjudication_for(transcript, first.scheme)
    for item in view.undecided:
        adjudication_decide(
            consensus=consensus,
            actor=supervisor,
            utterance=item.utterance,
            scale=item.scale,
            source=first,
        )
    adjudication_finish(consensus=consensus, actor=supervisor)
    u3 = transcript.utterances.get(position=3)
    with pytest.raises(ValidationError, match="finished"):
        adjudication_decide(consensus=consensus, actor=supervisor, utterance=u3, source=second)


def test_a_coding_that_is_not_a_source_cannot_be_taken(case, agency, practitioner, supervisor):
    transcript, first, _ = case
    consensus = adjudication_start(transcript=transcript, scheme=first.scheme, actor=supervisor)
    elsewhere = factories.make_coding(
        factories.make_transcript(agency, practitioner),
        supervisor,
        globals_=ALL_GLOBALS,
        submitted=True,
    )
    u3 = transcript.utterances.get(position=3)
    with pytest.raises(ValidationError, match="not one of the submitted codings"):
        adjudication_decide(consensus=consensus, actor=supervisor, utterance=u3, source=elsewhere)


def test_adjudication_needs_two_submitted_codings(agency, practitioner, coder, coder2, supervisor):
    transcript = factories.make_transcript(agency, practitioner)
    first = factories.make_coding(transcript, coder, globals_=ALL_GLOBALS, submitted=True)
    factories.make_coding(transcript, coder2, kind=CodingKind.DOUBLE)
    with pytest.raises(ValidationError, match="two or more"):
        adjudication_start(transcript=transcript, scheme=first.scheme, actor=supervisor)
    assert adjudication_cases(agency) == []


def test_the_list_shows_cases_and_their_consensus(case, agency, supervisor, client_for):
    transcript, first, _ = case
    response = client_for(supervisor).get(reverse("workflow:adjudication"))
    (listed,) = response.context["page"]
    assert (listed.transcript, listed.sources, listed.consensus) == (transcript, 2, None)
    assert reverse("workflow:adjudicate", args=[transcript.pk, first.scheme_id]) in (
        response.content.decode()
    )


def test_the_page_decides_over_json(case, supervisor, client_for):
    transcript, first, second = case
    client = client_for(supervisor)
    url = reverse("workflow:adjudicate", args=[transcript.pk, first.scheme_id])
    page = client.get(url)
    assert page.status_code == 200
    assert "2</strong> disagreements" in page.content.decode()
    assert client.post(url).status_code == 302
    consensus = Coding.objects.get(kind=CodingKind.CONSENSUS)
    decide = reverse("workflow:decide", args=[consensus.pk])
    u3 = transcript.utterances.get(position=3)
    response = client.post(decide, {"item": f"u{u3.pk}", "source": second.pk, "reason": "CR"})
    assert response.status_code == 200
    assert response.json() == {
        "item": f"u{u3.pk}",
        "consensus": "CR",
        "decision": "from ben: CR",
        "source": "coding",
        "source_coding": second.pk,
        "reason": "CR",
    }
    empathy = GlobalScale.objects.get(scheme=first.scheme, slug="empathy")
    response = client.post(decide, {"item": f"g{empathy.pk}", "source": "own", "value": "9"})
    assert response.status_code == 400
    assert "from 1 to 5" in response.json()["error"]
    response = client.post(decide, {"item": f"g{empathy.pk}", "source": "own", "value": "4"})
    assert (response.json()["consensus"], response.json()["decision"]) == ("4", "own answer")
    # Changing a decision needs the page's confirmation, sent as replace.
    again = {"item": f"u{u3.pk}", "source": first.pk}
    response = client.post(decide, again)
    assert response.status_code == 409
    assert response.json()["decided"] is True
    assert "already decided" in response.json()["error"]
    assert _codes(consensus, u3) == ["CR"]
    response = client.post(decide, {**again, "replace": "true"})
    assert (response.status_code, response.json()["consensus"]) == (200, "SR")
    finish = client.post(reverse("workflow:finish", args=[consensus.pk]))
    assert finish.status_code == 302
    consensus.refresh_from_db()
    assert consensus.is_submitted


@pytest.mark.parametrize(
    "payload",
    [
        {"item": "x1", "source": "own"},
        {"item": "u999999", "source": "own"},
        {"item": "u1", "source": "nobody"},
        {"item": "u1", "source": "own", "codes": "Q"},
        {"item": "u1", "source": "own", "codes": "9" * 25},
        {"item": "u1", "source": "9" * 25},
    ],
)
def test_malformed_decisions_are_refused_with_a_message(case, supervisor, client_for, payload):
    transcript, first, _ = case
    consensus = adjudication_start(transcript=transcript, scheme=first.scheme, actor=supervisor)
    before = _snapshot(consensus)
    response = client_for(supervisor).post(reverse("workflow:decide", args=[consensus.pk]), payload)
    assert response.status_code == 400
    assert response.json()["error"]
    assert _snapshot(consensus) == before


def test_coders_and_outsiders_cannot_adjudicate(case, coder, outsider, supervisor, client_for):
    transcript, first, _ = case
    consensus = adjudication_start(transcript=transcript, scheme=first.scheme, actor=supervisor)
    page = reverse("workflow:adjudicate", args=[transcript.pk, first.scheme_id])
    decide = reverse("workflow:decide", args=[consensus.pk])
    u3 = transcript.utterances.get(position=3)
    payload = {"item": f"u{u3.pk}", "source": first.pk}
    assert client_for(coder).get(page).status_code == 403
    assert client_for(coder).get(reverse("workflow:adjudication")).status_code == 403
    assert client_for(coder).post(decide, payload).status_code == 404
    assert client_for(outsider).get(page).status_code == 404
    assert client_for(outsider).post(decide, payload).status_code == 404
    assert not AdjudicationDecision.objects.filter(utterance=u3).exists()


def test_coders_stay_blind_to_the_consensus_while_it_is_open(case, agency, coder, supervisor):
    agency.coders_see_others_after_submission = True
    agency.save()
    transcript, first, second = case
    assert set(visibility.codings_visible_to(coder)) == {first, second}
    consensus = adjudication_start(transcript=transcript, scheme=first.scheme, actor=supervisor)
    assert set(visibility.codings_visible_to(coder)) == {first}
    assert consensus not in visibility.codings_visible_to(coder)


def test_the_page_reads_in_a_fixed_number_of_queries(
    agency, practitioner, coder, coder2, supervisor, client_for, django_assert_max_num_queries
):
    transcript = factories.make_transcript(agency, practitioner, utterances=60)
    codes = {p: ["Q"] for p in range(1, 60, 2)}
    first = factories.make_coding(
        transcript, coder, codes=codes, globals_=ALL_GLOBALS, submitted=True
    )
    factories.make_coding(
        transcript,
        coder2,
        kind=CodingKind.DOUBLE,
        codes={1: ["SR"]},
        globals_=ALL_GLOBALS,
        submitted=True,
    )
    adjudication_start(transcript=transcript, scheme=first.scheme, actor=supervisor)
    url = reverse("workflow:adjudicate", args=[transcript.pk, first.scheme_id])
    client = client_for(supervisor)
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200


def test_the_consensus_changes_only_through_its_adjudication(case, supervisor, client_for):
    # The supervisor owns the consensus coding, but its workspace, endpoints and submit
    # cannot be used to skip the undecided disagreements.
    transcript, first, _ = case
    consensus = adjudication_start(transcript=transcript, scheme=first.scheme, actor=supervisor)
    before = _snapshot(consensus)
    client = client_for(supervisor)
    page = client.get(reverse("coding:workspace", args=[consensus.pk]))
    assert page.status_code == 200
    assert page.context["editable"] is False
    adjudication = reverse("workflow:adjudicate", args=[transcript.pk, first.scheme_id])
    assert adjudication in page.content.decode()
    empathy = GlobalScale.objects.get(scheme=first.scheme, slug="empathy")
    u3 = transcript.utterances.get(position=3)
    q = first.scheme.dimensions.get().codes.get(abbreviation="Q")
    for name, payload in (
        ("global", {"scale": empathy.pk, "value": 4}),
        ("code", {"utterance": u3.pk, "code": q.pk, "action": "set"}),
        ("code", {"utterance": u3.pk, "code": q.pk, "action": "clear"}),
        ("note", {"utterance": u3.pk, "text": "decided elsewhere"}),
        ("notes", {"text": "decided elsewhere"}),
    ):
        response = client.post(
            reverse(f"coding:api_{name}", args=[consensus.pk]),
            json.dumps(payload),
            content_type="application/json",
        )
        assert response.status_code == 409
        assert "adjudication" in response.json()["error"]
    submit = client.post(reverse("coding:submit", args=[consensus.pk]), follow=True)
    assert submit.redirect_chain[-1][0] == adjudication
    assert "Not submitted" in submit.content.decode()
    assert _snapshot(consensus) == before
    assert not AuditEvent.objects.filter(
        action="coding.submit", object_id=str(consensus.pk)
    ).exists()


def test_the_home_queue_sends_an_open_consensus_to_its_adjudication(case, supervisor, client_for):
    transcript, first, _ = case
    adjudication_start(transcript=transcript, scheme=first.scheme, actor=supervisor)
    home = client_for(supervisor).get(reverse("home")).content.decode()
    assert reverse("workflow:adjudicate", args=[transcript.pk, first.scheme_id]) in home
