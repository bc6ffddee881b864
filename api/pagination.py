"""Cursor pages over lists: forward-only keyset pagination.

A cursor is the position after the last row of a page (the values of the ordering fields),
opaque to clients. Keyset pages stay correct while rows are added and cost the same at row
10 and at row 100,000; a forged cursor is refused as invalid input, never used in a query.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.utils.urls import replace_query_param

from api.fields import Integer, Text
from mi_coding.ids import MAX_ID

_MAX_TEXT = 300
_BAD_CURSOR = "This cursor is not valid; use the 'next' link of a page, or start without one."


@dataclass(frozen=True)
class Key:
    """One ordering field (ascending) and the type of its values: int or str."""

    field: str
    kind: type


class PageParams(serializers.Serializer):
    cursor = Text(
        required=False,
        max_length=2000,
        help_text="Where the page starts: the `next` link of the page before. Omit for the first.",
    )
    page_size = Integer(
        required=False,
        min_value=1,
        max_value=settings.MI_API_MAX_PAGE_SIZE,
        help_text=f"Rows per page (default {settings.MI_API_PAGE_SIZE}, "
        f"at most {settings.MI_API_MAX_PAGE_SIZE}).",
    )


def _encode(values: list[Any]) -> str:
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _valid(value: Any, kind: type) -> bool:
    if kind is int:
        return type(value) is int and 0 <= value <= MAX_ID
    return isinstance(value, str) and len(value) <= _MAX_TEXT


def _decode(cursor: str, keys: list[Key]) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ValidationError({"cursor": [_BAD_CURSOR]}) from exc
    if (
        not isinstance(values, list)
        or len(values) != len(keys)
        or not all(_valid(v, k.kind) for v, k in zip(values, keys, strict=True))
    ):
        raise ValidationError({"cursor": [_BAD_CURSOR]})
    return values


def _after(keys: list[Key], values: list[Any]) -> Q:
    """Rows strictly after ``values`` in the order of ``keys``."""
    condition = Q()
    for index in reversed(range(len(keys))):
        equal = {k.field: v for k, v in zip(keys[:index], values[:index], strict=True)}
        step = Q(**equal, **{f"{keys[index].field}__gt": values[index]})
        condition = step if index == len(keys) - 1 else step | condition
    return condition


@dataclass
class Page:
    ids: list[int]
    next: str | None


def page_of(request: Request, queryset: QuerySet, keys: list[Key], params: dict) -> Page:
    """The ids (the last key is the primary key) of one page of ``queryset`` in the order of
    ``keys``, and the link to the next page. One query."""
    size = params.get("page_size") or settings.MI_API_PAGE_SIZE
    cursor = params.get("cursor")
    if cursor:
        queryset = queryset.filter(_after(keys, _decode(cursor, keys)))
    fields = [key.field for key in keys]
    rows = list(queryset.order_by(*fields).values_list(*fields)[: size + 1])
    following = None
    if len(rows) > size:
        rows = rows[:size]
        following = replace_query_param(
            request.build_absolute_uri(), "cursor", _encode(list(rows[-1]))
        )
    return Page(ids=[row[-1] for row in rows], next=following)


def in_order(objects: dict[int, Any], ids: list[int]) -> list[Any]:
    return [objects[pk] for pk in ids if pk in objects]
