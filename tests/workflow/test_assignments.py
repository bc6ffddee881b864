"""Assigning transcripts to coders, one by one or in bulk, and starting the work."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Role
from coding.models import Coding, CodingKind, CodingStatus
from tests import factories
from workflow.models import Assignment
from workflow.services.assignments import (
    AssignMode,
    assignment_delete,
    assignment_plan,
    assignment_start,
    assignments_create,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def transcripts(agency, practitioner):
    return [factories.make_transcript(agency, practitioner) for _ in range(4)]


def _post_assign(client, transcripts, coders, confirm=False, **extra):
    data = {
        "transcripts": [t.pk for t in transcripts],
        "coders": [c.pk for c in coders],
        "mode": extra.pop("mode", AssignMode.SHARE),
        "scheme": factories.miti().pk,
        **extra,
    }
    if confirm:
        data["confirm"] = "1"
    return client.post(reverse("workflow:assign"), data)


def test_first_coder_is_primary_and_later_ones_double(
    agency, transcripts, coder, coder2, supervisor
):
    plan = assignment_plan(
        agency=agency,
        transcripts=transcripts[:1],
        coders=[coder, coder2],
        scheme=factories.miti(),
        mode=AssignMode.EACH,
    )
    assert [(i.coder, i.kind) for i in plan.items] == [
        (coder, CodingKind.PRIMARY),
        (coder2, CodingKind.DOUBLE),
    ]


def test_sharing_spreads_transcripts_evenly(agency, transcripts, coder, coder2):
    plan = assignment_plan(
        agency=agency, transcripts=transcripts, coders=[coder, coder2], scheme=factories.miti()
    )
    assert sorted(i.coder.username for i in plan.items) == ["ana", "ana", "ben", "ben"]
    assert {i.kind for i in plan.items} == {CodingKind.PRIMARY}


def test_a_coder_already_on_a_transcript_is_skipped(agency, transcripts, coder, supervisor):
    factories.make_assignment(transcripts[0], coder)
    plan = assignment_plan(
        agency=agency, transcripts=transcripts[:2], coders=[coder], scheme=factories.miti()
    )
    assert [i.transcript for i in plan.items] == [transcripts[1]]
    assert [t for t, _ in plan.skipped] == [transcripts[0]]


def test_assignments_are_audited(agency, transcripts, coder, supervisor):
    plan = assignment_plan(
        agency=agency, transcripts=transcripts[:2], coders=[coder], scheme=factories.miti()
    )
    due = timezone.localdate() + datetime.timedelta(days=7)
    created = assignments_create(
        agency=agency, plan=plan, scheme=factories.miti(), actor=supervisor, due_date=due
    )
    assert {a.due_date for a in created} == {due}
    events = AuditEvent.objects.filter(action="assignment.create", agency=agency)
    assert events.count() == 2
    assert events.first().actor == supervisor


def test_bulk_assignment_asks_for_confirmation_first(
    agency, transcripts, coder, coder2, supervisor, client_for
):
    client = client_for(supervisor)
    response = _post_assign(client, transcripts, [coder, coder2])
    assert response.status_code == 200
    assert "Make 4 assignments?" in response.content.decode()
    assert Assignment.objects.count() == 0
    response = _post_assign(client, transcripts, [coder, coder2], confirm=True)
    assert response.status_code == 302
    assert Assignment.objects.filter(agency=agency).count() == 4


def test_a_single_transcript_can_be_assigned_with_a_due_date(
    transcripts, coder, supervisor, client_for
):
    due = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    _post_assign(client_for(supervisor), transcripts[:1], [coder], confirm=True, due_date=due)
    assignment = Assignment.objects.get()
    assert (assignment.transcript, assignment.coder, assignment.due_date.isoformat()) == (
        transcripts[0],
        coder,
        due,
    )


def test_a_due_date_in_the_past_is_refused(transcripts, coder, supervisor, client_for):
    past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = _post_assign(
        client_for(supervisor), transcripts[:1], [coder], confirm=True, due_date=past
    )
    assert "The due date is in the past." in response.content.decode()
    assert not Assignment.objects.exists()


def test_forged_post_with_another_agencys_transcript_changes_nothing(
    transcripts, other_agency, coder, supervisor, client_for
):
    foreign = factories.make_transcript(other_agency)
    response = _post_assign(
        client_for(supervisor), [transcripts[0], foreign], [coder], confirm=True
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("forged", ["9" * 25, "-1", "1e3", "٣"])
def test_forged_post_with_ids_no_row_could_have_changes_nothing(
    transcripts, coder, supervisor, client_for, forged
):
    client = client_for(supervisor)
    data = {
        "transcripts": [transcripts[0].pk, forged],
        "coders": [coder.pk],
        "mode": AssignMode.SHARE,
        "scheme": factories.miti().pk,
        "confirm": "1",
    }
    response = client.post(reverse("workflow:assign"), data)
    assert response.status_code == 200
    assert f"“{forged}” is not a valid value." in response.content.decode()
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("forged", [str(2**63), str(10**30), "²", "0", "-1"])
def test_a_transcript_in_the_link_that_no_row_could_have_is_ignored(
    transcripts, supervisor, client_for, forged
):
    response = client_for(supervisor).get(reverse("workflow:assign"), {"transcript": forged})
    assert response.status_code == 200
    assert not response.context["chosen"]


@pytest.mark.parametrize("forged", [str(2**64), "²", "x"])
def test_the_overview_ignores_a_coder_no_row_could_have(supervisor, client_for, forged):
    response = client_for(supervisor).get(reverse("workflow:overview"), {"coder": forged})
    assert response.status_code == 200
    assert response.context["coder"] is None


def test_forged_post_with_a_coder_of_another_agency_changes_nothing(
    transcripts, other_agency, supervisor, client_for
):
    stranger = factories.make_user(other_agency, Role.CODER)
    response = _post_assign(client_for(supervisor), transcripts[:1], [stranger], confirm=True)
    assert response.status_code == 200
    assert not Assignment.objects.exists()


def test_a_member_who_may_not_code_cannot_be_assigned(agency, transcripts, researcher):
    with pytest.raises(ValidationError, match="may not code"):
        assignment_plan(
            agency=agency, transcripts=transcripts[:1], coders=[researcher], scheme=factories.miti()
        )


def test_the_service_refuses_another_agencys_transcript(agency, other_agency, coder):
    foreign = factories.make_transcript(other_agency)
    with pytest.raises(ValidationError, match="another agency"):
        assignment_plan(
            agency=agency, transcripts=[foreign], coders=[coder], scheme=factories.miti()
        )


@pytest.mark.parametrize("role", [Role.CODER, Role.RESEARCHER, Role.PRACTITIONER])
def test_only_supervisors_assign(agency, role, client_for):
    user = factories.make_user(agency, role)
    client = client_for(user)
    assert client.get(reverse("workflow:assign")).status_code == 403
    assert client.get(reverse("workflow:overview")).status_code == 403


def test_outsiders_get_404_on_workflow_pages_of_no_agency(client_for):
    loner = factories.make_user(None)
    assert client_for(loner).get(reverse("workflow:overview")).status_code == 404
    assert client_for(loner).get(reverse("workflow:queue")).status_code == 404


def test_starting_creates_the_coding_once_and_opens_the_workspace(transcripts, coder, client_for):
    assignment = factories.make_assignment(transcripts[0], coder, kind=CodingKind.DOUBLE)
    client = client_for(coder)
    response = client.post(reverse("workflow:start", args=[assignment.pk]))
    coding = Coding.objects.get(coder=coder)
    assert response["Location"] == reverse("coding:workspace", args=[coding.pk])
    assert coding.kind == CodingKind.DOUBLE
    client.post(reverse("workflow:start", args=[assignment.pk]))
    assert Coding.objects.filter(coder=coder).count() == 1
    assert AuditEvent.objects.filter(action="coding.start").count() == 1


def test_a_coder_cannot_start_someone_elses_assignment(transcripts, coder, coder2, client_for):
    assignment = factories.make_assignment(transcripts[0], coder2)
    response = client_for(coder).post(reverse("workflow:start", args=[assignment.pk]))
    assert response.status_code == 404
    assert not Coding.objects.exists()


def test_start_links_a_coding_the_coder_already_has(transcripts, coder, supervisor):
    coding = factories.make_coding(transcripts[0], coder, assign=False)
    assignment = factories.make_assignment(transcripts[0], coder)
    assert assignment_start(assignment=assignment, actor=coder) == coding


def test_withdrawing_is_refused_once_started(transcripts, coder, supervisor, client_for):
    assignment = factories.make_assignment(transcripts[0], coder)
    assignment_start(assignment=assignment, actor=coder)
    assignment.refresh_from_db()
    with pytest.raises(ValidationError):
        assignment_delete(assignment=assignment, actor=supervisor)
    fresh = factories.make_assignment(transcripts[1], coder)
    client = client_for(supervisor)
    assert client.get(reverse("workflow:withdraw", args=[fresh.pk])).status_code == 200
    assert Assignment.objects.filter(pk=fresh.pk).exists()
    client.post(reverse("workflow:withdraw", args=[fresh.pk]))
    assert not Assignment.objects.filter(pk=fresh.pk).exists()
    assert AuditEvent.objects.filter(action="assignment.delete").exists()


def test_queue_shows_assigned_in_progress_and_submitted_with_overdue_flagged(
    agency, transcripts, coder, coder2, client_for
):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    late = factories.make_assignment(transcripts[0], coder, due_date=yesterday)
    started = factories.make_assignment(transcripts[1], coder)
    assignment_start(assignment=started, actor=coder)
    done = factories.make_coding(
        transcripts[2], coder, globals_=factories.ALL_GLOBALS, submitted=True
    )
    factories.make_assignment(transcripts[3], coder2)
    client = client_for(coder)
    page = client.get(reverse("workflow:queue")).content.decode()
    assert "1 to start · 1 in progress · 1 submitted" in page
    assert "1 overdue" in page
    assert "Overdue" in page
    assert reverse("workflow:start", args=[late.pk]) in page
    assert transcripts[3].label not in page
    submitted = client.get(reverse("workflow:queue"), {"status": "submitted"}).content.decode()
    assert reverse("coding:workspace", args=[done.pk]) in submitted
    assert reverse("workflow:start", args=[late.pk]) not in submitted


def test_overview_counts_progress_per_coder_and_flags_overdue(
    agency, transcripts, coder, coder2, supervisor, client_for
):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    factories.make_assignment(transcripts[0], coder, due_date=yesterday)
    factories.make_coding(transcripts[1], coder, globals_=factories.ALL_GLOBALS, submitted=True)
    factories.make_assignment(transcripts[2], coder2)
    response = client_for(supervisor).get(reverse("workflow:overview"), {"show": "all"})
    progress = {p.coder.username: p for p in response.context["progress"]}
    assert (progress["ana"].assigned, progress["ana"].submitted, progress["ana"].overdue) == (
        1,
        1,
        1,
    )
    assert (progress["ben"].assigned, progress["ben"].overdue) == (1, 0)
    page = response.content.decode()
    assert "1 overdue" in page
    assert transcripts[0].label in page
    overdue = client_for(supervisor).get(reverse("workflow:overview"), {"show": "overdue"})
    assert [t.pk for t in overdue.context["page"]] == [transcripts[0].pk]


def test_overview_and_queue_use_a_fixed_number_of_queries(
    agency, practitioner, coder, supervisor, client_for, django_assert_max_num_queries
):
    for _ in range(12):
        transcript = factories.make_transcript(agency, practitioner, utterances=2)
        factories.make_coding(transcript, coder)
    supervisor_client, coder_client = client_for(supervisor), client_for(coder)
    with django_assert_max_num_queries(14):
        assert supervisor_client.get(reverse("workflow:overview")).status_code == 200
    with django_assert_max_num_queries(10):
        assert coder_client.get(reverse("workflow:queue")).status_code == 200


def test_supervisor_reopens_a_submitted_coding_with_a_reason(
    transcripts, coder, supervisor, client_for
):
    coding = factories.make_coding(
        transcripts[0], coder, globals_=factories.ALL_GLOBALS, submitted=True
    )
    client = client_for(supervisor)
    assert client.get(reverse("coding:reopen", args=[coding.pk])).status_code == 200
    client.post(reverse("coding:reopen", args=[coding.pk]), {"reason": "missed reflections"})
    coding.refresh_from_db()
    assert coding.status == CodingStatus.IN_PROGRESS
    event = AuditEvent.objects.get(action="coding.reopen")
    assert event.details == {"reason": "missed reflections"}
    assert client_for(coder).post(reverse("coding:reopen", args=[coding.pk])).status_code == 403


def test_assigning_from_a_transcripts_row_offers_just_that_transcript(
    transcripts, coder, supervisor, client_for
):
    factories.make_assignment(transcripts[0], coder)
    response = client_for(supervisor).get(
        reverse("workflow:assign"), {"transcript": transcripts[0].pk}
    )
    assert [t.pk for t in response.context["page"]] == [transcripts[0].pk]
    assert f'value="{transcripts[0].pk}" id="t{transcripts[0].pk}" checked' in (
        response.content.decode()
    )


def test_starting_from_the_transcript_page_fulfils_the_assignment(transcripts, coder, client_for):
    assignment = factories.make_assignment(transcripts[0], coder, kind=CodingKind.DOUBLE)
    client = client_for(coder)
    response = client.post(
        reverse("coding:start", args=[transcripts[0].pk]), {"scheme": "miti-4.2.1"}
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.coding is not None
    assert assignment.coding.kind == CodingKind.DOUBLE
    assert assignment.status == "in_progress"
    page = client.get(reverse("workflow:queue")).content.decode()
    assert "0 to start · 1 in progress" in page
