from unittest import mock

import pytest
from django.db import DatabaseError

pytestmark = pytest.mark.django_db


def test_healthz_says_ok_without_signing_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_healthz_reports_a_database_that_does_not_answer(client):
    with mock.patch("mi_coding.views.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content != b"ok"
