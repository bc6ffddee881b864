"""Serving suggestions: where they may be shown, what the model suggests, and the machine
estimate of an uncoded session.

The rule that keeps the machine out of reliability lives here, in ``suggestion_refusal``,
and every path that hands out a suggestion (the workspace's endpoint, accepting one) goes
through it: suggestions reach only the coder's own open primary coding of a session that is
not double coded, not in a reliability sample and not a calibration, and only when the agency
turned them on.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

from accounts.models import Agency, User
from coding import scores
from coding.models import Coding, CodingKind, CodingScheme, CodingStatus
from coding.selectors import score_definitions
from suggestions.models import Suggester
from suggestions.selectors import settings_for, suggester_in_use, training_records
from transcripts.models import Transcript, Utterance
from workflow.models import Assignment, ReliabilitySet

if TYPE_CHECKING:
    from suggestions.training import SuggesterModel

_CACHE: OrderedDict[int, SuggesterModel] = OrderedDict()
_CACHE_SIZE = 4
_CACHE_LOCK = Lock()


def loaded_model(suggester: Suggester) -> SuggesterModel:
    """The suggester's fitted model, read from its row once per process (a few kept)."""
    from suggestions.training import loads

    with _CACHE_LOCK:
        model = _CACHE.get(suggester.pk)
        if model is not None:
            _CACHE.move_to_end(suggester.pk)
            return model
    data = Suggester.objects.filter(pk=suggester.pk).values_list("model", flat=True).first()
    if data is None:
        raise ValidationError("this suggester has no trained model")
    model = loads(data)
    with _CACHE_LOCK:
        _CACHE[suggester.pk] = model
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return model


# ---------------------------------------------------------------- what the model suggests


@dataclass(frozen=True)
class UtteranceRow:
    pk: int
    position: int
    role: str
    text: str


def _utterances(transcript_id: int) -> list[UtteranceRow]:
    return [
        UtteranceRow(*row)
        for row in Utterance.objects.filter(transcript_id=transcript_id)
        .order_by("position")
        .values_list("pk", "position", "speaker_role", "text")
    ]


def predicted(
    suggester: Suggester, rows: list[UtteranceRow]
) -> list[dict[str, list[tuple[str, float]]]]:
    """For each row: {dimension slug: [(code, probability), …] highest first}, for the
    dimensions of the row's speaker (none for the others)."""
    model = loaded_model(suggester)
    previous = [""] + [row.text for row in rows[:-1]]
    result: list[dict[str, list[tuple[str, float]]]] = [{} for _ in rows]
    by_dimension = model.probabilities([r.role for r in rows], [r.text for r in rows], previous)
    for spec in model.dimensions:
        index, matrix = by_dimension.get(spec.slug, ((), None))
        for row, probabilities in zip(index, matrix if matrix is not None else [], strict=True):
            pairs = sorted(
                zip(spec.codes, (float(p) for p in probabilities), strict=True),
                key=lambda pair: -pair[1],
            )
            result[row][spec.slug] = [(code, round(p, 4)) for code, p in pairs]
    return result


def transcript_suggestions(suggester: Suggester, transcript: Transcript) -> dict[str, Any]:
    """The stable JSON of ``suggest_codes``: every code of each utterance's dimensions with
    its probability, highest first."""
    rows = _utterances(transcript.pk)
    return {
        "suggester": suggester.pk,
        "scheme": suggester.scheme.slug,
        "utterances": [
            {
                "position": row.position,
                "speaker_role": row.role,
                "suggestions": {
                    slug: [{"code": code, "probability": p} for code, p in pairs]
                    for slug, pairs in dimensions.items()
                },
            }
            for row, dimensions in zip(rows, predicted(suggester, rows), strict=True)
        ],
    }


def utterance_suggestions(
    suggester: Suggester, transcript_id: int, utterance_id: int
) -> dict[str, float] | None:
    """{code: probability} suggested for one utterance (read with the turn before it); None
    for an utterance of another transcript."""
    target = Utterance.objects.filter(pk=utterance_id, transcript_id=transcript_id).first()
    if target is None:
        return None
    before = (
        Utterance.objects.filter(transcript_id=transcript_id, position__lt=target.position)
        .order_by("-position")
        .values_list("text", flat=True)
        .first()
    )
    rows = [
        UtteranceRow(0, 0, "other", before or ""),
        UtteranceRow(target.pk, target.position, target.speaker_role, target.text),
    ]
    (dimensions,) = predicted(suggester, rows)[1:]
    return {code: p for pairs in dimensions.values() for code, p in pairs}


# ---------------------------------------------------------------- where suggestions may go


