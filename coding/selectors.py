"""Reads of codings and their results, each in a fixed number of queries.

``coding_results`` is the one way to get counts, globals and summary scores for codings:
feedback pages, dashboards and exports all go through it and through coding/scores.py.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.text import slugify

from accounts.models import Agency
from coding import scores
from coding.models import (
    Code,
    CodedFrom,
    Coding,
    CodingKind,
    CodingScheme,
    CodingStatus,
    GlobalRating,
    GlobalScale,
    SummaryScore,
    ThresholdOverride,
    UtteranceCode,
    UtteranceNote,
    Volley,
)
from coding.timing import Bounds, clock, volley_bounds


@dataclass(frozen=True)
class ScoreDefinition:
    slug: str
    name: str
    type: str
    definition: dict[str, Any]
    fair: float | None
    good: float | None

    @property
    def percent(self) -> bool:
        return bool(self.definition.get("percent"))

    def as_mapping(self) -> dict[str, Any]:
        return {"slug": self.slug, "type": self.type, **self.definition}

    def band(self, value: float | None) -> str | None:
        return scores.band(value, self.fair, self.good)

    def format(self, value: float | None, *, averaged: bool = False) -> str:
        return scores.format_score(value, percent=self.percent, kind=self.type, averaged=averaged)

    def _threshold_text(self, value: float | None) -> str:
        return self.format(value)

    @property
    def fair_text(self) -> str:
        return self._threshold_text(self.fair)

    @property
    def good_text(self) -> str:
        return self._threshold_text(self.good)


@dataclass
class SchemeLayout:
    """A scheme's codes, globals and summary scores in display order."""

    scheme: CodingScheme
    codes: list[Code]
    globals: list[GlobalScale]
    summaries: list[ScoreDefinition]


def score_definitions(scheme: CodingScheme, agency: Agency | None = None) -> list[ScoreDefinition]:
    """The scheme's summary scores with the agency's own thresholds where it set them."""
    overrides = {}
    if agency is not None:
        overrides = {
            o.summary_score_id: o
            for o in ThresholdOverride.objects.filter(agency=agency, summary_score__scheme=scheme)
        }
    result = []
    for summary in SummaryScore.objects.filter(scheme=scheme).order_by("position", "id"):
        override = overrides.get(summary.pk)
        result.append(
            ScoreDefinition(
                slug=summary.slug,
                name=summary.name,
                type=summary.type,
                definition=dict(summary.definition),
                fair=override.fair if override else summary.fair,
                good=override.good if override else summary.good,
            )
        )
    return result


def scheme_layout(scheme: CodingScheme, agency: Agency | None = None) -> SchemeLayout:
    return SchemeLayout(
        scheme=scheme,
        codes=list(
            Code.objects.filter(scheme=scheme)
            .select_related("dimension")
            .order_by("dimension__position", "position", "id")
        ),
        globals=list(GlobalScale.objects.filter(scheme=scheme).order_by("position", "id")),
        summaries=score_definitions(scheme, agency),
    )


@dataclass
class CodingResult:
    coding: Coding
    counts: dict[str, int] = field(default_factory=dict)
    globals: dict[str, int] = field(default_factory=dict)
    scores: dict[str, float | None] = field(default_factory=dict)


