from io import StringIO

import pytest
from django.core.management import call_command

from demo.seed import DEMO_PASSWORD


@pytest.mark.django_db(transaction=True)
def test_researcher_reads_per_code_and_reflection_tables_then_the_disagreements(
    page, live_server, sign_in
):
    call_command("seed_demo", stdout=StringIO())
    sign_in(page, "researcher", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/reliability/")
    page.get_by_role("button", name="Compute reliability").click()
    page.wait_for_selector("#utterance-heading")
    assert "6 transcripts coded by two or more coders" in page.locator("h2").first.inner_text()

    # MITI 4.2.1 codes several behaviours per utterance: no matrix over every combination,
    # but each code present or absent, and SR against CR with "neither".
    assert page.locator(".confusion-chart").count() == 0
    presence = page.locator("table.presence-table").first
    assert presence.locator("th[scope=row]", has_text="SR").count() >= 1
    reflections = page.locator("table.set-confusion-table", has_text="SR vs CR").first
    headers = reflections.locator("thead th").all_inner_texts()
    assert headers[1:4] == ["SR", "CR", "neither"]

    page.get_by_role("link", name="List all disagreements").first.click()
    page.wait_for_url("**/reliability/cell/**")
    rows = page.locator("table.disagreements tbody tr")
    assert rows.count() > 0
    first_row = rows.first.locator("td")
    assert first_row.nth(3).inner_text() != first_row.nth(4).inner_text()


@pytest.mark.django_db(transaction=True)
def test_submitting_shows_that_the_computation_is_running(page, live_server, sign_in):
    call_command("seed_demo", stdout=StringIO())
    sign_in(page, "researcher", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/reliability/")
    # Keep the page where it is after the page's own handler ran, to read what it shows
    # while the server computes.
    page.evaluate(
        "document.getElementById('reliability-form')"
        ".addEventListener('submit', (event) => event.preventDefault())"
    )
    page.get_by_role("button", name="Compute reliability").click()
    status = page.locator("#reliability-status")
    status.wait_for()
    assert status.inner_text().startswith("Computing reliability")
    assert page.get_by_role("button", name="Compute reliability").is_disabled()
