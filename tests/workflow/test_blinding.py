"""Blind double coding on every path: until every coding of a transcript is submitted a coder
sees only their own; supervisors see all; the agency may unblind coders afterwards."""

import pytest
from django.urls import reverse

from coding.models import CodingKind, CodingStatus
from tests import factories
from tests.factories import ALL_GLOBALS
from workflow import visibility
from workflow.models import Assignment

pytestmark = pytest.mark.django_db


def _submit(coding):
    coding.status, coding.submitted_at = CodingStatus.SUBMITTED, "2026-03-03T10:00:00Z"
    coding.save()


@pytest.fixture
def pair(agency, practitioner, coder, coder2):
    """ana has submitted; ben's double coding of the same transcript is still open."""
    transcript = factories.make_transcript(agency, practitioner)
    mine = factories.make_coding(
        transcript, coder, codes={1: ["Q"]}, globals_=ALL_GLOBALS, submitted=True
    )
    theirs = factories.make_coding(transcript, coder2, kind=CodingKind.DOUBLE, codes={1: ["SR"]})
    return transcript, mine, theirs


def _unblind(agency):
    agency.coders_see_others_after_submission = True
    agency.save()


CODING_PAGES = ["coding:workspace", "coding:feedback"]


@pytest.mark.parametrize("url_name", CODING_PAGES)
def test_coder_cannot_open_another_coding_while_blind(pair, coder, client_for, url_name):
    _, mine, theirs = pair
    client = client_for(coder)
    assert client.get(reverse(url_name, args=[mine.pk])).status_code == 200
    assert client.get(reverse(url_name, args=[theirs.pk])).status_code == 404


@pytest.mark.parametrize("url_name", CODING_PAGES)
def test_coder_stays_blind_after_all_submit_when_agency_keeps_blind(
    pair, coder, client_for, url_name
):
    _, _, theirs = pair
    _submit(theirs)
    assert client_for(coder).get(reverse(url_name, args=[theirs.pk])).status_code == 404


@pytest.mark.parametrize("url_name", CODING_PAGES)
def test_agency_setting_unblinds_coders_once_all_are_submitted(
    pair, agency, coder, client_for, url_name
):
    _, _, theirs = pair
    _unblind(agency)
    client = client_for(coder)
    assert client.get(reverse(url_name, args=[theirs.pk])).status_code == 404
    _submit(theirs)
    assert client.get(reverse(url_name, args=[theirs.pk])).status_code == 200


@pytest.mark.parametrize("url_name", CODING_PAGES)
def test_supervisor_sees_every_coding(pair, supervisor, client_for, url_name):
    _, mine, theirs = pair
    client = client_for(supervisor)
    assert client.get(reverse(url_name, args=[mine.pk])).status_code == 200
    assert client.get(reverse(url_name, args=[theirs.pk])).status_code == 200


def test_transcript_page_lists_only_the_coders_own_coding_while_blind(
    pair, coder, coder2, supervisor, client_for
):
    transcript, mine, theirs = pair
    url = reverse("transcripts:detail", args=[transcript.pk])
    response = client_for(coder).get(url)
    page = response.content.decode()
    assert list(response.context["codings"]) == [mine]
    assert reverse("coding:workspace", args=[mine.pk]) in page
    assert reverse("coding:workspace", args=[theirs.pk]) not in page
    page = client_for(coder2).get(url).content.decode()
    assert reverse("coding:workspace", args=[mine.pk]) not in page
    page = client_for(supervisor).get(url).content.decode()
    assert reverse("coding:workspace", args=[mine.pk]) in page
    assert reverse("coding:workspace", args=[theirs.pk]) in page


def test_transcript_list_status_does_not_betray_another_coding(pair, coder, supervisor, client_for):
    """ana's own coding is submitted; ben's open one must not show as "in progress" to her."""
    transcript, _, _ = pair

    def status_for(user):
        page = client_for(user).get(reverse("transcripts:list")).context["page"]
        return {t.pk: t.coding_status for t in page}[transcript.pk]

    assert status_for(coder) == "submitted"
    assert status_for(supervisor) == "in_progress"


def test_a_pending_assignment_keeps_the_transcript_blind(
    agency, practitioner, coder, coder2, client_for
):
    """An assigned coder who has not started yet still holds an open coding of it."""
    _unblind(agency)
    transcript = factories.make_transcript(agency, practitioner)
    third = factories.make_user(agency, "coder", username="cleo")
    mine = factories.make_coding(transcript, coder, globals_=ALL_GLOBALS, submitted=True)
    theirs = factories.make_coding(
        transcript, coder2, kind=CodingKind.DOUBLE, globals_=ALL_GLOBALS, submitted=True
    )
    pending = Assignment.objects.create(
        agency=agency, transcript=transcript, coder=third, scheme=mine.scheme, kind="double"
    )
    assert set(visibility.codings_visible_to(coder)) == {mine}
    assert client_for(coder).get(reverse("coding:workspace", args=[theirs.pk])).status_code == 404
    pending.delete()
    assert set(visibility.codings_visible_to(coder)) == {mine, theirs}


def test_a_calibration_coding_never_reveals_the_gold_standard(
    agency, practitioner, coder, supervisor, client_for
):
    _unblind(agency)
    transcript = factories.make_transcript(agency, practitioner)
    gold = factories.make_coding(
        transcript, supervisor, kind=CodingKind.GOLD, globals_=ALL_GLOBALS, submitted=True
    )
    practice = factories.make_coding(transcript, coder, kind=CodingKind.CALIBRATION)
    assert set(visibility.codings_visible_to(coder)) == {practice}
    client = client_for(coder)
    assert client.get(reverse("coding:workspace", args=[gold.pk])).status_code == 404
    _submit(practice)
    assert set(visibility.codings_visible_to(coder)) == {practice}
    assert client.get(reverse("coding:feedback", args=[gold.pk])).status_code == 404
    page = client.get(reverse("transcripts:detail", args=[transcript.pk])).content.decode()
    assert reverse("coding:workspace", args=[gold.pk]) not in page


