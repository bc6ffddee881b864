"""Joining an agency by invitation: a one-time link that its holder accepts or declines."""

import hashlib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.access import current_agency
from accounts.invitations import (
    invitation_accept,
    invitation_accept_new_account,
    invitation_by_token,
    invitation_create,
    invitation_decline,
    invitation_revoke,
    invitations_pending,
)
from accounts.models import AuditEvent, Invitation, InvitationStatus, Membership, Role, User
from accounts.services import default_agency_set, membership_remove
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(agency, admin_user):
    return invitation_create(agency=agency, role=Role.SUPERVISOR, actor=admin_user, note="Maria")


def test_only_a_hash_of_the_token_is_stored(invited):
    invitation, token = invited
    assert len(token) >= 40
    stored = Invitation.objects.values().get(pk=invitation.pk)
    assert token not in str(stored)
    assert stored["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert invitation_by_token(token) == invitation
    assert invitation_by_token(token + "x") is None
    assert invitation_by_token("x" * 5000) is None
    event = AuditEvent.objects.get(action="invitation.create")
    assert token not in str(event.details)


def test_an_existing_account_accepts_and_keeps_its_default_agency(invited, agency, outsider):
    outsider.refresh_from_db()
    home = outsider.memberships.get().agency
    default_agency_set(user=outsider, agency=home)
    invitation, _ = invited
    invitation_accept(invitation=invitation, user=outsider)
    assert Membership.objects.get(user=outsider, agency=agency).role == Role.SUPERVISOR
    outsider.refresh_from_db()
    assert outsider.default_agency == home
    invitation.refresh_from_db()
    assert (invitation.status, invitation.member) == (InvitationStatus.ACCEPTED, outsider)
    event = AuditEvent.objects.get(action="invitation.accept")
    assert (event.actor, event.agency, event.details["username"]) == (outsider, agency, "otto")


def test_a_link_works_once(invited, outsider, coder):
    invitation, token = invited
    invitation_accept(invitation=invitation, user=outsider)
    assert invitation_by_token(token) is None
    stranger = factories.make_user(username="stranger")
    with pytest.raises(ValidationError, match="not valid"):
        invitation_accept(invitation=invitation, user=stranger)
    with pytest.raises(ValidationError, match="not valid"):
        invitation_decline(invitation=invitation, actor=stranger)
    assert not Membership.objects.filter(user=stranger).exists()


def test_an_expired_link_does_nothing(invited, outsider):
    invitation, token = invited
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert invitation_by_token(token) is None
    with pytest.raises(ValidationError, match="not valid"):
        invitation_accept(invitation=invitation, user=outsider)
    assert not Membership.objects.filter(user=outsider, agency=invitation.agency).exists()
    assert list(invitations_pending(invitation.agency)) == [invitation]  # still there, to revoke


def test_a_declined_or_revoked_link_does_nothing(agency, admin_user, outsider):
    declined, declined_token = invitation_create(agency=agency, role=Role.CODER, actor=admin_user)
    invitation_decline(invitation=declined, actor=outsider)
    revoked, revoked_token = invitation_create(agency=agency, role=Role.CODER, actor=admin_user)
    invitation_revoke(invitation=revoked, actor=admin_user)
    for invitation, token in [(declined, declined_token), (revoked, revoked_token)]:
        assert invitation_by_token(token) is None
        with pytest.raises(ValidationError, match="not valid"):
            invitation_accept(invitation=invitation, user=outsider)
    with pytest.raises(ValidationError, match="already answered or withdrawn"):
        invitation_revoke(invitation=declined, actor=admin_user)
    assert not Membership.objects.filter(user=outsider, agency=agency).exists()
    assert list(invitations_pending(agency)) == []
    assert AuditEvent.objects.filter(action="invitation.decline", actor=outsider).exists()
    assert AuditEvent.objects.filter(action="invitation.revoke", actor=admin_user).exists()


def test_a_new_account_made_with_a_link_joins_with_the_agency_as_its_default(invited, agency):
    invitation, _ = invited
    user = invitation_accept_new_account(
        invitation=invitation, username="maria", password="a-long-enough-phrase-7"
    )
    assert user.check_password("a-long-enough-phrase-7")
    assert user.default_agency == agency
    assert Membership.objects.get(user=user).role == Role.SUPERVISOR


def test_a_new_account_cannot_take_a_user_name_in_use(invited, outsider):
    invitation, token = invited
    for name in ["otto", "OTTO"]:
        with pytest.raises(ValidationError, match="is taken"):
            invitation_accept_new_account(
                invitation=invitation, username=name, password="a-long-enough-phrase-7"
            )
    assert invitation_by_token(token) == invitation
    assert not Membership.objects.filter(user=outsider, agency=invitation.agency).exists()


def test_a_new_account_needs_a_good_password(invited):
    invitation, _ = invited
    with pytest.raises(ValidationError, match="password refused"):
        invitation_accept_new_account(invitation=invitation, username="maria", password="123")
    assert not User.objects.filter(username="maria").exists()


def test_joining_an_agency_with_a_lower_id_does_not_move_where_the_user_starts(
    other_agency, admin_user, agency
):
    # other_agency is made first here, so it has the lower id the old rule fell back to.
    newer = factories.make_agency(slug="newer")
    user = factories.make_user(username="mover")
    from accounts.services import membership_set

    membership_set(user=user, agency=newer, role=Role.CODER, actor=None)
    invitation, _ = invitation_create(
        agency=other_agency, role=Role.CODER, actor=factories.make_user(other_agency, Role.ADMIN)
    )
    invitation_accept(invitation=invitation, user=user)
    assert other_agency.pk < newer.pk
    request = RequestFactory().get("/")
    request.user = User.objects.get(pk=user.pk)
    request.session = {}
    assert current_agency(request) == newer
    request.session = {"agency_id": other_agency.pk}
    assert current_agency(request) == other_agency


def test_only_the_user_sets_their_default_and_only_to_their_own_agencies(
    agency, other_agency, coder, client_for
):
    with pytest.raises(ValidationError, match="not a member"):
        default_agency_set(user=coder, agency=other_agency)
    Membership.objects.create(user=coder, agency=other_agency, role=Role.CODER)
    client = client_for(coder)
    response = client.post(reverse("account"), {"agency": other_agency.pk})
    assert response.status_code == 302
    coder.refresh_from_db()
    assert coder.default_agency == other_agency
    stranger_agency = factories.make_agency()
    response = client.post(reverse("account"), {"agency": stranger_agency.pk})
    assert response.status_code == 200
    coder.refresh_from_db()
    assert coder.default_agency == other_agency


def test_leaving_the_default_agency_moves_the_default_to_the_oldest_other(
    agency, other_agency, admin_user, coder
):
    Membership.objects.create(user=coder, agency=other_agency, role=Role.CODER)
    default_agency_set(user=coder, agency=agency)
    membership_remove(
        membership=Membership.objects.get(user=coder, agency=agency), actor=admin_user
    )
    coder.refresh_from_db()
    assert coder.default_agency == other_agency


# ---------------------------------------------------------------- the pages


def test_the_admin_page_shows_a_link_once_and_lists_what_is_open(agency, admin_user, client_for):
    client = client_for(admin_user)
    response = client.post(
        reverse("accounts:members"),
        {"role": Role.CODER, "note": "Ravi", "email": "ravi@example.org"},
    )
    link = response.context["new_link"]
    assert link.startswith("http://testserver/invitations/")
    assert link in response.content.decode()
    assert len(mail.outbox) == 1 and link in mail.outbox[0].body
    assert mail.outbox[0].to == ["ravi@example.org"]
    again = client.get(reverse("accounts:members")).content.decode()
    assert link not in again
    assert "Ravi" in again and "ravi@example.org" in again


def test_the_admin_withdraws_an_invitation_after_confirming(agency, admin_user, client_for):
    invitation, token = invitation_create(agency=agency, role=Role.CODER, actor=admin_user)
    client = client_for(admin_user)
    url = reverse("accounts:invitation_revoke", args=[invitation.pk])
    assert "Withdraw invitation" in client.get(url).content.decode()
    assert invitation_by_token(token) == invitation
    assert client.post(url).status_code == 302
    assert invitation_by_token(token) is None


def test_another_agencys_invitation_cannot_be_withdrawn(
    other_agency, outsider, admin_user, client_for
):
    invitation, token = invitation_create(agency=other_agency, role=Role.CODER, actor=outsider)
    url = reverse("accounts:invitation_revoke", args=[invitation.pk])
    assert client_for(admin_user).post(url).status_code == 404
    assert invitation_by_token(token) == invitation


def test_a_supervisor_cannot_invite(agency, supervisor, client_for):
    response = client_for(supervisor).post(reverse("accounts:members"), {"role": Role.ADMIN})
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_every_link_that_does_not_work_answers_alike(invited, outsider):
    invitation, token = invited
    used, used_token = invitation_create(
        agency=invitation.agency, role=Role.CODER, actor=invitation.created_by
    )
    invitation_accept(invitation=used, user=outsider)
    bodies = set()
    for bad in ["nonsense", used_token, "x" * 300]:
        response = Client().get(reverse("invitation", args=[bad]))
        assert response.status_code == 404
        bodies.add(response.content)
    assert len(bodies) == 1


def test_a_signed_out_visitor_signs_in_first_and_finds_the_invitation_listed(
    invited, agency, outsider
):
    invitation, token = invited
    client = Client()
    url = reverse("invitation", args=[token])
    page = client.get(url).content.decode()
    assert "Sign in to accept" in page and "Create account and join" in page
    assert client.post(url, {"action": "accept"})["Location"].startswith(reverse("login"))
    client.force_login(outsider)
    listed = client.get(reverse("account")).content.decode()
    assert agency.name in listed
    response = client.post(
        reverse("invitation_respond", args=[invitation.pk]), {"action": "accept"}
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=outsider, agency=agency).role == Role.SUPERVISOR


def test_an_invitation_not_opened_in_this_session_cannot_be_answered(invited, outsider, client_for):
    invitation, _ = invited
    response = client_for(outsider).post(
        reverse("invitation_respond", args=[invitation.pk]), {"action": "accept"}
    )
    assert response.status_code == 404
    assert not Membership.objects.filter(user=outsider, agency=invitation.agency).exists()


def test_declining_without_an_account(invited):
    invitation, token = invited
    response = Client().post(reverse("invitation", args=[token]), {"action": "decline"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED
    assert AuditEvent.objects.get(action="invitation.decline").actor is None


def test_creating_an_account_from_the_link_signs_the_person_in(invited, agency):
    _, token = invited
    client = Client()
    response = client.post(
        reverse("invitation", args=[token]),
        {
            "action": "create",
            "username": "maria",
            "password1": "a-long-enough-phrase-7",
            "password2": "a-long-enough-phrase-7",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"].username == "maria"


def test_two_different_passwords_are_refused(invited):
    _, token = invited
    response = Client().post(
        reverse("invitation", args=[token]),
        {
            "action": "create",
            "username": "maria",
            "password1": "a-long-enough-phrase-7",
            "password2": "a-long-enough-phrase-8",
        },
    )
    assert response.status_code == 200
    assert "The two passwords differ." in response.content.decode()
    assert not User.objects.filter(username="maria").exists()
