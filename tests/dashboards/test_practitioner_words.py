"""What a practitioner reads: plain words, a link to their dashboard, and the same count of
sessions on "My data" as on the dashboard."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.models import Role
from coding.models import Coding
from tests import factories

pytestmark = pytest.mark.django_db

JARGON = ("score of record", "consensus coding", "gold standard", "primary coding")


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_practitioner_has_my_dashboard_in_the_navigation(world, practitioner_user, client_for):
    client = client_for(practitioner_user)
    home = client.get(reverse("home")).content.decode()
    mine = reverse("dashboards:mine")
    assert f'href="{mine}">My dashboard</a>' in home
    response = client.get(mine)
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboards:practitioner", args=[world.dana.pk])


def test_staff_have_no_my_dashboard_and_a_practitioner_without_a_profile_gets_404(
    world, supervisor, agency, client_for
):
    page = client_for(supervisor).get(reverse("home")).content.decode()
    assert "My dashboard" not in page
    unlinked = factories.make_user(agency, Role.PRACTITIONER, username="newcomer")
    assert client_for(unlinked).get(reverse("dashboards:mine")).status_code == 404
    assert client_for(supervisor).get(reverse("dashboards:mine")).status_code == 404


def test_a_practitioner_reads_plain_words_not_the_score_of_record_rule(
    world, practitioner_user, supervisor, client_for
):
    client = client_for(practitioner_user)
    double = Coding.objects.get(transcript=world.codings[0].transcript, kind="double")
    pages = [
        reverse("dashboards:practitioner", args=[world.dana.pk]),
        reverse("coding:feedback", args=[world.codings[0].pk]),
        reverse("coding:feedback", args=[double.pk]),
        reverse("exchange:index"),
    ]
    for url in pages:
        shown = text(client.get(url).content.decode()).lower()
        assert [word for word in JARGON if word in shown] == [], url
    dashboard = text(client.get(pages[0]).content.decode())
    assert "where more than one person coded it, you see the result they agreed on" in dashboard
    feedback = text(client.get(pages[2]).content.decode())
    assert "No: your dashboard shows the result by" in feedback
    # Staff keep the precise rule.
    staff = text(client_for(supervisor).get(pages[0]).content.decode())
    assert "by its score of record: its consensus coding" in staff


def test_my_data_counts_the_sessions_the_dashboard_counts_and_says_why_codings_differ(
    world, practitioner_user, client_for
):
    client = client_for(practitioner_user)
    dashboard = client.get(reverse("dashboards:practitioner", args=[world.dana.pk]))
    sessions = len(dashboard.context["data"].sessions)
    assert f"{sessions} coded sessions" in text(dashboard.content.decode())
    page = client.get(reverse("exchange:index"))
    shown = text(page.content.decode())
    codings = page.context["coding_count"]
    assert codings > sessions  # a double and a consensus coding of two of the sessions
    assert f"Your {sessions} coded sessions, as on your dashboard , in {codings} codings" in shown
    assert "each of their codings is a row here, while your dashboard counts the session once" in (
        shown
    )