def test_unblinding_never_shows_a_gold_standard(
    agency, practitioner, coder, supervisor, client_for
):
    # Coders are tested against gold standards: having coded the same transcript as work
    # (assigned before it became gold) does not open it.
    _unblind(agency)
    transcript = factories.make_transcript(agency, practitioner)
    mine = factories.make_coding(transcript, coder, globals_=ALL_GLOBALS, submitted=True)
    gold = factories.make_coding(
        transcript, supervisor, kind=CodingKind.GOLD, globals_=ALL_GLOBALS, submitted=True
    )
    assert set(visibility.codings_visible_to(coder)) == {mine}
    assert client_for(coder).get(reverse("coding:workspace", args=[gold.pk])).status_code == 404


def test_coders_of_another_agency_see_nothing(pair, outsider, other_agency, client_for):
    _, mine, _ = pair
    other_coder = factories.make_user(other_agency, "coder")
    for user in (outsider, other_coder):
        assert client_for(user).get(reverse("coding:workspace", args=[mine.pk])).status_code == 404


def test_queue_lists_only_the_coders_own_work(pair, coder, coder2, client_for):
    _, mine, theirs = pair
    page = client_for(coder).get(reverse("workflow:queue"), {"status": "submitted"})
    assert reverse("coding:workspace", args=[mine.pk]) in page.content.decode()
    page = client_for(coder).get(reverse("workflow:queue")).content.decode()
    assert reverse("coding:workspace", args=[theirs.pk]) not in page
    page = client_for(coder2).get(reverse("workflow:queue")).content.decode()
    assert reverse("coding:workspace", args=[theirs.pk]) in page
    assert reverse("coding:workspace", args=[mine.pk]) not in page


@pytest.fixture
def objects(pair, agency, practitioner, coder, coder2, supervisor):
    from workflow.services.adjudication import adjudication_start
    from workflow.services.calibration import calibration_start
    from workflow.services.training import coding_mark_gold, training_set_save

    transcript, mine, theirs = pair
    _submit(theirs)
    consensus = adjudication_start(transcript=transcript, scheme=mine.scheme, actor=supervisor)
    assignment = factories.make_assignment(factories.make_transcript(agency, practitioner), coder)
    gold_coding = factories.make_coding(
        factories.make_transcript(agency, practitioner),
        supervisor,
        globals_=ALL_GLOBALS,
        submitted=True,
    )
    coding_mark_gold(coding=gold_coding, actor=supervisor)
    training = training_set_save(
        agency=agency, name="Set", scheme=mine.scheme, golds=[gold_coding], actor=supervisor
    )
    attempt = calibration_start(training_set=training, coder=coder2)
    urls = [
        reverse("workflow:adjudicate", args=[transcript.pk, mine.scheme_id]),
        reverse("workflow:decide", args=[consensus.pk]),
        reverse("workflow:finish", args=[consensus.pk]),
        reverse("coding:reopen", args=[mine.pk]),
        reverse("workflow:withdraw", args=[assignment.pk]),
        reverse("workflow:gold_mark", args=[mine.pk]),
        reverse("workflow:gold_unmark", args=[gold_coding.pk]),
        reverse("workflow:training_edit", args=[training.pk]),
        reverse("workflow:training_delete", args=[training.pk]),
        reverse("workflow:attempt", args=[attempt.pk]),
        reverse("workflow:attempt_finish", args=[attempt.pk]),
    ]
    return {"urls": urls, "mine": mine, "consensus": consensus, "assignment": assignment}


def _unchanged(objects):
    from coding.models import Coding

    mine = Coding.objects.get(pk=objects["mine"].pk)
    consensus = Coding.objects.get(pk=objects["consensus"].pk)
    assert (mine.kind, mine.status) == (CodingKind.PRIMARY, CodingStatus.SUBMITTED)
    assert consensus.status == CodingStatus.IN_PROGRESS
    assert Assignment.objects.filter(pk=objects["assignment"].pk).exists()


def test_outsiders_get_404_on_every_workflow_object(objects, outsider, client_for):
    client = client_for(outsider)
    for url in objects["urls"]:
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url).status_code == 404, url
    _unchanged(objects)


def test_coders_cannot_reach_supervisor_workflow_objects(objects, coder, client_for):
    client = client_for(coder)
    for url in objects["urls"]:
        assert client.post(url).status_code in (403, 404), url
    _unchanged(objects)


def test_an_assignment_whose_coder_already_has_a_coding_is_not_pending(
    agency, practitioner, coder, coder2
):
    _unblind(agency)
    transcript = factories.make_transcript(agency, practitioner)
    mine = factories.make_coding(transcript, coder, globals_=ALL_GLOBALS, submitted=True)
    theirs = factories.make_coding(
        transcript,
        coder2,
        kind=CodingKind.DOUBLE,
        globals_=ALL_GLOBALS,
        submitted=True,
        assign=False,
    )
    Assignment.objects.create(
        agency=agency, transcript=transcript, coder=coder2, scheme=mine.scheme, kind="double"
    )
    assert set(visibility.codings_visible_to(coder)) == {mine, theirs}
