"""What each role sees inside its own agency."""

import pytest
from django.urls import reverse

from accounts import access
from accounts.models import Membership, Role
from coding.models import CodingKind
from tests import factories
from tests.factories import ALL_GLOBALS
from workflow import visibility

pytestmark = pytest.mark.django_db


def test_practitioner_sees_only_their_own_sessions(
    agency, practitioner, other_practitioner, practitioner_user, client_for
):
    own = factories.make_transcript(agency, practitioner)
    other = factories.make_transcript(agency, other_practitioner)
    assert list(visibility.transcripts_visible_to(practitioner_user)) == [own]
    client = client_for(practitioner_user)
    assert client.get(reverse("transcripts:detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("transcripts:detail", args=[other.pk])).status_code == 404
    assert (
        client.get(reverse("dashboards:practitioner", args=[other_practitioner.pk])).status_code
        == 404
    )
    assert client.get(reverse("dashboards:practitioner", args=[practitioner.pk])).status_code == 200


def test_practitioner_reads_submitted_feedback_but_not_work_in_progress(
    agency, practitioner, practitioner_user, coder, coder2
):
    transcript = factories.make_transcript(agency, practitioner)
    done = factories.make_coding(transcript, coder, globals_=ALL_GLOBALS, submitted=True)
    factories.make_coding(transcript, coder2, kind=CodingKind.DOUBLE)
    assert list(visibility.codings_visible_to(practitioner_user)) == [done]


def test_coder_sees_only_assigned_transcripts(agency, practitioner, coder, supervisor):
    assigned = factories.make_transcript(agency, practitioner)
    factories.make_transcript(agency, practitioner)
    factories.make_coding(assigned, coder)
    assert list(visibility.transcripts_visible_to(coder)) == [assigned]
    assert visibility.transcripts_visible_to(supervisor).count() == 2


def test_coder_is_blind_to_another_coding_of_the_same_transcript(
    agency, practitioner, coder, coder2, client_for
):
    transcript = factories.make_transcript(agency, practitioner)
    mine = factories.make_coding(transcript, coder, globals_=ALL_GLOBALS, submitted=True)
    theirs = factories.make_coding(
        transcript, coder2, kind=CodingKind.DOUBLE, globals_=ALL_GLOBALS, submitted=True
    )
    assert list(visibility.codings_visible_to(coder)) == [mine]
    response = client_for(coder).get(reverse("coding:workspace", args=[theirs.pk]))
    assert response.status_code == 404


def test_agency_setting_unblinds_coders_only_once_every_coding_is_submitted(
    agency, practitioner, coder, coder2
):
    agency.coders_see_others_after_submission = True
    agency.save()
    transcript = factories.make_transcript(agency, practitioner)
    mine = factories.make_coding(transcript, coder, globals_=ALL_GLOBALS, submitted=True)
    theirs = factories.make_coding(transcript, coder2, kind=CodingKind.DOUBLE)
    assert set(visibility.codings_visible_to(coder)) == {mine}
    theirs.status, theirs.submitted_at = "submitted", mine.submitted_at
    theirs.save()
    assert set(visibility.codings_visible_to(coder)) == {mine, theirs}


def test_supervisor_sees_every_coding_and_researcher_only_submitted(
    agency, practitioner, coder, coder2, supervisor, researcher
):
    transcript = factories.make_transcript(agency, practitioner)
    done = factories.make_coding(transcript, coder, globals_=ALL_GLOBALS, submitted=True)
    open_ = factories.make_coding(transcript, coder2, kind=CodingKind.DOUBLE)
    assert set(visibility.codings_visible_to(supervisor)) == {done, open_}
    assert set(visibility.codings_visible_to(researcher)) == {done}


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ADMIN, 200),
        (Role.SUPERVISOR, 403),
        (Role.CODER, 403),
        (Role.RESEARCHER, 403),
        (Role.PRACTITIONER, 403),
    ],
)
def test_only_agency_admins_manage_members(agency, client_for, role, status):
    user = factories.make_user(agency, role)
    assert client_for(user).get(reverse("accounts:members")).status_code == status


def test_roles_in_two_agencies_follow_each_agency(agency, other_agency):
    user = factories.make_user(agency, Role.ADMIN)
    Membership.objects.create(user=user, agency=other_agency, role=Role.PRACTITIONER)
    assert access.can(user, agency.pk, access.Cap.MANAGE_AGENCY)
    assert not access.can(user, other_agency.pk, access.Cap.MANAGE_AGENCY)
