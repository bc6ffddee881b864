"""The bodies of API responses, read through the selectors the pages use, each in a fixed
number of queries whatever the length of a list."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts.models import Agency, Practitioner
from coding.models import (
    Code,
    Coding,
    GlobalScale,
    SummaryScore,
    UtteranceCode,
)
from coding.selectors import coding_results, notes_shown, scheme_layout, schemes_for
from transcripts.models import Transcript, Utterance
from transcripts.selectors import with_speaker_counts


def _named(pk: int | None, name: str | None) -> dict[str, Any] | None:
    return None if pk is None else {"id": pk, "name": name}


def transcript_row(transcript: Transcript) -> dict[str, Any]:
    """A transcript of ``workflow.selectors.transcripts.transcripts_for_list`` (annotated with
    ``utterance_count`` and ``coding_status``)."""
    practitioner = transcript.practitioner
    team = practitioner.team
    return {
        "id": transcript.pk,
        "title": transcript.label,
        "practitioner": _named(practitioner.pk, practitioner.display_name),
        "team": _named(team.pk, team.name) if team else None,
        "session_date": transcript.session_date,
        "target_change": transcript.target_change,
        "client_pseudonym": transcript.client_pseudonym,
        "source_filename": transcript.source_filename,
        "source_format": transcript.source_format,
        "has_audio": bool(transcript.audio),
        "audio_seconds": transcript.audio_seconds,
        "utterance_count": transcript.utterance_count,
        "coding_status": transcript.coding_status,
        "created_at": transcript.created_at,
    }


def transcript_detail(transcript: Transcript) -> dict[str, Any]:
    utterances = Utterance.objects.filter(transcript=transcript).order_by("position")
    return {
        **transcript_row(transcript),
        "segment_start": transcript.segment_start,
        "segment_end": transcript.segment_end,
        "utterances": [
            {
                "id": pk,
                "position": position,
                "speaker": label,
                "role": role,
                "text": text,
                "start": start,
                "end": end,
            }
            for pk, position, label, role, text, start, end in utterances.values_list(
                "pk",
                "position",
                "speaker_label",
                "speaker_role",
                "text",
                "start_seconds",
                "end_seconds",
            )
        ],
    }


def imported_rows(transcripts: QuerySet[Transcript]) -> list[dict[str, Any]]:
    """What ``import_transcripts`` prints of each new transcript, as fields."""
    counted = with_speaker_counts(transcripts).order_by("pk")
    return [
        {
            "id": t.pk,
            "title": t.label,
            "utterances": t.total,
            "practitioner_utterances": t.practitioner_turns,
            "client_utterances": t.client_turns,
        }
        for t in counted
    ]


CODING_RELATED = ("transcript", "transcript__practitioner", "scheme", "coder")


def coding_row(coding: Coding) -> dict[str, Any]:
    transcript = coding.transcript
    return {
        "id": coding.pk,
        "transcript": _named(transcript.pk, transcript.label),
        "practitioner": _named(transcript.practitioner_id, transcript.practitioner.display_name),
        "session_date": transcript.session_date,
        "scheme": coding.scheme.slug,
        "coder": coding.coder.username,
        "kind": coding.kind,
        "status": coding.status,
        "created_at": coding.created_at,
        "submitted_at": coding.submitted_at,
        "coded_from": coding.coded_from,
    }


def coding_detail(coding: Coding, agency: Agency, *, private_notes: bool) -> dict[str, Any]:
    """The coding with every code, note (without the private ones unless ``private_notes``),
    global and the counts and summary scores computed as on every page (``coding_results``)."""
    layout = scheme_layout(coding.scheme, agency)
    (result,) = coding_results([coding], {coding.scheme_id: layout.summaries})
    codes = (
        UtteranceCode.objects.filter(coding=coding)
        .order_by(
            "utterance__position", "volley__start_ms", "dimension__position", "code__position"
        )
        .values_list(
            "utterance_id",
            "utterance__position",
            "volley__start_ms",
            "dimension__slug",
            "code__abbreviation",
        )
    )
    notes = (
        notes_shown(coding, private_notes)
        .order_by("utterance__position", "volley__start_ms")
        .values_list(
            "utterance_id", "utterance__position", "volley__start_ms", "text", "for_feedback"
        )
    )
    return {
        **coding_row(coding),
        "notes": coding.notes,
        "codes": [
            {
                "utterance": utterance,
                "position": position,
                "volley_ms": volley_ms,
                "dimension": dimension,
                "code": code,
            }
            for utterance, position, volley_ms, dimension, code in codes
        ],
        "utterance_notes": [
            {
                "utterance": utterance,
                "position": position,
                "volley_ms": volley_ms,
                "text": text,
                "for_feedback": for_feedback,
            }
            for utterance, position, volley_ms, text, for_feedback in notes
        ],
        "globals": result.globals,
        "counts": {c.abbreviation: result.counts.get(c.abbreviation, 0) for c in layout.codes},
        "scores": result.scores,
    }


def practitioner_row(practitioner: Practitioner) -> dict[str, Any]:
    team = practitioner.team
    return {
        "id": practitioner.pk,
        "name": practitioner.display_name,
        "team": _named(team.pk, team.name) if team else None,
        "active": practitioner.active,
    }


def dashboard_body(dashboard: Any) -> dict[str, Any]:
    """A ``dashboards.selectors.PractitionerDashboard`` as the series its charts draw."""
    return {
        "practitioner": practitioner_row(dashboard.practitioner),
        "scheme": dashboard.scheme.slug if dashboard.scheme else None,
        "schemes": {scheme.slug: n for scheme, n in dashboard.schemes},
        "scores": [
            {
                "slug": d.slug,
                "name": d.name,
                "fair": d.fair,
                "good": d.good,
                "percent": d.percent,
                "summary": _summary(dashboard.summary.get(d.slug)),
            }
            for d in dashboard.definitions
        ],
        "sessions": [
            {
                "coding": s.coding.pk,
                "kind": s.coding.kind,
                "transcript": _named(s.coding.transcript_id, s.coding.transcript.label),
                "session_date": s.coding.transcript.session_date,
                "coder": s.coding.coder.username,
                "counts": s.result.counts,
                "globals": s.result.globals,
                "scores": s.result.scores,
                "bands": s.bands,
            }
            for s in dashboard.sessions
        ],
        "codes": [
            {
                "code": row.code.abbreviation,
                "latest": row.latest,
                "mean": row.mean,
                "total": row.total,
            }
            for row in dashboard.code_rows
        ],
        "globals": [
            {"scale": row.scale.slug, "latest": row.latest, "mean": row.mean}
            for row in dashboard.global_rows
        ],
    }


def _summary(summary: Any) -> dict[str, Any]:
    fields = ("latest", "latest_band", "mean", "share_fair", "share_good", "slope", "trend")
    return {name: getattr(summary, name, None) for name in fields}


def scheme_rows(agency: Agency) -> list[dict[str, Any]]:
    """The schemes the agency may use, with the names of their columns in exports. Four
    queries, whatever the number of schemes."""
    schemes = list(schemes_for(agency))
    ids = [s.pk for s in schemes]

    def by_scheme(queryset: QuerySet, field: str) -> dict[int, list[str]]:
        grouped: dict[int, list[str]] = {pk: [] for pk in ids}
        for scheme_id, value in queryset.filter(scheme_id__in=ids).values_list("scheme_id", field):
            grouped[scheme_id].append(value)
        return grouped

    codes = by_scheme(
        Code.objects.order_by("dimension__position", "position", "id"), "abbreviation"
    )
    globals_ = by_scheme(GlobalScale.objects.order_by("position", "id"), "slug")
    summaries = by_scheme(SummaryScore.objects.order_by("position", "id"), "slug")
    return [
        {
            "slug": s.slug,
            "name": s.name,
            "version": s.version,
            "codes": codes[s.pk],
            "globals": globals_[s.pk],
            "summary_scores": summaries[s.pk],
        }
        for s in schemes
    ]
