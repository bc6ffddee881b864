"""Personal access tokens: made on the owner's page, shown once, kept as a digest, scoped,
expiring, revocable, bound to one agency, never stronger than the owner's role now."""

import datetime
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Membership, Role
from accounts.services import membership_remove, membership_set
from api.models import AccessToken, Scope
from api.services import token_create, token_revoke
from tests import factories

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def _create_on_page(client: Client, **fields: object) -> Client:
    data = {"name": "R scripts", "scope": "read", "days": "30", **fields}
    return client.post(reverse("api:tokens"), data)


def _secret_in(response) -> str:
    html = response.content.decode()
    start = html.index('value="mic_') + len('value="')
    return html[start : html.index('"', start)]


def test_a_token_made_on_the_page_is_shown_once_and_stored_as_a_digest(researcher, client_for):
    client = client_for(researcher)
    response = _create_on_page(client)
    assert response.status_code == 200
    assert "will not be shown again" in response.content.decode()
    assert response["Cache-Control"].count("no-store") == 1
    secret = _secret_in(response)
    token = AccessToken.objects.get(user=researcher)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(token.prefix) and len(secret) > 40
    stored = [str(v) for v in AccessToken.objects.filter(pk=token.pk).values().get().values()]
    assert not any(secret in value for value in stored)
    again = client.get(reverse("api:tokens"))
    assert secret not in again.content.decode()
    assert token.prefix in again.content.decode()
    assert Client(headers={"Authorization": f"Bearer {secret}"}).get(ME).status_code == 200


def test_the_user_menu_links_to_the_tokens_page(researcher, client_for):
    page = client_for(researcher).get(reverse("home")).content.decode()
    assert reverse("api:tokens") in page


def test_the_page_offers_no_lifetime_past_the_maximum(researcher, client_for, settings):
    settings.MI_API_TOKEN_MAX_DAYS = 60
    client = client_for(researcher)
    response = _create_on_page(client, days="365")
    assert response.status_code == 200
    assert not AccessToken.objects.exists()
    assert "365 is not one of the available choices" in response.content.decode()
    _create_on_page(client, days="60")
    token = AccessToken.objects.get()
    assert token.expires_at - token.created_at < datetime.timedelta(days=60, minutes=1)


@pytest.mark.parametrize("days", [0, -1, 366])
def test_the_service_refuses_a_lifetime_outside_the_limits(agency, researcher, days):
    with pytest.raises(ValidationError, match="from 1 to 365 days"):
        token_create(user=researcher, agency=agency, name="x", scope="read", days=days)
    assert not AccessToken.objects.exists()


def test_a_token_needs_a_name_and_a_known_scope(agency, researcher):
    with pytest.raises(ValidationError, match="name"):
        token_create(user=researcher, agency=agency, name="  ", scope="read", days=5)
    with pytest.raises(ValidationError, match="scope"):
        token_create(user=researcher, agency=agency, name="x", scope="admin", days=5)
    assert not AccessToken.objects.exists()


def test_no_token_for_an_agency_the_user_is_not_in(other_agency, researcher):
    with pytest.raises(ValidationError, match="not a member"):
        token_create(user=researcher, agency=other_agency, name="x", scope="read", days=5)


