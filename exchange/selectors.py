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
from coding.selectors import SchemeLayout, coding_results, scheme_layout, session_records
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
# Appended after every other column of both exports, so that scripts reading columns by
# position keep working: the coding's kind and whether it is its session's score of record.
RECORD_COLUMNS = ["kind", "score_of_record"]

AGENCY = "agency"
MINE = "mine"


@dataclass
class ExportTable:
    columns: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)


def codings_readable(user: User, agency: Agency) -> QuerySet[Coding]:
    """Every coding of ``agency`` that ``user`` may read: where a session's score of record
    is chosen, whatever part of them is exported."""
    return codings_visible_to(user).filter(transcript__agency=agency)


def codings_for_export(user: User, agency: Agency, scope: str) -> QuerySet[Coding]:
    """The codings of ``agency`` that ``user`` may read; with ``scope`` MINE only their own
    codings and the codings of their own sessions. The caller checks the role may export."""
    codings = codings_readable(user, agency)
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


def record_ids(among: QuerySet[Coding], transcript_ids: Iterable[int]) -> set[int]:
    """The codings that are their session's score of record, chosen among ``among`` (the
    codings the reader may see) for the sessions of ``transcript_ids``. One query."""
    ids = set(transcript_ids)
    if not ids:
        return set()
    return {record.pk for record in session_records(among.filter(transcript_id__in=ids))}


def score_table(
    codings: QuerySet[Coding],
    agency: Agency,
    scheme: CodingScheme | None = None,
    *,
    column_schemes: Iterable[CodingScheme] = (),
    records_among: QuerySet[Coding] | None = None,
) -> ExportTable:
    """One row per coding: who and what, then every code count, global and summary score,
    then the coding's kind and whether it is its session's score of record.

    Without ``scheme`` the columns are the union over the schemes the codings use (in order
    of scheme slug), and over ``column_schemes``, so that a table read in parts keeps its
    columns; a count, global or score the coding's own scheme lacks is an empty cell.
    The score of record is chosen among ``records_among`` (default: ``codings``).
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
        + RECORD_COLUMNS
    )
    records = record_ids(
        codings if records_among is None else records_among, (c.transcript_id for c in rows)
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
        row["kind"] = coding.kind
        row["score_of_record"] = coding.pk in records
        table.rows.append(row)
    return table


def utterance_code_table(
    codings: QuerySet[Coding],
    *,
    include_text: bool,
    scheme: CodingScheme | None = None,
    records_among: QuerySet[Coding] | None = None,
) -> ExportTable:
    """Every utterance code in long format, one row per code; the utterance text only when
    asked for, since it is the most sensitive part of a session. The last two columns are
    the coding's kind and whether it is its session's score of record (chosen among
    ``records_among``, default ``codings``)."""
    chosen = exportable(codings, scheme)
    records = record_ids(
        codings if records_among is None else records_among,
        chosen.order_by().values_list("transcript_id", flat=True).distinct(),
    )
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
        "coding__kind",
    ]
    if include_text:
        fields.append("utterance__text")
    values = (
        UtteranceCode.objects.filter(coding__in=chosen)
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
    table = ExportTable(
        columns=CODE_COLUMNS + ([TEXT_COLUMN] if include_text else []) + RECORD_COLUMNS
    )
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
            row[TEXT_COLUMN] = value[11]
        row["kind"] = value[10]
        row["score_of_record"] = value[0] in records
        table.rows.append(row)
    return table
