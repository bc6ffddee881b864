"""Drawing a reproducible random sample of transcripts for double coding.

Pure functions, no Django: the same seed over the same transcripts and coders always gives the
same sample and the same second coders.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal


class SampleError(ValueError):
    """The sample cannot be drawn as asked (e.g. no eligible second coder)."""

    def __init__(self, message: str, transcript_id: int | None = None) -> None:
        super().__init__(message)
        self.transcript_id = transcript_id


@dataclass(frozen=True)
class Draw:
    seed: int
    transcript_ids: list[int]
    second_coder: dict[int, int] = field(default_factory=dict)


def new_seed() -> int:
    """A fresh six-digit seed, short enough to read out and type back in."""
    return random.SystemRandom().randrange(100_000, 1_000_000)


def sample_size(population: int, percent: Decimal | float | int) -> int:
    """``percent`` of ``population`` rounded up, at least one (none of nothing)."""
    if population <= 0:
        return 0
    share = Decimal(str(percent))
    if not 0 < share <= 100:
        raise SampleError(f"the share must be above 0 and at most 100 percent, not {percent}")
    return max(1, min(population, math.ceil(share * population / 100)))


def draw(
    *,
    transcript_ids: Iterable[int],
    percent: Decimal | float | int,
    seed: int,
    coder_ids: Iterable[int],
    taken: Mapping[int, set[int]] | None = None,
    covered: Iterable[int] = (),
) -> Draw:
    """Sample ``percent`` of the transcripts and give each a second coder.

    The transcripts are sorted by id before sampling, so the order they come in never matters.
    ``taken`` maps a transcript to the coders who already code it (its first coder among them),
    none of whom may be its second coder; transcripts in ``covered`` already have a second
    coder and get none. Second coders are the least loaded in this draw; ties go by an order
    of the coders shuffled with the same seed.
    """
    population = sorted(set(transcript_ids))
    rng = random.Random(seed)
    selected = sorted(rng.sample(population, sample_size(len(population), percent)))
    coders = sorted(set(coder_ids))
    rng.shuffle(coders)
    rank = {coder: index for index, coder in enumerate(coders)}
    load = dict.fromkeys(coders, 0)
    taken = taken or {}
    skip = set(covered)
    second: dict[int, int] = {}
    for transcript_id in selected:
        if transcript_id in skip:
            continue
        eligible = [coder for coder in coders if coder not in taken.get(transcript_id, set())]
        if not eligible:
            raise SampleError(
                "no second coder is available: every chosen coder already codes it",
                transcript_id,
            )
        chosen = min(eligible, key=lambda coder: (load[coder], rank[coder]))
        load[chosen] += 1
        second[transcript_id] = chosen
    return Draw(seed=seed, transcript_ids=selected, second_coder=second)
