"""Playwright driving Debian's Chromium against Django's live server.

Browser tests are skipped only where no Chromium is installed; with MI_REQUIRE_BROWSER=1 (set
by CI) a missing browser is a failure instead.
"""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("MI_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# between browser steps are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        if os.environ.get("MI_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium is required but missing at {CHROMIUM}")
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    # Playwright's wait_for_function evaluates its predicate inside the page, which the
    # Content-Security-Policy (no eval) refuses; test_content_security_policy.py drives the
    # pages under the policy itself.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


_warmed: set[str] = set()


def _warm_up(live_server: object) -> None:
    """The live server's first request imports every view (the statistics libraries
    included), which on a busy machine outlasts a page's timeout: pay for it once here."""
    if live_server.url not in _warmed:
        urllib.request.urlopen(f"{live_server.url}/healthz", timeout=120).read()  # noqa: S310
        _warmed.add(live_server.url)


@pytest.fixture
def sign_in(live_server: object) -> Callable[[object, str, str], None]:
    _warm_up(live_server)

    def do(page: object, username: str, password: str) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")

    return do


# Recorded in the page itself, before any of its scripts run.
_WATCH_SCRIPT = """
window.__problems = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__problems.push(
    `CSP ${event.effectiveDirective} refused ${event.blockedURI || "inline"} ` +
    `(${event.sourceFile}:${event.lineNumber})`
  );
});
"""


class ProblemWatch:
    """One signed-in browser context that notes every policy violation, console error and
    uncaught exception, page by page."""

    def __init__(self, context: object, problems: dict[str, list[str]]) -> None:
        self.context = context
        self.page = context.new_page()
        self.problems = problems
        self._pending: list[str] = []
        self.page.on(
            "console",
            lambda message: message.type == "error" and self._pending.append(message.text),
        )
        self.page.on("pageerror", lambda error: self._pending.append(f"uncaught: {error}"))

    def collect(self, label: str) -> None:
        found = self.page.evaluate("window.__problems || []")
        self.problems[label] = self.problems.get(label, []) + self._pending + found
        self._pending = []


@pytest.fixture
def watched_sign_in(live_server: object) -> Iterator[Callable[..., ProblemWatch]]:
    _warm_up(live_server)
    contexts = []

    def do(browser: object, username: str, password: str, problems: dict) -> ProblemWatch:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        context.add_init_script(_WATCH_SCRIPT)
        contexts.append(context)
        watch = ProblemWatch(context, problems)
        watch.page.goto(f"{live_server.url}/accounts/login/")
        watch.page.fill("input[name=username]", username)
        watch.page.fill("input[name=password]", password)
        watch.page.click("main button[type=submit]")
        watch.page.wait_for_url(f"{live_server.url}/")
        watch.collect("sign-in")
        return watch

    yield do
    for context in contexts:
        context.close()
