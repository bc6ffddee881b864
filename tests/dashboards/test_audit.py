"""The agency audit: filters, sorting, scheme separation, distributions and exports."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from coding.models import CodingKind
from coding.selectors import RECORD_PRIORITY
from dashboards import selectors
from dashboards.selectors import Filters
from tests import factories
from tests.dashboards.conftest import START, add_sessions, tiny_scheme

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [row.practitioner.display_name for row in response.context["page"]]


def test_audit_lists_practitioners_with_their_sessions(world, supervisor, client_for):
    response = client_for(supervisor).get(reverse("dashboards:audit"))
    assert response.status_code == 200
    assert names(response) == ["Dana Reyes", "Ida Newcomer", "Lee Whitman", "Sam Okafor"]
    audit = response.context["audit"]
    assert audit.sessions == 10
    assert {r.practitioner.display_name: r.sessions for r in audit.rows} == {
        "Dana Reyes": 5,
        "Sam Okafor": 3,
        "Lee Whitman": 2,
        "Ida Newcomer": 0,
    }
    html = response.content.decode()
    assert reverse("dashboards:practitioner", args=[world.dana.pk]) in html
    assert 'aria-sort="ascending"' in html


def test_inactive_practitioners_without_sessions_are_left_out(world, supervisor, client_for):
    world.idle.active = False
    world.idle.save()
    world.lee.active = False
    world.lee.save()
    response = client_for(supervisor).get(reverse("dashboards:audit"))
    assert names(response) == ["Dana Reyes", "Lee Whitman", "Sam Okafor"]
    assert "(inactive)" in response.content.decode()


def test_team_filter(world, supervisor, client_for):
    response = client_for(supervisor).get(reverse("dashboards:audit"), {"team": world.outreach.pk})
    assert names(response) == ["Ida Newcomer", "Lee Whitman"]
    assert response.context["audit"].sessions == 2


def test_date_range_filter_counts_only_sessions_inside(world, supervisor, client_for):
    start = START + datetime.timedelta(days=14)
    end = START + datetime.timedelta(days=14 * 3)
    response = client_for(supervisor).get(
        reverse("dashboards:audit"), {"date_from": start.isoformat(), "date_to": end.isoformat()}
    )
    rows = {r.practitioner.display_name: r for r in response.context["audit"].rows}
    assert rows["Dana Reyes"].sessions == 3
    assert rows["Dana Reyes"].first_date == start
    assert rows["Dana Reyes"].latest_date == end
    assert rows["Sam Okafor"].sessions == 0


def test_reversed_date_range_is_refused_with_a_message(world, supervisor, client_for):
    response = client_for(supervisor).get(
        reverse("dashboards:audit"), {"date_from": "2026-05-01", "date_to": "2026-01-01"}
    )
    assert response.status_code == 200
    assert "The start date is after the end date." in response.content.decode()
    assert response.context["audit"].sessions == 10  # the defaults, not a silent empty page
    export = client_for(supervisor).get(
        reverse("dashboards:audit_export", args=["csv"]),
        {"date_from": "2026-05-01", "date_to": "2026-01-01"},
    )
    assert export.status_code == 400


def test_malformed_filters_are_refused_not_500(world, supervisor, client_for):
    response = client_for(supervisor).get(
        reverse("dashboards:audit"), {"date_from": "yesterday", "scheme": "nope", "team": "x"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"date_from", "scheme", "team"}


def test_sorting_by_a_score_puts_undefined_values_last_either_way(world, supervisor, client_for):
    client = client_for(supervisor)
    audit = selectors.agency_audit(supervisor, world.agency, Filters(scheme=factories.miti()))
    means = {r.practitioner.display_name: r.scores["relational"].mean for r in audit.rows}
    ranked = sorted((n for n in means if means[n] is not None), key=means.get)
    up = client.get(reverse("dashboards:audit"), {"sort": "relational.mean", "dir": "asc"})
    assert names(up) == [*ranked, "Ida Newcomer"]
    down = client.get(reverse("dashboards:audit"), {"sort": "relational.mean", "dir": "desc"})
    assert names(down) == [*reversed(ranked), "Ida Newcomer"]
    assert 'aria-sort="descending"' in down.content.decode()


def test_unknown_sort_falls_back_to_names(world, supervisor, client_for):
    response = client_for(supervisor).get(reverse("dashboards:audit"), {"sort": "password"})
    assert response.context["sort"] == "name"
    assert names(response)[0] == "Dana Reyes"


def test_schemes_are_never_mixed(world, supervisor, coder, client_for):
    tiny = tiny_scheme()
    add_sessions(world.agency, world.lee, coder, 14, offset=20, scheme=tiny)
    client = client_for(supervisor)
    default = client.get(reverse("dashboards:audit"))
    # Tiny 1 is now the agency's most used scheme, so it is the default.
    assert default.context["audit"].filters.scheme == tiny
    assert default.context["audit"].sessions == 14
    assert names(default) == ["Dana Reyes", "Ida Newcomer", "Lee Whitman", "Sam Okafor"]
    assert [d.slug for d in default.context["audit"].definitions] == ["relational", "r_q"]
    miti = client.get(reverse("dashboards:audit"), {"scheme": "miti-4.2.1"})
    rows = {r.practitioner.display_name: r.sessions for r in miti.context["audit"].rows}
    assert rows["Lee Whitman"] == 2


def test_distribution_of_each_score_across_practitioners(world, supervisor, client_for):
    response = client_for(supervisor).get(reverse("dashboards:audit"))
    spreads = {item["spread"].definition.slug: item for item in response.context["spreads"]}
    relational = spreads["relational"]["spread"]
    means = sorted(
        r.scores["relational"].mean for r in response.context["audit"].rows if r.sessions
    )
    assert relational.distribution.n == 3
    assert relational.distribution.minimum == pytest.approx(means[0])
    assert relational.distribution.median == pytest.approx(means[1])
    assert relational.distribution.maximum == pytest.approx(means[2])
    figure = spreads["relational"]["figure"]
    points = [trace for trace in figure["data"] if trace["type"] == "scatter"]
    assert sorted(points[0]["x"]) == pytest.approx(means)
    html = response.content.decode()
    assert 'id="spread-relational"' in html
    assert "Practitioners' means per summary score" in html  # the table equivalent


def test_each_box_plot_is_given_exactly_the_figures_of_the_table_under_it(
    world, supervisor, client_for
):
    response = client_for(supervisor).get(reverse("dashboards:audit"))
    html = response.content.decode()
    table = html[html.index("Practitioners' means per summary score") :]
    checked = 0
    for item in response.context["spreads"]:
        definition, dist = item["spread"].definition, item["spread"].distribution
        boxes = [trace for trace in item["figure"]["data"] if trace["type"] == "box"]
        if not dist.n:
            assert boxes == []
            continue
        (box,) = boxes
        given = {key: box[key][0] for key in ("lowerfence", "q1", "median", "q3", "upperfence")}
        assert given == {
            "lowerfence": dist.minimum,
            "q1": dist.q1,
            "median": dist.median,
            "q3": dist.q3,
            "upperfence": dist.maximum,
        }
        # plotly draws the box from these alone: it is given no sample to compute from
        assert "x" not in box and box["boxpoints"] is False
        cells = [definition.format(given[key]) for key in given]
        row = table[table.index(f">{definition.name}</th>") :].split("</tr>", 1)[0]
        assert [cell in row for cell in cells] == [True] * 5
        checked += 1
    assert checked >= 3


def test_empty_agency_says_what_to_do_next(agency, supervisor, client_for):
    response = client_for(supervisor).get(reverse("dashboards:audit"))
    html = response.content.decode()
    assert "No coded sessions yet" in html
    assert reverse("workflow:overview") in html
    assert "plotly.min.js" not in html


def test_researcher_empty_state_does_not_offer_to_assign(agency, researcher, client_for):
    html = client_for(researcher).get(reverse("dashboards:audit")).content.decode()
    assert "No coded sessions yet" in html
    assert reverse("workflow:overview") not in html


def test_csv_export_follows_the_filters_and_order(world, supervisor, client_for):
    response = client_for(supervisor).get(
        reverse("dashboards:audit_export", args=["csv"]),
        {"team": world.outpatient.pk, "sort": "sessions", "dir": "desc"},
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["practitioner"] for r in rows] == ["Dana Reyes", "Sam Okafor"]
    assert rows[0]["team"] == "Outpatient"
    assert rows[0]["scheme"] == "miti-4.2.1"
    assert rows[0]["relational_trend"] in {"rising", "falling", "steady"}
    assert "mia_share_fair" not in rows[0]  # no thresholds, no shares


def test_xlsx_export_opens_with_the_same_rows(world, supervisor, client_for):
    csv_rows = list(
        csv.DictReader(
            io.StringIO(
                client_for(supervisor)
                .get(reverse("dashboards:audit_export", args=["csv"]))
                .content.decode()
            )
        )
    )
    response = client_for(supervisor).get(reverse("dashboards:audit_export", args=["xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    table = list(sheet.values)
    header, body = table[0], table[1:]
    assert list(header) == list(csv_rows[0].keys())
    assert [row[1] for row in body] == [r["practitioner"] for r in csv_rows]
    column = header.index("relational_mean")
    for row, expected in zip(body, csv_rows, strict=True):
        if expected["relational_mean"] == "":  # no sessions: an empty cell in both
            assert row[column] in (None, "")
        else:
            assert row[column] == pytest.approx(float(expected["relational_mean"]))


def test_unfiltered_page_shows_the_scheme_it_reports_on_as_chosen(world, supervisor, client_for):
    response = client_for(supervisor).get(reverse("dashboards:audit"))
    form = response.context["form"]
    reported = response.context["audit"].filters.scheme
    assert form["scheme"].value() == reported.slug
    assert f'<option value="{reported.slug}" selected>' in response.content.decode()


def test_reports_say_which_coding_each_session_is_scored_from(world, supervisor, client_for):
    # One of Dana's sessions gets a consensus: it then counts by that, not by its primary.
    client = client_for(supervisor)
    audit = selectors.agency_audit(supervisor, world.agency, Filters(scheme=factories.miti()))
    before = dict(audit.record_kinds)
    primary = next(
        c
        for c in world.codings
        if c.transcript.practitioner == world.dana and c.kind == CodingKind.PRIMARY
    )
    consensus = factories.make_coding(
        primary.transcript,
        supervisor,
        kind=CodingKind.CONSENSUS,
        globals_=factories.ALL_GLOBALS,
        submitted=True,
    )
    page = client.get(reverse("dashboards:audit")).content.decode()
    assert "Scores: each session counts once, by its score of record" in page
    consensus_n, primary_n = before.get("consensus", 0) + 1, before["primary"] - 1
    assert f"Here {consensus_n} consensus, {primary_n} primary" in page
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(reverse("dashboards:audit_export", args=["csv"])).content.decode()
            )
        )
    )
    dana = next(r for r in rows if r["practitioner"] == "Dana Reyes")
    assert int(dana["sessions_consensus"]) >= 1
    assert sum(int(dana[f"sessions_{k}"]) for k in RECORD_PRIORITY) == int(dana["sessions"])
    assert dana["sessions_gold"] == "0"

    feedback = reverse("coding:feedback", args=[primary.pk])
    shown = client.get(feedback).content.decode()
    assert "No: the session's score of record is" in shown
    assert reverse("coding:feedback", args=[consensus.pk]) in shown
    shown = client.get(reverse("coding:feedback", args=[consensus.pk])).content.decode()
    assert "Yes: this coding is the session's score of record" in shown
    assert "(consensus coding)" in shown
    dashboard = reverse("dashboards:practitioner", args=[world.dana.pk])
    assert "each session counts once" in client.get(dashboard).content.decode()
