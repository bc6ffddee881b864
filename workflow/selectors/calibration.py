"""Reads for calibration: training sets open to coders, attempts and their history."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from accounts.models import Agency, User
from workflow.models import CalibrationAttempt, CalibrationCoding, TrainingSet


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
