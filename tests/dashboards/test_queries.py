"""Each dashboard page costs the same number of queries however many practitioners and
sessions there are."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coding.models import Coding
from tests import factories
from tests.dashboards.conftest import add_sessions

pytestmark = pytest.mark.django_db

# Generous ceilings: the point is that the counts do not grow, asserted below.
MAX_QUERIES = {"home": 20, "audit": 16, "export": 18, "practitioner": 14}


def grow(agency, coder, practitioners: int, sessions: int) -> None:
    for _ in range(practitioners):
        practitioner = factories.make_practitioner(agency, team=factories.make_team(agency))
        add_sessions(agency, practitioner, coder, sessions)
        factories.make_transcript(agency, practitioner)  # waiting for a coder
    Coding.objects.update(submitted_at=timezone.now())  # all recent, for the home page


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def pages(practitioner) -> dict[str, str]:
    return {
        "home": reverse("home"),
        "audit": reverse("dashboards:audit") + "?sort=relational.mean&dir=desc",
        "export": reverse("dashboards:audit_export", args=["csv"]),
        "practitioner": reverse("dashboards:practitioner", args=[practitioner.pk]),
    }


@pytest.mark.parametrize("persona", ["supervisor", "admin_user", "researcher"])
def test_staff_pages_do_not_grow_with_the_data(
    request, agency, practitioner, coder, client_for, persona
):
    client = client_for(request.getfixturevalue(persona))
    add_sessions(agency, practitioner, coder, 2)
    grow(agency, coder, practitioners=1, sessions=2)
    small = {name: count(client, url) for name, url in pages(practitioner).items()}
    add_sessions(agency, practitioner, coder, 4, offset=2)
    grow(agency, coder, practitioners=4, sessions=3)
    large = {name: count(client, url) for name, url in pages(practitioner).items()}
    assert large == small
    for name, n in large.items():
        assert n <= MAX_QUERIES[name], f"{name}: {n} queries"


def test_practitioner_pages_do_not_grow_with_their_sessions(
    agency, practitioner, practitioner_user, coder, client_for
):
    client = client_for(practitioner_user)
    add_sessions(agency, practitioner, coder, 1)
    urls = {k: v for k, v in pages(practitioner).items() if k in ("home", "practitioner")}
    small = {name: count(client, url) for name, url in urls.items()}
    add_sessions(agency, practitioner, coder, 6, offset=1)
    grow(agency, coder, practitioners=2, sessions=2)
    large = {name: count(client, url) for name, url in urls.items()}
    assert large == small


def test_coder_home_does_not_grow_with_their_queue(agency, practitioner, coder, client_for):
    from workflow.models import Assignment

    client = client_for(coder)

    def assign(n: int) -> None:
        for _ in range(n):
            transcript = factories.make_transcript(agency, practitioner)
            Assignment.objects.create(
                agency=agency, transcript=transcript, coder=coder, scheme=factories.miti()
            )
            factories.make_coding(factories.make_transcript(agency, practitioner), coder)

    assign(1)
    small = count(client, reverse("home"))
    assign(5)
    assert count(client, reverse("home")) == small
