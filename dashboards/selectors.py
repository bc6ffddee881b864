"""Reads behind the fidelity dashboards, each in a fixed number of queries however many
practitioners and sessions there are.

A session's numbers are its score of record (``codings_of_record``; at agency scale the same
rule over plain values, dashboards/records.py) run through ``coding_results`` with the
agency's thresholds, so the dashboards, the feedback pages and the exports always agree.
Scores of different schemes are never mixed: every read takes one scheme.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from accounts.access import codings_visible_to, practitioners_visible_to
from accounts.models import Agency, Practitioner, Team, User
from coding.models import Code, Coding, CodingScheme, CodingStatus, GlobalScale
from coding.selectors import (
    RECORD_PRIORITY,
    CodingResult,
    ScoreDefinition,
    coding_results,
    codings_of_record,
    scheme_layout,
    score_definitions,
)
from dashboards import stats
from dashboards.records import (
    PRACTITIONER_KEY,
    record_results,
    score_rows,
    session_frame,
    session_records,
)


@dataclass(frozen=True)
class Filters:
    scheme: CodingScheme
    team: Team | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    def as_details(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme.slug,
            "team": self.team.name if self.team else None,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
        }


# ---------------------------------------------------------------- schemes


def schemes_for_agency(agency: Agency) -> list[CodingScheme]:
    """Schemes the agency can use, each with ``used``: how many submitted codings (other than
    calibration) the agency has with it."""
    return list(
        CodingScheme.objects.filter(Q(agency__isnull=True) | Q(agency=agency))
        .annotate(
            used=Count(
                "codings",
                filter=Q(
                    codings__transcript__agency=agency,
                    codings__status=CodingStatus.SUBMITTED,
                    codings__kind__in=RECORD_PRIORITY,
                ),
            )
        )
        .order_by("name")
    )


def default_scheme(schemes: Sequence[CodingScheme]) -> CodingScheme | None:
    """The most used scheme; the project's default where none is used more."""
    if not schemes:
        return None
    return max(
        schemes,
        key=lambda s: (getattr(s, "used", 0), s.slug == settings.MI_DEFAULT_SCHEME, -s.pk),
    )


def scale_ranges(scheme: CodingScheme) -> dict[str, tuple[int, int]]:
    """{global slug: (min, max)} of the scheme's global scales."""
    return {
        slug: (low, high)
        for slug, low, high in GlobalScale.objects.filter(scheme=scheme).values_list(
            "slug", "min_value", "max_value"
        )
    }


# ---------------------------------------------------------------- sessions of record


def _thresholds(definitions: Sequence[ScoreDefinition]) -> dict[str, tuple]:
    return {d.slug: (d.fair, d.good) for d in definitions}


def record_candidates(user: User, agency: Agency, filters: Filters) -> QuerySet[Coding]:
    """The codings the user may see among which the score of record is chosen."""
    codings = codings_visible_to(user).filter(transcript__agency=agency, scheme=filters.scheme)
    if filters.team is not None:
        codings = codings.filter(transcript__practitioner__team=filters.team)
    if filters.date_from is not None:
        codings = codings.filter(transcript__session_date__gte=filters.date_from)
    if filters.date_to is not None:
        codings = codings.filter(transcript__session_date__lte=filters.date_to)
    return codings


def session_results(
    user: User, agency: Agency, filters: Filters
) -> tuple[list[ScoreDefinition], list[CodingResult]]:
    """Score definitions with the agency's thresholds, and the result of every session of
    record (each ``coding`` a ``SessionRecord``) in chronological order. Five queries."""
    records = session_records(record_candidates(user, agency, filters))
    definitions = score_definitions(filters.scheme, agency)
    return definitions, record_results(records, filters.scheme, definitions)


def session_scores(user: User, agency: Agency, filters: Filters) -> list[dict[str, Any]]:
    """The numbers behind every dashboard, one flat row per session of record, named as
    ``export_scores`` names its columns: for comparing with any other route to them."""
    definitions, results = session_results(user, agency, filters)
    codes = Code.objects.filter(scheme=filters.scheme).order_by("dimension__position", "position")
    return score_rows(
        results,
        filters.scheme,
        definitions,
        codes=list(codes.values_list("abbreviation", flat=True)),
        globals_=list(scale_ranges(filters.scheme)),
    )


# ---------------------------------------------------------------- agency audit


