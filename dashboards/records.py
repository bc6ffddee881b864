"""Sessions of record at agency scale, as plain values.

The audit and the home page read the score of record of thousands of sessions. Building a
model instance (with its transcript, practitioner, scheme and coder) for each of them costs
forty times the query itself, so here the candidates come back as tuples and the record is
chosen by the rule of ``coding.selectors.codings_of_record`` — the same priority, the same
order — which tests/dashboards/test_records.py holds identical on varied data. The numbers
then come from ``coding_results`` exactly as for any other coding.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.db.models import QuerySet

from coding.models import Coding, CodingScheme, CodingStatus
from coding.selectors import RECORD_PRIORITY, CodingResult, ScoreDefinition, coding_results

PRACTITIONER_KEY = "practitioner_id"


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """One session's coding of record. ``pk`` and ``scheme_id`` are all ``coding_results``
    reads of a coding."""

    pk: int
    scheme_id: int
    kind: str
    transcript_id: int
    practitioner_id: int
    session_date: datetime.date | None
    coder: str  # username


def session_records(codings: QuerySet[Coding]) -> list[SessionRecord]:
    """One record per (transcript, scheme) among ``codings``, chronological. One query."""
    rank = {kind: index for index, kind in enumerate(RECORD_PRIORITY)}
    candidates = (
        codings.filter(status=CodingStatus.SUBMITTED, kind__in=RECORD_PRIORITY)
        .order_by("submitted_at", "pk")
        .values_list(
            "pk",
            "scheme_id",
            "kind",
            "transcript_id",
            "transcript__practitioner_id",
            "transcript__session_date",
            "coder__username",
        )
    )
    chosen: dict[tuple[int, int], SessionRecord] = {}
    for row in candidates:
        record = SessionRecord(*row)
        key = (record.transcript_id, record.scheme_id)
        best = chosen.get(key)
        if best is None or rank[record.kind] < rank[best.kind]:
            chosen[key] = record
    return sorted(
        chosen.values(), key=lambda r: (r.session_date or datetime.date.min, r.transcript_id)
    )


def record_results(
    records: Sequence[SessionRecord], scheme: CodingScheme, definitions: list[ScoreDefinition]
) -> list[CodingResult]:
    """Counts, globals and summary scores of each record: two queries."""
    return coding_results(records, {scheme.pk: definitions})  # type: ignore[arg-type]


def session_frame(
    results: Sequence[CodingResult],
    definitions: Sequence[ScoreDefinition],
    practitioner_ids: Sequence[int],
) -> pd.DataFrame:
    """One row per session: its practitioner and a float column (NaN where undefined) per
    summary score, in the order of ``results``."""
    slugs = [d.slug for d in definitions]
    frame = pd.DataFrame(
        [
            [practitioner_id, *(r.scores.get(slug) for slug in slugs)]
            for practitioner_id, r in zip(practitioner_ids, results, strict=True)
        ],
        columns=[PRACTITIONER_KEY, *slugs],
    )
    for slug in slugs:
        frame[slug] = pd.to_numeric(frame[slug], errors="coerce").astype(float)
    return frame


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
