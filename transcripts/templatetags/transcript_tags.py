from django import template

from transcripts.parsers.timecodes import format_clock

register = template.Library()


@register.filter
def clock(seconds: float | None) -> str:
    """A time in the session as ``m:ss`` or ``h:mm:ss``."""
    return format_clock(seconds)


@register.filter
def in_segment(start: float | None, transcript: object) -> bool:
    """Whether an utterance starting at ``start`` lies in the transcript's coded segment."""
    segment_start = getattr(transcript, "segment_start", None)
    segment_end = getattr(transcript, "segment_end", None)
    if start is None:
        return True
    if segment_start is not None and start < segment_start:
        return False
    return segment_end is None or start < segment_end
