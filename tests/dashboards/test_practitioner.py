"""One practitioner's dashboard: scores over time, latest badges, counts, globals, sessions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coding.models import Coding
from coding.selectors import codings_of_record
from dashboards import selectors
from tests import factories
from tests.dashboards.conftest import add_sessions, tiny_scheme

pytestmark = pytest.mark.django_db


def dashboard_url(practitioner):
    return reverse("dashboards:practitioner", args=[practitioner.pk])


def test_latest_session_against_the_thresholds_in_words_and_symbols(world, supervisor, client_for):
    response = client_for(supervisor).get(dashboard_url(world.dana))
    data = response.context["data"]
    latest = data.latest
    assert latest.coding.transcript_id == world.codings[4].transcript_id
    html = response.content.decode()
    assert "Latest session" in html
    for d in data.definitions:
        band = latest.bands[d.slug]
        if band is not None:
            label = {"good": "Good", "fair": "Fair", "below_fair": "Below fair"}[band]
            assert f'band-{band.replace("_", "-")}"><span aria-hidden="true">' in html
            assert label in html
    assert "fair ≥ 3.50 · good ≥ 4.00" in html
    assert "fair ≥ 40% · good ≥ 50%" in html


def test_counts_per_code_and_globals_sum_the_sessions(world, supervisor, client_for):
    response = client_for(supervisor).get(dashboard_url(world.dana))
    data = response.context["data"]
    results = [s.result for s in data.sessions]
    rows = {row.code.abbreviation: row for row in data.code_rows}
    for abbreviation in ("Q", "SR", "CR", "AF", "Persuade", "Confront"):
        total = sum(r.counts.get(abbreviation, 0) for r in results)
        assert rows[abbreviation].total == total
        assert rows[abbreviation].mean == pytest.approx(total / len(results))
        assert rows[abbreviation].latest == results[-1].counts.get(abbreviation, 0)
    empathy = next(row for row in data.global_rows if row.scale.slug == "empathy")
    assert empathy.latest == results[-1].globals["empathy"]
    assert empathy.mean == pytest.approx(sum(r.globals["empathy"] for r in results) / len(results))


def test_every_chart_has_a_table_and_a_text_alternative(world, supervisor, client_for):
    html = client_for(supervisor).get(dashboard_url(world.dana)).content.decode()
    assert html.count('role="img"') == 6
    assert html.count("Table of this chart") == 6
    assert "vendor/plotly/plotly.min.js" in html
    assert "js/charts.js" in html
    assert "css/dashboard.css" in html  # the print stylesheet
    assert "data-print" in html


def test_threshold_bands_are_labelled_shapes(world, supervisor, client_for):
    response = client_for(supervisor).get(dashboard_url(world.dana))
    relational = next(c for c in response.context["charts"] if c["id"] == "chart-relational")
    layout = relational["figure"]["layout"]
    bands = [s for s in layout["shapes"] if s["type"] == "rect"]
    assert [(b["y0"], b["y1"]) for b in bands][1:] == [(3.5, 4.0), (4.0, bands[-1]["y1"])]
    assert {a["text"] for a in layout["annotations"]} == {"Fair ≥ 3.50", "Good ≥ 4.00"}
    lines = {s["line"]["dash"] for s in layout["shapes"] if s["type"] == "line"}
    assert lines == {"dot", "dash"}
    symbols = relational["figure"]["data"][0]["marker"]["symbol"]
    assert set(symbols) <= {"circle", "square", "triangle-down"}
    assert len(set(symbols)) > 1


def test_sessions_table_links_each_session_to_its_feedback(world, practitioner_user, client_for):
    html = client_for(practitioner_user).get(dashboard_url(world.dana)).content.decode()
    records = codings_of_record(Coding.objects.filter(transcript__practitioner=world.dana))
    assert len(records) == 5
    for record in records:
        assert reverse("coding:feedback", args=[record.pk]) in html


def test_a_practitioner_with_two_schemes_sees_one_at_a_time(world, supervisor, client_for):
    tiny = tiny_scheme()
    add_sessions(world.agency, world.sam, factories.make_user(world.agency), 4, scheme=tiny)
    client = client_for(supervisor)
    default = client.get(dashboard_url(world.sam))
    data = default.context["data"]
    assert data.scheme == tiny  # four tiny sessions outnumber three MITI ones
    assert {s.coding.scheme for s in data.sessions} == {tiny}
    assert [(scheme.slug, n) for scheme, n in data.schemes] == [("miti-4.2.1", 3), ("tiny-1", 4)]
    assert 'name="scheme"' in default.content.decode()
    miti = client.get(dashboard_url(world.sam), {"scheme": "miti-4.2.1"}).context["data"]
    assert {s.coding.scheme.slug for s in miti.sessions} == {"miti-4.2.1"}
    assert len(miti.sessions) == 3


def test_an_unknown_scheme_says_so_and_shows_the_default(world, supervisor, client_for):
    response = client_for(supervisor).get(dashboard_url(world.dana), {"scheme": "misc-9"})
    assert response.status_code == 200
    assert "is coded with “misc-9”" in response.content.decode()
    assert response.context["data"].scheme.slug == "miti-4.2.1"


def test_undated_sessions_are_in_the_table_but_not_on_the_charts(world, supervisor, client_for):
    transcript = world.codings[0].transcript
    transcript.session_date = None
    transcript.save()
    response = client_for(supervisor).get(dashboard_url(world.dana))
    assert response.context["undated"] == 1
    assert len(response.context["data"].sessions) == 5
    figure = response.context["charts"][0]["figure"]
    assert len(figure["data"][0]["x"]) == 4
    assert "1 undated session is listed" in response.content.decode()


def test_empty_dashboard_for_a_supervisor_offers_to_assign(world, supervisor, client_for):
    html = client_for(supervisor).get(dashboard_url(world.idle)).content.decode()
    assert "No coded sessions yet" in html
    assert reverse("workflow:overview") in html
    assert "plotly.min.js" not in html


def test_empty_dashboard_for_the_practitioner_themself(
    agency, practitioner, practitioner_user, client_for
):
    html = client_for(practitioner_user).get(dashboard_url(practitioner)).content.decode()
    assert "Your scores appear here once one of your sessions has been coded" in html
    assert reverse("workflow:overview") not in html


def test_practitioner_sees_their_scores_but_never_work_in_progress(
    world, practitioner_user, coder2
):
    # A newer in-progress coding of Dana's session must not appear.
    factories.make_coding(
        factories.make_transcript(world.agency, world.dana), coder2, globals_={"empathy": 1}
    )
    data = selectors.practitioner_dashboard(practitioner_user, world.dana)
    assert len(data.sessions) == 5
    assert all(s.coding.is_submitted for s in data.sessions)
