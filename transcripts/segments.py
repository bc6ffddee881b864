"""Sentence boundaries for splitting utterances, and the MITI's random 20-minute segment.

Pure functions: no database."""

from __future__ import annotations

import random
import re

MITI_SEGMENT_SECONDS = 20 * 60

# The end of a sentence: . ! ? or … (closing quotes and brackets may follow), then a space.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*\s+(?=\S)")


def sentence_boundaries(text: str) -> list[int]:
    """Offsets in ``text`` where a new sentence starts (never 0 or the end)."""
    return [match.end() for match in _SENTENCE_END.finditer(text) if match.end() < len(text)]


def random_segment(
    starts: list[float], last: float, rng: random.Random, length: float = MITI_SEGMENT_SECONDS
) -> tuple[float, float] | None:
    """A ``length``-second segment beginning where an utterance begins, chosen at random;
    None when the whole session is no longer than ``length``."""
    if not starts or last - min(starts) <= length:
        return None
    candidates = sorted({start for start in starts if start + length <= last})
    start = rng.choice(candidates)
    return start, start + length


def random_audio_segment(
    seconds: float, rng: random.Random, length: float = MITI_SEGMENT_SECONDS
) -> tuple[float, float] | None:
    """A ``length``-second segment of a recording of ``seconds``, starting at a whole second
    chosen at random; None when the recording is no longer than ``length``."""
    if seconds <= length:
        return None
    start = float(rng.randint(0, int(seconds - length)))
    return start, start + length
