"""Reads for the suggester: its training data, the human agreement beside it, the model in
use and the per-coder report. Each in a fixed number of queries."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from accounts.models import Agency, User
from coding.models import (
    Code,
    CodedFrom,
    Coding,
    CodingKind,
    CodingScheme,
    CodingStatus,
    UtteranceCode,
)
from coding.selectors import SessionRecord, session_records
from suggestions.models import AcceptedSuggestion, Suggester, SuggesterStatus, SuggestionSettings
from transcripts.models import Utterance

if TYPE_CHECKING:
    from suggestions.training import Corpus, DimensionSpec

# Below this there is too little to learn from or to hold out a session per fold.
MIN_SESSIONS = 5
MIN_UTTERANCES = 50
# The codings a model learns from: a session's score of record, never a double coding (an
# independent rating kept for reliability) and never a calibration (practice).
TRAINING_KINDS = [CodingKind.CONSENSUS, CodingKind.GOLD, CodingKind.PRIMARY]


@dataclass(frozen=True)
class Extent:
    codings: int
    utterances: int  # utterances of the speakers the scheme codes
    first_session: datetime.date | None
    last_session: datetime.date | None

    @property
    def enough(self) -> bool:
        return self.codings >= MIN_SESSIONS and self.utterances >= MIN_UTTERANCES

    def shortfall(self, agency: Agency, scheme: CodingScheme) -> str:
        return (
            f"too little coded data: training needs at least {MIN_SESSIONS} coded sessions "
            f"and {MIN_UTTERANCES} coded utterances with {scheme.slug}; {agency.slug} has "
            f"{self.codings} session(s) and {self.utterances} utterance(s)"
        )


def settings_for(agency: Agency) -> SuggestionSettings:
    """The agency's settings, unsaved defaults (suggestions off) where it never set them."""
    found = SuggestionSettings.objects.filter(agency=agency).first()
    return found or SuggestionSettings(agency=agency)


def dimension_specs(scheme: CodingScheme) -> list[DimensionSpec]:
    from suggestions.training import DimensionSpec

    codes: dict[int, list[str]] = defaultdict(list)
    dimensions = {}
    for code in Code.objects.filter(scheme=scheme).select_related("dimension"):
        dimensions[code.dimension_id] = code.dimension
        codes[code.dimension_id].append(code.abbreviation)
    ordered = sorted(dimensions.values(), key=lambda d: (d.position, d.pk))
    return [DimensionSpec(d.slug, d.speaker, d.multiple, codes[d.pk]) for d in ordered]


def training_records(agency: Agency, scheme: CodingScheme) -> list[SessionRecord]:
    """The sessions of record to learn from. Codings made from the recording are left out:
    their codes sit on volleys without words, even where a transcript was attached later."""
    return session_records(
        Coding.objects.filter(
            transcript__agency=agency, scheme=scheme, kind__in=TRAINING_KINDS
        ).exclude(coded_from=CodedFrom.AUDIO)
    )


def _coded_speakers(scheme: CodingScheme) -> set[str]:
    return set(Code.objects.filter(scheme=scheme).values_list("dimension__speaker", flat=True))


def training_extent(agency: Agency, scheme: CodingScheme) -> Extent:
    """How much the agency could train on, without reading the text (three queries)."""
    records = training_records(agency, scheme)
    speakers = _coded_speakers(scheme)
    units = Utterance.objects.filter(transcript_id__in=[r.transcript_id for r in records])
    if "any" not in speakers:
        units = units.filter(speaker_role__in=speakers)
    dates = [r.session_date for r in records if r.session_date]
    return Extent(
        codings=len(records),
        utterances=units.count() if records else 0,
        first_session=min(dates) if dates else None,
        last_session=max(dates) if dates else None,
    )


def training_corpus(agency: Agency, scheme: CodingScheme) -> tuple[Corpus, Extent]:
    """Every utterance of the sessions of record, with the codes of record (four queries)."""
    from suggestions.training import Corpus

    specs = dimension_specs(scheme)
    records = training_records(agency, scheme)
    by_transcript = {r.transcript_id: r.pk for r in records}
    codes: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for utterance_id, slug, abbreviation in UtteranceCode.objects.filter(
        coding_id__in=list(by_transcript.values())
    ).values_list("utterance_id", "dimension__slug", "code__abbreviation"):
        codes[utterance_id][slug].add(abbreviation)
    corpus = Corpus(labels={spec.slug: [] for spec in specs})
    rows = (
        Utterance.objects.filter(transcript_id__in=list(by_transcript))
        .order_by("transcript_id", "position")
        .values_list("pk", "transcript_id", "speaker_role", "text")
    )
    current: list[tuple[str, str, dict[str, frozenset[str]]]] = []
    transcript = None
    for pk, transcript_id, role, text in rows.iterator(chunk_size=5000):
        if transcript_id != transcript:
            if current:
                corpus.add_transcript(transcript, current)
            current, transcript = [], transcript_id
        current.append((role, text, {s: frozenset(c) for s, c in codes.get(pk, {}).items()}))
    if current:
        corpus.add_transcript(transcript, current)
    speakers = {spec.speaker for spec in specs}
    dates = [r.session_date for r in records if r.session_date]
    extent = Extent(
        codings=len(records),
        utterances=sum(1 for role in corpus.roles if "any" in speakers or role in speakers),
        first_session=min(dates) if dates else None,
        last_session=max(dates) if dates else None,
    )
    return corpus, extent


