"""The agency audit: every practitioner's aggregates, their spread, sorting and the export
table, from one pass over the sessions of record."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from accounts.access import practitioners_visible_to
from accounts.models import Agency, Practitioner, User
from coding.selectors import RECORD_PRIORITY, ScoreDefinition
from dashboards.selectors.common import Filters, scale_ranges, session_results, thresholds_of

if TYPE_CHECKING:
    from dashboards import stats


@dataclass
class PractitionerRow:
    practitioner: Practitioner
    sessions: int = 0
    record_kinds: Counter[str] = field(default_factory=Counter)
    first_date: datetime.date | None = None
    latest_date: datetime.date | None = None
    scores: dict[str, stats.ScoreSummary] = field(default_factory=dict)


@dataclass
class ScoreSpread:
    """One summary score across practitioners: each one's mean, and how they spread."""

    definition: ScoreDefinition
    points: list[tuple[str, float]]
    distribution: stats.Distribution


@dataclass
class Audit:
    agency: Agency
    filters: Filters
    definitions: list[ScoreDefinition]
    rows: list[PractitionerRow]
    sessions: int
    spreads: list[ScoreSpread]
    record_kinds: list[tuple[str, int]]  # how many sessions each kind of coding scores
    scale_ranges: dict[str, tuple[int, int]]


def agency_audit(user: User, agency: Agency, filters: Filters) -> Audit:
    """Every practitioner of the agency (within the team filter) with their aggregates.

    Practitioners who left (inactive) are listed only when they have sessions in range.
    Nine queries.
    """
    from dashboards import stats  # pandas: loaded by the pages that aggregate, not by every worker

    practitioners = practitioners_visible_to(user).filter(agency=agency)
    if filters.team is not None:
        practitioners = practitioners.filter(team=filters.team)
    definitions, results = session_results(user, agency, filters)
    practitioner_ids = [r.coding.practitioner_id for r in results]
    summaries = stats.summarise(
        stats.session_frame(results, definitions, practitioner_ids),
        stats.PRACTITIONER_KEY,
        thresholds_of(definitions),
    )
    counts: Counter[int] = Counter(practitioner_ids)
    kinds: dict[int, Counter[str]] = {}
    dates: dict[int, list[datetime.date]] = {}
    for result in results:
        record = result.coding
        kinds.setdefault(record.practitioner_id, Counter())[record.kind] += 1
        if record.session_date is not None:
            dates.setdefault(record.practitioner_id, []).append(record.session_date)
    all_kinds = Counter(result.coding.kind for result in results)
    rows = [
        PractitionerRow(
            practitioner=p,
            sessions=counts[p.pk],
            record_kinds=kinds.get(p.pk, Counter()),
            first_date=min(dates[p.pk]) if p.pk in dates else None,
            latest_date=max(dates[p.pk]) if p.pk in dates else None,
            scores={
                d.slug: summaries.get(p.pk, {}).get(d.slug, stats.NO_SESSIONS) for d in definitions
            },
        )
        for p in practitioners
        if p.active or counts[p.pk]
    ]
    spreads = []
    for definition in definitions:
        points = [
            (row.practitioner.display_name, row.scores[definition.slug].mean)
            for row in rows
            if row.scores[definition.slug].mean is not None
        ]
        spreads.append(
            ScoreSpread(
                definition=definition,
                points=points,
                distribution=stats.distribution(
                    [mean for _, mean in points], definition.fair, definition.good
                ),
            )
        )
    return Audit(
        agency=agency,
        filters=filters,
        definitions=definitions,
        rows=rows,
        sessions=len(results),
        spreads=spreads,
        record_kinds=[(kind, all_kinds[kind]) for kind in RECORD_PRIORITY if all_kinds[kind]],
        scale_ranges=scale_ranges(filters.scheme),
    )


SCORE_FIELDS = {
    "latest": lambda s: s.latest,
    "mean": lambda s: s.mean,
    "fair": lambda s: s.share_fair,
    "good": lambda s: s.share_good,
    "trend": lambda s: s.slope,
}
ROW_FIELDS = {
    "name": lambda r: r.practitioner.display_name.casefold(),
    "team": lambda r: r.practitioner.team.name.casefold() if r.practitioner.team else None,
    "sessions": lambda r: r.sessions,
    "latest_date": lambda r: r.latest_date,
}


def sort_key_valid(key: str, definitions: Sequence[ScoreDefinition]) -> bool:
    if key in ROW_FIELDS:
        return True
    slug, _, part = key.partition(".")
    return part in SCORE_FIELDS and slug in {d.slug for d in definitions}


def sort_rows(rows: list[PractitionerRow], key: str, descending: bool) -> list[PractitionerRow]:
    """Rows ordered by ``key`` (a row field, or ``<score slug>.<latest|mean|fair|good|trend>``);
    rows without a value come last either way, ties by name."""
    if key in ROW_FIELDS:
        get = ROW_FIELDS[key]
    else:
        slug, _, part = key.partition(".")

        def get(row: PractitionerRow) -> Any:
            return SCORE_FIELDS[part](row.scores[slug])

    by_name = sorted(rows, key=ROW_FIELDS["name"])
    present = [row for row in by_name if get(row) is not None]
    missing = [row for row in by_name if get(row) is None]
    return sorted(present, key=get, reverse=descending) + missing


def audit_table(audit: Audit) -> tuple[list[str], list[dict[str, Any]]]:
    """The audit as columns and rows for CSV/XLSX: raw values, shares as fractions."""
    columns = [
        "practitioner_id",
        "practitioner",
        "team",
        "active",
        "scheme",
        "sessions",
        *(f"sessions_{kind}" for kind in RECORD_PRIORITY),
        "first_session",
        "latest_session",
    ]
    for d in audit.definitions:
        columns += [f"{d.slug}_latest", f"{d.slug}_latest_band", f"{d.slug}_mean"]
        if d.fair is not None or d.good is not None:
            columns += [f"{d.slug}_share_fair", f"{d.slug}_share_good"]
        columns += [f"{d.slug}_slope", f"{d.slug}_trend"]
    rows = []
    for row in audit.rows:
        out: dict[str, Any] = {
            "practitioner_id": row.practitioner.pk,
            "practitioner": row.practitioner.display_name,
            "team": row.practitioner.team.name if row.practitioner.team else "",
            "active": row.practitioner.active,
            "scheme": audit.filters.scheme.slug,
            "sessions": row.sessions,
            **{f"sessions_{kind}": row.record_kinds[kind] for kind in RECORD_PRIORITY},
            "first_session": row.first_date,
            "latest_session": row.latest_date,
        }
        for d in audit.definitions:
            summary = row.scores[d.slug]
            out |= {
                f"{d.slug}_latest": summary.latest,
                f"{d.slug}_latest_band": summary.latest_band,
                f"{d.slug}_mean": summary.mean,
                f"{d.slug}_share_fair": summary.share_fair,
                f"{d.slug}_share_good": summary.share_good,
                f"{d.slug}_slope": summary.slope,
                f"{d.slug}_trend": summary.trend,
            }
        rows.append(out)
    return columns, rows