def test_an_expired_token_is_refused_with_a_message(researcher, token_for, api_client):
    secret = token_for(researcher)
    now = timezone.now()
    AccessToken.objects.update(
        created_at=now - datetime.timedelta(days=2), expires_at=now - datetime.timedelta(seconds=1)
    )
    response = api_client(secret).get(ME)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"].endswith(":token_expired")
    assert "expired" in body["detail"] and reverse("api:tokens") in body["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_stops_at_once(researcher, token_for, api_client, client_for):
    secret = token_for(researcher)
    client = api_client(secret)
    assert client.get(ME).status_code == 200
    token = AccessToken.objects.get()
    page = client_for(researcher)
    assert page.get(reverse("api:token_revoke", args=[token.pk])).status_code == 200
    assert page.post(reverse("api:token_revoke", args=[token.pk])).status_code == 302
    response = client.get(ME)
    assert response.status_code == 401
    assert response.json()["type"].endswith(":token_revoked")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_nobody_revokes_another_persons_token(researcher, supervisor, token_for, client_for):
    token_for(researcher)
    token = AccessToken.objects.get()
    response = client_for(supervisor).post(reverse("api:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_twice_changes_nothing(agency, researcher):
    token, _ = token_create(user=researcher, agency=agency, name="x", scope="read", days=5)
    first = token_revoke(token=token, actor=researcher).revoked_at
    assert token_revoke(token=token, actor=researcher).revoked_at == first
    assert AuditEvent.objects.filter(action="api.token_revoke").count() == 1


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("Bearer mic_notarealtokenatall", "token_invalid"),
        ("Bearer something-else", "token_invalid"),
        ("Basic YWRlbGU6cGFzc3dvcmQ=", "malformed_authorization"),
        ("Bearer", "malformed_authorization"),
    ],
)
def test_a_bad_authorization_header_is_refused_with_a_message(db, header, code):
    response = Client(headers={"Authorization": header}).get(ME)
    assert response.status_code == 401
    assert response.json()["type"].endswith(f":{code}")


def test_without_a_token_the_api_answers_401_not_the_sign_in_page(researcher, client_for):
    for client in (Client(), client_for(researcher)):
        response = client.get(ME)
        assert response.status_code == 401
        assert response["Content-Type"] == "application/problem+json"
        assert "token" in response.json()["detail"].lower()


def test_a_read_token_cannot_write(agency, admin_user, practitioner, token_for, api_client):
    secret = token_for(admin_user, scope=Scope.READ)
    response = api_client(secret).post(
        "/api/v1/transcripts/",
        {
            "title": "Read only",
            "practitioner": practitioner.pk,
            "utterances": [{"speaker": "T", "text": "How are you?"}],
        },
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["type"].endswith(":read_only_token")
    assert not agency.transcripts.exists()


def test_a_token_acts_in_its_own_agency_only(agency, other_agency, practitioner, api_client):
    both = factories.make_user(agency, Role.ADMIN, username="two-hats")
    Membership.objects.create(user=both, agency=other_agency, role=Role.ADMIN)
    home_transcript = factories.make_transcript(agency, practitioner, title="Home session")
    far = factories.make_transcript(
        other_agency, factories.make_practitioner(other_agency), title="Far session"
    )
    _, secret = token_create(user=both, agency=other_agency, name="far", scope="read", days=5)
    client = api_client(secret)
    assert client.get(f"/api/v1/transcripts/{home_transcript.pk}/").status_code == 404
    assert client.get(f"/api/v1/transcripts/{far.pk}/").status_code == 200
    listed = client.get("/api/v1/transcripts/").json()["results"]
    assert [row["title"] for row in listed] == ["Far session"]
    assert client.get(ME).json()["agency"]["slug"] == other_agency.slug


def test_the_token_is_bound_to_the_agency_worked_in_when_made(agency, other_agency, client_for):
    both = factories.make_user(agency, Role.RESEARCHER, username="two-hats")
    Membership.objects.create(user=both, agency=other_agency, role=Role.RESEARCHER)
    client = client_for(both)
    client.post(reverse("accounts:switch"), {"agency": other_agency.pk})
    _create_on_page(client)
    assert AccessToken.objects.get().agency == other_agency


def test_a_lowered_role_takes_effect_on_the_next_request(
    agency, admin_user, supervisor, practitioner, token_for, api_client
):
    client = api_client(token_for(supervisor))
    assert client.get("/api/v1/fidelity/").status_code == 200
    membership_set(user=supervisor, agency=agency, role=Role.CODER, actor=admin_user)
    response = client.get("/api/v1/fidelity/")
    assert response.status_code == 403
    assert "coder" in response.json()["detail"]
    assert client.get(ME).json()["role"] == "coder"


def test_a_removed_member_s_token_stops_working(
    agency, admin_user, supervisor, token_for, api_client
):
    client = api_client(token_for(supervisor))
    assert client.get(ME).status_code == 200
    membership_remove(membership=Membership.objects.get(user=supervisor), actor=admin_user)
    response = client.get(ME)
    assert response.status_code == 401
    assert "no longer a member" in response.json()["detail"]


def test_a_deactivated_account_s_token_stops_working(supervisor, token_for, api_client):
    client = api_client(token_for(supervisor))
    supervisor.is_active = False
    supervisor.save()
    assert client.get(ME).status_code == 401


def test_creation_revocation_and_every_write_are_in_the_audit_log(
    agency, admin_user, practitioner, api_client
):
    token, secret = token_create(user=admin_user, agency=agency, name="sync", scope="write", days=5)
    client = api_client(secret)
    client.get("/api/v1/transcripts/")
    created = client.post(
        "/api/v1/transcripts/",
        {
            "title": "From the case system",
            "practitioner": practitioner.pk,
            "utterances": [
                {"speaker": "Therapist", "text": "What brings you in?"},
                {"speaker": "Client", "text": "My drinking."},
            ],
        },
        content_type="application/json",
    )
    refused = client.post(
        "/api/v1/transcripts/",
        {"title": "", "practitioner": practitioner.pk, "utterances": []},
        content_type="application/json",
    )
    token_revoke(token=token, actor=admin_user)
    events = AuditEvent.objects.filter(agency=agency, object_type="api.accesstoken")
    actions = list(events.order_by("pk").values_list("action", "details__status"))
    assert actions == [
        ("api.token_create", None),
        ("api.write", created.status_code),
        ("api.write", refused.status_code),
        ("api.token_revoke", None),
    ]
    assert created.status_code == 201 and refused.status_code == 400
    assert all(e.actor == admin_user for e in events)
    assert AuditEvent.objects.filter(action="transcript.create", actor=admin_user).count() == 1


def test_last_use_is_noted(researcher, token_for, api_client):
    client = api_client(token_for(researcher))
    assert AccessToken.objects.get().last_used_at is None
    client.get(ME)
    assert AccessToken.objects.get().last_used_at is not None


def test_the_tokens_page_needs_an_agency_and_a_sign_in(db, client_for):
    assert Client().get(reverse("api:tokens")).status_code == 302
    loner = factories.make_user(None)
    assert client_for(loner).get(reverse("api:tokens")).status_code == 404
