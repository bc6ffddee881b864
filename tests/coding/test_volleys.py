"""Codings made from audio: volleys marked on the recording, coded under the scheme's rules."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from coding.models import CodedFrom, Coding, CodingScheme, UtteranceCode, UtteranceNote, Volley
from coding.selectors import code_counts
from coding.services import volleys
from coding.services.codes import volley_code_put
from coding.services.codings import coding_create, coding_submit
from coding.services.locks import CodingLocked
from tests import factories
from tests.factories import ALL_GLOBALS

pytestmark = pytest.mark.django_db

P, C = "practitioner", "client"


def MISC():  # noqa: N802
    return CodingScheme.objects.get(slug="misc-2.5")


@pytest.fixture
def session(agency, practitioner):
    # A ten-minute recording whose coded segment runs from 1:00 to 9:00.
    return factories.make_audio_session(agency, practitioner, seconds=600, segment=(60, 540))


@pytest.fixture
def coding(session, coder):
    return factories.make_audio_coding(session, coder)


def post(client, coding, name, payload):
    return client.post(
        reverse(f"coding:api_{name}", args=[coding.pk]),
        json.dumps(payload),
        content_type="application/json",
    )


def starts(coding):
    return list(coding.volleys.in_order().values_list("start_ms", "speaker_role"))


def test_a_coding_of_a_recording_alone_is_made_from_audio(session, coder):
    coding = coding_create(transcript=session, scheme=factories.miti(), coder=coder)
    assert coding.coded_from == CodedFrom.AUDIO


def test_a_coding_of_a_transcript_is_not(transcript, coder):
    coding = coding_create(transcript=transcript, scheme=factories.miti(), coder=coder)
    assert coding.coded_from == CodedFrom.TRANSCRIPT
    with pytest.raises(ValidationError, match="not volleys"):
        volleys.volley_add(coding=coding, start_ms=1000, speaker_role=P)


def test_marking_a_volley_twice_keeps_one(coding):
    first, created = volleys.volley_add(coding=coding, start_ms=61_000, speaker_role=P)
    again, created_again = volleys.volley_add(coding=coding, start_ms=61_000, speaker_role=P)
    assert created and not created_again and first.pk == again.pk
    assert starts(coding) == [(61_000, P)]


def test_two_volleys_cannot_start_at_the_same_instant(coding):
    volleys.volley_add(coding=coding, start_ms=61_000, speaker_role=P)
    with pytest.raises(ValidationError, match="same instant"):
        volleys.volley_add(coding=coding, start_ms=61_000, speaker_role=C)
    assert starts(coding) == [(61_000, P)]


@pytest.mark.parametrize(
    ("start_ms", "message"),
    [(59_999, "before the coded segment"), (540_000, "past the end"), (700_000, "past the end")],
)
def test_a_volley_outside_the_segment_is_refused(coding, start_ms, message):
    with pytest.raises(ValidationError, match=message):
        volleys.volley_add(coding=coding, start_ms=start_ms, speaker_role=P)
    assert not Volley.objects.exists()


def test_a_volley_past_the_end_of_the_recording_is_refused(agency, practitioner, coder):
    coding = factories.make_audio_coding(
        factories.make_audio_session(agency, practitioner, seconds=30), coder
    )
    volleys.volley_add(coding=coding, start_ms=29_000, speaker_role=P)
    with pytest.raises(ValidationError, match=r"past the end.*0:30\.0"):
        volleys.volley_add(coding=coding, start_ms=30_000, speaker_role=P)
    with pytest.raises(ValidationError, match="cannot end"):
        volleys.volley_add(coding=coding, start_ms=10_000, speaker_role=P, end_ms=31_000)


def test_codes_on_volleys_follow_the_speaker_rule(coding):
    practitioner, _ = volleys.volley_add(coding=coding, start_ms=61_000, speaker_role=P)
    client, _ = volleys.volley_add(coding=coding, start_ms=65_000, speaker_role=C)
    question = factories.code("Q")
    assert volley_code_put(
        coding=coding, volley_id=practitioner.pk, code_id=question.pk, present=True
    ).changed
    assert not volley_code_put(
        coding=coding, volley_id=practitioner.pk, code_id=question.pk, present=True
    ).changed
    with pytest.raises(ValidationError, match="practitioner utterances"):
        volley_code_put(coding=coding, volley_id=client.pk, code_id=question.pk, present=True)
    assert code_counts([coding.pk])[coding.pk] == {"Q": 1}


@pytest.fixture
def misc_coding(session, coder):
    return factories.make_audio_coding(session, coder, scheme=MISC())


def misc(abbreviation):
    return factories.code(abbreviation, MISC())


def test_codes_on_volleys_follow_the_single_code_rule(misc_coding):
    volley, _ = volleys.volley_add(coding=misc_coding, start_ms=61_000, speaker_role=P)
    volley_code_put(coding=misc_coding, volley_id=volley.pk, code_id=misc("QUO").pk, present=True)
    with pytest.raises(ValidationError, match="one code per utterance"):
        volley_code_put(
            coding=misc_coding, volley_id=volley.pk, code_id=misc("RES").pk, present=True
        )
    assert code_counts([misc_coding.pk])[misc_coding.pk] == {"QUO": 1}


def test_split_move_merge_and_delete(coding):
    first, _ = volleys.volley_add(coding=coding, start_ms=61_000, speaker_role=P)
    volleys.volley_add(coding=coding, start_ms=70_000, speaker_role=C)
    volley_code_put(
        coding=coding, volley_id=first.pk, code_id=factories.code("AF").pk, present=True
    )
    second = volleys.volley_split(coding=coding, volley_id=first.pk, at_ms=65_000)
    assert volleys.volley_split(coding=coding, volley_id=first.pk, at_ms=65_000).pk == second.pk
    assert starts(coding) == [(61_000, P), (65_000, P), (70_000, C)]
    with pytest.raises(ValidationError, match="not inside"):
        volleys.volley_split(coding=coding, volley_id=first.pk, at_ms=72_000)
    volley_code_put(
        coding=coding, volley_id=second.pk, code_id=factories.code("Seek").pk, present=True
    )
    volleys.volley_move(coding=coding, volley_id=second.pk, start_ms=66_000)
    with pytest.raises(ValidationError, match="same instant"):
        volleys.volley_move(coding=coding, volley_id=second.pk, start_ms=70_000)
    volleys.volley_merge(coding=coding, volley_id=first.pk, next_id=second.pk)
    volleys.volley_merge(coding=coding, volley_id=first.pk, next_id=second.pk)  # replayed
    assert starts(coding) == [(61_000, P), (70_000, C)]
    assert code_counts([coding.pk])[coding.pk] == {"AF": 1, "Seek": 1}
    assert volleys.volley_delete(coding=coding, volley_id=first.pk)
    assert not volleys.volley_delete(coding=coding, volley_id=first.pk)
    assert starts(coding) == [(70_000, C)]
    assert not UtteranceCode.objects.filter(coding=coding).exists()


def test_merging_across_speakers_or_breaking_a_rule_changes_nothing(misc_coding):
    coding = misc_coding
    first, _ = volleys.volley_add(coding=coding, start_ms=61_000, speaker_role=P)
    client, _ = volleys.volley_add(coding=coding, start_ms=62_000, speaker_role=C)
    with pytest.raises(ValidationError, match="cannot be merged"):
        volleys.volley_merge(coding=coding, volley_id=first.pk, next_id=client.pk)
    volleys.volley_delete(coding=coding, volley_id=client.pk)
    second, _ = volleys.volley_add(coding=coding, start_ms=63_000, speaker_role=P)
    volley_code_put(coding=coding, volley_id=first.pk, code_id=misc("QUO").pk, present=True)
    volley_code_put(coding=coding, volley_id=second.pk, code_id=misc("RES").pk, present=True)
    with pytest.raises(ValidationError, match="one code per utterance"):
        volleys.volley_merge(coding=coding, volley_id=first.pk, next_id=second.pk)
    assert starts(coding) == [(61_000, P), (63_000, P)]
    assert code_counts([coding.pk])[coding.pk] == {"QUO": 1, "RES": 1}


def test_a_submitted_coding_refuses_every_volley_write(coding, coder):
    volley, _ = volleys.volley_add(coding=coding, start_ms=61_000, speaker_role=P)
    factories.apply_codes(coding, {}, ALL_GLOBALS)
    coding_submit(coding=coding, actor=coder)
    for write in (
        lambda: volleys.volley_add(coding=coding, start_ms=62_000, speaker_role=P),
        lambda: volleys.volley_move(coding=coding, volley_id=volley.pk, start_ms=63_000),
        lambda: volleys.volley_delete(coding=coding, volley_id=volley.pk),
        lambda: volley_code_put(
            coding=coding, volley_id=volley.pk, code_id=factories.code("Q").pk, present=True
        ),
    ):
        with pytest.raises(CodingLocked):
            write()
    assert starts(coding) == [(61_000, P)]


# ---------------------------------------------------------------- endpoints


def test_the_endpoints_mark_and_code_volleys_by_their_instant(client_for, coder, coding):
    client = client_for(coder)
    answer = post(client, coding, "volley", {"action": "add", "at": 61_000, "speaker": P})
    assert answer.status_code == 200
    assert answer.json()["volley"] == {"at": 61_000, "end": None, "speaker": P}
    assert (
        post(client, coding, "volley", {"action": "add", "at": 61_000, "speaker": P}).json()[
            "changed"
        ]
        is False
    )
    question = factories.code("Q").pk
    body = {"at": 61_000, "code": question, "action": "set"}
    assert post(client, coding, "volley_code", body).json()["changed"] is True
    assert post(client, coding, "volley_code", body).json()["changed"] is False
    moved = post(client, coding, "volley", {"action": "move", "at": 61_000, "start": 62_000})
    assert moved.json()["volley"]["at"] == 62_000
    split = post(client, coding, "volley", {"action": "split", "at": 62_000, "start": 64_000})
    assert split.json()["volley"] == {"at": 64_000, "end": None, "speaker": P}
    merged = post(client, coding, "volley", {"action": "merge", "at": 62_000, "next": 64_000})
    assert merged.json()["changed"] is True
    assert code_counts([coding.pk])[coding.pk] == {"Q": 1}
    assert post(client, coding, "volley", {"action": "delete", "at": 62_000}).json()["changed"]
    again = post(client, coding, "volley", {"action": "delete", "at": 62_000})
    assert again.status_code == 200 and again.json()["changed"] is False
    assert starts(coding) == []


@pytest.mark.parametrize(
    ("payload", "status", "message"),
    [
        ({"action": "add", "at": 10, "speaker": P}, 422, "before the coded segment"),
        ({"action": "add", "at": 61_000}, 400, "add needs speaker"),
        ({"action": "add", "at": -5, "speaker": P}, 400, "Malformed"),
        ({"action": "add", "at": 2**40, "speaker": P}, 400, "Malformed"),
        ({"action": "add", "at": 61_000, "speaker": "other"}, 400, "Malformed"),
        ({"action": "move", "at": 99_000, "start": 100_000}, 422, "deleted meanwhile"),
        ({"action": "explode", "at": 61_000}, 400, "Malformed"),
    ],
)
def test_bad_volley_changes_answer_clearly_and_change_nothing(
    client_for, coder, coding, payload, status, message
):
    answer = post(client_for(coder), coding, "volley", payload)
    assert answer.status_code == status
    assert message in answer.json()["error"]
    assert not Volley.objects.exists()


def test_a_code_of_another_scheme_or_a_missing_volley_is_refused(client_for, coder, coding):
    client = client_for(coder)
    post(client, coding, "volley", {"action": "add", "at": 61_000, "speaker": P})
    missing = post(client, coding, "volley_code", {"at": 1, "code": 1, "action": "set"})
    assert missing.status_code == 422
    huge = post(client, coding, "volley_code", {"at": 61_000, "code": 2**70, "action": "set"})
    assert huge.status_code == 400
    assert not UtteranceCode.objects.exists()


def test_another_coder_cannot_change_my_volleys(client_for, coder2, outsider, coding):
    for person in (coder2, outsider):
        answer = post(
            client_for(person), coding, "volley", {"action": "add", "at": 61_000, "speaker": P}
        )
        assert answer.status_code == 404
    assert not Volley.objects.exists()


def test_a_submitted_coding_answers_409(client_for, coder, coding):
    factories.apply_codes(coding, {}, ALL_GLOBALS)
    coding_submit(coding=coding, actor=coder)
    answer = post(
        client_for(coder), coding, "volley", {"action": "add", "at": 61_000, "speaker": P}
    )
    assert answer.status_code == 409
    assert not Volley.objects.exists()


# ---------------------------------------------------------------- the page


def test_the_workspace_of_a_coding_from_audio_is_the_audio_workspace(
    client_for, coder, coder2, session, django_assert_max_num_queries
):
    coding = factories.make_audio_coding(
        session, coder, volleys=[(61_000, P, ["Q"]), (64_000, C, []), (66_000, P, ["SR"])]
    )
    client = client_for(coder)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("coding:workspace", args=[coding.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "coded from audio" in page and "js/audio/main.mjs" in page
    config = json.loads(page.split('id="ws-config" type="application/json">')[1].split("<")[0])
    assert config["volleys"] == [
        {"at": 61_000, "end": None, "speaker": P, "codes": [factories.code("Q").pk]},
        {"at": 64_000, "end": None, "speaker": C, "codes": []},
        {"at": 66_000, "end": None, "speaker": P, "codes": [factories.code("SR").pk]},
    ]
    assert config["bounds"] == {"start": 60_000, "end": 540_000}
    assert config["urls"]["volley"] == reverse("coding:api_volley", args=[coding.pk])
    assert client_for(coder2).get(reverse("coding:workspace", args=[coding.pk])).status_code == 404


def test_feedback_and_the_dashboard_say_a_session_was_coded_from_audio(
    client_for, supervisor, coder, coder2, session, practitioner
):
    coding = factories.make_audio_coding(
        session, coder, volleys=[(61_000, P, ["Q"])], globals_=ALL_GLOBALS, submitted=True
    )
    client = client_for(supervisor)
    feedback = client.get(reverse("coding:feedback", args=[coding.pk])).content.decode()
    assert "The recording: the counts are of volleys" in feedback
    dashboard = client.get(reverse("dashboards:practitioner", args=[practitioner.pk]))
    assert 'title="Coded from the recording">audio</span>' in dashboard.content.decode()


def test_codings_from_audio_are_not_adjudicated_utterance_by_utterance(
    supervisor, coder, coder2, session
):
    from workflow.services.adjudication import adjudication_start  # noqa: PLC0415

    for person in (coder, coder2):
        factories.make_audio_coding(
            session, person, volleys=[(61_000, P, ["Q"])], globals_=ALL_GLOBALS, submitted=True
        )
    with pytest.raises(ValidationError, match="cannot be adjudicated"):
        adjudication_start(transcript=session, scheme=factories.miti(), actor=supervisor)


def test_a_coding_from_audio_is_not_a_gold_standard(supervisor, coder, session):
    from workflow.services.training import coding_mark_gold  # noqa: PLC0415

    coding = factories.make_audio_coding(
        session, coder, volleys=[(61_000, P, ["Q"])], globals_=ALL_GLOBALS, submitted=True
    )
    with pytest.raises(ValidationError, match="cannot be a gold standard"):
        coding_mark_gold(coding=coding, actor=supervisor)
    coding.refresh_from_db()
    assert coding.kind == "primary"


def test_a_queue_replayed_after_a_lost_answer_ends_where_it_would_have(client_for, coder, coding):
    """The offline queue may send a change again when its answer was lost: every change is
    idempotent, so the whole sequence sent twice ends as once."""
    question, reflection = factories.code("Q").pk, factories.code("SR").pk
    sequence = [
        ("volley", {"action": "add", "at": 61_000, "speaker": P}),
        ("volley_code", {"at": 61_000, "code": question, "action": "set"}),
        ("volley", {"action": "add", "at": 63_000, "speaker": C}),
        ("volley", {"action": "add", "at": 66_000, "speaker": P}),
        ("volley", {"action": "split", "at": 66_000, "start": 68_000}),
        ("volley_code", {"at": 68_000, "code": reflection, "action": "set"}),
        ("volley", {"action": "merge", "at": 66_000, "next": 68_000}),
        ("volley", {"action": "move", "at": 66_000, "start": 67_000}),
        ("volley", {"action": "delete", "at": 63_000}),
        ("volley_code", {"at": 61_000, "code": question, "action": "clear"}),
    ]
    client = client_for(coder)
    for name, body in sequence:
        assert post(client, coding, name, body).status_code == 200
        assert post(client, coding, name, body).status_code == 200, (name, body)
    assert starts(coding) == [(61_000, P), (67_000, P)]
    assert code_counts([coding.pk])[coding.pk] == {"SR": 1}


# Notes on volleys, as notes on utterances: private unless marked for feedback.


def note_of(coding, at):
    return UtteranceNote.objects.filter(coding=coding, volley__start_ms=at).first()


def test_a_note_on_a_volley_is_set_changed_and_removed_by_its_instant(client_for, coder, session):
    coding = factories.make_audio_coding(session, coder, volleys=[(61_000, P, ["Q"])])
    client = client_for(coder)
    body = {"at": 61_000, "text": "  Good open question  ", "for_feedback": True}
    first = post(client, coding, "volley_note", body)
    assert first.json() == {
        "ok": True,
        "at": 61_000,
        "text": "Good open question",
        "for_feedback": True,
    }
    assert post(client, coding, "volley_note", body).status_code == 200  # sent twice: one note
    assert UtteranceNote.objects.filter(coding=coding).count() == 1
    post(client, coding, "volley_note", {"at": 61_000, "text": "Private now"})
    note = note_of(coding, 61_000)
    assert (note.text, note.for_feedback, note.utterance) == ("Private now", False, None)
    assert post(client, coding, "volley_note", {"at": 61_000, "text": ""}).json()["text"] == ""
    assert note_of(coding, 61_000) is None


def test_a_note_on_a_missing_volley_or_too_long_changes_nothing(client_for, coder, session):
    coding = factories.make_audio_coding(session, coder, volleys=[(61_000, P, [])])
    client = client_for(coder)
    gone = post(client, coding, "volley_note", {"at": 62_000, "text": "where?"})
    assert gone.status_code == 422 and "not part of this coding" in gone.json()["error"]
    long = post(client, coding, "volley_note", {"at": 61_000, "text": "x" * 5001})
    assert long.status_code == 400
    assert post(client, coding, "volley_note", {"at": 61_000, "text": ["x"]}).status_code == 400
    assert not UtteranceNote.objects.exists()


def test_notes_follow_their_volley_through_moves_merges_and_deletes(coder, session):
    coding = factories.make_audio_coding(
        session, coder, volleys=[(61_000, P, []), (62_000, P, []), (63_000, P, []), (64_000, C, [])]
    )
    ids = dict(coding.volleys.values_list("start_ms", "pk"))
    volleys.volley_note_set(coding=coding, volley_id=ids[61_000], text="first")
    volleys.volley_note_set(coding=coding, volley_id=ids[62_000], text="second", for_feedback=True)
    volleys.volley_note_set(coding=coding, volley_id=ids[64_000], text="client")
    volleys.volley_merge(coding=coding, volley_id=ids[61_000], next_id=ids[62_000])
    joined = note_of(coding, 61_000)
    assert (joined.text, joined.for_feedback) == ("first\nsecond", True)
    volleys.volley_move(coding=coding, volley_id=ids[61_000], start_ms=61_500, end_ms=None)
    assert note_of(coding, 61_500).text == "first\nsecond"
    volleys.volley_merge(coding=coding, volley_id=ids[63_000], next_id=0)
    volleys.volley_delete(coding=coding, volley_id=ids[64_000])
    assert list(UtteranceNote.objects.filter(coding=coding).values_list("text", flat=True)) == [
        "first\nsecond"
    ]


def test_a_transcript_coding_takes_no_volley_note_nor_another_codings_volley(
    coder, coder2, session, transcript
):
    mine = factories.make_audio_coding(session, coder, volleys=[(61_000, P, [])])
    theirs = factories.make_audio_coding(session, coder2, volleys=[(70_000, P, [])])
    with pytest.raises(ValidationError, match="not part of this coding"):
        volleys.volley_note_set(coding=mine, volley_id=theirs.volleys.get().pk, text="x")
    of_text = factories.make_coding(transcript, coder)
    with pytest.raises(ValidationError, match="not volleys"):
        volleys.volley_note_set(coding=of_text, volley_id=mine.volleys.get().pk, text="x")
    assert not UtteranceNote.objects.exists()


def test_the_workspace_shows_the_notes_and_feedback_only_those_marked(
    client_for, coder, supervisor, practitioner_user, session
):
    coding = factories.make_audio_coding(
        session, coder, volleys=[(61_000, P, ["Q"]), (75_500, P, ["SR"])]
    )
    ids = dict(coding.volleys.values_list("start_ms", "pk"))
    volleys.volley_note_set(coding=coding, volley_id=ids[61_000], text="Private words zq1")
    volleys.volley_note_set(
        coding=coding, volley_id=ids[75_500], text="Shared words zq2", for_feedback=True
    )
    page = client_for(coder).get(reverse("coding:workspace", args=[coding.pk])).content.decode()
    config = json.loads(page.split('id="ws-config" type="application/json">')[1].split("<")[0])
    assert [(v["at"], v.get("note"), v.get("feedback")) for v in config["volleys"]] == [
        (61_000, "Private words zq1", False),
        (75_500, "Shared words zq2", True),
    ]
    assert config["urls"]["volley_note"] == reverse("coding:api_volley_note", args=[coding.pk])
    Coding.objects.filter(pk=coding.pk).update(status="submitted", submitted_at=timezone.now())
    feedback_url = reverse("coding:feedback", args=[coding.pk])
    for_supervisor = client_for(supervisor).get(feedback_url).content.decode()
    assert "At 1:15.5, practitioner volley" in for_supervisor
    assert "Shared words zq2" in for_supervisor and "Private words zq1" not in for_supervisor
    assert "1 private note on volleys" in for_supervisor
    for_practitioner = client_for(practitioner_user).get(feedback_url).content.decode()
    assert "Shared words zq2" in for_practitioner
    assert "Private words zq1" not in for_practitioner and "private note" not in for_practitioner
