"""How the API answers: problems as application/problem+json, rate limits per token with
Retry-After, nothing kept by caches, the schema and its documentation open to anyone."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_too_many_requests_from_one_token_get_429_with_retry_after(
    researcher, supervisor, api_as, settings
):
    settings.MI_API_RATE = "3/minute"
    client = api_as(researcher)
    assert [client.get("/api/v1/me/").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get("/api/v1/me/")
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert refused["Cache-Control"] == "no-store"
    wait = int(refused["Retry-After"])
    assert 0 < wait <= 60
    body = refused.json()
    assert body["status"] == 429 and body["retry_after"] == wait
    assert f"{wait} second" in body["detail"]
    # Counted per token: another token (another owner, or the same one) has its own count.
    assert api_as(supervisor).get("/api/v1/me/").status_code == 200
    assert api_as(researcher).get("/api/v1/me/").status_code == 200


def test_writes_have_a_limit_of_their_own(admin_user, api_as, settings):
    settings.MI_API_WRITE_RATE = "1/hour"
    client = api_as(admin_user, scope="write")
    body = {"title": "x", "practitioner": 1, "utterances": []}
    assert (
        client.post("/api/v1/transcripts/", body, content_type="application/json").status_code
        == 400
    )
    refused = client.post("/api/v1/transcripts/", body, content_type="application/json")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 60
    assert client.get("/api/v1/me/").status_code == 200


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("get", "/api/v1/no-such-thing/", 404),
        ("post", "/api/v1/no-such-thing/", 404),
        ("delete", "/api/v1/me/", 405),
        ("post", "/api/v1/scores/", 405),
        ("get", "/api/v1/codings/99999999999999999999/", 404),
    ],
)
def test_errors_are_problems(researcher, api_as, method, url, status):
    response = getattr(api_as(researcher, scope="write"), method)(url)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert set(body) >= {"type", "title", "status", "detail"}
    assert body["status"] == status and body["type"].startswith("urn:mi-coding:problem:")


def test_the_root_points_to_the_schema_and_docs(db):
    response = Client().get("/api/v1/")
    assert response.status_code == 200
    assert response.json() == {"schema": "/api/v1/schema/", "docs": "/api/v1/docs/"}
    assert response["Cache-Control"] == "no-store"


def test_every_answer_forbids_caching(researcher, api_as):
    client = api_as(researcher)
    for url in ("/api/v1/me/", "/api/v1/transcripts/", "/api/v1/schema/", "/api/v1/docs/"):
        assert client.get(url)["Cache-Control"] == "no-store", url


def test_the_schema_and_docs_need_no_token_and_no_internet(db):
    client = Client()
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    assert schema.json()["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "<script>" not in html and "<style" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "http://" not in html and "https://" not in html
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in script.content.decode()
