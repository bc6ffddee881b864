"""The rules every write to a coding keeps, enforced by the services themselves.

A request reads the coding and then writes; in between another tab, the offline queue or a
supervisor may submit, reopen or mark it. The services check the coding's state again under
its lock, so a write made with a coding read before that change is still refused.
"""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import AuditEvent
from coding.models import (
    Code,
    Coding,
    CodingKind,
    CodingScheme,
    CodingStatus,
    GlobalRating,
    GlobalScale,
    UtteranceCode,
    UtteranceNote,
)
from coding.services import rules
from coding.services.codes import (
    utterance_code_clear,
    utterance_code_put,
    utterance_code_set,
    utterance_codes_add,
)
from coding.services.codings import coding_reopen, coding_submit, global_rating_set
from coding.services.consensus import (
    consensus_codes_add,
    consensus_codes_replace,
    consensus_global_set,
    consensus_submit,
)
from coding.services.locks import CodingLocked
from coding.services.rules import code_refusal, scheme_codes, scheme_codes_forget
from coding.services.schemes import scheme_load
from coding.services.workspace import coding_notes_set, utterance_note_set
from tests import factories
from tests.factories import ALL_GLOBALS

pytestmark = pytest.mark.django_db


@pytest.fixture
def coding(transcript, coder):
    return factories.make_coding(transcript, coder, codes={1: ["Q"]}, globals_=ALL_GLOBALS)


def _at(coding, position):
    return coding.transcript.utterances.get(position=position)


def _state(coding):
    return (
        Coding.objects.filter(pk=coding.pk).values_list("status", "notes").get(),
        sorted(UtteranceCode.objects.filter(coding=coding).values_list("utterance_id", "code_id")),
        sorted(GlobalRating.objects.filter(coding=coding).values_list("scale_id", "value")),
        sorted(UtteranceNote.objects.filter(coding=coding).values_list("utterance_id", "text")),
    )


def _every_write(coding, actor):
    """Each public write to a coding, as a callable, named."""
    scale = GlobalScale.objects.get(scheme=coding.scheme, slug="empathy")
    q, af = factories.code("Q"), factories.code("AF")
    u1, u3 = _at(coding, 1), _at(coding, 3)
    return {
        "put": lambda: utterance_code_put(
            coding=coding, utterance_id=u3.pk, code_id=q.pk, present=True
        ),
        "set": lambda: utterance_code_set(coding=coding, utterance=u3, code=af),
        "clear": lambda: utterance_code_clear(coding=coding, utterance=u1, code=q),
        "bulk": lambda: utterance_codes_add(coding=coding, pairs=[(u3, q), (u3, af)]),
        "global": lambda: global_rating_set(coding=coding, scale=scale, value=1),
        "global cleared": lambda: global_rating_set(coding=coding, scale=scale, value=None),
        "note": lambda: utterance_note_set(coding=coding, utterance=u1, text="later"),
        "notes": lambda: coding_notes_set(coding=coding, text="session notes"),
        "submit": lambda: coding_submit(coding=coding, actor=actor),
    }


@pytest.mark.parametrize(
    "write", ["put", "set", "clear", "bulk", "global", "global cleared", "note", "notes", "submit"]
)
def test_a_write_with_a_coding_read_before_it_was_submitted_is_refused(coding, coder, write):
    stale = Coding.objects.get(pk=coding.pk)
    coding_submit(coding=Coding.objects.get(pk=coding.pk), actor=coder)
    before = _state(coding)
    with pytest.raises(CodingLocked, match="submitted"):
        _every_write(stale, coder)[write]()
    assert _state(coding) == before
    assert AuditEvent.objects.filter(action="coding.submit").count() == 1


@pytest.mark.parametrize(
    "write", ["put", "set", "clear", "bulk", "global", "global cleared", "note", "notes", "submit"]
)
def test_a_consensus_is_refused_by_every_public_write(transcript, supervisor, write):
    consensus = factories.make_coding(
        transcript, supervisor, kind=CodingKind.CONSENSUS, codes={1: ["Q"]}
    )
    before = _state(consensus)
    with pytest.raises(CodingLocked, match="only through its adjudication"):
        _every_write(consensus, supervisor)[write]()
    assert _state(consensus) == before


