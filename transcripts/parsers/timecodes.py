"""Reading times: clock stamps (``hh:mm:ss``, ``mm:ss``, with ``.`` or ``,`` fractions) and
plain seconds. Every reader returns None for what is not a time rather than raising."""

from __future__ import annotations

import math
import re

CLOCK_PATTERN = r"(?:\d{1,3}:)?\d{1,3}:\d{1,2}(?:[.,]\d{1,3})?"
_CLOCK = re.compile(
    r"(?:(?P<h>\d{1,3}):)?(?P<m>\d{1,3}):(?P<s>\d{1,2})(?:[.,](?P<f>\d{1,3}))?",
)
_SECONDS = re.compile(r"\d{1,7}(?:\.\d{1,6})?")


def clock_seconds(value: str) -> float | None:
    """Seconds of a clock stamp: ``1:02:03``, ``02:03``, ``00:00:03.500`` or ``00:00:03,5``."""
    match = _CLOCK.fullmatch(value.strip())
    if match is None:
        return None
    hours = int(match["h"] or 0)
    minutes = int(match["m"])
    seconds = int(match["s"])
    if seconds >= 60 or (match["h"] is not None and minutes >= 60):
        return None
    fraction = int(match["f"]) / 10 ** len(match["f"]) if match["f"] else 0.0
    return hours * 3600 + minutes * 60 + seconds + fraction


def time_seconds(value: object) -> float | None:
    """Seconds from a clock stamp, a number of seconds, or a number; None if not a time."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:
            return None
        return number if math.isfinite(number) and number >= 0 else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _SECONDS.fullmatch(text):
        return float(text)
    return clock_seconds(text)


def format_clock(seconds: float | None) -> str:
    """``m:ss`` below an hour, ``h:mm:ss`` above; empty for an unknown time."""
    if seconds is None:
        return ""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
