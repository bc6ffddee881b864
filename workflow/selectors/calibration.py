"""Reads for calibration: training sets open to coders, attempts and their history."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, QuerySet

from accounts.models import Agency, User
from coding.models import Code, Dimension, GlobalRating, GlobalScale, UtteranceCode
from transcripts.models import Utterance
from workflow.models import CalibrationAttempt, CalibrationCoding, CalibrationRetake, TrainingSet

if TYPE_CHECKING:
    from workflow.calibration import Unit


def training_sets_of(agency: Agency) -> QuerySet[TrainingSet]:
    return (
        TrainingSet.objects.filter(agency=agency)
        .select_related("scheme")
        .annotate(size=Count("items"))
        .filter(size__gt=0)
    )


def attempts_of(agency: Agency, coder: User | None = None) -> QuerySet[CalibrationAttempt]:
    attempts = CalibrationAttempt.objects.filter(agency=agency).select_related(
        "training_set", "coder"
    )
    if coder is not None:
        attempts = attempts.filter(coder=coder)
    return attempts.prefetch_related(
        Prefetch(
            "items",
            queryset=CalibrationCoding.objects.select_related(
                "coding", "coding__transcript", "gold"
            ),
        )
    )


def retake_permission_of(training_set: TrainingSet, coder: User) -> CalibrationRetake | None:
    """The coder's unused permission to take the set again, if any."""
    return (
        CalibrationRetake.objects.filter(
            training_set=training_set, coder=coder, attempt__isnull=True
        )
        .select_related("allowed_by")
        .first()
    )


def retake_permissions_of(agency: Agency, coder: User | None = None) -> QuerySet[CalibrationRetake]:
    """Unused permissions to retake, newest first (of one coder, or of the whole agency)."""
    permissions = CalibrationRetake.objects.filter(
        agency=agency, attempt__isnull=True
    ).select_related("training_set", "coder", "allowed_by")
    if coder is not None:
        permissions = permissions.filter(coder=coder)
    return permissions


@dataclass(frozen=True)
class DriftPoint:
    attempt: CalibrationAttempt
    change: float | None  # mean kappa against the coder's previous finished attempt


def drift_by_coder(attempts: QuerySet[CalibrationAttempt]) -> dict[User, list[DriftPoint]]:
    """Each coder's finished attempts oldest first, with the change since the one before."""
    series: dict[User, list[DriftPoint]] = defaultdict(list)
    previous: dict[int, float | None] = {}
    for attempt in attempts.filter(finished_at__isnull=False).order_by("finished_at", "pk"):
        before = previous.get(attempt.coder_id)
        change = None
        if before is not None and attempt.mean_kappa is not None:
            change = attempt.mean_kappa - before
        series[attempt.coder].append(DriftPoint(attempt=attempt, change=change))
        previous[attempt.coder_id] = attempt.mean_kappa
    return dict(sorted(series.items(), key=lambda pair: pair[0].username))


@dataclass
class CalibrationData:
    units: list[Unit]
    codes: dict[str, list[str]]
    transcripts: list[int]
    globals: list[dict[str, object]]
    global_names: list[str]


def calibration_data(attempt: CalibrationAttempt) -> CalibrationData:
    """The attempt's codings and their golds laid out as units, in six queries."""
    # The calibration arithmetic (pandas, the reliability statistics) loads only when an
    # attempt is scored, not with every page of the workflow.
    from workflow.calibration import Unit

    items = list(attempt.items.select_related("coding", "gold", "coding__transcript"))
    scheme = attempt.training_set.scheme
    dimensions = list(Dimension.objects.filter(scheme=scheme).order_by("position", "id"))
    codes: dict[str, list[str]] = {d.slug: [] for d in dimensions}
    for code in Code.objects.filter(scheme=scheme).select_related("dimension"):
        codes[code.dimension.slug].append(code.abbreviation)
    gold_of = {item.gold_id: item.coding.transcript_id for item in items}
    coder_of = {item.coding_id: item.coding.transcript_id for item in items}
    applied: dict[tuple[int, int, str], set[str]] = defaultdict(set)
    for coding_id, utterance_id, slug, abbreviation in UtteranceCode.objects.filter(
        coding_id__in=[*gold_of, *coder_of]
    ).values_list("coding_id", "utterance_id", "dimension__slug", "code__abbreviation"):
        applied[(coding_id, utterance_id, slug)].add(abbreviation)
    gold_coding = {t: c for c, t in gold_of.items()}
    own_coding = {t: c for c, t in coder_of.items()}

    def given(codings: dict[int, int], utterance: Utterance, dimension: Dimension) -> frozenset:
        key = (codings[utterance.transcript_id], utterance.pk, dimension.slug)
        return frozenset(applied.get(key, ()))

    units = [
        Unit(
            transcript=utterance.transcript_id,
            utterance=utterance.pk,
            dimension=dimension.slug,
            gold=given(gold_coding, utterance, dimension),
            coder=given(own_coding, utterance, dimension),
        )
        for utterance in Utterance.objects.filter(transcript_id__in=list(own_coding)).order_by(
            "transcript_id", "position"
        )
        for dimension in dimensions
        if dimension.accepts(utterance.speaker_role)
    ]
    scales = list(GlobalScale.objects.filter(scheme=scheme).order_by("position", "id"))
    ratings = {
        (coding_id, slug): value
        for coding_id, slug, value in GlobalRating.objects.filter(
            coding_id__in=[*gold_of, *coder_of]
        ).values_list("coding_id", "scale__slug", "value")
    }
    globals_ = [
        {
            "transcript": item.coding.transcript.label,
            "values": [
                {
                    "gold": ratings.get((item.gold_id, scale.slug)),
                    "coder": ratings.get((item.coding_id, scale.slug)),
                }
                for scale in scales
            ],
        }
        for item in items
    ]
    return CalibrationData(
        units=units,
        codes=codes,
        transcripts=sorted(own_coding),
        globals=globals_,
        global_names=[scale.name for scale in scales],
    )
