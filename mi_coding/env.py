"""Typed readers for settings that come from environment variables.

Each helper fails loudly with ImproperlyConfigured on a malformed value rather than
silently falling back, so a typo in production configuration stops the app at start-up.
"""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {raw!r}")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


_PERIODS = {"second": "s", "minute": "m", "hour": "h", "day": "d"}


def env_rate(name: str, default: str) -> str:
    """A request rate such as ``600/minute`` (per second, minute, hour or day), normalised to
    the ``<n>/<s|m|h|d>`` form Django REST framework reads."""
    raw = os.environ.get(name, default).strip()
    count, _, period = raw.partition("/")
    period = period.strip().lower()
    unit = _PERIODS.get(period, period if period in _PERIODS.values() else None)
    if not count.strip().isdigit() or int(count) < 1 or unit is None:
        raise ImproperlyConfigured(
            f"{name} must be a rate such as 600/minute (per second, minute, hour or day), "
            f"not {raw!r}"
        )
    return f"{int(count)}/{unit}"
