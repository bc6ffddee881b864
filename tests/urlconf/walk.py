"""Every route of the URLconf, found by walking it: new endpoints join the matrices the day
they are added."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter


@dataclass(frozen=True)
class Route:
    """One URL pattern: its name with namespace (or, unnamed, its route), the full route and
    the converters of its keyword arguments (None for a regular-expression group)."""

    key: str
    name: str | None
    route: str
    converters: dict[str, object]

    @property
    def kwargs(self) -> tuple[str, ...]:
        return tuple(self.converters)

    def takes_int(self, kwarg: str) -> bool:
        return isinstance(self.converters[kwarg], IntConverter)

    def admits(self, kwarg: str, value: str) -> bool:
        """Whether the URL can carry ``value`` as ``kwarg`` (its converter's pattern)."""
        converter = self.converters[kwarg]
        if converter is None:
            return False  # a regular-expression group: its own choices, not an id
        return re.fullmatch(converter.regex, value) is not None

    @property
    def namespace(self) -> str:
        return self.key.split(":", 1)[0] if ":" in self.key else ""


def _kwargs_of(pattern: URLPattern | URLResolver) -> dict[str, object]:
    converters = dict(getattr(pattern.pattern, "converters", {}))
    for group in pattern.pattern.regex.groupindex:
        converters.setdefault(group, None)
    return converters


def _walk(
    resolver: URLResolver, namespace: str, prefix: str, converters: dict[str, object]
) -> list[Route]:
    routes = []
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        found = {**converters, **_kwargs_of(pattern)}
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            routes += _walk(pattern, inner, route, found)
            continue
        name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
        key = name or f"{namespace}:{route}" if namespace else name or route
        routes.append(Route(key=key, name=name, route=route, converters=found))
    return routes


def all_routes() -> list[Route]:
    """Every pattern of the project's URLconf, includes followed, in URLconf order."""
    return _walk(get_resolver(), "", "", {})
