"""The home page shows each role what waits for them."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from coding.models import Coding, CodingStatus
from tests import factories
from workflow.models import Assignment

pytestmark = pytest.mark.django_db


def home(client_for, user):
    response = client_for(user).get(reverse("home"))
    assert response.status_code == 200
    return response


def test_coder_sees_their_unsubmitted_assignments_and_codings(
    world, coder, coder2, supervisor, client_for
):
    waiting = factories.make_transcript(world.agency, world.sam, title="Waiting to start")
    Assignment.objects.create(
        agency=world.agency,
        transcript=waiting,
        coder=coder,
        scheme=factories.miti(),
        due_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    started = factories.make_coding(
        factories.make_transcript(world.agency, world.lee, title="Half coded"), coder
    )
    factories.make_coding(
        factories.make_transcript(world.agency, world.lee, title="Someone else's"), coder2
    )
    response = home(client_for, coder)
    titles = [item.transcript_label for item in response.context["queue"]]
    assert titles == ["Waiting to start", "Half coded"]
    html = response.content.decode()
    assert reverse("coding:workspace", args=[started.pk]) in html
    assert reverse("transcripts:detail", args=[waiting.pk]) in html
    assert "overdue" in html
    assert "Someone else" not in html
    assert "Latest session below fair" not in html  # no supervisor view for coders


def test_coder_with_nothing_to_do_is_told_so(agency, coder, client_for):
    html = home(client_for, coder).content.decode()
    assert "Nothing waits for you" in html


def test_supervisor_sees_recent_submissions_concerns_and_unassigned_sessions(
    world, supervisor, client_for
):
    recent = world.codings[-1]
    Coding.objects.filter(pk=recent.pk).update(submitted_at=timezone.now())
    factories.make_transcript(world.agency, world.sam, title="Nobody's yet")
    response = home(client_for, supervisor)
    assert [c.pk for c in response.context["recent"]] == [recent.pk]
    assert response.context["unassigned"] == 1
    concerns = {c.practitioner.display_name: c for c in response.context["concerns"]}
    assert concerns
    # Whoever's latest relational or technical score is below fair, by the same numbers as
    # their dashboard.
    from dashboards import selectors

    for name, practitioner in (("Dana Reyes", world.dana), ("Lee Whitman", world.lee)):
        latest = selectors.practitioner_dashboard(supervisor, practitioner).latest
        below = {slug for slug in ("relational", "technical") if latest.bands[slug] == "below_fair"}
        assert (name in concerns) == bool(below)
        if below:
            assert {d.slug for d, _ in concerns[name].below} == below
    html = response.content.decode()
    assert reverse("coding:feedback", args=[recent.pk]) in html
    assert reverse("dashboards:audit") in html
    assert reverse("accounts:members") not in html  # admin links are for admins


def test_admin_sees_the_supervisor_view_and_agency_links(world, admin_user, client_for):
    response = home(client_for, admin_user)
    assert "concerns" in response.context
    html = response.content.decode()
    for name in ("accounts:members", "accounts:teams", "accounts:practitioners", "accounts:audit"):
        assert reverse(name) in html


def test_researcher_gets_links_to_reliability_export_and_audit(world, researcher, client_for):
    response = home(client_for, researcher)
    html = response.content.decode()
    assert reverse("reliability:index") in html
    assert reverse("exchange:index") in html
    assert reverse("dashboards:audit") in html
    assert response.context["research"] == {"submitted": 12, "double_coded": 1}
    assert "concerns" not in response.context


def test_practitioner_sees_their_dashboard_and_latest_feedback(
    world, practitioner_user, client_for
):
    response = home(client_for, practitioner_user)
    own = response.context["own"]
    assert own.practitioner == world.dana
    assert own.result.coding.transcript_id == world.codings[4].transcript_id
    html = response.content.decode()
    assert reverse("dashboards:practitioner", args=[world.dana.pk]) in html
    assert reverse("coding:feedback", args=[own.result.coding.pk]) in html
    assert "Sam Okafor" not in html
    assert "Latest session below fair" not in html


def test_practitioner_without_coded_sessions_is_told_what_happens_next(
    agency, practitioner, practitioner_user, client_for
):
    html = home(client_for, practitioner_user).content.decode()
    assert "None of your sessions has been coded yet" in html


def test_submitted_assignments_leave_the_queue(world, coder, client_for):
    transcript = factories.make_transcript(world.agency, world.sam, title="Done and dusted")
    coding = factories.make_coding(transcript, coder)
    Coding.objects.filter(pk=coding.pk).update(
        status=CodingStatus.SUBMITTED, submitted_at=timezone.now()
    )
    titles = [i.transcript_label for i in home(client_for, coder).context["queue"]]
    assert "Done and dusted" not in titles


def test_practitioner_account_without_a_profile_is_told_why_nothing_shows(
    agency, practitioner_user, client_for
):
    html = home(client_for, practitioner_user).content.decode()
    assert "not linked to a practitioner profile" in html


def test_user_without_an_agency_is_welcomed_and_told_what_to_do(client_for, db):
    loner = factories.make_user(None)
    html = home(client_for, loner).content.decode()
    assert "not a member of any agency" in html


def test_a_long_list_of_concerns_is_cut_short_with_a_way_to_the_rest(
    agency, supervisor, coder, client_for
):
    low = {"cct": 1, "sst": 1, "partnership": 1, "empathy": 1}
    for _ in range(12):
        factories.make_coded_session(
            agency, factories.make_practitioner(agency), coder, globals_=low
        )
    response = home(client_for, supervisor)
    assert len(response.context["concerns"]) == 12
    html = response.content.decode()
    assert html.count('class="badge band band-below-fair"') == 10
    assert "2 more:" in html
    assert "sort=technical.latest&amp;dir=asc" in html