def code_counts(coding_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """{coding id: {code abbreviation: count}} in one query."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        UtteranceCode.objects.filter(coding_id__in=list(coding_ids))
        .values_list("coding_id", "code__abbreviation")
        .annotate(n=Count("id"))
        .order_by()
    )
    for coding_id, abbreviation, n in rows:
        counts[coding_id][abbreviation] = n
    return counts


def global_values(coding_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """{coding id: {global slug: value}} in one query."""
    values: dict[int, dict[str, int]] = defaultdict(dict)
    rows = GlobalRating.objects.filter(coding_id__in=list(coding_ids)).values_list(
        "coding_id", "scale__slug", "value"
    )
    for coding_id, slug, value in rows:
        values[coding_id][slug] = value
    return values


def coding_results(
    codings: Iterable[Coding], definitions_by_scheme: dict[int, list[ScoreDefinition]]
) -> list[CodingResult]:
    """Counts, globals and summary scores of each coding, in two queries.

    ``definitions_by_scheme`` maps scheme id to its score definitions (``score_definitions``),
    so callers choose whose thresholds apply and fetch them once.
    """
    codings = list(codings)
    ids = [coding.pk for coding in codings]
    counts = code_counts(ids)
    globals_ = global_values(ids)
    results = []
    for coding in codings:
        coding_counts = counts.get(coding.pk, {})
        coding_globals = globals_.get(coding.pk, {})
        definitions = definitions_by_scheme.get(coding.scheme_id, [])
        results.append(
            CodingResult(
                coding=coding,
                counts=coding_counts,
                globals=coding_globals,
                scores=scores.summary_scores(
                    [d.as_mapping() for d in definitions], coding_counts, coding_globals
                ),
            )
        )
    return results


# The score of record for a transcript: its consensus coding, else its gold standard, else its
# primary coding, else a double coding; only submitted codings count, earliest first within a
# kind. Calibration codings are practice and never count.
RECORD_PRIORITY = [CodingKind.CONSENSUS, CodingKind.GOLD, CodingKind.PRIMARY, CodingKind.DOUBLE]


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """A session's coding of record as plain values; ``pk`` and ``scheme_id`` are all
    ``coding_results`` reads of a coding, so records can be scored without model instances."""

    pk: int
    scheme_id: int
    kind: str
    transcript_id: int
    practitioner_id: int
    session_date: datetime.date | None
    coder: str  # username
    coded_from: str = CodedFrom.TRANSCRIPT  # or audio: the units were volleys

    @property
    def is_from_audio(self) -> bool:
        return self.coded_from == CodedFrom.AUDIO


def session_records(codings: QuerySet[Coding]) -> list[SessionRecord]:
    """One record per (transcript, scheme) among ``codings``, chronological. One query.

    ``codings`` is already filtered to what the user may see, so a record is never chosen
    from codings hidden from them. Plain values keep this cheap at agency scale.
    """
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
            "coded_from",
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


def record_of_session(codings: QuerySet[Coding], coding: Coding) -> SessionRecord | None:
    """The score of record, among ``codings``, of the session ``coding`` belongs to."""
    records = session_records(
        codings.filter(transcript_id=coding.transcript_id, scheme_id=coding.scheme_id)
    )
    return records[0] if records else None


def codings_of_record(codings: QuerySet[Coding]) -> list[Coding]:
    """The codings of ``session_records``, as model instances with their transcript,
    practitioner, scheme and coder. Two queries."""
    records = session_records(codings)
    by_pk = Coding.objects.select_related(
        "transcript", "transcript__practitioner", "scheme", "coder"
    ).in_bulk([record.pk for record in records])
    return [by_pk[record.pk] for record in records]


# ---------------------------------------------------------------- the coding workspace


@dataclass(frozen=True)
class ScoreRow:
    """A summary score ready to show: its value, display text and band against thresholds."""

    definition: ScoreDefinition
    value: float | None

    @property
    def display(self) -> str:
        return self.definition.format(self.value)

    @property
    def band(self) -> str | None:
        return self.definition.band(self.value)

    @property
    def band_label(self) -> str:
        return scores.BAND_LABELS.get(self.band, "")

    def as_json(self) -> dict[str, Any]:
        return {
            "slug": self.definition.slug,
            "value": self.value,
            "display": self.display,
            "band": self.band,
            "band_label": self.band_label,
        }


def score_rows(
    definitions: list[ScoreDefinition],
    counts: dict[str, int],
    globals_: dict[str, int],
) -> list[ScoreRow]:
    values = scores.summary_scores([d.as_mapping() for d in definitions], counts, globals_)
    return [ScoreRow(definition=d, value=values[d.slug]) for d in definitions]


@dataclass(frozen=True, slots=True)
class CodeBadge:
    """A code as the workspace shows it on an utterance; ``tone`` styles it by group."""

    pk: int
    abbreviation: str
    name: str
    tone: str


def code_badge(code: Code) -> CodeBadge:
    return CodeBadge(
        pk=code.pk, abbreviation=code.abbreviation, name=code.name, tone=slugify(code.group)
    )


@dataclass(slots=True)
class WorkspaceUtterance:
    pk: int
    position: int
    role: str
    label: str
    text: str
    start: float | None
    end: float | None
    codable: bool
    codes: list[CodeBadge] = field(default_factory=list)
    note: str = ""
    note_for_feedback: bool = False

    @property
    def code_ids(self) -> str:
        return ",".join(str(code.pk) for code in self.codes)

    @property
    def time_label(self) -> str:
        if self.start is None:
            return ""
        minutes, seconds = divmod(int(self.start), 60)
        return f"{minutes}:{seconds:02d}"


@dataclass
class Workspace:
    layout: SchemeLayout
    utterances: list[WorkspaceUtterance]
    ratings: dict[int, int]
    counts: dict[str, int]
    score_rows: list[ScoreRow]

    @property
    def codable(self) -> int:
        return sum(1 for u in self.utterances if u.codable)

    @property
    def coded(self) -> int:
        return sum(1 for u in self.utterances if u.codes)

    @property
    def has_times(self) -> bool:
        return any(u.start is not None for u in self.utterances)


def sees_private_notes(user: Any, agency_id: int) -> bool:
    """Whether ``user`` reads the coders' private utterance notes in an agency: coders and
    supervisors (and admins) do; practitioners and researchers see only the notes a coder
    marked for feedback."""
    from accounts.access import Cap, can

    return can(user, agency_id, Cap.CODE)


def notes_shown(coding: Coding, private_notes: bool) -> QuerySet[UtteranceNote]:
    """The coding's utterance notes a reader may see: all of them, or only those marked for
    feedback. Every page, export and API answer that shows notes reads them here."""
    notes = UtteranceNote.objects.filter(coding=coding)
    return notes if private_notes else notes.filter(for_feedback=True)


def workspace_for(coding: Coding, agency: Agency | None, *, private_notes: bool) -> Workspace:
    """Everything the workspace shows, in a fixed number of queries whatever the length;
    ``private_notes`` False leaves out the notes not marked for feedback."""
    from transcripts.models import Utterance

    layout = scheme_layout(coding.scheme, agency)
    badges = {code.pk: code_badge(code) for code in layout.codes}
    accepted = {code.dimension.speaker for code in layout.codes}
    utterances = [
        WorkspaceUtterance(
            pk=pk,
            position=position,
            role=role,
            label=label,
            text=text,
            start=start,
            end=end,
            codable="any" in accepted or role in accepted,
        )
        for pk, position, role, label, text, start, end in Utterance.objects.filter(
            transcript_id=coding.transcript_id
        )
        .order_by("position")
        .values_list(
            "pk",
            "position",
            "speaker_role",
            "speaker_label",
            "text",
            "start_seconds",
            "end_seconds",
        )
    ]
    by_pk = {u.pk: u for u in utterances}
    counts: dict[str, int] = defaultdict(int)
    rows = UtteranceCode.objects.filter(coding=coding, volley__isnull=True).values_list(
        "utterance_id", "code_id"
    )
    for utterance_id, code_id in rows:
        badge = badges[code_id]
        by_pk[utterance_id].codes.append(badge)
        counts[badge.abbreviation] += 1
    position_of = {code.pk: index for index, code in enumerate(layout.codes)}
    for utterance in utterances:
        if len(utterance.codes) > 1:
            utterance.codes.sort(key=lambda code: position_of[code.pk])
    for utterance_id, text, for_feedback in notes_shown(coding, private_notes).values_list(
        "utterance_id", "text", "for_feedback"
    ):
        by_pk[utterance_id].note = text
        by_pk[utterance_id].note_for_feedback = for_feedback
    scale_slugs = {scale.pk: scale.slug for scale in layout.globals}
    ratings = dict(coding.global_ratings.values_list("scale_id", "value"))
    globals_ = {scale_slugs[scale_id]: value for scale_id, value in ratings.items()}
    return Workspace(
        layout=layout,
        utterances=utterances,
        ratings=ratings,
        counts=dict(counts),
        score_rows=score_rows(layout.summaries, counts, globals_),
    )


def schemes_for(agency: Agency) -> QuerySet[CodingScheme]:
    """The schemes an agency may use: the shipped ones and its own, by name."""
    from django.db.models import Q

    return CodingScheme.objects.filter(Q(agency__isnull=True) | Q(agency=agency)).order_by("name")


def schemes_visible_to(user: Any) -> QuerySet[CodingScheme]:
    """The shipped schemes and the own schemes of the user's agencies."""
    from django.db.models import Q

    from accounts.access import roles_by_agency

    return CodingScheme.objects.filter(
        Q(agency__isnull=True) | Q(agency_id__in=list(roles_by_agency(user)))
    ).order_by("name")


@dataclass
class FeedbackNote:
    """A note marked for feedback, where it sits: an utterance (its position, speaker and
    words) or, in a coding made from audio, a volley (its time and speaker)."""

    position: int | None
    speaker: str
    excerpt: str
    text: str
    at: str = ""  # the volley's start, m:ss.t


@dataclass
class Feedback:
    layout: SchemeLayout
    counts: list[tuple[Code, int]]
    globals: list[tuple[GlobalScale, int | None, str]]
    score_rows: list[ScoreRow]
    notes: list[FeedbackNote]
    private_notes: int = 0


def feedback_for(coding: Coding, agency: Agency | None, *, private_notes: bool) -> Feedback:
    """Counts of every code (zeros included), globals with the anchor of the rated level,
    summary scores in bands and the coder's notes marked for feedback (the practitioner's
    page shows those only); ``private_notes`` counts the others for readers who may see
    them in the workspace."""
    layout = scheme_layout(coding.scheme, agency)
    counts = code_counts([coding.pk]).get(coding.pk, {})
    globals_ = global_values([coding.pk]).get(coding.pk, {})
    notes = [
        _feedback_note(note)
        for note in notes_shown(coding, private_notes=False)
        .select_related("utterance", "volley")
        .order_by("utterance__position", "volley__start_ms")
    ]
    return Feedback(
        layout=layout,
        counts=[(code, counts.get(code.abbreviation, 0)) for code in layout.codes],
        globals=[
            (
                scale,
                globals_.get(scale.slug),
                scale.anchors.get(str(globals_.get(scale.slug)), ""),
            )
            for scale in layout.globals
        ],
        score_rows=score_rows(layout.summaries, counts, globals_),
        notes=notes,
        private_notes=notes_shown(coding, private_notes=True).filter(for_feedback=False).count()
        if private_notes
        else 0,
    )


def _feedback_note(note: UtteranceNote) -> FeedbackNote:
    if note.volley is not None:
        volley = note.volley
        return FeedbackNote(
            position=None,
            speaker=volley.get_speaker_role_display(),
            excerpt="",
            text=note.text,
            at=clock(volley.start_ms),
        )
    words = note.utterance.text
    return FeedbackNote(
        position=note.utterance.position,
        speaker=note.utterance.speaker_label,
        excerpt=words if len(words) <= 160 else words[:157] + "…",
        text=note.text,
    )


@dataclass
class AudioWorkspace:
    """What the workspace of a coding made from audio shows: the coder's volleys, each
    {at, end, speaker, codes} with times in ms, and the same tally and globals as any."""

    layout: SchemeLayout
    volleys: list[dict[str, Any]]
    bounds: Bounds
    ratings: dict[int, int]
    counts: dict[str, int]
    score_rows: list[ScoreRow]


def audio_workspace_for(
    coding: Coding, agency: Agency | None, *, private_notes: bool
) -> AudioWorkspace:
    """In a fixed number of queries whatever the number of volleys; ``private_notes`` False
    leaves out the notes not marked for feedback."""
    layout = scheme_layout(coding.scheme, agency)
    abbreviations = {code.pk: code.abbreviation for code in layout.codes}
    volleys: dict[int, dict[str, Any]] = {
        pk: {"at": at, "end": end, "speaker": role, "codes": []}
        for pk, at, end, role in Volley.objects.filter(coding=coding)
        .order_by("start_ms")
        .values_list("pk", "start_ms", "end_ms", "speaker_role")
    }
    for volley_id, text, for_feedback in notes_shown(coding, private_notes).values_list(
        "volley_id", "text", "for_feedback"
    ):
        if volley_id in volleys:
            volleys[volley_id].update(note=text, feedback=for_feedback)
    counts: dict[str, int] = defaultdict(int)
    for volley_id, code_id in UtteranceCode.objects.filter(
        coding=coding, volley__isnull=False
    ).values_list("volley_id", "code_id"):
        volleys[volley_id]["codes"].append(code_id)
        counts[abbreviations[code_id]] += 1
    scale_slugs = {scale.pk: scale.slug for scale in layout.globals}
    ratings = dict(coding.global_ratings.values_list("scale_id", "value"))
    globals_ = {scale_slugs[scale_id]: value for scale_id, value in ratings.items()}
    return AudioWorkspace(
        layout=layout,
        volleys=list(volleys.values()),
        bounds=volley_bounds(coding),
        ratings=ratings,
        counts=dict(counts),
        score_rows=score_rows(layout.summaries, counts, globals_),
    )
