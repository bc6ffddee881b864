"""The API documentation page in Chromium, under a Content-Security-Policy that allows no
inline script or style and nothing from another origin: it loads the schema and lists the
operations, with no console error and no request leaving the server."""

from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest
from django.urls import get_resolver

# As strict as a policy for this application gets: everything from the site itself, images
# also as data: URLs (Swagger UI's icons), no inline script, no inline style, no eval.
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'none'"
)


@pytest.mark.django_db(transaction=True)
def test_the_api_docs_load_under_a_strict_content_security_policy(page, live_server):
    # Import every view now, not inside the first request and its timeout.
    assert get_resolver().url_patterns
    problems, origins = [], set()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: origins.add(urlsplit(request.url).netloc))

    def with_policy(route: object) -> None:
        # Fetched here, from the live server's IPv4 address: Playwright's own route.fetch()
        # and a lookup of "localhost" may try ::1 first, where the live server is not.
        url = route.request.url.replace("//localhost:", "//127.0.0.1:", 1)
        with urlopen(url, timeout=30) as response:  # noqa: S310 - the live server
            headers = {**dict(response.headers), "Content-Security-Policy": POLICY}
            route.fulfill(status=response.status, headers=headers, body=response.read())

    base = live_server.url
    page.route(f"{base}/**", with_policy)
    page.goto(f"{base}/api/v1/docs/")
    page.wait_for_selector("text=/api/v1/scores/")
    page.wait_for_load_state("networkidle")
    assert problems == []
    assert origins == {urlsplit(base).netloc}
    for path in ("/api/v1/transcripts/", "/api/v1/reliability/", "/api/v1/fidelity/"):
        assert page.get_by_text(path, exact=True).first.is_visible()
    assert page.get_by_role("button", name="Authorize").is_visible()
