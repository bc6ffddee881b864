import pytest
from django.test import Client, override_settings
from django.urls import path

from accounts.access import Cap


def boom(request):
    raise RuntimeError("secret internal detail")


urlpatterns = [path("boom/", boom)]

pytestmark = pytest.mark.django_db


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_server_error_page_leaks_nothing(coder):
    client = Client(raise_request_exception=False)
    client.force_login(coder)
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "secret internal detail" not in body
    assert "Traceback" not in body
    assert "Something went wrong" in body


def test_not_found_page_is_friendly(client_for, coder):
    response = client_for(coder).get("/transcripts/999999/")
    assert response.status_code == 404
    assert "Not found" in response.content.decode()


def test_forbidden_page_names_no_internals(client_for, coder):
    response = client_for(coder).get("/agency/members/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "Not allowed" in body
    assert Cap.MANAGE_AGENCY.value not in body