@dataclass
class PractitionerRow:
    practitioner: Practitioner
    sessions: int = 0
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
    scale_ranges: dict[str, tuple[int, int]]


def agency_audit(user: User, agency: Agency, filters: Filters) -> Audit:
    """Every practitioner of the agency (within the team filter) with their aggregates.

    Practitioners who left (inactive) are listed only when they have sessions in range.
    Nine queries.
    """
    practitioners = practitioners_visible_to(user).filter(agency=agency)
    if filters.team is not None:
        practitioners = practitioners.filter(team=filters.team)
    definitions, results = session_results(user, agency, filters)
    practitioner_ids = [r.coding.practitioner_id for r in results]
    summaries = stats.summarise(
        session_frame(results, definitions, practitioner_ids),
        PRACTITIONER_KEY,
        _thresholds(definitions),
    )
    counts: Counter[int] = Counter(practitioner_ids)
    dates: dict[int, list[datetime.date]] = {}
    for result in results:
        if result.coding.session_date is not None:
            dates.setdefault(result.coding.practitioner_id, []).append(result.coding.session_date)
    rows = [
        PractitionerRow(
            practitioner=p,
            sessions=counts[p.pk],
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


# ---------------------------------------------------------------- one practitioner


@dataclass
class Session:
    """One coded session: its score of record and where each score stands."""

    result: CodingResult
    bands: dict[str, str | None]

    @property
    def coding(self) -> Coding:
        return self.result.coding


@dataclass
class CodeRow:
    code: Code
    latest: int
    mean: float
    total: int


@dataclass
class GlobalRow:
    scale: GlobalScale
    latest: int | None
    mean: float | None


@dataclass
class PractitionerDashboard:
    practitioner: Practitioner
    scheme: CodingScheme | None
    schemes: list[tuple[CodingScheme, int]]  # schemes with sessions, and how many
    definitions: list[ScoreDefinition] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    summary: dict[str, stats.ScoreSummary] = field(default_factory=dict)
    code_rows: list[CodeRow] = field(default_factory=list)
    global_rows: list[GlobalRow] = field(default_factory=list)
    scale_ranges: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def latest(self) -> Session | None:
        return self.sessions[-1] if self.sessions else None


def practitioner_dashboard(
    user: User, practitioner: Practitioner, scheme_slug: str | None = None
) -> PractitionerDashboard:
    """The practitioner's sessions of record with one scheme: the requested one if they have
    sessions with it, else the scheme most of their sessions use. Seven queries."""
    agency = practitioner.agency
    records = codings_of_record(
        codings_visible_to(user).filter(
            transcript__agency=agency, transcript__practitioner=practitioner
        )
    )
    used = Counter(record.scheme for record in records)
    schemes = sorted(used.items(), key=lambda item: item[0].name)
    for scheme, n in used.items():
        scheme.used = n
    chosen = next((s for s in used if s.slug == scheme_slug), None) or default_scheme(list(used))
    dashboard = PractitionerDashboard(practitioner=practitioner, scheme=chosen, schemes=schemes)
    if chosen is None:
        return dashboard
    layout = scheme_layout(chosen, agency)
    definitions = layout.summaries
    results = coding_results(
        [r for r in records if r.scheme_id == chosen.pk], {chosen.pk: definitions}
    )
    dashboard.definitions = definitions
    dashboard.sessions = [
        Session(result=r, bands={d.slug: d.band(r.scores.get(d.slug)) for d in definitions})
        for r in results
    ]
    frame = session_frame(results, definitions, [practitioner.pk] * len(results))
    dashboard.summary = stats.summarise(frame, PRACTITIONER_KEY, _thresholds(definitions)).get(
        practitioner.pk, {}
    )
    n = len(results)
    latest = results[-1]
    dashboard.code_rows = [
        CodeRow(
            code=code,
            latest=latest.counts.get(code.abbreviation, 0),
            total=(total := sum(r.counts.get(code.abbreviation, 0) for r in results)),
            mean=total / n,
        )
        for code in layout.codes
    ]
    for scale in layout.globals:
        values = [r.globals[scale.slug] for r in results if scale.slug in r.globals]
        dashboard.global_rows.append(
            GlobalRow(
                scale=scale,
                latest=latest.globals.get(scale.slug),
                mean=sum(values) / len(values) if values else None,
            )
        )
    dashboard.scale_ranges = {s.slug: (s.min_value, s.max_value) for s in layout.globals}
    return dashboard
