from io import StringIO

import pytest
from django.core.management import call_command

from demo.seed import DEMO_PASSWORD


@pytest.mark.django_db(transaction=True)
def test_researcher_opens_a_confusion_cell_from_the_heatmap(page, live_server, sign_in):
    call_command("seed_demo", stdout=StringIO())
    sign_in(page, "researcher", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/reliability/")
    page.get_by_role("button", name="Compute reliability").click()
    page.wait_for_selector("#utterance-heading")
    assert "6 transcripts coded by two or more coders" in page.locator("h2").first.inner_text()

    chart = page.locator(".confusion-chart").first
    chart.locator(".heatmaplayer").wait_for(state="attached")
    # Where plotly drew the first off-diagonal cell with a count: a real click on it.
    target = page.evaluate(
        """(element) => {
          const trace = element.data[0];
          const layout = element._fullLayout;
          for (let r = 0; r < trace.y.length; r++) {
            for (let c = 0; c < trace.x.length; c++) {
              if (trace.z[r][c] > 0 && trace.x[c] !== trace.y[r]) {
                return {
                  x: layout.xaxis._offset + layout.xaxis.l2p(c),
                  y: layout.yaxis._offset + layout.yaxis.l2p(r),
                  row: trace.y[r], col: trace.x[c], count: trace.z[r][c],
                };
              }
            }
          }
          return null;
        }""",
        chart.element_handle(),
    )
    assert target is not None
    chart.click(position={"x": target["x"], "y": target["y"]})
    page.wait_for_url("**/reliability/cell/**")

    assert target["row"] in page.locator("h1").inner_text()
    rows = page.locator("table.disagreements tbody tr")
    assert rows.count() == target["count"]
    first_row = rows.first.locator("td")
    assert first_row.nth(3).inner_text() == target["row"]
    assert first_row.nth(4).inner_text() == target["col"]


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
