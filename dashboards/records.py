"""Sessions of record at agency scale, scored and laid out as tables.

The audit and the home page read the score of record of thousands of sessions, so they work on
``coding.selectors.session_records`` (plain values, no model instances); the numbers come from
``coding_results`` exactly as for any other coding.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from coding.models import CodingScheme
from coding.selectors import CodingResult, ScoreDefinition, SessionRecord, coding_results


def record_results(
    records: Sequence[SessionRecord], scheme: CodingScheme, definitions: list[ScoreDefinition]
) -> list[CodingResult]:
    """Counts, globals and summary scores of each record: two queries."""
    return coding_results(records, {scheme.pk: definitions})  # type: ignore[arg-type]


def score_rows(
    results: Sequence[CodingResult],
    scheme: CodingScheme,
    definitions: list[ScoreDefinition],
    codes: Sequence[str],
    globals_: Sequence[str],
) -> list[dict[str, Any]]:
    """One flat row per session, named as ``export_scores`` names its columns: a count for
    every code of the scheme (0 when unused), every global (None when unrated) and every
    summary score (None when undefined)."""
    return [
        {
            "coding_id": r.coding.pk,
            "transcript_id": r.coding.transcript_id,
            "practitioner_id": r.coding.practitioner_id,
            "session_date": r.coding.session_date,
            "coder": r.coding.coder,
            "scheme": scheme.slug,
            "kind": r.coding.kind,
            **{code: r.counts.get(code, 0) for code in codes},
            **{slug: r.globals.get(slug) for slug in globals_},
            **{d.slug: r.scores.get(d.slug) for d in definitions},
        }
        for r in results
    ]
