"""Reads for adjudication: the submitted codings of a transcript side by side, each in a fixed
number of queries whatever the transcript's length."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse

from accounts.models import Agency
from coding.models import (
    Code,
    Coding,
    CodingKind,
    CodingScheme,
    CodingStatus,
    GlobalRating,
    GlobalScale,
    UtteranceCode,
)
from transcripts.models import Transcript, Utterance
from workflow.models import AdjudicationDecision

# The codings a consensus is drawn from; calibration practice and consensus itself never are.
SOURCE_KINDS = [CodingKind.PRIMARY, CodingKind.DOUBLE, CodingKind.GOLD]

Answer = tuple[int, ...] | int | None


def adjudication_url(coding: Coding) -> str:
    """The page where the consensus of ``coding``'s transcript and scheme is built."""
    return reverse("workflow:adjudicate", args=[coding.transcript_id, coding.scheme_id])


@dataclass
class Item:
    """One utterance's codes or one global, as each source coding answered it."""

    key: str
    answers: list[Answer]
    labels: list[str]
    consensus: Answer = None
    consensus_label: str = ""
    decision: AdjudicationDecision | None = None
    utterance: Utterance | None = None
    scale: GlobalScale | None = None
    choices: list[Code] = field(default_factory=list)

    @property
    def agreed(self) -> bool:
        return len(set(self.answers)) <= 1

    @property
    def decided(self) -> bool:
        return self.decision is not None


@dataclass
class Row:
    utterance: Utterance
    item: Item | None  # None where no dimension codes this speaker


@dataclass
class Adjudication:
    transcript: Transcript
    scheme: CodingScheme
    sources: list[Coding]
    consensus: Coding | None
    rows: list[Row]
    globals: list[Item]
    codes: dict[int, Code]

    @property
    def items(self) -> list[Item]:
        return [row.item for row in self.rows if row.item is not None] + self.globals

    @property
    def disagreements(self) -> list[Item]:
        return [item for item in self.items if not item.agreed]

    @property
    def undecided(self) -> list[Item]:
        return [item for item in self.disagreements if not item.decided]


def adjudication_sources(transcript: Transcript, scheme: CodingScheme) -> list[Coding]:
    """The submitted codings to reconcile, earliest first (coder 1, coder 2, …)."""
    return list(
        Coding.objects.filter(
            transcript=transcript,
            scheme=scheme,
            kind__in=SOURCE_KINDS,
            status=CodingStatus.SUBMITTED,
        )
        .select_related("coder")
        .order_by("submitted_at", "pk")
    )


def consensus_of(transcript: Transcript, scheme: CodingScheme) -> Coding | None:
    return (
        Coding.objects.filter(transcript=transcript, scheme=scheme, kind=CodingKind.CONSENSUS)
        .select_related("coder")
        .first()
    )


def _code_label(answer: Answer, codes: dict[int, Code]) -> str:
    if not answer:
        return "no code"
    return ", ".join(codes[code_id].abbreviation for code_id in answer)


def _value_label(answer: Answer) -> str:
    return "not rated" if answer is None else str(answer)


def adjudication_for(
    transcript: Transcript, scheme: CodingScheme, sources: list[Coding] | None = None
) -> Adjudication:
    """Every codable utterance and every global with each source's answer, the consensus so
    far and the decision behind it. Nine queries."""
    sources = adjudication_sources(transcript, scheme) if sources is None else sources
    consensus = consensus_of(transcript, scheme)
    codes = {
        code.pk: code
        for code in Code.objects.filter(scheme=scheme)
        .select_related("dimension")
        .order_by("dimension__position", "position", "id")
    }
    order = {code_id: index for index, code_id in enumerate(codes)}
    scales = list(GlobalScale.objects.filter(scheme=scheme).order_by("position", "id"))
    coding_ids = [c.pk for c in sources] + ([consensus.pk] if consensus else [])
    applied: dict[tuple[int, int], list[int]] = defaultdict(list)
    for coding_id, utterance_id, code_id in UtteranceCode.objects.filter(
        coding_id__in=coding_ids
    ).values_list("coding_id", "utterance_id", "code_id"):
        applied[(coding_id, utterance_id)].append(code_id)
    ratings = {
        (coding_id, scale_id): value
        for coding_id, scale_id, value in GlobalRating.objects.filter(
            coding_id__in=coding_ids
        ).values_list("coding_id", "scale_id", "value")
    }
    decisions: dict[str, AdjudicationDecision] = {}
    if consensus is not None:
        for decision in AdjudicationDecision.objects.filter(consensus=consensus).select_related(
            "source_coding__coder", "decided_by"
        ):
            key = f"u{decision.utterance_id}" if decision.utterance_id else f"g{decision.scale_id}"
            decisions[key] = decision

    def code_answer(coding_id: int, utterance_id: int) -> Answer:
        return tuple(sorted(applied.get((coding_id, utterance_id), []), key=order.__getitem__))

    choices_by_role: dict[str, list[Code]] = {}
    rows = []
    for utterance in Utterance.objects.filter(transcript=transcript).order_by("position"):
        role = utterance.speaker_role
        if role not in choices_by_role:
            choices_by_role[role] = [c for c in codes.values() if c.dimension.accepts(role)]
        choices = choices_by_role[role]
        item = None
        if choices:
            answers = [code_answer(c.pk, utterance.pk) for c in sources]
            key = f"u{utterance.pk}"
            current = code_answer(consensus.pk, utterance.pk) if consensus else None
            item = Item(
                key=key,
                answers=answers,
                labels=[_code_label(a, codes) for a in answers],
                consensus=current,
                consensus_label=_code_label(current, codes) if consensus else "",
                decision=decisions.get(key),
                utterance=utterance,
                choices=choices,
            )
        rows.append(Row(utterance=utterance, item=item))
    globals_ = []
    for scale in scales:
        answers = [ratings.get((c.pk, scale.pk)) for c in sources]
        key = f"g{scale.pk}"
        current = ratings.get((consensus.pk, scale.pk)) if consensus else None
        globals_.append(
            Item(
                key=key,
                answers=answers,
                labels=[_value_label(a) for a in answers],
                consensus=current,
                consensus_label=_value_label(current) if consensus else "",
                decision=decisions.get(key),
                scale=scale,
            )
        )
    return Adjudication(
        transcript=transcript,
        scheme=scheme,
        sources=sources,
        consensus=consensus,
        rows=rows,
        globals=globals_,
        codes=codes,
    )


