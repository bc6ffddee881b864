"""Two tabs set SR and CR on the same utterance at the same moment: the scheme declares them
exclusive, so whatever the order, the utterance ends with one of them, never both."""

from __future__ import annotations

import pytest

from accounts.models import Role
from coding.models import Coding, UtteranceCode
from coding.services.codes import utterance_code_put
from tests import factories
from tests.concurrency import patiently, run_together

TRIALS = 30


@pytest.mark.django_db(transaction=True)
def test_racing_exclusive_codes_leave_one_of_them(agency, practitioner):
    coder = factories.make_user(agency, Role.CODER, username="racer")
    transcript = factories.make_transcript(agency, practitioner, utterances=2 * TRIALS)
    coding_id = factories.make_coding(transcript, coder).pk
    sr, cr = factories.code("SR").pk, factories.code("CR").pk
    positions = range(1, 2 * TRIALS, 2)
    utterances = dict(
        transcript.utterances.filter(position__in=positions).values_list("position", "pk")
    )
    done = []
    for position in positions:

        def put(code_id: int, utterance_id: int = utterances[position]) -> None:
            def save() -> None:  # as a request: read the coding, then write
                coding = Coding.objects.select_related("scheme").get(pk=coding_id)
                utterance_code_put(
                    coding=coding, utterance_id=utterance_id, code_id=code_id, present=True
                )

            done.append(patiently(save))

        run_together(lambda: put(sr), lambda: put(cr))
    held = {}
    for utterance_id, code_id in UtteranceCode.objects.filter(coding_id=coding_id).values_list(
        "utterance_id", "code_id"
    ):
        held.setdefault(utterance_id, set()).add(code_id)
    assert len(held) == TRIALS
    assert all(len(codes) == 1 for codes in held.values()), held
    assert done.count(True) == TRIALS
