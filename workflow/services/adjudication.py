"""Adjudication: reconciling submitted codings into one consensus coding.

The consensus is an ordinary coding (kind consensus, coded by the adjudicating supervisor)
written through the coding services' narrow consensus path (coding/services/consensus.py), so
the scheme's rules hold and nothing else can change it; the source codings are only read.
Each item's provenance is kept in an AdjudicationDecision. Every decision locks the consensus
first, so two supervisors deciding the same item take turns and the codes always match the
decision recorded last.
"""

from __future__ import annotations

from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from accounts.services import audit_record
from coding.models import (
    Code,
    Coding,
    CodingKind,
    CodingScheme,
    GlobalRating,
    GlobalScale,
    UtteranceCode,
)
from coding.services.consensus import (
    consensus_codes_add,
    consensus_codes_replace,
    consensus_global_set,
    consensus_submit,
)
from coding.services.locks import coding_lock
from transcripts.models import Transcript, Utterance
from workflow.models import AdjudicationDecision, DecisionSource
from workflow.selectors.adjudication import adjudication_for, adjudication_sources, consensus_of
from workflow.services.codings import coding_start


def adjudication_start(*, transcript: Transcript, scheme: CodingScheme, actor: User) -> Coding:
    """Open the consensus coding with every agreed item filled in; an existing one is kept."""
    with transaction.atomic():
        # Two supervisors opening the same adjudication at once take turns here.
        Transcript.objects.select_for_update().filter(pk=transcript.pk).exists()
        existing = consensus_of(transcript, scheme)
        if existing is not None:
            return existing
        sources = adjudication_sources(transcript, scheme)
        if len(sources) < 2:
            raise ValidationError("adjudication needs two or more submitted codings")
        if any(source.is_from_audio for source in sources):
            raise ValidationError(
                "codings made from the recording cannot be adjudicated utterance by utterance: "
                "each coder's volleys are their own units; agree the counts and globals in a "
                "coding of record instead"
            )
        consensus = coding_start(
            transcript=transcript,
            scheme=scheme,
            coder=actor,
            actor=actor,
            kind=CodingKind.CONSENSUS,
        )
        case = adjudication_for(transcript, scheme, sources)
        agreed = [item for item in case.items if item.agreed]
        consensus_codes_add(
            consensus=consensus,
            pairs=[
                (item.utterance, case.codes[code_id])
                for item in agreed
                if item.utterance is not None
                for code_id in item.answers[0]
            ],
        )
        for item in agreed:
            if item.scale is not None and item.answers[0] is not None:
                consensus_global_set(consensus=consensus, scale=item.scale, value=item.answers[0])
        AdjudicationDecision.objects.bulk_create(
            [
                AdjudicationDecision(
                    consensus=consensus,
                    utterance=item.utterance,
                    scale=item.scale,
                    source=DecisionSource.AGREEMENT,
                    decided_by=actor,
                )
                for item in agreed
            ],
            batch_size=500,
        )
        audit_record(
            actor=actor,
            action="adjudication.start",
            agency=transcript.agency,
            target=consensus,
            details={
                "sources": [c.pk for c in sources],
                "agreed": len(agreed),
                "disagreements": len(case.items) - len(agreed),
            },
        )
    return consensus


def _require_adjudicating(consensus: Coding) -> None:
    if consensus.kind != CodingKind.CONSENSUS:
        raise ValidationError("this is not a consensus coding")
    if consensus.is_submitted:
        raise ValidationError("this adjudication is finished; reopen it to change it")


def _source_among(consensus: Coding, source: Coding) -> None:
    sources = adjudication_sources(consensus.transcript, consensus.scheme)
    if source.pk not in {c.pk for c in sources}:
        raise ValidationError("that coding is not one of the submitted codings being reconciled")


def adjudication_decide(
    *,
    consensus: Coding,
    actor: User,
    utterance: Utterance | None = None,
    scale: GlobalScale | None = None,
    source: Coding | None = None,
    codes: list[int] | None = None,
    value: int | None = None,
    reason: str = "",
    replace: bool = False,
) -> AdjudicationDecision:
    """Decide one item: take ``source``'s answer, or give one's own (``codes`` for an
    utterance, ``value`` for a global). Nothing changes if the answer breaks a rule.

    An item already decided (an agreement included) changes only with ``replace``: an earlier
    decision is never overwritten by a key pressed on the wrong row."""
    if (utterance is None) == (scale is None):
        raise ValidationError("decide one utterance or one global at a time")
    if utterance is not None and utterance.transcript_id != consensus.transcript_id:
        raise ValidationError("that utterance is not part of this transcript")
    if scale is not None and scale.scheme_id != consensus.scheme_id:
        raise ValidationError(f"{scale.name} is not a global of {consensus.scheme.name}")
    if source is None and utterance is None and value is None:
        raise ValidationError(f"give a value for {scale.name}")
    with transaction.atomic():
        # Two supervisors deciding the same item at once: the second sees the first's decision.
        coding_lock(consensus)
        _require_adjudicating(consensus)
        existing = AdjudicationDecision.objects.filter(
            consensus=consensus, utterance=utterance, scale=scale
        ).first()
        if existing is not None and not replace:
            what = f"utterance {utterance.position}" if utterance is not None else scale.name
            raise ValidationError(
                f"{what} is already decided; confirm to replace that decision", code="decided"
            )
        if source is not None:
            _source_among(consensus, source)
            if utterance is not None:
                codes = list(
                    UtteranceCode.objects.filter(coding=source, utterance=utterance).values_list(
                        "code_id", flat=True
                    )
                )
            else:
                value = (
                    GlobalRating.objects.filter(coding=source, scale=scale)
                    .values_list("value", flat=True)
                    .first()
                )
        if utterance is not None:
            _set_codes(consensus, utterance, set(codes or []))
        else:
            consensus_global_set(consensus=consensus, scale=scale, value=value)
        decision, _ = AdjudicationDecision.objects.update_or_create(
            consensus=consensus,
            utterance=utterance,
            scale=scale,
            defaults={
                "source": DecisionSource.CODING if source is not None else DecisionSource.OWN,
                "source_coding": source,
                "reason": reason.strip(),
                "decided_by": actor,
            },
        )
    return decision


def _set_codes(consensus: Coding, utterance: Utterance, wanted: set[int]) -> None:
    codes = Code.objects.filter(scheme_id=consensus.scheme_id).in_bulk(wanted)
    unknown = wanted - set(codes)
    if unknown:
        raise ValidationError(f"unknown code {', '.join(map(str, sorted(unknown)))}")
    consensus_codes_replace(consensus=consensus, utterance=utterance, codes=codes.values())


def adjudication_finish(*, consensus: Coding, actor: User) -> Coding:
    """Submit the consensus once every disagreement is decided."""
    with transaction.atomic():
        coding_lock(consensus)
        _require_adjudicating(consensus)
        case = adjudication_for(consensus.transcript, consensus.scheme)
        left = len(case.undecided)
        if left:
            raise ValidationError(
                f"{left} disagreement{'s' if left != 1 else ''} still to decide before finishing"
            )
        consensus_submit(consensus=consensus, actor=actor)
        sources = Counter(
            AdjudicationDecision.objects.filter(consensus=consensus).values_list(
                "source", flat=True
            )
        )
        audit_record(
            actor=actor,
            action="adjudication.finish",
            agency=consensus.transcript.agency,
            target=consensus,
            details={
                "disagreements": len(case.disagreements),
                "decisions": dict(sources),
                "sources": [c.pk for c in case.sources],
            },
        )
    return consensus