def adjudication_item(
    consensus: Coding, *, utterance: Utterance | None = None, scale: GlobalScale | None = None
) -> Item:
    """One item of an adjudication as it stands now, read without the rest of the transcript.
    Six queries."""
    sources = adjudication_sources(consensus.transcript, consensus.scheme)
    ids = [c.pk for c in sources] + [consensus.pk]
    decisions = AdjudicationDecision.objects.filter(consensus=consensus).select_related(
        "source_coding__coder"
    )
    if utterance is not None:
        codes = Code.objects.filter(scheme=consensus.scheme_id).in_bulk()
        applied: dict[int, list[int]] = defaultdict(list)
        for coding_id, code_id in (
            UtteranceCode.objects.filter(coding_id__in=ids, utterance=utterance)
            .order_by("code__dimension__position", "code__position", "code_id")
            .values_list("coding_id", "code_id")
        ):
            applied[coding_id].append(code_id)
        answers: list[Answer] = [tuple(applied.get(c.pk, [])) for c in sources]
        current = tuple(applied.get(consensus.pk, []))
        return Item(
            key=f"u{utterance.pk}",
            answers=answers,
            labels=[_code_label(a, codes) for a in answers],
            consensus=current,
            consensus_label=_code_label(current, codes),
            decision=decisions.filter(utterance=utterance).first(),
            utterance=utterance,
        )
    values = dict(
        GlobalRating.objects.filter(coding_id__in=ids, scale=scale).values_list(
            "coding_id", "value"
        )
    )
    answers = [values.get(c.pk) for c in sources]
    return Item(
        key=f"g{scale.pk}",
        answers=answers,
        labels=[_value_label(a) for a in answers],
        consensus=values.get(consensus.pk),
        consensus_label=_value_label(values.get(consensus.pk)),
        decision=decisions.filter(scale=scale).first(),
        scale=scale,
    )


@dataclass(frozen=True)
class AdjudicationCase:
    transcript: Transcript
    scheme: CodingScheme
    sources: int
    consensus: Coding | None


def adjudication_cases(agency: Agency, *, open_only: bool = False) -> list[AdjudicationCase]:
    """Transcripts of the agency with two or more submitted codings of one scheme, newest
    first, with their consensus coding if any. Four queries."""
    groups = list(
        Coding.objects.filter(
            transcript__agency=agency, kind__in=SOURCE_KINDS, status=CodingStatus.SUBMITTED
        )
        .values("transcript_id", "scheme_id")
        .annotate(n=Count("id"))
        .filter(n__gte=2)
        .order_by("-transcript_id", "scheme_id")
    )
    transcript_ids = {g["transcript_id"] for g in groups}
    transcripts = Transcript.objects.for_list().in_bulk(transcript_ids)
    schemes = CodingScheme.objects.in_bulk({g["scheme_id"] for g in groups})
    consensus = {
        (c.transcript_id, c.scheme_id): c
        for c in Coding.objects.filter(
            Q(transcript_id__in=transcript_ids), kind=CodingKind.CONSENSUS
        ).select_related("coder")
    }
    cases = [
        AdjudicationCase(
            transcript=transcripts[g["transcript_id"]],
            scheme=schemes[g["scheme_id"]],
            sources=g["n"],
            consensus=consensus.get((g["transcript_id"], g["scheme_id"])),
        )
        for g in groups
    ]
    if open_only:
        cases = [c for c in cases if c.consensus is None or not c.consensus.is_submitted]
    return cases
