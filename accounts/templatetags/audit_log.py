"""The audit log's details as a person reads them: no None, no dict or list syntax, no sixteen
decimals."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

register = template.Library()


@register.filter
def readable(value: Any) -> str:
    """One detail value in words: "—" for nothing, yes/no, a whole number or two decimals,
    a list joined with commas, a mapping as "key value" pairs."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() else f"{value:.2f}"
    if isinstance(value, Mapping):
        return ", ".join(f"{label(key)} {readable(item)}" for key, item in value.items()) or "—"
    if isinstance(value, list | tuple | set):
        return ", ".join(readable(item) for item in value) or "—"
    return str(value)


@register.filter
def label(key: object) -> str:
    """A detail's key as words: "mean_kappa" is "mean kappa"."""
    return str(key).replace("_", " ")
