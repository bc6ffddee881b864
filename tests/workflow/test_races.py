"""Supervisors (and a coder's two tabs) acting on the same thing at the same moment, from real
threads with their own database connections: adjudication decisions, gold marking, reopening
and starting a retake take turns on a lock, so the outcome is always one that some order of
the actions gives."""

from __future__ import annotations

import pytest

from accounts.models import Role
from coding.models import Coding, CodingKind, CodingStatus, UtteranceCode
from coding.services.codings import coding_reopen, coding_submit
from tests import factories
from tests.concurrency import patiently, run_together
from tests.factories import ALL_GLOBALS
from workflow.models import AdjudicationDecision, CalibrationAttempt, GoldStandard
from workflow.services.adjudication import adjudication_decide, adjudication_start
from workflow.services.calibration import (
    calibration_finish,
    calibration_retake_allow,
    calibration_start,
)
from workflow.services.training import coding_mark_gold, training_set_save

TRIALS = 15

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people():
    agency = factories.make_agency()
    return (
        agency,
        factories.make_practitioner(agency),
        [factories.make_user(agency, Role.CODER) for _ in range(2)],
        [factories.make_user(agency, Role.SUPERVISOR) for _ in range(2)],
    )


def _two_submitted(agency, practitioner, coders):
    transcript = factories.make_transcript(agency, practitioner, utterances=4)
    first = factories.make_coding(
        transcript, coders[0], codes={1: ["Q"]}, globals_=ALL_GLOBALS, submitted=True
    )
    second = factories.make_coding(
        transcript,
        coders[1],
        kind=CodingKind.DOUBLE,
        codes={1: ["GI"]},
        globals_=ALL_GLOBALS,
        submitted=True,
    )
    return transcript, first, second


def _decide(consensus, utterance, supervisor, answer):
    codes = [factories.code(abbreviation).pk for abbreviation in answer]
    return lambda: patiently(
        lambda: adjudication_decide(
            consensus=Coding.objects.get(pk=consensus.pk),
            actor=supervisor,
            utterance=utterance,
            codes=codes,
            reason=f"{supervisor.username}'s reading",
        )
    )


def test_two_supervisors_deciding_one_item_leave_the_codes_of_the_decision_recorded(people):
    agency, practitioner, coders, supervisors = people
    answers = {supervisors[0].pk: ["SR"], supervisors[1].pk: ["AF", "CR"]}
    mismatched = []
    for _ in range(TRIALS):
        transcript, first, _ = _two_submitted(agency, practitioner, coders)
        consensus = adjudication_start(
            transcript=transcript, scheme=first.scheme, actor=supervisors[0]
        )
        utterance = transcript.utterances.get(position=1)

        run_together(*(_decide(consensus, utterance, s, answers[s.pk]) for s in supervisors))
        decision = AdjudicationDecision.objects.get(consensus=consensus, utterance=utterance)
        codes = sorted(
            UtteranceCode.objects.filter(coding=consensus, utterance=utterance).values_list(
                "code__abbreviation", flat=True
            )
        )
        if codes != answers[decision.decided_by_id]:
            mismatched.append((codes, decision.decided_by.username))
    assert not mismatched, (
        f"{len(mismatched)} of {TRIALS} disagree with their decision: {mismatched[:3]}"
    )


def test_two_supervisors_marking_two_codings_of_one_transcript_make_one_gold(people):
    agency, practitioner, coders, supervisors = people
    doubled = []
    for _ in range(TRIALS):
        transcript, first, second = _two_submitted(agency, practitioner, coders)
        run_together(
            lambda f=first: patiently(
                lambda: coding_mark_gold(coding=Coding.objects.get(pk=f.pk), actor=supervisors[0])
            ),
            lambda s=second: patiently(
                lambda: coding_mark_gold(coding=Coding.objects.get(pk=s.pk), actor=supervisors[1])
            ),
        )
        golds = Coding.objects.filter(transcript=transcript, kind=CodingKind.GOLD).count()
        if golds != 1:
            doubled.append(golds)
    assert not doubled, f"{len(doubled)} of {TRIALS} transcripts ended with two gold standards"


def test_a_coding_reopened_while_it_is_marked_gold_is_one_or_the_other(people):
    agency, practitioner, coders, supervisors = people
    both = []
    for _ in range(TRIALS):
        _, first, _ = _two_submitted(agency, practitioner, coders)
        run_together(
            lambda f=first: patiently(
                lambda: coding_mark_gold(coding=Coding.objects.get(pk=f.pk), actor=supervisors[0])
            ),
            lambda f=first: patiently(
                lambda: coding_reopen(
                    coding=Coding.objects.get(pk=f.pk), actor=supervisors[1], reason="recheck"
                )
            ),
        )
        coding = Coding.objects.get(pk=first.pk)
        gold = coding.kind == CodingKind.GOLD or GoldStandard.objects.filter(coding=coding).exists()
        if gold and coding.status != CodingStatus.SUBMITTED:
            both.append(coding.pk)
    assert not both, f"{len(both)} of {TRIALS} codings ended gold and open"


def test_two_tabs_starting_one_allowed_retake_open_one_attempt(people):
    agency, practitioner, coders, supervisors = people
    coder = coders[0]
    opened = []
    for number in range(TRIALS // 3):
        transcript, first, _ = _two_submitted(agency, practitioner, [supervisors[0], coders[1]])
        gold = coding_mark_gold(coding=first, actor=supervisors[0])
        training = training_set_save(
            agency=agency, name=f"Set {number}", scheme=gold.scheme, golds=[gold],
            actor=supervisors[0],
        )  # fmt: skip
        attempt = calibration_start(training_set=training, coder=coder)
        factories.apply_codes(attempt.items.get().coding, {1: ["Q"]}, ALL_GLOBALS)
        coding_submit(coding=attempt.items.get().coding, actor=coder)
        calibration_finish(attempt=attempt, actor=coder)
        calibration_retake_allow(training_set=training, coder=coder, actor=supervisors[1])

        def start(training=training):
            patiently(lambda: calibration_start(training_set=training, coder=coder))

        run_together(start, start)
        opened.append(CalibrationAttempt.objects.filter(training_set=training, retake=True).count())
    assert opened == [1] * (TRIALS // 3)
