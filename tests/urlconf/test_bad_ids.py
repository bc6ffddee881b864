"""Ids no row can have, anywhere a URL takes one: in the path (where its converter admits
them), in the query string, in form fields and in JSON bodies. Each answers 404, or 400/422
with a message, or the page with the field marked: never a 5xx.

What each URL reads is found, not listed by hand: the path's converters from the URLconf,
the query parameters and form fields that carry ids from the page's own forms, plus what the
registry names (query parameters a link carries, JSON bodies)."""

from __future__ import annotations

import pytest

from tests.urlconf.registry import entry_for, is_admin, kwargs_for, listed, matrix_routes
from tests.urlconf.requests import body, describe, forms_of, send, url_of
from tests.urlconf.walk import Route
from tests.urlconf.world import World

pytestmark = pytest.mark.django_db

ROUTES = [route for route in matrix_routes() if not is_admin(route)]
# Past a signed 64-bit key, past an unsigned one, far past both; zero; negative; not a number;
# a digit Python's str.isdigit() accepts and int() refuses.
BAD_IDS = ("0", "-1", str(2**63), str(2**64), str(10**30), "x", "²")
BAD_JSON_IDS = (0, -1, 2**63, 2**64, 10**30, "x", "²", 1.5, None, True, [1], {"id": 1})
REFUSED_JSON = (400, 404, 409, 422)


def _key(route: Route) -> str:
    return route.key


def _control(route: Route) -> str:
    return entry_for(route).control or "admin"


def _page(route: Route, world: World) -> tuple[str, str]:
    """The URL with the world's own arguments, and the page as its control persona sees it."""
    url = url_of(route, kwargs_for(route, world))
    response = world.client(_control(route)).get(url)
    html = body(response) if "html" in response.get("Content-Type", "") else ""
    return url, html


@pytest.mark.parametrize("route", [r for r in ROUTES if r.kwargs], ids=_key)
def test_bad_ids_in_the_path_answer_404(route, worlds):
    home, _ = worlds
    client = home.client(_control(route))
    good = kwargs_for(route, home)
    problems = []
    for name in route.kwargs:
        for value in (v for v in BAD_IDS if route.admits(name, v)):
            url = url_of(route, {**good, name: value})
            response = client.get(url)
            if response.status_code == 405:
                response = client.post(url)
            if response.status_code >= 500 or response.status_code == 200 and route.takes_int(name):
                problems.append(f"{url}: {describe(response)}")
    assert not problems, "\n".join(problems)


def _query_params(route: Route, world: World, html: str, url: str) -> set[str]:
    names = set(entry_for(route).query)
    for form in forms_of(html, url, "get"):
        names |= form.id_fields()
    return names


@pytest.mark.parametrize("route", ROUTES, ids=_key)
def test_bad_ids_in_the_query_string_never_fail(route, worlds):
    home, _ = worlds
    url, html = _page(route, home)
    client = home.client(_control(route))
    entry = entry_for(route)
    base = {name: build(home) for name, build in entry.query.items()}
    problems = []
    for name in sorted(_query_params(route, home, html, url)):
        for value in BAD_IDS:
            response = client.get(url, {**base, name: value})
            if response.status_code >= 500:
                problems.append(f"GET {url}?{name}={value}: {describe(response)}")
    assert not problems, "\n".join(problems)


def _forms(route: Route, world: World, html: str, url: str) -> list[tuple[dict, set[str]]]:
    """Each form to post to the URL: its data and the fields that carry ids."""
    entry = entry_for(route)
    found = [(form.data(), form.id_fields()) for form in forms_of(html, url, "post")]
    if entry.post is not None:
        found.append((entry.post(world), set(entry.ids)))
    return found


@pytest.mark.parametrize("route", [r for r in ROUTES if not listed(r).json], ids=_key)
def test_bad_ids_in_posted_forms_never_fail(route, worlds):
    home, _ = worlds
    url, html = _page(route, home)
    client = home.client(_control(route))
    problems = []
    for data, fields in _forms(route, home, html, url):
        for name in sorted(fields):
            for value in BAD_IDS:
                response = send(client, "POST", url, {**data, name: value})
                if response.status_code >= 500:
                    problems.append(f"POST {url} {name}={value}: {describe(response)}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("route", [r for r in ROUTES if listed(r).json], ids=_key)
def test_bad_ids_in_json_bodies_are_refused_with_a_message(route, worlds):
    home, _ = worlds
    entry = entry_for(route)
    url = url_of(route, kwargs_for(route, home))
    client = home.client(_control(route))
    payload = entry.json(home)
    problems = []
    for name in sorted(entry.ids):
        for value in BAD_JSON_IDS:
            response = send(client, "POST", url, {**payload, name: value}, as_json=True)
            if response.status_code not in REFUSED_JSON or not response.json().get("error"):
                problems.append(f"POST {url} {name}={value!r}: {describe(response)}")
    assert not problems, "\n".join(problems)
