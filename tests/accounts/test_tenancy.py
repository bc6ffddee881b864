"""Objects of an agency the user does not belong to answer 404, on every page and selector."""

import pytest
from django.urls import reverse

from accounts import access
from accounts.models import Membership, Role, Team
from tests import factories
from workflow import visibility

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(agency, other_agency, admin_user, outsider, practitioner, coder):
    team = factories.make_team(agency, "Outpatient")
    transcript = factories.make_transcript(agency, practitioner)
    coding = factories.make_coding(transcript, coder, codes={1: ["Q"]})
    other_practitioner = factories.make_practitioner(other_agency, "Far Away")
    other_team = factories.make_team(other_agency, "Far team")
    other_transcript = factories.make_transcript(other_agency, other_practitioner)
    other_coder = factories.make_user(other_agency, Role.CODER)
    other_coding = factories.make_coding(other_transcript, other_coder)
    return {
        "home": {
            "transcript": transcript,
            "coding": coding,
            "practitioner": practitioner,
            "team": team,
            "membership": Membership.objects.get(user=coder),
        },
        "other": {
            "transcript": other_transcript,
            "coding": other_coding,
            "practitioner": other_practitioner,
            "team": other_team,
            "membership": Membership.objects.get(user=other_coder),
        },
    }


PAGES = [
    ("transcripts:detail", "transcript"),
    ("coding:workspace", "coding"),
    ("dashboards:practitioner", "practitioner"),
    ("accounts:practitioner_edit", "practitioner"),
    ("accounts:team_edit", "team"),
    ("accounts:team_delete", "team"),
    ("accounts:member_edit", "membership"),
    ("accounts:member_remove", "membership"),
]


@pytest.mark.parametrize(("url_name", "key"), PAGES)
def test_outsider_gets_404_for_every_page_of_another_agency(
    world, outsider, client_for, url_name, key
):
    obj = world["home"][key]
    response = client_for(outsider).get(reverse(url_name, args=[obj.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(("url_name", "key"), PAGES)
def test_admin_sees_own_agency_pages_but_not_the_others(
    world, admin_user, client_for, url_name, key
):
    client = client_for(admin_user)
    assert client.get(reverse(url_name, args=[world["home"][key].pk])).status_code == 200
    assert client.get(reverse(url_name, args=[world["other"][key].pk])).status_code == 404


def test_forged_post_on_another_agencys_team_changes_nothing(world, admin_user, client_for):
    other_team = world["other"]["team"]
    response = client_for(admin_user).post(reverse("accounts:team_delete", args=[other_team.pk]))
    assert response.status_code == 404
    assert Team.objects.filter(pk=other_team.pk).exists()


def test_page_404_does_not_leak_the_object(world, outsider, client_for):
    transcript = world["home"]["transcript"]
    response = client_for(outsider).get(reverse("transcripts:detail", args=[transcript.pk]))
    assert transcript.practitioner.display_name not in response.content.decode()


@pytest.mark.parametrize(
    "selector",
    [
        visibility.transcripts_visible_to,
        visibility.codings_visible_to,
        access.practitioners_visible_to,
        access.teams_visible_to,
    ],
)
def test_every_selector_filters_by_agency(world, admin_user, outsider, selector):
    mine = set(selector(admin_user).values_list("pk", flat=True))
    theirs = set(selector(outsider).values_list("pk", flat=True))
    assert mine, "the home admin should see something"
    assert theirs, "the outsider should see their own agency"
    assert not mine & theirs


def test_user_without_membership_sees_nothing(world):
    lonely = factories.make_user(None)
    assert not visibility.transcripts_visible_to(lonely).exists()
    assert not visibility.codings_visible_to(lonely).exists()
    assert not access.practitioners_visible_to(lonely).exists()


def test_anonymous_user_is_sent_to_sign_in(world, client):
    transcript = world["home"]["transcript"]
    response = client.get(reverse("transcripts:detail", args=[transcript.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
