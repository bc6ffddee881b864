"""The dashboards in Chromium: plotly draws the server's figures from the project's static
files."""

from __future__ import annotations

import datetime

import pytest

from accounts.models import Role
from tests import factories
from tests.factories import PASSWORD

GLOBALS = [
    {"cct": 2, "sst": 2, "partnership": 3, "empathy": 3},
    {"cct": 3, "sst": 4, "partnership": 4, "empathy": 4},
    {"cct": 4, "sst": 4, "partnership": 5, "empathy": 4},
]


def coded_practitioner(agency, coder):
    practitioner = factories.make_practitioner(agency, "Dana Reyes")
    for n, globals_ in enumerate(GLOBALS):
        factories.make_coded_session(
            agency,
            practitioner,
            coder,
            session_date=datetime.date(2026, 1, 5) + datetime.timedelta(days=21 * n),
            codes={1: ["Q"], 3: ["SR"], 5: ["CR"] if n else ["Q"]},
            globals_=globals_,
        )
    return practitioner


@pytest.mark.django_db(transaction=True)
def test_practitioner_dashboard_draws_its_charts(page, live_server, sign_in):
    agency = factories.make_agency(slug="home")
    supervisor = factories.make_user(agency, Role.SUPERVISOR, username="sofia")
    practitioner = coded_practitioner(agency, factories.make_user(agency, Role.CODER))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, supervisor.username, PASSWORD)
    page.goto(f"{live_server.url}/dashboards/practitioners/{practitioner.pk}/")
    chart = page.locator('[data-chart="chart-relational"][data-rendered="true"]')
    chart.wait_for()
    # One line with a marker per session, drawn as SVG inside the chart.
    assert chart.locator(".scatterlayer .trace").count() == 1
    assert chart.locator(".scatterlayer .point").count() == len(GLOBALS)
    assert chart.locator("text", has_text="Good ≥ 4").count() == 1
    assert page.locator("[data-rendered=true]").count() == 6
    assert page.locator(".chart-fallback").count() == 0
    # The table equivalent opens from the keyboard.
    summary = page.locator("details.chart-table summary").first
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("details.chart-table").first.locator("tbody tr").count() == 3
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_audit_page_draws_the_distributions_and_sorts(page, live_server, sign_in):
    agency = factories.make_agency(slug="home")
    researcher = factories.make_user(agency, Role.RESEARCHER, username="rita")
    coder = factories.make_user(agency, Role.CODER)
    coded_practitioner(agency, coder)
    other = factories.make_practitioner(agency, "Sam Okafor")
    factories.make_coded_session(agency, other, coder, globals_=GLOBALS[2])
    sign_in(page, researcher.username, PASSWORD)
    page.goto(f"{live_server.url}/dashboards/")
    page.locator('[data-chart="spread-relational"][data-rendered="true"]').wait_for()
    assert page.locator('[data-chart="spread-relational"] .boxlayer .trace').count() == 1
    page.get_by_role("link", name="Mean").nth(1).click()  # relational mean, highest first
    page.wait_for_url("**sort=relational.mean**")
    first = page.locator("table.audit-table tbody tr th a").first
    assert first.inner_text() == "Sam Okafor"


@pytest.mark.django_db(transaction=True)
def test_the_printed_dashboard_fits_an_a4_page(page, live_server, sign_in):
    agency = factories.make_agency(slug="home")
    supervisor = factories.make_user(agency, Role.SUPERVISOR, username="sofia")
    practitioner = coded_practitioner(agency, factories.make_user(agency, Role.CODER))
    sign_in(page, supervisor.username, PASSWORD)
    # A4 less 14 mm margins is about 688 CSS pixels wide.
    page.set_viewport_size({"width": 688, "height": 1000})
    page.emulate_media(media="print")
    page.goto(f"{live_server.url}/dashboards/practitioners/{practitioner.pk}/")
    page.locator("[data-rendered=true]").first.wait_for()
    past_the_edge = page.evaluate(
        """() => [...document.querySelectorAll("main *")]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .map(e => e.tagName + "." + e.className)"""
    )
    assert past_the_edge == []
    assert page.locator("table.sessions-table").is_visible()


@pytest.mark.django_db(transaction=True)
def test_the_fidelity_audit_fits_a_1400_pixel_screen_with_the_miti_scores_in_view(
    browser, live_server, sign_in
):
    agency = factories.make_agency(slug="home")
    supervisor = factories.make_user(agency, Role.SUPERVISOR, username="sofia")
    coder = factories.make_user(agency, Role.CODER)
    coded_practitioner(agency, coder)
    team = factories.make_team(agency, "Community outreach and engagement")
    other = factories.make_practitioner(agency, "Priya Natarajan-Whitfield", team=team)
    factories.make_coded_session(
        agency, other, coder, codes={1: ["Q"], 3: ["CR"]}, globals_=GLOBALS[1]
    )
    context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
    page = context.new_page()
    try:
        sign_in(page, supervisor.username, PASSWORD)
        page.goto(f"{live_server.url}/dashboards/")
        page.locator('[data-chart="spread-relational"][data-rendered="true"]').wait_for()
        widths = page.evaluate(
            """() => {
              const wrap = document.querySelector('.audit-table-wrap');
              return [document.documentElement.scrollWidth, window.innerWidth,
                      wrap.scrollWidth, wrap.clientWidth];
            }"""
        )
        page_width, window_width, table_width, wrap_width = widths
        assert page_width <= window_width
        assert table_width <= wrap_width, f"the audit table overflows: {widths}"
        # MITI summary scores come right after the name, %CR and R:Q among them, in view.
        headings = page.locator(".audit-table thead tr").first.locator("th")
        assert headings.nth(1).inner_text().strip() == "Technical global"
        for slug in ("pct_cr", "r_q"):
            heading = page.locator(f'.audit-table thead th[data-score="{slug}"]')
            cell = page.locator(f'.audit-table tbody td[data-score="{slug}"]').first
            for element in (heading, cell):
                box = element.bounding_box()
                assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 1400
                assert element.is_visible()
    finally:
        context.close()
