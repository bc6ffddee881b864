"""Agency admins manage members (by invitation), teams and practitioners from the web."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, Invitation, Membership, Practitioner, Role, Team, User
from accounts.services import agency_settings_update
from tests import factories

pytestmark = pytest.mark.django_db


def _invite(client, role=Role.CODER, **fields) -> str:
    """Make an invitation from the members page; the one-time link it shows."""
    response = client.post(reverse("accounts:members"), {"role": role, **fields})
    assert response.status_code == 200
    return response.context["new_link"]


def test_admin_invites_and_a_new_person_joins_with_their_own_password(
    agency, admin_user, client_for
):
    link = _invite(client_for(admin_user), note="New coder")
    assert Invitation.objects.get(agency=agency).note == "New coder"
    response = Client().post(
        link,
        {
            "action": "create",
            "username": "newbie",
            "password1": "a-very-long-phrase-9",
            "password2": "a-very-long-phrase-9",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    assert user.check_password("a-very-long-phrase-9")
    assert Membership.objects.get(user=user, agency=agency).role == Role.CODER
    assert user.default_agency == agency
    actions = set(AuditEvent.objects.filter(agency=agency).values_list("action", flat=True))
    assert {"invitation.create", "invitation.accept", "membership.create"} <= actions


def test_an_existing_member_accepting_again_is_refused(agency, admin_user, coder, client_for):
    link = _invite(client_for(admin_user), role=Role.ADMIN)
    response = client_for(coder).post(link, {"action": "accept"})
    assert response.status_code == 200
    assert "already a member" in response.content.decode()
    assert Membership.objects.get(user=coder).role == Role.CODER


@pytest.mark.parametrize(
    "details",
    [
        {"password": "a-very-long-phrase-9"},
        {"email": "someone@example.org"},
        {"first_name": "Not", "last_name": "Theirs"},
        {},
    ],
)
def test_an_account_of_another_agency_is_never_added_or_changed_by_an_admin(
    agency, admin_user, outsider, client_for, details
):
    # Naming an account used to make it a member at once, with the adopting agency as the
    # place its owner landed on their next sign-in.
    outsider.set_password("their-own-phrase-42")
    outsider.default_agency = outsider.memberships.get().agency
    outsider.save()

    def account():
        row = User.objects.values().get(pk=outsider.pk)
        row.pop("last_login")  # signing in to accept sets it
        return row

    before = account()
    client = client_for(admin_user)
    response = client.post(
        reverse("accounts:members"), {"username": outsider.username, "role": "coder", **details}
    )
    assert response.status_code == 200
    assert outsider.username not in response.content.decode()
    assert account() == before
    assert not Membership.objects.filter(user=outsider, agency=agency).exists()

    # Only its owner, holding a link, brings the account in; it stays as it was.
    link = response.context["new_link"]
    client_for(outsider).post(link, {"action": "accept"})
    assert Membership.objects.get(user=outsider, agency=agency).role == Role.CODER
    assert account() == before
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


def test_the_audit_log_shows_readable_values(agency, supervisor, client_for):
    from accounts.services import audit_record

    audit_record(
        actor=None,
        action="calibration.result",
        agency=agency,
        details={
            "mean_kappa": 0.7702722509430576,
            "pass_mark": 0.6,
            "passed": True,
            "assignment": None,
            "decisions": {"agreement": 12, "coding": 8},
            "sources": [1, 2],
        },
    )
    body = client_for(supervisor).get(reverse("accounts:audit")).content.decode()
    row = body[body.index("calibration.result") :].split("</tr>", 1)[0]
    shown = row.split("</code>", 1)[1]
    # PostgreSQL keeps JSON keys in an order of its own: check each detail, not the order.
    for detail in (
        "mean kappa: 0.77",
        "pass mark: 0.60",
        "passed: yes",
        "assignment: —",
        "sources: 1, 2",
    ):
        assert detail in shown
    assert "agreement 12" in shown and "coding 8" in shown
    for raw in ("None", "{", "[", "0.7702722509430576", "True"):
        assert raw not in shown


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
