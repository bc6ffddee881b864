"""Ids as users send them (form fields, command arguments): digits that fit a primary key.

Django answers an exact lookup with an out-of-range integer as "no such row", but a list
(``pk__in``) of them reaches the database driver, which overflows (SQLite) or errs (PostgreSQL).
Ids are therefore checked before any query sees them.
"""

from __future__ import annotations

import argparse

from django import forms

MAX_ID = 2**63 - 1  # the largest value of a 64-bit primary key column


def parse_id(value: object) -> int | None:
    """The id ``value`` spells (digits only, 1 to MAX_ID), or None."""
    text = str(value).strip()
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def id_argument(value: str) -> int:
    """An argparse ``type`` for ids: a bad one is a usage error, never a traceback."""
    number = parse_id(value)
    if number is None:
        raise argparse.ArgumentTypeError(f"{value!r} is not an id")
    return number


class IdField(forms.IntegerField):
    """One id in a form or a JSON body: a whole number a primary key can hold, else invalid."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A choice of several rows by primary key that refuses ids no row could have as an
    invalid choice, before they reach a query."""

    def clean(self, value: object) -> object:
        if self.to_field_name is None and isinstance(value, list | tuple):
            for item in value:
                if parse_id(item) is None:
                    raise forms.ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": item},
                    )
        return super().clean(value)
