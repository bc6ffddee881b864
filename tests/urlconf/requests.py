"""Sending the matrices' requests and reading what came back."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.apps import apps
from django.http import HttpResponse
from django.test import Client
from django.urls import resolve, reverse

from tests.urlconf.registry import Refusal, entry_for
from tests.urlconf.walk import Route

# An id no row of the test database reaches.
ABSENT_ID = 987_654_321
NAMING = ("object_id", "id", "token", "slug", "uidb64")

PROJECT_APPS = ("accounts", "transcripts", "coding", "workflow", "reliability", "dashboards")


def url_of(route: Route, kwargs: dict[str, object]) -> str:
    if route.name:
        return reverse(route.name, kwargs=kwargs)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m[1]]), route.route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(kwargs[m[1]]), path)
    return "/" + path.replace("^", "").replace("$", "")


def send(
    client: Client,
    method: str,
    url: str,
    data: dict[str, object] | None = None,
    *,
    as_json: bool = False,
) -> HttpResponse:
    if method == "GET":
        return client.get(url, data or {})
    if as_json:
        return client.post(url, json.dumps(data or {}), content_type="application/json")
    return client.post(url, data or {})


def body(response: HttpResponse) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", "replace").lower()


def describe(response: HttpResponse) -> str:
    where = f" → {response['Location']}" if response.has_header("Location") else ""
    return f"{response.status_code}{where}"


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every project model, to show that refused requests changed nothing."""
    rows = {}
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            rows[model._meta.label] = list(model.objects.order_by("pk").values_list())
    for model in (apps.get_model("auth", "Group"),):
        rows[model._meta.label] = list(model.objects.order_by("pk").values_list())
    return rows


def changes(before: dict[str, list[tuple]], after: dict[str, list[tuple]]) -> list[str]:
    return [label for label in before if before[label] != after[label]]


@dataclass
class Control:
    name: str
    kind: str
    value: str = ""
    checked: bool = False
    options: list[tuple[str, bool]] = field(default_factory=list)


@dataclass
class Form:
    method: str
    action: str
    id: str
    controls: list[Control] = field(default_factory=list)

    def submits_to(self, url: str) -> bool:
        return self.action.split("?")[0].split("#")[0] in ("", url)

    def data(self) -> dict[str, list[str]]:
        """What a browser sends when the form is submitted as the page fills it in."""
        sent: dict[str, list[str]] = {}
        for control in self.controls:
            if control.name == "csrfmiddlewaretoken":
                continue
            if control.kind in ("checkbox", "radio"):
                if control.checked:
                    sent.setdefault(control.name, []).append(control.value)
            elif control.kind == "select":
                chosen = [value for value, selected in control.options if selected]
                if not chosen and control.options:
                    chosen = [control.options[0][0]]
                sent.setdefault(control.name, []).extend(chosen)
            else:
                sent.setdefault(control.name, []).append(control.value)
        return sent

    def id_fields(self) -> set[str]:
        """Fields that carry ids: choices, hidden or number inputs, whose values are digits."""
        names = set()
        for control in self.controls:
            values = [control.value] + [value for value, _ in control.options]
            if any(value.isdigit() for value in values):
                names.add(control.name)
        return names - {"csrfmiddlewaretoken"}


def _sign_in_pages() -> tuple[str, str]:
    return reverse("login"), reverse("admin:login")


def _answer(response: HttpResponse) -> tuple[int, str]:
    return response.status_code, response.get("Location", "").split("?")[0]


def _absent(kwargs: dict[str, object]) -> dict[str, object]:
    """The same arguments naming nothing that exists."""
    return {
        k: ABSENT_ID if isinstance(v, int) else f"{ABSENT_ID}" if k in NAMING else v
        for k, v in kwargs.items()
    }


def _expected(response: HttpResponse, refusal: Refusal) -> bool:
    status, location = _answer(response)
    if status == 405 or (status == 401 and "json" in response.get("Content-Type", "")):
        return True
    if status == 302 and location in _sign_in_pages():
        return True  # signed out, or not staff: the same for any URL
    if refusal is Refusal.GONE:
        return status == 302 and location == reverse("transcripts:upload")
    if refusal is Refusal.LINK:
        return status == 200
    return status == 404


def refusal_problem(
    client: Client,
    route: Route,
    method: str,
    response: HttpResponse,
    data: dict | None,
    *,
    as_json: bool = False,
) -> str | None:
    """Why ``response`` is not a proper refusal of the object its URL names, or None.

    A proper refusal is the URL's own (404 by default) or a refusal that does not depend on
    the object at all (a 403 for a role that may not use the page, the sign-in page): those
    must be exactly what an id that exists nowhere gets, so they tell nothing.
    """
    entry = entry_for(route)
    if response.status_code >= 500:
        return describe(response)
    expected = _expected(response, entry.refusal)
    if expected and (
        response.status_code in (404, 405, 401) or _answer(response)[1] in _sign_in_pages()
    ):
        return None
    if not expected and response.status_code != 403:
        return describe(response)
    match = resolve(response.request["PATH_INFO"])
    absent = send(client, method, url_of(route, _absent(match.kwargs)), data, as_json=as_json)
    if _answer(absent) != _answer(response):
        return f"{describe(response)}, but {describe(absent)} for an object that does not exist"
    return None


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Control | None = None
        self._textarea: Control | None = None

    def _owner(self, attrs: dict[str, str]) -> Form | None:
        if attrs.get("form"):
            return next((f for f in self.forms if f.id == attrs["form"]), None)
        return self._form

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(
                method=a.get("method", "get").lower(),
                action=a.get("action", ""),
                id=a.get("id", ""),
            )
            self.forms.append(self._form)
        elif tag == "option" and self._select is not None:
            self._select.options.append((a.get("value", ""), "selected" in a))
        elif tag in ("input", "select", "textarea") and a.get("name"):
            form = self._owner(a)
            kind = a.get("type", "text").lower() if tag == "input" else tag
            if form is None or kind in ("submit", "button", "image", "reset", "file"):
                return
            control = Control(
                name=a["name"], kind=kind, value=a.get("value", ""), checked="checked" in a
            )
            form.controls.append(control)
            if tag == "select":
                self._select = control
            elif tag == "textarea":
                self._textarea = control

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            if self._textarea is not None:
                self._textarea.value = self._textarea.value.lstrip("\n")
            self._textarea = None


def forms_of(html: str, url: str, method: str) -> list[Form]:
    """The forms of a page that submit to ``url`` with ``method``."""
    parser = _FormParser()
    parser.feed(html)
    return [form for form in parser.forms if form.method == method and form.submits_to(url)]
