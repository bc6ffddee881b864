"""Where the volleys of a coding made from audio may lie, and how their times read."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from coding.models import Coding


def clock(ms: int) -> str:
    """``ms`` as m:ss.t, the way the workspace shows times."""
    seconds, tenths = divmod(ms // 100, 10)
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes}:{seconds:02d}.{tenths}"


@dataclass(frozen=True)
class Bounds:
    """Where a coding's volleys may lie, in milliseconds: [start, end)."""

    start: int
    end: int | None

    def check(self, start_ms: int, end_ms: int | None = None) -> None:
        if start_ms < self.start:
            raise ValidationError(
                f"a volley at {clock(start_ms)} lies before the coded segment, which starts "
                f"at {clock(self.start)}"
            )
        if self.end is not None and start_ms >= self.end:
            raise ValidationError(
                f"a volley at {clock(start_ms)} lies past the end of the coded segment or "
                f"of the recording ({clock(self.end)})"
            )
        if end_ms is not None:
            if end_ms <= start_ms:
                raise ValidationError("a volley must end after it starts")
            if self.end is not None and end_ms > self.end:
                raise ValidationError(
                    f"a volley cannot end at {clock(end_ms)}, past the end of the coded "
                    f"segment or of the recording ({clock(self.end)})"
                )


def volley_bounds(coding: Coding) -> Bounds:
    transcript = coding.transcript
    start = round((transcript.segment_start or 0) * 1000)
    ends = [
        round(value * 1000)
        for value in (transcript.segment_end, transcript.audio_seconds)
        if value is not None
    ]
    return Bounds(start=start, end=min(ends) if ends else None)
