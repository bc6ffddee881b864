"""Tenancy and roles on every dashboard page and export."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, Membership, Role
from tests import factories

pytestmark = pytest.mark.django_db

AUDIT_URLS = [
    reverse("dashboards:audit"),
    reverse("dashboards:audit_export", args=["csv"]),
    reverse("dashboards:audit_export", args=["xlsx"]),
]


@pytest.mark.parametrize("role", ["admin_user", "supervisor", "researcher"])
def test_staff_open_every_practitioners_dashboard_of_their_agency(world, request, role, client_for):
    client = client_for(request.getfixturevalue(role))
    for practitioner in (world.dana, world.sam, world.idle):
        url = reverse("dashboards:practitioner", args=[practitioner.pk])
        assert client.get(url).status_code == 200
    other = reverse("dashboards:practitioner", args=[world.other_practitioner.pk])
    assert client.get(other).status_code == 404


def test_practitioner_sees_only_their_own_dashboard(world, practitioner_user, client_for):
    client = client_for(practitioner_user)
    own = client.get(reverse("dashboards:practitioner", args=[world.dana.pk]))
    assert own.status_code == 200
    assert "Sam Okafor" not in own.content.decode()
    for other in (world.sam, world.lee, world.other_practitioner):
        url = reverse("dashboards:practitioner", args=[other.pk])
        assert client.get(url).status_code == 404


def test_coder_has_no_dashboards(world, coder, client_for):
    client = client_for(coder)
    assert client.get(reverse("dashboards:practitioner", args=[world.dana.pk])).status_code == 404
    for url in AUDIT_URLS:
        assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", AUDIT_URLS)
def test_practitioner_cannot_audit_or_export(world, practitioner_user, client_for, url):
    assert client_for(practitioner_user).get(url).status_code == 403


@pytest.mark.parametrize("url", AUDIT_URLS)
def test_user_without_an_agency_gets_404(world, client_for, url):
    loner = factories.make_user(None)
    assert client_for(loner).get(url).status_code == 404


def test_outsider_audits_only_their_own_agency(world, outsider, client_for):
    client = client_for(outsider)
    page = client.get(reverse("dashboards:audit")).content.decode()
    assert "Far Away" in page
    for name in ("Dana Reyes", "Sam Okafor", "Lee Whitman"):
        assert name not in page
    export = client.get(reverse("dashboards:audit_export", args=["csv"])).content.decode()
    assert "Far Away" in export and "Dana Reyes" not in export


def test_outsider_cannot_see_a_practitioner_of_another_agency(world, outsider, client_for):
    url = reverse("dashboards:practitioner", args=[world.dana.pk])
    assert client_for(outsider).get(url).status_code == 404


def test_a_team_of_another_agency_is_refused_and_nothing_leaks(
    world, supervisor, other_agency, client_for
):
    far_team = factories.make_team(other_agency, "Far team")
    world.other_practitioner.team = far_team
    world.other_practitioner.save()
    client = client_for(supervisor)
    page = client.get(reverse("dashboards:audit"), {"team": far_team.pk})
    assert page.status_code == 200
    assert "Select a valid choice" in page.content.decode()
    assert "Far Away" not in page.content.decode()
    export = client.get(reverse("dashboards:audit_export", args=["csv"]), {"team": far_team.pk})
    assert export.status_code == 400
    assert not AuditEvent.objects.filter(action="dashboards.export").exists()


def test_a_user_in_two_agencies_sees_the_one_chosen(world, supervisor, other_agency, client_for):
    Membership.objects.create(user=supervisor, agency=other_agency, role=Role.PRACTITIONER)
    client = client_for(supervisor)
    assert "Dana Reyes" in client.get(reverse("dashboards:audit")).content.decode()
    client.post(reverse("accounts:switch"), {"agency": other_agency.pk, "next": "/"})
    assert client.get(reverse("dashboards:audit")).status_code == 403
    assert client.get(reverse("dashboards:practitioner", args=[world.dana.pk])).status_code == 200
    url = reverse("dashboards:practitioner", args=[world.other_practitioner.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_each_export_is_written_to_the_audit_log(world, researcher, client_for, fmt):
    response = client_for(researcher).get(
        reverse("dashboards:audit_export", args=[fmt]), {"team": world.outpatient.pk}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'.{fmt}"')
    event = AuditEvent.objects.get(action="dashboards.export")
    assert event.actor == researcher
    assert event.agency == world.agency
    assert event.details["format"] == fmt
    assert event.details["team"] == "Outpatient"
    assert event.details["rows"] == 2


def test_unknown_export_format_is_404(world, supervisor, client_for):
    url = reverse("dashboards:audit_export", args=["pdf"])
    assert client_for(supervisor).get(url).status_code == 404
    assert not AuditEvent.objects.filter(action="dashboards.export").exists()


def test_anonymous_visitors_are_sent_to_sign_in(world, client):
    for url in [*AUDIT_URLS, reverse("dashboards:practitioner", args=[world.dana.pk]), "/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