def human_kappa(agency: Agency, scheme: CodingScheme) -> dict[str, float | None]:
    """{dimension slug: Cohen's kappa between the agency's coders on its double-coded
    sessions}, as the reliability page computes it; None where there is none."""
    from reliability.agreement import utterance_agreement
    from reliability.reports import dimension_input
    from reliability.selectors import reliability_data

    data = reliability_data(
        Coding.objects.filter(transcript__agency=agency), scheme=scheme, agency=agency
    )
    result: dict[str, float | None] = {}
    for info in data.dimensions:
        if len(data.raters) < 2 or not data.transcript_ids:
            result[info.slug] = None
            continue
        rated, codes, _ = dimension_input(data, info)
        agreement = utterance_agreement(rated, codes, info.codes, multiple=info.multiple)
        result[info.slug] = agreement.cohen_kappa.value
    return result


def suggesters_of(agency: Agency) -> QuerySet[Suggester]:
    return Suggester.objects.filter(agency=agency).select_related("scheme").defer("model")


def suggester_in_use(agency: Agency, scheme: CodingScheme) -> Suggester | None:
    """The latest finished model of the agency for the scheme."""
    return (
        Suggester.objects.filter(agency=agency, scheme=scheme, status=SuggesterStatus.DONE)
        .select_related("scheme")
        .defer("model")
        .order_by("-finished_at", "-pk")
        .first()
    )


# ---------------------------------------------------------------- the per-coder report


@dataclass
class CoderReliance:
    coder: User
    codes: int  # codes in the codings in which the coder accepted a suggestion
    accepted: int  # of those, accepted from a suggestion
    accepted_checked: int  # accepted codes on sessions with a submitted consensus
    accepted_agreed: int  # … that the consensus also has
    own_checked: int  # codes set by hand in the same codings, on sessions with a consensus
    own_agreed: int

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def acceptance_rate(self) -> float | None:
        return self._share(self.accepted, self.codes)

    @property
    def accepted_agreement(self) -> float | None:
        return self._share(self.accepted_agreed, self.accepted_checked)

    @property
    def own_agreement(self) -> float | None:
        return self._share(self.own_agreed, self.own_checked)


def coder_reliance(agency: Agency) -> list[CoderReliance]:
    """Per coder: how much of their coding came from accepted suggestions, and how often
    accepted codes and hand-set codes agreed with the session's consensus (five queries)."""
    accepted = set(
        AcceptedSuggestion.objects.filter(coding__transcript__agency=agency).values_list(
            "coding_id", "utterance_id", "code_id"
        )
    )
    coding_ids = {coding_id for coding_id, _, _ in accepted}
    codings = {
        c.pk: c for c in Coding.objects.filter(pk__in=coding_ids).select_related("coder").order_by()
    }
    consensus_of = dict(
        Coding.objects.filter(
            kind=CodingKind.CONSENSUS,
            status=CodingStatus.SUBMITTED,
            transcript_id__in={c.transcript_id for c in codings.values()},
        ).values_list("transcript_id", "pk")
    )
    consensus_codes = set(
        UtteranceCode.objects.filter(coding_id__in=list(consensus_of.values())).values_list(
            "coding_id", "utterance_id", "code_id"
        )
    )
    rows: dict[int, CoderReliance] = {}
    for coding_id, utterance_id, code_id in UtteranceCode.objects.filter(
        coding_id__in=coding_ids
    ).values_list("coding_id", "utterance_id", "code_id"):
        coding = codings[coding_id]
        row = rows.setdefault(coding.coder_id, CoderReliance(coding.coder, 0, 0, 0, 0, 0, 0))
        row.codes += 1
        was_accepted = (coding_id, utterance_id, code_id) in accepted
        row.accepted += was_accepted
        consensus = consensus_of.get(coding.transcript_id)
        if consensus is None:
            continue
        agreed = (consensus, utterance_id, code_id) in consensus_codes
        if was_accepted:
            row.accepted_checked += 1
            row.accepted_agreed += agreed
        else:
            row.own_checked += 1
            row.own_agreed += agreed
    return sorted(rows.values(), key=lambda r: r.coder.username)