def test_the_consensus_path_writes_a_consensus_and_nothing_else(coding, transcript, supervisor):
    consensus = factories.make_coding(transcript, supervisor, kind=CodingKind.CONSENSUS)
    u1 = _at(consensus, 1)
    q, sr = factories.code("Q"), factories.code("SR")
    assert consensus_codes_add(consensus=consensus, pairs=[(u1, q)]) == 1
    consensus_codes_replace(consensus=consensus, utterance=u1, codes=[sr])
    assert list(
        UtteranceCode.objects.filter(coding=consensus).values_list("code__abbreviation", flat=True)
    ) == ["SR"]
    for slug, value in ALL_GLOBALS.items():
        scale = GlobalScale.objects.get(scheme=consensus.scheme, slug=slug)
        consensus_global_set(consensus=consensus, scale=scale, value=value)
    consensus_submit(consensus=consensus, actor=supervisor)
    assert Coding.objects.get(pk=consensus.pk).status == CodingStatus.SUBMITTED
    before = _state(coding)
    for write in (
        lambda: consensus_codes_add(consensus=coding, pairs=[(_at(coding, 3), q)]),
        lambda: consensus_codes_replace(consensus=coding, utterance=_at(coding, 1), codes=[]),
        lambda: consensus_submit(consensus=coding, actor=supervisor),
    ):
        with pytest.raises(ValidationError, match="not a consensus coding"):
            write()
    assert _state(coding) == before


def test_reopening_twice_from_the_same_page_reopens_once(coding, coder, supervisor):
    coding_submit(coding=coding, actor=coder)
    stale = Coding.objects.get(pk=coding.pk)
    coding_reopen(coding=Coding.objects.get(pk=coding.pk), actor=supervisor, reason="first")
    with pytest.raises(ValidationError, match="only a submitted coding can be reopened"):
        coding_reopen(coding=stale, actor=supervisor, reason="second")
    assert AuditEvent.objects.filter(action="coding.reopen").count() == 1


def test_submitting_twice_from_two_tabs_submits_once(coding, coder):
    first, second = Coding.objects.get(pk=coding.pk), Coding.objects.get(pk=coding.pk)
    coding_submit(coding=first, actor=coder)
    with pytest.raises(CodingLocked):
        coding_submit(coding=second, actor=coder)
    assert AuditEvent.objects.filter(action="coding.submit").count() == 1


# ------------------------------------------------------------------ one write path, one rule


def _refusals(coding, utterance, code, companion=None):
    """The message of each write path for one code on one utterance (the bulk add twice:
    alone, and after ``companion``, a pair that is allowed)."""
    companion = companion or (_at(coding, 1), factories.code("GI"))
    messages = []
    for write in (
        lambda: utterance_code_put(
            coding=coding, utterance_id=utterance.pk, code_id=code.pk, present=True
        ),
        lambda: utterance_code_set(coding=coding, utterance=utterance, code=code),
        lambda: utterance_codes_add(coding=coding, pairs=[(utterance, code)]),
        lambda: utterance_codes_add(coding=coding, pairs=[companion, (utterance, code)]),
    ):
        with pytest.raises(ValidationError) as refused:
            write()
        messages.append(refused.value.messages[0])
    return messages


def test_every_write_path_refuses_the_wrong_speaker_with_one_message(coding):
    before = _state(coding)
    messages = _refusals(coding, _at(coding, 2), factories.code("Q"))
    assert messages == ["Q codes practitioner utterances, and this one is client"] * 4
    assert _state(coding) == before


def test_every_write_path_refuses_a_second_code_in_a_single_code_dimension(transcript, coder):
    misc = CodingScheme.objects.get(slug="misc-2.5")
    coding = factories.make_coding(transcript, coder, scheme=misc, codes={1: ["QUO"]})
    res = factories.code("RES", misc)
    companion = (_at(coding, 2), factories.code("C+", misc))
    assert (
        _refusals(coding, _at(coding, 1), res, companion)
        == ["Practitioner utterance takes one code per utterance: clear QUO before setting RES"] * 4
    )
    fresh = factories.make_coding(factories.make_transcript(transcript.agency), coder, scheme=misc)
    target = fresh.transcript.utterances.get(position=1)
    with pytest.raises(ValidationError, match="clear QUO before setting RES"):
        utterance_codes_add(
            coding=fresh, pairs=[(target, factories.code("QUO", misc)), (target, res)]
        )
    assert not UtteranceCode.objects.filter(coding=fresh).exists()


def test_the_bulk_add_is_all_or_nothing_and_keeps_codes_already_there(coding):
    u1, u2, u3 = (_at(coding, p) for p in (1, 2, 3))
    q, sr = factories.code("Q"), factories.code("SR")
    with pytest.raises(ValidationError, match="this one is client"):
        utterance_codes_add(coding=coding, pairs=[(u3, sr), (u2, q)])
    assert not UtteranceCode.objects.filter(coding=coding, utterance=u3).exists()
    assert utterance_codes_add(coding=coding, pairs=[(u1, q), (u3, sr), (u3, sr)]) == 1