def suggestion_refusal(coding: Coding, user: User) -> str | None:
    """Why suggestions may not be shown in ``coding`` to ``user``; None if they may."""
    if coding.coder_id != user.pk:
        return "suggestions are shown only to the coder of a coding"
    if coding.kind == CodingKind.DOUBLE:
        return "never in a double coding: reliability must measure the coders, not the model"
    if coding.kind == CodingKind.CALIBRATION or hasattr(coding, "calibration"):
        return "never in a calibration"
    if coding.kind == CodingKind.CONSENSUS:
        return "never in an adjudication"
    if coding.kind != CodingKind.PRIMARY:
        return "only in a primary coding"
    if coding.is_from_audio:
        return "never in a coding from the recording: the model reads the transcript's words"
    if coding.status != CodingStatus.IN_PROGRESS:
        return "this coding is submitted"
    transcript_id, scheme_id = coding.transcript_id, coding.scheme_id
    doubled = (
        Coding.objects.filter(transcript_id=transcript_id, scheme_id=scheme_id)
        .exclude(pk=coding.pk)
        .exclude(kind=CodingKind.CALIBRATION)
        .exists()
        or Assignment.objects.filter(
            transcript_id=transcript_id, scheme_id=scheme_id, kind=CodingKind.DOUBLE
        ).exists()
        or ReliabilitySet.objects.filter(transcripts=transcript_id, scheme_id=scheme_id).exists()
    )
    if doubled:
        return "never in a double-coded session: reliability must measure the coders"
    agency = coding.transcript.agency
    if not settings_for(agency).enabled:
        return "suggestions are off in this agency"
    return None


def require_suggestions(coding: Coding, user: User) -> Suggester:
    """The suggester serving ``coding``, or a ValidationError saying why there is none."""
    refusal = suggestion_refusal(coding, user)
    if refusal is not None:
        raise ValidationError(refusal)
    suggester = suggester_in_use(coding.transcript.agency, coding.scheme)
    if suggester is None:
        raise ValidationError("no suggester is trained for this scheme yet")
    return suggester


def coding_suggestions(coding: Coding, user: User) -> dict[str, Any]:
    """What the workspace shows: per utterance id, per code id, the probability; and the
    agency's threshold for the accept-all key."""
    suggester = require_suggestions(coding, user)
    code_ids = dict(coding.scheme.codes.values_list("abbreviation", "pk"))
    rows = _utterances(coding.transcript_id)
    return {
        "ok": True,
        "enabled": True,
        "suggester": suggester.pk,
        "threshold": settings_for(coding.transcript.agency).threshold,
        "utterances": {
            str(row.pk): [
                [code_ids[code], p]
                for pairs in dimensions.values()
                for code, p in pairs
                if code in code_ids
            ]
            for row, dimensions in zip(rows, predicted(suggester, rows), strict=True)
            if dimensions
        },
    }


# ---------------------------------------------------------------- the machine estimate


@dataclass(frozen=True)
class MachineEstimate:
    suggester: Suggester
    counts: dict[str, int]
    scores: list[tuple[str, str]]  # (score name, display)


def machine_estimate(transcript: Transcript, scheme: CodingScheme) -> MachineEstimate:
    """Summary scores of a session nobody has coded, computed by coding/scores.py from the
    codes the model would set. Never stored, never a score of record."""
    from suggestions.training import PRESENT

    agency: Agency = transcript.agency
    if any(r.transcript_id == transcript.pk for r in training_records(agency, scheme)):
        raise ValidationError("this session has a coding of record: read its scores instead")
    suggester = suggester_in_use(agency, scheme)
    if suggester is None:
        raise ValidationError(f"no suggester is trained for {scheme.slug} yet")
    model = loaded_model(suggester)
    multiple = {spec.slug: spec.multiple for spec in model.dimensions}
    counts: dict[str, int] = {}
    for dimensions in predicted(suggester, _utterances(transcript.pk)):
        for slug, pairs in dimensions.items():
            if multiple[slug]:
                chosen = [c for c, p in pairs if p >= PRESENT]
            else:
                # The likeliest class, which may be "no code" (what the codes leave over).
                top, top_p = pairs[0]
                chosen = [top] if top_p > 1 - sum(p for _, p in pairs) else []
            for code in chosen:
                counts[code] = counts.get(code, 0) + 1
    definitions = score_definitions(scheme, agency)
    values = scores.summary_scores([d.as_mapping() for d in definitions], counts, {})
    return MachineEstimate(
        suggester=suggester,
        counts=counts,
        scores=[(d.name, d.format(values[d.slug])) for d in definitions if d.type != "mean"],
    )
