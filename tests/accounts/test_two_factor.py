"""Two-factor sign-in: set up and removed by the user with their password, asked for after the
password, recovery codes once each, and required by an agency of its admins and supervisors."""

import json
import re
import time

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEvent, Role
from accounts.two_factor import (
    authenticator_start,
    recovery_codes_renew,
    two_factor_enable,
    two_factor_verify,
)
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_code_throttle(settings):
    # django-otp makes each wrong code wait longer before the next; tests type at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def code(device: TOTPDevice, steps: int = 0) -> str:
    """What the authenticator app shows, ``steps`` periods from now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps * device.step
    return f"{totp.token():06d}"


def enable(user) -> tuple[TOTPDevice, list[str]]:
    device = authenticator_start(user=user)
    codes = two_factor_enable(user=user, device_id=device.pk, code=code(device))
    device.refresh_from_db()
    return device, codes


def password_step(client: Client, username: str = "ana"):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def test_setting_up_asks_for_the_password_then_a_code_and_shows_recovery_codes_once(
    agency, coder, client_for
):
    client = client_for(coder)
    url = reverse("two_factor_setup")
    wrong = client.post(url, {"step": "password", "password": "not-mine"})
    assert "That is not your password." in wrong.content.decode()
    assert not TOTPDevice.objects.exists()
    page = client.post(url, {"step": "password", "password": PASSWORD}).content.decode()
    assert "<svg" in page and 'class="segno"' in page and "data:" not in page
    device = TOTPDevice.objects.get(user=coder, confirmed=False)
    bad = client.post(url, {"step": "code", "code": "000000" if code(device) != "000000" else "1"})
    assert "That code is not right" in bad.content.decode()
    done = client.post(url, {"step": "code", "code": code(device)})
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", done.content.decode())
    assert len(codes) == 10
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(codes)
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.get(action="two_factor.enable").agency == agency
    account = client.get(reverse("account")).content.decode()
    assert "10 recovery codes left" in account
    assert not any(c in account for c in codes)


def test_sign_in_asks_for_the_code_after_the_password(coder):
    device, _ = enable(coder)
    client = Client()
    response = password_step(client)
    assert response["Location"] == reverse("login_code")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302
    wrong = client.post(reverse("login_code"), {"code": "12345"})
    assert "That code is not right" in wrong.content.decode()
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("login_code"), {"code": code(device, 1)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(coder.pk)
    assert client.session["otp_device_id"] == device.persistent_id


def test_the_code_step_needs_the_password_step_first_and_goes_stale(coder):
    device, _ = enable(coder)
    client = Client()
    assert client.post(reverse("login_code"), {"code": code(device, 1)})["Location"] == reverse(
        "login"
    )
    password_step(client)
    session = client.session
    session["mi_signin_pending"]["since"] -= 301
    session.save()
    client.post(reverse("login_code"), {"code": code(device, 1)})
    assert "_auth_user_id" not in client.session


def test_wrong_codes_count_toward_the_sign_in_lockout(coder):
    device, _ = enable(coder)
    client = Client(REMOTE_ADDR="203.0.113.7")
    password_step(client)
    for _ in range(10):
        response = client.post(reverse("login_code"), {"code": "99999999"})
    assert response.status_code == 429
    assert password_step(client).status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="login.lockout").count() == 1
    assert "99999999" not in "".join(AccessAttempt.objects.values_list("post_data", flat=True))


def test_a_recovery_code_signs_in_once_and_is_audited(agency, coder):
    _, codes = enable(coder)
    client = Client()
    password_step(client)
    assert client.post(reverse("login_code"), {"code": codes[0].upper()}).status_code == 302
    assert "_auth_user_id" in client.session
    event = AuditEvent.objects.get(action="two_factor.recovery_code_used")
    assert (event.agency, event.details["left"]) == (agency, 9)
    again = Client()
    password_step(again)
    again.post(reverse("login_code"), {"code": codes[0]})
    assert "_auth_user_id" not in again.session


def test_new_recovery_codes_replace_the_old(coder):
    _, old = enable(coder)
    new = recovery_codes_renew(user=coder)
    assert two_factor_verify(user=coder, code=old[0]) is None
    assert two_factor_verify(user=coder, code=new[0]) is not None
    assert AuditEvent.objects.filter(action="two_factor.recovery_codes").exists()


def test_turning_it_off_needs_the_password_and_is_audited(agency, coder, client_for):
    enable(coder)
    client = client_for(coder)
    url = reverse("two_factor_remove")
    client.post(url, {"password": "not-mine"})
    assert TOTPDevice.objects.filter(user=coder).exists()
    assert client.post(url, {"password": PASSWORD}).status_code == 302
    assert not TOTPDevice.objects.filter(user=coder).exists()
    assert not StaticToken.objects.exists()
    assert AuditEvent.objects.get(action="two_factor.disable").agency == agency
    assert password_step(Client()).status_code == 302


# ---------------------------------------------------------------- the agency's requirement


@pytest.fixture
def requiring(agency):
    agency.require_two_factor = True
    agency.save()
    return agency


def test_the_requirement_is_an_agency_setting_and_audited(agency, admin_user, client_for):
    client_for(admin_user).post(
        reverse("accounts:agency"),
        {"name": agency.name, "calibration_pass_kappa": "0.6", "require_two_factor": "on"},
    )
    agency.refresh_from_db()
    assert agency.require_two_factor
    event = AuditEvent.objects.get(action="agency.settings")
    assert event.details["before"]["require_two_factor"] is False


@pytest.mark.parametrize("persona", ["admin_user", "supervisor"])
def test_admins_and_supervisors_without_it_are_sent_to_set_it_up(
    requiring, client_for, request, persona
):
    client = client_for(request.getfixturevalue(persona))
    for url in [reverse("home"), reverse("transcripts:list"), reverse("account")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("two_factor_setup")
    assert client.get(reverse("two_factor_setup")).status_code == 200


def test_json_endpoints_answer_403_with_a_message(requiring, supervisor, coder, client_for):
    coding = factories.make_coding(factories.make_transcript(requiring), supervisor)
    response = client_for(supervisor).post(
        reverse("coding:api_notes", args=[coding.pk]),
        json.dumps({"text": "x"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "requires two-factor sign-in" in response.json()["error"]
    coding.refresh_from_db()
    assert coding.notes == ""


def test_other_roles_are_not_held_up(requiring, coder, client_for):
    assert client_for(coder).get(reverse("home")).status_code == 200


def test_an_agency_without_the_setting_does_not_ask(agency, supervisor, client_for):
    assert client_for(supervisor).get(reverse("home")).status_code == 200


def test_once_set_up_they_go_on(requiring, supervisor, client_for):
    client = client_for(supervisor)
    client.post(reverse("two_factor_setup"), {"step": "password", "password": PASSWORD})
    device = TOTPDevice.objects.get(user=supervisor)
    client.post(reverse("two_factor_setup"), {"step": "code", "code": code(device)})
    assert client.get(reverse("home")).status_code == 200


def test_a_role_in_one_requiring_agency_is_enough(requiring, other_agency, client_for):
    user = factories.make_user(other_agency, Role.CODER)
    from accounts.models import Membership

    Membership.objects.create(user=user, agency=requiring, role=Role.SUPERVISOR)
    assert client_for(user).get(reverse("home"))["Location"] == reverse("two_factor_setup")
