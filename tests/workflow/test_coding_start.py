"""Starting a coding: every path goes through one service that takes the kind from the
coder's assignment, fulfils it and records the start in the audit log."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AuditEvent
from coding.models import Coding, CodingKind, CodingScheme
from tests import factories
from workflow.models import Assignment
from workflow.services.codings import coding_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def transcript(agency, practitioner):
    return factories.make_transcript(agency, practitioner)


def test_a_supervisor_coding_themselves_is_audit_logged(transcript, supervisor):
    coding = coding_start(
        transcript=transcript, scheme=factories.miti(), coder=supervisor, actor=supervisor
    )
    assert coding.kind == CodingKind.PRIMARY
    event = AuditEvent.objects.get(action="coding.start")
    assert (event.actor, event.object_id, event.details["kind"]) == (
        supervisor,
        str(coding.pk),
        "primary",
    )
    assert event.details["assignment"] is None
    assert event.details["coded_from"] == "transcript"


def test_the_audit_log_says_a_coding_is_made_from_the_recording(agency, practitioner, coder):
    session = factories.make_audio_session(agency, practitioner)
    coding = coding_start(transcript=session, scheme=factories.miti(), coder=coder, actor=coder)
    event = AuditEvent.objects.get(action="coding.start", object_id=str(coding.pk))
    assert event.details["coded_from"] == "audio"


def test_the_start_page_goes_through_the_service(transcript, supervisor, client_for):
    response = client_for(supervisor).post(
        reverse("coding:start", args=[transcript.pk]), {"scheme": "miti-4.2.1"}
    )
    coding = Coding.objects.get(transcript=transcript, coder=supervisor)
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="coding.start", object_id=str(coding.pk)).exists()


def test_the_kind_comes_from_the_assignment_which_it_fulfils(transcript, coder, supervisor):
    scheme = factories.miti()
    assignment = Assignment.objects.create(
        agency=transcript.agency,
        transcript=transcript,
        coder=coder,
        scheme=scheme,
        kind=CodingKind.DOUBLE,
    )
    coding = coding_start(transcript=transcript, scheme=scheme, coder=coder, actor=coder)
    assignment.refresh_from_db()
    assert coding.kind == CodingKind.DOUBLE
    assert assignment.coding == coding
    event = AuditEvent.objects.get(action="coding.start")
    assert event.details["assignment"] == assignment.pk


def test_starting_again_returns_the_same_coding_and_logs_once(transcript, coder):
    scheme = factories.miti()
    first = coding_start(transcript=transcript, scheme=scheme, coder=coder, actor=coder)
    second = coding_start(transcript=transcript, scheme=scheme, coder=coder, actor=coder)
    assert first == second
    assert Coding.objects.filter(transcript=transcript, coder=coder).count() == 1
    assert AuditEvent.objects.filter(action="coding.start").count() == 1


def test_a_refused_start_leaves_nothing_behind(transcript, coder, other_agency):
    own_scheme = CodingScheme.objects.create(slug="theirs", name="Theirs", agency=other_agency)
    with pytest.raises(ValidationError, match="another agency"):
        coding_start(transcript=transcript, scheme=own_scheme, coder=coder, actor=coder)
    assert not Coding.objects.exists()
    assert not AuditEvent.objects.filter(action="coding.start").exists()