def test_a_code_of_another_scheme_or_an_utterance_elsewhere_is_refused_by_every_path(
    coding, agency
):
    other_code = factories.code("QUO", CodingScheme.objects.get(slug="misc-2.5"))
    with pytest.raises(ValidationError, match="not part of MITI"):
        utterance_code_put(
            coding=coding, utterance_id=_at(coding, 1).pk, code_id=other_code.pk, present=True
        )
    stranger = factories.make_transcript(agency).utterances.get(position=1)
    with pytest.raises(ValidationError, match="not part of this transcript"):
        utterance_codes_add(coding=coding, pairs=[(stranger, factories.code("Q"))])


def test_a_rule_joining_the_rules_holds_on_every_write_path(coding, monkeypatch):
    # A rule added to CODE_RULES (here, say, that an affirmation is never also a question)
    # is kept by every path that writes codes.
    def affirm_is_not_a_question(code, speaker_role, others):
        pair = {"Q", "AF"}
        if code.abbreviation in pair and any(o.abbreviation in pair for o in others):
            return "an utterance is an affirmation or a question, not both"
        return None

    monkeypatch.setattr(rules, "CODE_RULES", (*rules.CODE_RULES, affirm_is_not_a_question))
    u3 = _at(coding, 3)
    utterance_code_set(coding=coding, utterance=u3, code=factories.code("Q"))
    assert (
        _refusals(coding, u3, factories.code("AF"))
        == ["an utterance is an affirmation or a question, not both"] * 4
    )
    assert utterance_code_set(coding=coding, utterance=u3, code=factories.code("SR"))


def test_code_refusal_reads_as_the_rules_do(transcript):
    q, gi = factories.code("Q"), factories.code("GI")
    assert code_refusal(q, "practitioner", [gi]) is None
    assert "practitioner utterances" in code_refusal(q, "client", [])


# ------------------------------------------------------------------ the scheme's codes, cached


def test_a_code_the_scheme_gains_is_usable_at_once(coding, agency):
    definition = {
        "slug": "grow",
        "name": "Grow",
        "dimensions": [
            {
                "slug": "b",
                "name": "Behaviour",
                "speaker": "practitioner",
                "multiple": True,
                "codes": [{"abbreviation": "Q", "name": "Question", "key": "q"}],
            }
        ],
        "globals": [],
        "summary_scores": [],
    }
    scheme, _ = scheme_load(definition=definition, agency=agency)
    grown = factories.make_coding(factories.make_transcript(agency), coding.coder, scheme=scheme)
    u1 = grown.transcript.utterances.get(position=1)
    utterance_code_set(coding=grown, utterance=u1, code=Code.objects.get(scheme=scheme))
    definition["dimensions"][0]["codes"].append({"abbreviation": "R", "name": "Reflection"})
    scheme_load(definition=definition, agency=agency)
    grown = Coding.objects.select_related("scheme").get(pk=grown.pk)
    new = Code.objects.get(scheme=scheme, abbreviation="R")
    assert utterance_code_set(coding=grown, utterance=u1, code=new)


def test_the_cache_reads_again_when_the_scheme_changed_elsewhere(coding):
    scheme = coding.scheme
    first = scheme_codes(scheme)
    assert scheme_codes(scheme) is first
    # Another process's load_scheme moves updated_at; this process has not forgotten.
    scheme.save()
    assert scheme_codes(scheme) is not first
    scheme_codes_forget()
    assert factories.code("Q").pk in scheme_codes(scheme).codes


@pytest.mark.parametrize("write", ["put", "bulk", "global", "note", "submit"])
def test_a_write_to_a_coding_deleted_meanwhile_is_refused_with_a_message(coding, coder, write):
    stale = Coding.objects.select_related("scheme").get(pk=coding.pk)
    writes = _every_write(stale, coder)
    Coding.objects.filter(pk=coding.pk).delete()
    with pytest.raises(CodingLocked, match="no longer exists"):
        writes[write]()
    assert not UtteranceCode.objects.filter(coding_id=coding.pk).exists()


def test_every_write_path_refuses_two_codes_of_an_exclusive_set(coding, transcript, supervisor):
    u3 = _at(coding, 3)
    utterance_code_set(coding=coding, utterance=u3, code=factories.code("SR"))
    before = _state(coding)
    assert (
        _refusals(coding, u3, factories.code("CR"))
        == [
            "CR and SR exclude each other on one utterance in Practitioner behaviour: clear SR "
            "before setting CR"
        ]
        * 4
    )
    assert _state(coding) == before
    consensus = factories.make_coding(transcript, supervisor, kind=CodingKind.CONSENSUS)
    with pytest.raises(ValidationError, match="exclude each other"):
        consensus_codes_replace(
            consensus=consensus,
            utterance=_at(consensus, 1),
            codes=[factories.code("SR"), factories.code("CR")],
        )
    assert not UtteranceCode.objects.filter(coding=consensus).exists()
