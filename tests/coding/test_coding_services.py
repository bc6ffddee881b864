import pytest
from django.core.exceptions import ValidationError

from coding.models import CodingStatus, GlobalScale, UtteranceCode
from coding.services.codes import utterance_code_clear, utterance_code_set
from coding.services.codings import coding_reopen, coding_submit, global_rating_set
from tests import factories
from tests.factories import ALL_GLOBALS

pytestmark = pytest.mark.django_db


@pytest.fixture
def coding(agency, practitioner, coder):
    return factories.make_coding(factories.make_transcript(agency, practitioner), coder)


def utterance(coding, position):
    return coding.transcript.utterances.get(position=position)


def test_setting_a_code_twice_keeps_one_row(coding):
    q = factories.code("Q")
    assert utterance_code_set(coding=coding, utterance=utterance(coding, 1), code=q)
    assert not utterance_code_set(coding=coding, utterance=utterance(coding, 1), code=q)
    assert UtteranceCode.objects.filter(coding=coding).count() == 1


def test_clearing_is_idempotent(coding):
    q = factories.code("Q")
    utterance_code_set(coding=coding, utterance=utterance(coding, 1), code=q)
    assert utterance_code_clear(coding=coding, utterance=utterance(coding, 1), code=q)
    assert not utterance_code_clear(coding=coding, utterance=utterance(coding, 1), code=q)
    assert not UtteranceCode.objects.filter(coding=coding).exists()


def test_code_on_the_wrong_speaker_is_refused(coding):
    with pytest.raises(ValidationError, match="practitioner utterances"):
        utterance_code_set(coding=coding, utterance=utterance(coding, 2), code=factories.code("Q"))
    assert not UtteranceCode.objects.exists()


def test_utterance_of_another_transcript_is_refused(coding, agency):
    stranger = factories.make_transcript(agency).utterances.get(position=1)
    with pytest.raises(ValidationError, match="not part of this transcript"):
        utterance_code_set(coding=coding, utterance=stranger, code=factories.code("Q"))


def test_global_outside_range_is_refused(coding):
    scale = GlobalScale.objects.get(scheme=coding.scheme, slug="empathy")
    with pytest.raises(ValidationError, match="from 1 to 5"):
        global_rating_set(coding=coding, scale=scale, value=9)
    assert not coding.global_ratings.exists()


def test_submit_needs_every_global_then_locks(coding, coder):
    with pytest.raises(ValidationError, match="rate every global"):
        coding_submit(coding=coding, actor=coder)
    for slug, value in ALL_GLOBALS.items():
        global_rating_set(
            coding=coding,
            scale=GlobalScale.objects.get(scheme=coding.scheme, slug=slug),
            value=value,
        )
    coding_submit(coding=coding, actor=coder)
    coding.refresh_from_db()
    assert coding.status == CodingStatus.SUBMITTED
    with pytest.raises(ValidationError, match="submitted"):
        utterance_code_set(coding=coding, utterance=utterance(coding, 1), code=factories.code("Q"))


def test_reopen_is_audited(coding, coder, supervisor):
    from accounts.models import AuditEvent

    for slug, value in ALL_GLOBALS.items():
        global_rating_set(
            coding=coding,
            scale=GlobalScale.objects.get(scheme=coding.scheme, slug=slug),
            value=value,
        )
    coding_submit(coding=coding, actor=coder)
    coding_reopen(coding=coding, actor=supervisor, reason="missed a reflection")
    coding.refresh_from_db()
    assert coding.status == CodingStatus.IN_PROGRESS
    event = AuditEvent.objects.get(action="coding.reopen")
    assert event.actor == supervisor
    assert event.details == {"reason": "missed a reflection"}


def test_a_gold_standard_cannot_be_reopened(agency, practitioner, coder, supervisor):
    from coding.models import CodingKind

    transcript = factories.make_transcript(agency, practitioner)
    gold = factories.make_coding(
        transcript, coder, kind=CodingKind.GOLD, globals_=ALL_GLOBALS, submitted=True
    )
    with pytest.raises(ValidationError, match="gold standard cannot be reopened"):
        coding_reopen(coding=gold, actor=supervisor, reason="change the answers")
    gold.refresh_from_db()
    assert gold.status == CodingStatus.SUBMITTED
