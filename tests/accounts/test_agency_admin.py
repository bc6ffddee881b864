"""Agency admins manage members, teams and practitioners from the web."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AuditEvent, Membership, Practitioner, Role, Team, User
from accounts.services import agency_settings_update
from tests import factories

pytestmark = pytest.mark.django_db


def test_admin_adds_a_member_with_a_password(agency, admin_user, client_for):
    response = client_for(admin_user).post(
        reverse("accounts:members"),
        {"username": "newbie", "role": Role.CODER, "password": "a-very-long-phrase-9"},
    )
    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    assert user.check_password("a-very-long-phrase-9")
    assert Membership.objects.get(user=user, agency=agency).role == Role.CODER
    assert AuditEvent.objects.filter(action="membership.create", agency=agency).exists()


def test_adding_an_existing_member_again_is_refused(agency, admin_user, coder, client_for):
    response = client_for(admin_user).post(
        reverse("accounts:members"), {"username": coder.username, "role": Role.ADMIN}
    )
    assert response.status_code == 200
    assert "already a member" in response.content.decode()
    assert Membership.objects.get(user=coder).role == Role.CODER


@pytest.mark.parametrize(
    "details",
    [
        {"password": "a-very-long-phrase-9"},
        {"email": "someone@example.org"},
        {"first_name": "Not", "last_name": "Theirs"},
    ],
)
def test_an_account_of_another_agency_joins_as_it_is_never_taken_over(
    agency, admin_user, outsider, client_for, details
):
    # Setting another agency's admin's password or e-mail would hand over that agency.
    outsider.set_password("their-own-phrase-42")
    outsider.save()
    before = User.objects.values().get(pk=outsider.pk)
    client = client_for(admin_user)
    response = client.post(
        reverse("accounts:members"), {"username": outsider.username, "role": "coder", **details}
    )
    assert response.status_code == 200
    assert "already exists; it joins the agency as it is" in response.content.decode()
    assert User.objects.values().get(pk=outsider.pk) == before
    assert not Membership.objects.filter(user=outsider, agency=agency).exists()

    response = client.post(
        reverse("accounts:members"), {"username": outsider.username, "role": "coder"}
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=outsider, agency=agency).role == Role.CODER
    assert User.objects.values().get(pk=outsider.pk) == before
    assert Membership.objects.get(user=outsider, agency__slug="elsewhere").role == Role.ADMIN


def test_admin_changes_a_role(agency, admin_user, coder, client_for):
    membership = Membership.objects.get(user=coder)
    client_for(admin_user).post(
        reverse("accounts:member_edit", args=[membership.pk]), {"role": Role.SUPERVISOR}
    )
    membership.refresh_from_db()
    assert membership.role == Role.SUPERVISOR


def test_admin_cannot_demote_themselves(agency, admin_user, client_for):
    membership = Membership.objects.get(user=admin_user)
    response = client_for(admin_user).post(
        reverse("accounts:member_edit", args=[membership.pk]), {"role": Role.CODER}
    )
    assert response.status_code == 200
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN


def test_removing_a_member_asks_first_then_removes(agency, admin_user, coder, client_for):
    membership = Membership.objects.get(user=coder)
    client = client_for(admin_user)
    url = reverse("accounts:member_remove", args=[membership.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Remove member" in confirm.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()
    client.post(url)
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_team_create_rename_delete(agency, admin_user, client_for):
    client = client_for(admin_user)
    client.post(reverse("accounts:teams"), {"name": "  Outreach  "})
    team = Team.objects.get(agency=agency)
    assert team.name == "Outreach"
    client.post(reverse("accounts:team_edit", args=[team.pk]), {"name": "Community"})
    team.refresh_from_db()
    assert team.name == "Community"
    client.post(reverse("accounts:team_delete", args=[team.pk]))
    assert not Team.objects.filter(pk=team.pk).exists()


def test_duplicate_team_name_is_refused(agency, admin_user, client_for):
    factories.make_team(agency, "Outreach")
    response = client_for(admin_user).post(reverse("accounts:teams"), {"name": "Outreach"})
    assert response.status_code == 200
    assert Team.objects.filter(agency=agency).count() == 1


def test_admin_adds_and_edits_a_practitioner(agency, admin_user, practitioner_user, client_for):
    team = factories.make_team(agency)
    client = client_for(admin_user)
    client.post(
        reverse("accounts:practitioners"),
        {
            "display_name": "Lee Whitman",
            "team": team.pk,
            "user": practitioner_user.pk,
            "active": "on",
        },
    )
    practitioner = Practitioner.objects.get(display_name="Lee Whitman")
    assert practitioner.team == team
    assert practitioner.user == practitioner_user
    client.post(
        reverse("accounts:practitioner_edit", args=[practitioner.pk]),
        {"display_name": "Lee W.", "team": "", "user": ""},
    )
    practitioner.refresh_from_db()
    assert (practitioner.display_name, practitioner.team, practitioner.active) == (
        "Lee W.",
        None,
        False,
    )


def test_forged_team_of_another_agency_is_refused(agency, other_agency, admin_user, client_for):
    foreign_team = factories.make_team(other_agency)
    response = client_for(admin_user).post(
        reverse("accounts:practitioners"), {"display_name": "Sneaky", "team": foreign_team.pk}
    )
    assert response.status_code == 200
    assert not Practitioner.objects.filter(display_name="Sneaky").exists()


def test_agency_settings_are_saved_and_audited(agency, admin_user, client_for):
    client_for(admin_user).post(
        reverse("accounts:agency"),
        {
            "name": "Renamed",
            "coders_see_others_after_submission": "on",
            "calibration_pass_kappa": "0.7",
        },
    )
    agency.refresh_from_db()
    assert (agency.name, agency.coders_see_others_after_submission) == ("Renamed", True)
    assert agency.calibration_pass_kappa == pytest.approx(0.7)
    assert AuditEvent.objects.filter(action="agency.settings").exists()


def test_switching_agency_only_to_ones_you_belong_to(agency, other_agency, client_for):
    user = factories.make_user(agency, Role.SUPERVISOR)
    client = client_for(user)
    response = client.post(reverse("accounts:switch"), {"agency": other_agency.pk})
    assert response.status_code == 404
    Membership.objects.create(user=user, agency=other_agency, role=Role.ADMIN)
    client.post(reverse("accounts:switch"), {"agency": other_agency.pk})
    assert client.get(reverse("accounts:members")).status_code == 200


def test_supervisor_reads_the_audit_log_of_their_agency_only(
    agency, other_agency, supervisor, client_for
):
    from accounts.services import audit_record

    audit_record(actor=None, action="test.home", agency=agency)
    audit_record(actor=None, action="test.elsewhere", agency=other_agency)
    body = client_for(supervisor).get(reverse("accounts:audit")).content.decode()
    assert "test.home" in body
    assert "test.elsewhere" not in body


def test_agency_settings_update_refuses_a_blank_name(agency, admin_user):
    with pytest.raises(ValidationError, match="an agency needs a name"):
        agency_settings_update(
            agency=agency,
            name="  ",
            coders_see_others_after_submission=True,
            calibration_pass_kappa=0.7,
            actor=admin_user,
        )
    agency.refresh_from_db()
    assert agency.name.strip()
    assert not agency.coders_see_others_after_submission
    assert not AuditEvent.objects.filter(action="agency.settings").exists()
