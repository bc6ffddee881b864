"""Reads behind every export: which codings a request may export, and the tables themselves.

Every number in a score export comes from ``coding_results`` and ``coding/scores.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce

from accounts.models import Agency, User
from coding.models import Coding, CodingKind, CodingScheme, UtteranceCode
from coding.selectors import SchemeLayout, coding_results, scheme_layout
from transcripts.models import Transcript
from workflow.visibility import codings_visible_to

SCORE_COLUMNS = [
    "transcript_id",
    "transcript",
    "practitioner",
    "session_date",
    "coder",
    "scheme",
    "status",
]
CODE_COLUMNS = [
    "coding_id",
    "transcript_id",
    "transcript",
    "utterance",
    "speaker_role",
    "coder",
    "scheme",
    "dimension",
    "code",
]
TEXT_COLUMN = "text"
# Appended after every count, global and summary score, in this order: ``coded_from`` says
# whether the coding's units were the transcript's utterances or volleys marked on the
# recording ("transcript" or "audio").
SCORE_TRAILING_COLUMNS = ["coded_from"]

AGENCY = "agency"
MINE = "mine"


@dataclass
class ExportTable:
    columns: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)


def codings_for_export(user: User, agency: Agency, scope: str) -> QuerySet[Coding]:
    """The codings of ``agency`` that ``user`` may read; with ``scope`` MINE only their own
    codings and the codings of their own sessions. The caller checks the role may export."""
    codings = codings_visible_to(user).filter(transcript__agency=agency)
    if scope == MINE:
        codings = codings.filter(Q(coder=user) | Q(transcript__practitioner__user=user))
    return codings


def schemes_in_use(codings: QuerySet[Coding]) -> QuerySet[CodingScheme]:
    return CodingScheme.objects.filter(
        pk__in=codings.order_by().values("scheme_id").distinct()
    ).order_by("slug")


def exportable(codings: QuerySet[Coding], scheme: CodingScheme | None) -> QuerySet[Coding]:
    # Calibration codings are practice against a gold standard, not data about a session.
    codings = codings.exclude(kind=CodingKind.CALIBRATION)
    return codings.filter(scheme=scheme) if scheme is not None else codings


def _union(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))


def score_table(
    codings: QuerySet[Coding],
    agency: Agency,
    scheme: CodingScheme | None = None,
    *,
    column_schemes: Iterable[CodingScheme] = (),
) -> ExportTable:
    """One row per coding: who and what, then every code count, global and summary score.

    Without ``scheme`` the columns are the union over the schemes the codings use (in order
    of scheme slug), and over ``column_schemes``, so that a table read in parts keeps its
    columns; a count, global or score the coding's own scheme lacks is an empty cell.
    """
    rows = list(
        exportable(codings, scheme)
        .select_related("transcript", "transcript__practitioner", "scheme", "coder")
        .order_by("transcript_id", "coder__username", "pk")
    )
    schemes = {coding.scheme_id: coding.scheme for coding in rows}
    schemes.update((s.pk, s) for s in column_schemes)
    if scheme is not None:
        schemes[scheme.pk] = scheme
    layouts: dict[int, SchemeLayout] = {
        pk: scheme_layout(s, agency) for pk, s in sorted(schemes.items(), key=lambda i: i[1].slug)
    }
    columns = (
        SCORE_COLUMNS
        + _union(c.abbreviation for layout in layouts.values() for c in layout.codes)
        + _union(g.slug for layout in layouts.values() for g in layout.globals)
        + _union(s.slug for layout in layouts.values() for s in layout.summaries)
        + SCORE_TRAILING_COLUMNS
    )
    results = coding_results(rows, {pk: layout.summaries for pk, layout in layouts.items()})
    table = ExportTable(columns=columns)
    for result in results:
        coding = result.coding
        layout = layouts[coding.scheme_id]
        row: dict[str, Any] = {
            "transcript_id": coding.transcript_id,
            "transcript": coding.transcript.label,
            "practitioner": coding.transcript.practitioner.display_name,
            "session_date": coding.transcript.session_date,
            "coder": coding.coder.username,
            "scheme": coding.scheme.slug,
            "status": coding.status,
        }
        row.update((c.abbreviation, result.counts.get(c.abbreviation, 0)) for c in layout.codes)
        row.update((g.slug, result.globals.get(g.slug)) for g in layout.globals)
        row.update((s.slug, result.scores.get(s.slug)) for s in layout.summaries)
        row["coded_from"] = coding.coded_from
        table.rows.append(row)
    return table


def utterance_code_table(
    codings: QuerySet[Coding], *, include_text: bool, scheme: CodingScheme | None = None
) -> ExportTable:
    """Every utterance code in long format, one row per code; the utterance text only when
    asked for, since it is the most sensitive part of a session."""
    fields = [
        "coding_id",
        "coding__transcript_id",
        "coding__transcript__title",
        "coding__transcript__session_date",
        "utterance__position",
        "speaker",
        "coding__coder__username",
        "coding__scheme__slug",
        "dimension__slug",
        "code__abbreviation",
    ]
    if include_text:
        fields.append("utterance__text")
    values = (
        UtteranceCode.objects.filter(coding__in=exportable(codings, scheme))
        # A code on a volley (a coding made from audio) has no utterance: its speaker is the
        # volley's, and volleys come in time order.
        .annotate(speaker=Coalesce("utterance__speaker_role", "volley__speaker_role"))
        .order_by(
            "coding__transcript_id",
            "coding__coder__username",
            "coding_id",
            "utterance__position",
            "volley__start_ms",
            "dimension__position",
            "code__position",
        )
        .values_list(*fields)
    )
    table = ExportTable(columns=CODE_COLUMNS + ([TEXT_COLUMN] if include_text else []))
    labels: dict[int, str] = {}
    for value in values:
        transcript_id = value[1]
        label = labels.get(transcript_id)
        if label is None:
            label = Transcript(pk=transcript_id, title=value[2], session_date=value[3]).label
            labels[transcript_id] = label
        row = {
            "coding_id": value[0],
            "transcript_id": transcript_id,
            "transcript": label,
            "utterance": value[4],
            "speaker_role": value[5],
            "coder": value[6],
            "scheme": value[7],
            "dimension": value[8],
            "code": value[9],
        }
        if include_text:
            row[TEXT_COLUMN] = value[10]
        table.rows.append(row)
    return table
