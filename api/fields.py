"""Input fields that take a value only in the type the schema gives it.

Django REST framework is lenient by default: ``"12"`` for a number in JSON, ``1.0`` for an
integer, ``0`` for a string, ``yes`` for a boolean. A client that sends the wrong type has
misread the schema, and is told so. Query strings and multipart forms carry only text, so
there a number must be written as digits and a boolean as ``true`` or ``false``.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.datastructures import MultiValueDict
from rest_framework import serializers

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
TRUE, FALSE = "true", "false"


def _from_text(field: serializers.Field) -> bool:
    """Whether the value came from a query string or a form, where everything is text."""
    return isinstance(getattr(field.root, "initial_data", None), MultiValueDict)


class Text(serializers.CharField):
    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class Integer(serializers.IntegerField):
    default_error_messages = {"invalid": "A whole number is required."}

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, str):
            if not (_from_text(self) and data.isascii() and data.isdigit()):
                self.fail("invalid")
        elif isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class Number(serializers.FloatField):
    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, str):
            if not (_from_text(self) and _NUMBER.match(data)):
                self.fail("invalid")
        elif isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return super().to_internal_value(data)


class Flag(serializers.BooleanField):
    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data: Any) -> bool:
        if isinstance(data, bool):
            return data
        if isinstance(data, str) and _from_text(self) and data.lower() in (TRUE, FALSE):
            return data.lower() == TRUE
        self.fail("invalid")
