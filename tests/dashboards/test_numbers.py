"""Every number on the dashboards is the number ``coding_results`` computes for the same
sessions of record: on the audit page, in its export, on the practitioner dashboard and in
its charts."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict

import numpy as np
import pytest
from django.urls import reverse

from coding import scores
from coding.models import Coding
from coding.selectors import coding_results, codings_of_record, score_definitions
from dashboards import selectors
from dashboards.selectors import Filters
from tests import factories

pytestmark = pytest.mark.django_db


def reference(agency, practitioner=None):
    """Results of record computed straight from the coding selectors, by practitioner."""
    scheme = factories.miti()
    codings = Coding.objects.filter(transcript__agency=agency, scheme=scheme)
    if practitioner is not None:
        codings = codings.filter(transcript__practitioner=practitioner)
    definitions = score_definitions(scheme, agency)
    results = coding_results(codings_of_record(codings), {scheme.pk: definitions})
    by_practitioner = defaultdict(list)
    for result in results:
        by_practitioner[result.coding.transcript.practitioner_id].append(result)
    return definitions, results, by_practitioner


def test_session_scores_are_the_results_of_the_codings_of_record(world, supervisor):
    definitions, results, _ = reference(world.agency)
    rows = selectors.session_scores(supervisor, world.agency, Filters(scheme=factories.miti()))
    assert [row["coding_id"] for row in rows] == [r.coding.pk for r in results]
    for row, result in zip(rows, results, strict=True):
        for slug, value in result.scores.items():
            assert row[slug] == value
        for abbreviation, count in result.counts.items():
            assert row[abbreviation] == count
        assert row["Confront"] == result.counts.get("Confront", 0)  # unused codes count 0
        for slug, value in result.globals.items():
            assert row[slug] == value


def test_consensus_outranks_the_primary_and_double_codings_never_do(world, supervisor):
    rows = selectors.session_scores(supervisor, world.agency, Filters(scheme=factories.miti()))
    by_transcript = {row["transcript_id"]: row for row in rows}
    assert by_transcript[world.codings[0].transcript_id]["kind"] == "primary"
    assert by_transcript[world.codings[1].transcript_id]["kind"] == "consensus"
    assert by_transcript[world.codings[1].transcript_id]["relational"] == 5.0
    assert len(rows) == 10  # in-progress and calibration codings are not sessions of record


def test_audit_aggregates_equal_those_computed_from_coding_results(world, supervisor):
    definitions, _, by_practitioner = reference(world.agency)
    audit = selectors.agency_audit(supervisor, world.agency, Filters(scheme=factories.miti()))
    rows = {row.practitioner.pk: row for row in audit.rows}
    assert set(rows) == {world.dana.pk, world.sam.pk, world.lee.pk, world.idle.pk}
    assert rows[world.idle.pk].sessions == 0
    checked = 0
    for practitioner_id, results in by_practitioner.items():
        row = rows[practitioner_id]
        assert row.sessions == len(results)
        for d in definitions:
            values = [r.scores[d.slug] for r in results]
            defined = [v for v in values if v is not None]
            summary = row.scores[d.slug]
            assert summary.latest == values[-1]
            assert summary.mean == pytest.approx(np.mean(defined))
            if d.fair is not None:
                at_fair = [v for v in defined if scores.band(v, d.fair, d.good) != "below_fair"]
                assert summary.share_fair == pytest.approx(len(at_fair) / len(defined))
                at_good = [v for v in defined if v >= d.good]
                assert summary.share_good == pytest.approx(len(at_good) / len(defined))
            positions = [i for i, v in enumerate(values) if v is not None]
            if len(positions) >= 3:
                expected = np.polyfit(positions, defined, 1)[0]
                assert summary.slope == pytest.approx(expected)
            else:
                assert summary.slope is None and summary.trend is None
            checked += 1
    assert checked == 3 * len(definitions)


def test_export_holds_the_audit_numbers(world, supervisor, client_for):
    _, _, by_practitioner = reference(world.agency)
    response = client_for(supervisor).get(reverse("dashboards:audit_export", args=["csv"]))
    assert response.status_code == 200
    rows = {
        int(row["practitioner_id"]): row
        for row in csv.DictReader(io.StringIO(response.content.decode()))
    }
    for practitioner_id, results in by_practitioner.items():
        row = rows[practitioner_id]
        assert int(row["sessions"]) == len(results)
        latest = results[-1].scores
        for slug, value in latest.items():
            assert (float(row[f"{slug}_latest"]) if row[f"{slug}_latest"] else None) == value
        relational = [r.scores["relational"] for r in results]
        assert float(row["relational_mean"]) == pytest.approx(np.mean(relational))


def _chart(html: str, chart_id: str) -> dict:
    match = re.search(
        rf'<script id="{chart_id}" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, f"no figure {chart_id} on the page"
    return json.loads(match.group(1))


def test_practitioner_dashboard_charts_and_table_show_coding_results(world, supervisor, client_for):
    definitions, results, _ = reference(world.agency, world.dana)
    response = client_for(supervisor).get(reverse("dashboards:practitioner", args=[world.dana.pk]))
    html = response.content.decode()
    for d in definitions:
        figure = _chart(html, f"chart-{d.slug}")
        (trace,) = figure["data"]
        assert trace["y"] == [r.scores[d.slug] for r in results]
        assert trace["x"] == [r.coding.transcript.session_date.isoformat() for r in results]
    sessions = response.context["data"].sessions
    assert [s.result.scores for s in sessions] == [r.scores for r in results]
    latest = results[-1]
    for d in definitions:
        assert d.format(latest.scores[d.slug]) in html
    for result in results:
        assert reverse("coding:feedback", args=[result.coding.pk]) in html


def test_agency_thresholds_decide_the_bands_everywhere(world, supervisor, client_for):
    from coding.models import SummaryScore
    from coding.services.schemes import threshold_set

    miti = factories.miti()
    before = selectors.agency_audit(supervisor, world.agency, Filters(scheme=miti))
    threshold_set(
        agency=world.agency,
        summary_score=SummaryScore.objects.get(scheme=miti, slug="relational"),
        fair=1,
        good=1.5,
    )
    after = selectors.agency_audit(supervisor, world.agency, Filters(scheme=miti))
    dana_before = next(r for r in before.rows if r.practitioner == world.dana)
    dana_after = next(r for r in after.rows if r.practitioner == world.dana)
    assert dana_before.scores["relational"].share_good < 1
    assert dana_after.scores["relational"].share_good == 1
    dashboard = selectors.practitioner_dashboard(supervisor, world.dana)
    assert {s.bands["relational"] for s in dashboard.sessions} == {"good"}


def _number(cell: str) -> float | None:
    return float(cell) if cell != "" else None


def test_dashboard_numbers_equal_manage_py_export_scores(world, supervisor, client_for):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("export_scores", agency=world.agency.slug, scheme="miti-4.2.1", stdout=out)
    exported = list(csv.DictReader(io.StringIO(out.getvalue())))
    by_key: dict[tuple, list[dict]] = defaultdict(list)
    for row in exported:
        by_key[(int(row["transcript_id"]), row["coder"], row["scheme"])].append(row)
    sessions = selectors.session_scores(supervisor, world.agency, Filters(scheme=factories.miti()))
    definitions = score_definitions(factories.miti(), world.agency)
    assert len(sessions) == 10
    for session in sessions:
        (row,) = by_key[(session["transcript_id"], session["coder"], session["scheme"])]
        assert row["status"] == "submitted"
        for d in definitions:
            assert _number(row[d.slug]) == pytest.approx(session[d.slug]), d.slug
        for column in ("Q", "SR", "CR", "AF", "Confront", "empathy", "cct"):
            assert _number(row[column]) == session[column], column
    # The audit's per-practitioner means are the means of the exported sessions of record.
    audit = selectors.agency_audit(supervisor, world.agency, Filters(scheme=factories.miti()))
    for audit_row in audit.rows:
        mine = [s for s in sessions if s["practitioner_id"] == audit_row.practitioner.pk]
        values = [
            _number(by_key[(s["transcript_id"], s["coder"], s["scheme"])][0]["relational"])
            for s in mine
        ]
        expected = np.mean(values) if values else None
        assert audit_row.scores["relational"].mean == pytest.approx(expected)


RULES = {
    "mean": re.compile(r"^\d+\.\d\d$"),  # globals' means: two decimals, "3.00" never "3"
    "ratio": re.compile(r"^\d+\.\d\d$"),  # R:Q
    "percent": re.compile(r"^\d+%$"),  # %CR
    "averaged": re.compile(r"^\d+\.\d\d$"),  # any score averaged over sessions, counts too
}


def _kind(definition) -> str:
    return "percent" if definition.percent else definition.type


def _cells(html: str, start: str, end: str = "</tr>") -> list[str]:
    row = html[html.index(start) :].split(end, 1)[0]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]


def test_one_display_rule_per_kind_of_score_on_every_dashboard(world, supervisor, client_for):
    client = client_for(supervisor)
    audit = client.get(reverse("dashboards:audit"))
    html = audit.content.decode()
    definitions = audit.context["audit"].definitions
    for d in definitions:
        # The spread table: practitioners' means, quartiles, minimum and maximum.
        figures = _cells(html, f'<th scope="row" class="fw-normal">{d.name}</th>')[1:6]
        rule = RULES["percent" if d.percent else "averaged"]
        assert [f for f in figures if not rule.match(f)] == [], (d.slug, figures)
        # Thresholds are shown by the same rule, with % where the score is a percentage.
        if d.fair is not None:
            assert d.fair_text == d.format(d.fair)
    assert {d.slug: d.fair_text for d in definitions if d.fair is not None} == {
        "technical": "3.00",
        "relational": "3.50",
        "pct_cr": "40%",
        "r_q": "1.00",
    }
    page = client.get(reverse("dashboards:practitioner", args=[world.dana.pk]))
    html = page.content.decode()
    data = page.context["data"]
    means = _cells(html, "Mean of ")
    for d, shown in zip(data.definitions, means, strict=True):
        rule = RULES["percent" if d.percent else "averaged"]
        assert rule.match(shown), (d.slug, shown)
    for session in data.sessions:
        for d in data.definitions:
            shown = d.format(session.result.scores.get(d.slug))
            if shown == "—":
                continue
            if d.type == "sum":
                assert re.match(r"^\d+$", shown), (d.slug, shown)  # a session's count
            else:
                assert RULES[_kind(d)].match(shown), (d.slug, shown)
    globals_table = html[html.index('id="globals-heading"') :]
    for row in data.global_rows:
        if row.mean is not None:
            assert f'<td class="text-end">{row.mean:.2f}</td>' in globals_table
