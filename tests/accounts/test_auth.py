import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_sign_in_and_out(client, coder):
    response = client.post(reverse("login"), {"username": "ana", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_is_refused_without_saying_which_part(client, coder):
    response = client.post(reverse("login"), {"username": "ana", "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_change_password(client_for, coder):
    client = client_for(coder)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-phrase-7",
            "new_password2": "another-long-phrase-7",
        },
    )
    assert response.status_code == 302
    coder.refresh_from_db()
    assert coder.check_password("another-long-phrase-7")


def test_navigation_follows_the_role(client_for, coder, admin_user):
    coder_page = client_for(coder).get(reverse("home")).content.decode()
    admin_page = client_for(admin_user).get(reverse("home")).content.decode()
    assert reverse("accounts:agency") not in coder_page
    assert reverse("accounts:agency") in admin_page
    assert reverse("workflow:queue") in coder_page
