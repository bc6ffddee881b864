"""How each field of an archived model is written: a plain value or one kind of reference."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from accounts.models import Agency
from exchange.archive.registry import ENTRY_BY_LABEL, NATURAL_KEYS

VALUE = "value"
AGENCY = "agency"  # the owning agency: left out of the archive
USER = "user"  # a username
NATURAL = "natural"  # a natural key of a scheme or one of its parts
LOCAL = "local"  # the position of another archived row
MANY_LOCAL = "many_local"  # positions of several archived rows


class ArchiveError(ValueError):
    """An archive that cannot be written or restored; the message says where and why."""


@dataclass(frozen=True)
class Column:
    field: models.Field
    kind: str
    target: str = ""

    @property
    def name(self) -> str:
        return self.field.name

    @property
    def attname(self) -> str:
        return self.field.attname


def _kind(field: models.Field, owner: str) -> tuple[str, str]:
    if not field.is_relation:
        return VALUE, ""
    target = field.related_model
    label = target._meta.label_lower
    if target is Agency:
        return AGENCY, label
    if label == settings.AUTH_USER_MODEL.lower():
        return USER, label
    if target in NATURAL_KEYS:
        return NATURAL, label
    if label in ENTRY_BY_LABEL:
        return (MANY_LOCAL if field.many_to_many else LOCAL), label
    raise ImproperlyConfigured(
        f"{owner}.{field.name} refers to {label}, which the agency archive does not hold; "
        "add it to exchange/archive/registry.py"
    )


@cache
def columns(model: type[models.Model]) -> tuple[Column, ...]:
    """Every field the archive writes for ``model``, in the model's own order."""
    owner = model._meta.label_lower
    result = []
    for field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
        if field.primary_key:
            continue
        kind, target = _kind(field, owner)
        result.append(Column(field=field, kind=kind, target=target))
    return tuple(result)


def stored(model: type[models.Model]) -> tuple[Column, ...]:
    """The columns an archive holds for ``model``: all but the owning agency."""
    return tuple(column for column in columns(model) if column.kind != AGENCY)


def encode_value(value: Any) -> Any:
    """A field value as JSON: instants in UTC ISO 8601, dates in ISO 8601."""
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def decode_value(field: models.Field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(field, models.JSONField):
        return value
    return field.to_python(value)
