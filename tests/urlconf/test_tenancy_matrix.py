"""Every URL of the project, walked from the URLconf, against the objects of another agency:
the outsider and every persona of the home agency get 404 (405 for a wrong method), never a
page, a redirect with an effect, a 403 that would tell the object exists, or a 5xx; nothing
changes in the database; no page of one agency shows another agency's names or words."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.urlconf.registry import (
    REGISTRY,
    Refusal,
    entry_for,
    is_admin,
    is_api_operation,
    kwargs_for,
    listed,
    matrix_routes,
)
from tests.urlconf.requests import (
    body,
    changes,
    describe,
    forms_of,
    refusal_problem,
    send,
    snapshot,
    url_of,
)
from tests.urlconf.walk import Route, all_routes
from tests.urlconf.world import ROLES, World

pytestmark = pytest.mark.django_db

ROUTES = matrix_routes()
WITH_ARGUMENTS = [route for route in ROUTES if route.kwargs]
# Pages whose arguments name an object, and pages that show the current agency's data.
OF_OBJECTS = [route for route in WITH_ARGUMENTS if listed(route).target]
OF_AGENCY = [route for route in ROUTES if route not in OF_OBJECTS]


def _key(route: Route) -> str:
    return route.key


def test_every_url_that_takes_arguments_is_in_the_registry():
    missing = []
    for route in WITH_ARGUMENTS:
        try:
            entry_for(route)
        except AssertionError as exc:
            missing.append(str(exc))
    assert not missing, "\n".join(missing)


def test_the_api_matrix_takes_every_api_operation():
    """The routes these matrices leave to tests/api/test_access_matrix.py are operations of the
    OpenAPI schema it walks: a route under /api/v1/ outside the schema would escape both."""
    from drf_spectacular.generators import SchemaGenerator

    def shape(path: str) -> str:
        return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", path.strip("/"))

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = {shape(path) for path in schema["paths"]}
    left_out = [route for route in all_routes() if is_api_operation(route)]
    assert left_out, "no API route is left to the API matrix: is the prefix still right?"
    escaped = [route.route for route in left_out if shape(route.route) not in operations]
    assert not escaped, f"API routes neither matrix walks: {escaped}"


def test_the_registry_names_only_urls_that_exist():
    names = {route.key for route in ROUTES}
    assert not set(REGISTRY) - names, f"stale registry entries: {sorted(set(REGISTRY) - names)}"


def identities(
    route: Route, home: World, away: World
) -> list[tuple[str, World | None, str, World]]:
    """(label, the viewer's world, role, the world whose objects are asked for): every home
    persona against the other agency, its admin (the outsider) against home, and nobody.
    The admin site refuses everyone who is not staff alike, before it looks at any object, so
    there the outsider stands for all."""
    if is_admin(route):
        return [("outsider", away, "admin", home)]
    rows = [(f"home {role}", home, role, away) for role in ROLES]
    rows.append(("outsider", away, "admin", home))
    rows.append(("anonymous", None, "", home))
    return rows


def _harvested_post(route: Route, world: World, url: str) -> tuple[dict, bool]:
    """What the object's own agency would post to ``url``: the registry's payload, else the
    form of the page as its control persona sees it."""
    entry = entry_for(route)
    if entry.json is not None:
        return entry.json(world), True
    if entry.post is not None:
        return entry.post(world), False
    if not entry.control:
        return {}, False
    response = world.client(entry.control).get(url)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return {}, False
    forms = forms_of(body(response), url, "post")
    return (forms[0].data() if forms else {}), False


@pytest.mark.parametrize("route", OF_OBJECTS, ids=_key)
def test_objects_of_another_agency_answer_404(route, worlds):
    home, away = worlds
    payloads = {}
    for world in worlds:
        url = url_of(route, kwargs_for(route, world))
        payloads[world.marker] = _harvested_post(route, world, url)
    before = snapshot()
    problems = []
    for label, viewer, role, target in identities(route, home, away):
        client = viewer.client(role) if viewer else target.client("admin").__class__()
        kwargs = kwargs_for(route, target)
        url = url_of(route, kwargs)
        data, as_json = payloads[target.marker]
        for method in ("GET", "POST"):
            sent = data if method == "POST" else None
            response = send(client, method, url, sent, as_json=as_json)
            problem = refusal_problem(client, route, method, response, sent, as_json=as_json)
            if problem:
                problems.append(f"{label} {method} {url}: {problem}")
            elif target.marker in body(response):
                problems.append(f"{label} {method} {url}: shows {target.marker}")
    changed = changes(before, snapshot())
    assert not problems, "\n".join(problems)
    assert not changed, f"requests refused by {route.key} changed {changed}"


@pytest.mark.parametrize(
    "route", [r for r in OF_OBJECTS if not is_admin(r) and listed(r).control], ids=_key
)
def test_the_control_persona_reaches_its_own_object(route, worlds):
    """The registry builds arguments that work: in its own agency the control persona is not
    refused, so the 404s above are the rule at work and not a wrong id."""
    entry = entry_for(route)
    for world in worlds:
        url = url_of(route, kwargs_for(route, world))
        client = world.client(entry.control)
        response = client.get(url)
        if response.status_code == 405:
            data, as_json = _harvested_post(route, world, url)
            response = send(client, "POST", url, data, as_json=as_json)
        assert response.status_code < 500, f"{entry.control} {url}: {describe(response)}"
        assert response.status_code not in (403, 404), (
            f"{entry.control} of {world.marker} is refused {url} ({describe(response)}): "
            "fix the registry entry"
        )
        if entry.refusal is Refusal.GONE:
            assert response.get("Location") != reverse("transcripts:upload")


@pytest.mark.parametrize("route", OF_AGENCY, ids=_key)
def test_pages_of_the_agency_show_nothing_of_another_agency(route, worlds):
    """Lists, forms, exports: every persona of each agency, none of the other's words."""
    entry = entry_for(route)
    home, away = worlds
    problems = []
    viewers = [(home, away, role) for role in ROLES] + [(away, home, "admin")]
    if is_admin(route):
        viewers = viewers[-1:]
    for world, other, role in viewers:
        client = world.client(role)
        url = url_of(route, kwargs_for(route, world))
        for method in ("GET", "POST"):
            data = entry.post(world) if method == "POST" and entry.post else None
            response = send(client, method, url, data)
            if response.status_code >= 500:
                problems.append(f"{world.marker} {role} {method} {url}: {describe(response)}")
            elif other.marker in body(response):
                problems.append(f"{world.marker} {role} {method} {url}: shows {other.marker}")
            elif method == "GET" and response.status_code in (403, 404):
                break  # the role may not use the page: a POST is refused before it reads
    assert not problems, "\n".join(problems)


def _unechoed(response, sent: object) -> str:
    """The body without the value the request sent: a form may quote a refused value back,
    and a username or slug of the other agency carries its marker."""
    return body(response).replace(str(sent).lower(), "")


@pytest.mark.parametrize(
    "route", [r for r in OF_AGENCY if listed(r).ids or listed(r).query], ids=_key
)
def test_ids_of_another_agency_in_queries_and_forms_change_nothing(route, worlds):
    """The ids a page reads (query string, form fields), given another agency's objects: never
    a 5xx, nothing of the other agency shown, nothing changed."""
    entry = entry_for(route)
    home, away = worlds
    url = url_of(route, kwargs_for(route, home))
    client = home.client(entry.control)
    before = snapshot()
    problems = []
    for name, build in entry.query.items():
        base = {key: value(home) for key, value in entry.query.items()}
        response = client.get(url, {**base, name: build(away)})
        if response.status_code >= 500 or away.marker in _unechoed(response, build(away)):
            problems.append(f"GET {url}?{name}={build(away)}: {describe(response)}")
    for name, build in entry.ids.items():
        data = {**(entry.post(home) if entry.post else {}), name: build(away)}
        response = send(client, "POST", url, data)
        if response.status_code >= 500 or away.marker in _unechoed(response, build(away)):
            problems.append(f"POST {url} {name}={build(away)}: {describe(response)}")
    assert not problems, "\n".join(problems)
    assert not changes(before, snapshot()), f"{url} changed {changes(before, snapshot())}"
