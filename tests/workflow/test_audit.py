"""Workflow actions are written to the audit log, which supervisors of the agency can read."""

import pytest
from django.urls import reverse

from accounts.models import Role
from coding.models import CodingKind
from coding.services.codings import coding_reopen, coding_submit
from tests import factories
from tests.factories import ALL_GLOBALS
from workflow.services.adjudication import adjudication_start
from workflow.services.assignments import assignment_plan, assignment_start, assignments_create

pytestmark = pytest.mark.django_db


def test_supervisor_reads_the_workflow_trail_of_their_agency(
    agency, practitioner, coder, coder2, supervisor, outsider, client_for
):
    transcript = factories.make_transcript(agency, practitioner)
    plan = assignment_plan(
        agency=agency, transcripts=[transcript], coders=[coder], scheme=factories.miti()
    )
    (assignment,) = assignments_create(
        agency=agency, plan=plan, scheme=factories.miti(), actor=supervisor
    )
    coding = assignment_start(assignment=assignment, actor=coder)
    factories.apply_codes(coding, {1: ["Q"]}, ALL_GLOBALS)
    coding_submit(coding=coding, actor=coder)
    coding_reopen(coding=coding, actor=supervisor, reason="check")
    coding_submit(coding=coding, actor=coder)
    factories.make_coding(
        transcript, coder2, kind=CodingKind.DOUBLE, globals_=ALL_GLOBALS, submitted=True
    )
    adjudication_start(transcript=transcript, scheme=coding.scheme, actor=supervisor)
    response = client_for(supervisor).get(reverse("accounts:audit"))
    assert response.status_code == 200
    actions = [event.action for event in response.context["page"]]
    for action in (
        "assignment.create",
        "coding.start",
        "coding.submit",
        "coding.reopen",
        "adjudication.start",
    ):
        assert action in actions
    filtered = client_for(supervisor).get(reverse("accounts:audit"), {"action": "assignment."})
    assert {e.action for e in filtered.context["page"]} == {"assignment.create"}
    other = client_for(outsider).get(reverse("accounts:audit"))
    assert not [e for e in other.context["page"] if e.agency_id == agency.pk]


@pytest.mark.parametrize("role", [Role.CODER, Role.PRACTITIONER])
def test_coders_and_practitioners_cannot_read_the_log(agency, role, client_for):
    user = factories.make_user(agency, role)
    assert client_for(user).get(reverse("accounts:audit")).status_code == 403
