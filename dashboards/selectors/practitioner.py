"""One practitioner's dashboard: their sessions of record with one scheme, over time."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from accounts.models import Practitioner, User
from coding.models import Code, Coding, CodingScheme, GlobalScale
from coding.selectors import (
    CodingResult,
    ScoreDefinition,
    coding_results,
    codings_of_record,
    scheme_layout,
)
from dashboards.selectors.common import default_scheme, thresholds_of
from workflow.visibility import codings_visible_to

if TYPE_CHECKING:
    from dashboards import stats


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
    from dashboards import stats  # pandas: loaded by the pages that aggregate, not by every worker

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
    frame = stats.session_frame(results, definitions, [practitioner.pk] * len(results))
    dashboard.summary = stats.summarise(
        frame, stats.PRACTITIONER_KEY, thresholds_of(definitions)
    ).get(practitioner.pk, {})
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
