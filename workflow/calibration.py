"""A coder's calibration coding held against the gold standard.

Pure functions, no Django: the statistics come from reliability/stats.py; this module only
lays the codings out as units and collects the figures the results page shows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from reliability import stats


@dataclass(frozen=True)
class Unit:
    """One utterance in one dimension: the codes the gold and the coder gave it."""

    transcript: int
    utterance: int
    dimension: str
    gold: frozenset[str]
    coder: frozenset[str]


def _label(codes: frozenset[str]) -> str:
    return " + ".join(sorted(codes)) if codes else stats.NO_CODE


def _agreement(units: Sequence[Unit]) -> float | None:
    if not units:
        return None
    return stats.percent_agreement(
        [_label(u.gold) for u in units], [_label(u.coder) for u in units]
    ).value


# pingouin needs five ratings at least: with two raters, three transcripts.
MIN_ICC_TRANSCRIPTS = 3


def _count_icc(units: Sequence[Unit], code: str, transcripts: Sequence[int]) -> stats.Estimate:
    if len(transcripts) < MIN_ICC_TRANSCRIPTS:
        return stats.Estimate.undefined(
            f"count ICC needs at least {MIN_ICC_TRANSCRIPTS} training transcripts",
            n=len(transcripts),
        )
    counts = {t: {"gold": 0, "coder": 0} for t in transcripts}
    for unit in units:
        counts[unit.transcript]["gold"] += code in unit.gold
        counts[unit.transcript]["coder"] += code in unit.coder
    frame = pd.DataFrame.from_dict(counts, orient="index", columns=["gold", "coder"])
    return stats.icc(frame).forms["ICC2"]


def calibration_results(
    *,
    units: Sequence[Unit],
    codes: Mapping[str, Sequence[str]],
    transcripts: Sequence[int],
    pass_mark: float,
) -> dict[str, Any]:
    """Agreement and presence kappa per code against the gold, count ICC(2,1) per code over
    the training transcripts, exact agreement per transcript (keyed by transcript id), and the
    verdict: the mean kappa over the codes must reach ``pass_mark``. ``codes`` maps each
    dimension to its codes in the scheme's order."""
    by_dimension: dict[str, list[Unit]] = defaultdict(list)
    by_transcript: dict[int, list[Unit]] = defaultdict(list)
    for unit in units:
        by_dimension[unit.dimension].append(unit)
        by_transcript[unit.transcript].append(unit)
    rows: list[dict[str, Any]] = []
    kappas: dict[str, stats.Estimate] = {}
    for dimension, dimension_codes in codes.items():
        coded = by_dimension.get(dimension, [])
        if not coded or not dimension_codes:
            continue
        presence = stats.presence_kappa(
            [u.gold for u in coded], [u.coder for u in coded], list(dimension_codes)
        )
        for code in dimension_codes:
            kappa = presence.per_code[code]
            kappas[code] = kappa
            icc = _count_icc(coded, code, transcripts)
            notes = [note for note in (kappa.note, icc.note) if note]
            rows.append(
                {
                    "code": code,
                    "gold": sum(code in u.gold for u in coded),
                    "coder": sum(code in u.coder for u in coded),
                    "agreement": kappa.details.get("po"),
                    "kappa": kappa.value,
                    "icc": icc.value,
                    "note": "; ".join(notes) or None,
                }
            )
    mean = stats.mean_estimate(kappas)
    return {
        "transcripts": len(transcripts),
        "utterances": len({u.utterance for u in units}),
        "percent_agreement": _agreement(units),
        "mean_kappa": mean.value,
        "mean_note": mean.note,
        "pass_mark": pass_mark,
        "passed": mean.value is not None and mean.value >= pass_mark,
        "codes": rows,
        "per_transcript": {t: _agreement(by_transcript.get(t, [])) for t in transcripts},
    }
