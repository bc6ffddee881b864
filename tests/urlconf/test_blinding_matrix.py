"""Blind double coding on every URL, walked from the URLconf: a coder never reaches another
coder's blind coding, a gold standard or a consensus (404, whatever the page), and no page
or answer shows them a word of those codings' notes. Two agencies hold the situations, each
on a transcript of its own: one keeps coders blind for good (both open, one submitted, both
submitted with a consensus being decided, both open on a recording), one unblinds them once
all is submitted (both submitted, on a transcript and on a recording, a gold standard beside
them, a coder calibrating against a gold standard)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ObjectDoesNotExist

from tests.urlconf.registry import entry_for, is_admin, kwargs_for, listed, matrix_routes
from tests.urlconf.requests import body, describe, refusal_problem, send, url_of
from tests.urlconf.walk import Route
from tests.urlconf.world import SITUATIONS, Situation, World, build_situation

pytestmark = pytest.mark.django_db

ROUTES = matrix_routes()
SITE = [route for route in ROUTES if not is_admin(route)]
OF_CODINGS = [route for route in SITE if listed(route).target in ("coding", "consensus")]
# Pages that show a coder their own work: the transcript, their coding, their calibration.
OWN = ("transcript", "coding", "attempt")
OF_THEIR_OWN = [route for route in SITE if listed(route).target in OWN]
OF_AGENCY = [route for route in SITE if not listed(route).target]
EXPORTS_OF_THEIR_OWN = {
    "exchange:scores": {"scope": "mine", "format": "csv"},
    "exchange:codes": {"scope": "mine", "include_text": "on"},
}


@pytest.fixture(scope="module", params=SITUATIONS)
def situation(request, module_db: None) -> Situation:
    return build_situation(request.param)


def _key(route: Route) -> str:
    return route.key


def _payload(route: Route, world: World) -> tuple[dict | None, bool]:
    """The registry's payload for the URL, where the situation holds what it names."""
    entry = entry_for(route)
    try:
        if entry.json is not None:
            return entry.json(world), True
        return (entry.post(world) if entry.post else None), False
    except (AttributeError, ObjectDoesNotExist):  # e.g. an utterance of a recording alone
        return None, False


@pytest.mark.parametrize("route", OF_CODINGS, ids=_key)
def test_coder_gets_404_for_codings_hidden_from_them(route, situation):
    problems = []
    world = situation.world
    for role, hidden in situation.hidden.items():
        client = world.client(role)
        for coding in hidden:
            aliased = world.aliased(coding)
            url = url_of(route, kwargs_for(route, aliased))
            data, as_json = _payload(route, aliased)
            for method in ("GET", "POST"):
                response = send(client, method, url, data, as_json=as_json)
                problem = refusal_problem(client, route, method, response, data, as_json=as_json)
                if problem:
                    problems.append(f"{role} {coding.get_kind_display()} {method} {url}: {problem}")
                elif any(marker in body(response) for marker in situation.markers(role)):
                    problems.append(f"{role} {method} {url}: shows the hidden coding's notes")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("route", ["coding:workspace", "coding:feedback"])
def test_coder_reads_what_the_situation_shows_them(route, situation):
    """The other side of the matrix: where the agency unblinds, the same pages open."""
    for role, shown in situation.shown.items():
        for coding in shown:
            url = url_of(entry_route(route), {"pk": coding.pk})
            response = situation.world.client(role).get(url)
            assert response.status_code == 200, f"{role} {url}: {describe(response)}"


def entry_route(name: str) -> Route:
    return next(route for route in ROUTES if route.key == name)


def _pages(route: Route, situation: Situation, role: str) -> list[tuple[str, World]]:
    """The URL for each of the coder's own codings (its transcript, its calibration), or once
    where it names no object."""
    world = situation.world
    target = entry_for(route).target
    if target == "attempt" and "attempt" not in world.objects:
        return []
    owns = situation.own.get(role, [])[: 1 if target in ("", "attempt") else None]
    pages = []
    for own in owns:
        aliased = world.aliased(own)
        try:
            pages.append((url_of(route, kwargs_for(route, aliased)), aliased))
        except AttributeError:  # a URL about an utterance, for a session without any
            assert own.is_from_audio, f"{route.key} cannot be built for {own}"
    return pages


@pytest.mark.parametrize("route", OF_THEIR_OWN + OF_AGENCY, ids=_key)
def test_no_page_shows_a_coder_the_notes_of_a_hidden_coding(route, situation):
    problems = []
    for role in situation.own:
        client = situation.world.client(role)
        markers = situation.markers(role)
        for url, aliased in _pages(route, situation, role):
            data, as_json = _payload(route, aliased)
            requests = [("GET", None), ("POST", data)]
            if route.key in EXPORTS_OF_THEIR_OWN:
                requests.append(("POST", EXPORTS_OF_THEIR_OWN[route.key]))
            for method, sent in requests:
                response = send(client, method, url, sent, as_json=as_json)
                if response.status_code >= 500:
                    problems.append(f"{role} {method} {url}: {describe(response)}")
                elif any(marker in body(response) for marker in markers):
                    problems.append(f"{role} {method} {url}: shows a hidden coding's notes")
                elif method == "GET" and response.status_code in (403, 404):
                    break  # not a page of theirs at all: a POST is refused before it reads
    assert not problems, "\n".join(problems)
