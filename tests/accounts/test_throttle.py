"""Sign-in throttling: failures count per user name and address together; an admin unlocks."""

import logging

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from accounts.lockouts import locked_usernames, login_lockout_clear
from accounts.models import AuditEvent, Membership, Role, User
from accounts.signin import client_ip
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def hammer(client: Client, username: str, times: int = 25) -> None:
    for attempt in range(times):
        sign_in(client, username, f"wrong-{attempt}")


def test_twenty_five_wrong_passwords_then_the_right_one_does_not_sign_in(coder):
    client = Client(REMOTE_ADDR="203.0.113.7")
    hammer(client, "ana")
    response = sign_in(client, "ana", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    body = response.content.decode()
    assert "Too many failed sign-ins for this user name from your network address" in body
    assert "an admin of your agency" in body
    kept = "".join(AccessAttempt.objects.values_list("post_data", flat=True))
    assert "ana" not in kept and "wrong-" not in kept and PASSWORD not in kept


def test_the_lock_holds_only_for_that_user_name_from_that_address(coder, coder2):
    hammer(Client(REMOTE_ADDR="203.0.113.7"), "ana")
    assert sign_in(Client(REMOTE_ADDR="198.51.100.4"), "ana", PASSWORD).status_code == 302
    assert sign_in(Client(REMOTE_ADDR="203.0.113.7"), "ben", PASSWORD).status_code == 302


def test_a_success_before_the_limit_starts_the_count_again(coder):
    client = Client(REMOTE_ADDR="203.0.113.7")
    hammer(client, "ana", times=9)
    assert sign_in(client, "ana", PASSWORD).status_code == 302
    client = Client(REMOTE_ADDR="203.0.113.7")
    hammer(client, "ana", times=9)
    assert sign_in(client, "ana", PASSWORD).status_code == 302


def test_a_lockout_is_audited_once_in_every_agency_of_the_account(agency, other_agency, coder):
    Membership.objects.create(user=coder, agency=other_agency, role=Role.RESEARCHER)
    hammer(Client(REMOTE_ADDR="203.0.113.7"), "ana")
    events = AuditEvent.objects.filter(action="login.lockout")
    assert sorted(e.agency.slug for e in events) == ["elsewhere", "home"]
    assert {e.details["ip_address"] for e in events} == {"203.0.113.7"}
    assert {e.object_repr for e in events} == {"ana"}


def test_a_lockout_of_an_unknown_user_name_is_only_logged(agency, caplog):
    with caplog.at_level(logging.WARNING, logger="accounts.lockouts"):
        hammer(Client(REMOTE_ADDR="203.0.113.7"), "nobody-here")
    assert not AuditEvent.objects.filter(action="login.lockout").exists()
    assert "sign-in locked out for user name 'nobody-here'" in caplog.text


def test_an_agency_admin_unlocks_a_member_and_it_is_audited(agency, admin_user, coder, client_for):
    hammer(Client(REMOTE_ADDR="203.0.113.7"), "ana")
    admin = client_for(admin_user)
    page = admin.get(reverse("accounts:members")).content.decode()
    assert "locked out" in page
    membership = Membership.objects.get(user=coder, agency=agency)
    assert admin.post(reverse("accounts:member_unlock", args=[membership.pk])).status_code == 302
    assert locked_usernames(["ana"]) == set()
    assert sign_in(Client(REMOTE_ADDR="203.0.113.7"), "ana", PASSWORD).status_code == 302
    event = AuditEvent.objects.get(action="login.unlock")
    assert (event.actor, event.agency, event.object_repr) == (admin_user, agency, "ana")


def test_only_an_admin_of_the_members_agency_unlocks(
    agency, other_agency, supervisor, outsider, coder, client_for
):
    hammer(Client(REMOTE_ADDR="203.0.113.7"), "ana")
    membership = Membership.objects.get(user=coder, agency=agency)
    url = reverse("accounts:member_unlock", args=[membership.pk])
    assert client_for(supervisor).post(url).status_code == 403
    assert client_for(outsider).post(url).status_code == 404
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        login_lockout_clear(username="ana", actor=outsider, agency=other_agency)
    with pytest.raises(PermissionDenied):
        login_lockout_clear(username="ana", actor=outsider, agency=None)
    assert locked_usernames(["ana"]) == {"ana"}
    assert not AuditEvent.objects.filter(action="login.unlock").exists()


def test_the_django_admin_unlocks_through_the_audited_service(agency, coder, client_for):
    hammer(Client(REMOTE_ADDR="203.0.113.7"), "ana")
    root = User.objects.create_superuser("root", password="root-password-long")
    admin = client_for(root)
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert "ana" in admin.get(changelist).content.decode()
    attempt = AccessAttempt.objects.get(username="ana")
    response = admin.post(changelist, {"action": "unlock", "_selected_action": [attempt.pk]})
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert AuditEvent.objects.get(action="login.unlock", agency=agency).actor == root


@override_settings(MI_BEHIND_PROXY=True)
def test_behind_the_proxy_the_address_is_the_one_the_proxy_saw():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9"
    )
    assert client_ip(request) == "203.0.113.9"


def test_without_a_proxy_a_forwarded_header_is_ignored():
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "203.0.113.9"


def test_the_admin_sign_in_page_is_the_sites_own(coder):
    client = Client()
    response = client.post(
        reverse("admin:login"), {"username": "ana", "password": PASSWORD}, follow=False
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
