from io import StringIO

import pytest
from django.core.management import call_command

from demo.seed import DEMO_PASSWORD


@pytest.mark.django_db(transaction=True)
def test_demo_supervisor_signs_in_and_sees_the_home_page(page, live_server, sign_in):
    call_command("seed_demo", stdout=StringIO())
    failed = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    sign_in(page, "supervisor", DEMO_PASSWORD)
    page.wait_for_load_state("networkidle")
    assert failed == []  # every asset, the icon included, is served
    assert page.locator("link[rel=icon]").count() == 1
    assert page.locator("h1").inner_text().startswith("Welcome")
    assert "Riverside Community Health" in page.content()
    nav = page.locator("nav[aria-label=Main]")
    assert nav.get_by_role("link", name="Transcripts").is_visible()
    assert nav.get_by_role("link", name="Agency").count() == 0


@pytest.mark.django_db(transaction=True)
def test_wrong_password_stays_on_the_sign_in_page(page, live_server):
    call_command("seed_demo", stdout=StringIO())
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "supervisor")
    page.fill("input[name=password]", "wrong")
    page.click("button[type=submit]")
    assert "/accounts/login/" in page.url
    assert page.locator(".alert-danger, .invalid-feedback, .alert").count() >= 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1200, 1280, 1400])
def test_the_admins_navigation_fits_on_one_line_without_scrolling(
    page, live_server, sign_in, width
):
    call_command("seed_demo", stdout=StringIO())
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, "admin", DEMO_PASSWORD)
    nav = page.locator("nav[aria-label=Main]")
    assert nav.get_by_role("link", name="Agency").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # Expanded on one line: the brand and the account menu share a row.
    brand = nav.locator(".navbar-brand").bounding_box()
    account = nav.locator(".dropdown-toggle").bounding_box()
    assert abs(brand["y"] + brand["height"] / 2 - (account["y"] + account["height"] / 2)) < 12
