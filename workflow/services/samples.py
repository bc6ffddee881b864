"""Double-coding a random share of transcripts for reliability."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Agency, User
from accounts.services import audit_record
from coding.models import Coding, CodingKind, CodingScheme
from transcripts.models import Transcript
from workflow.models import Assignment, ReliabilitySet
from workflow.sampling import SampleError, draw
from workflow.services.assignments import (
    AssignmentPlan,
    PlannedAssignment,
    assignments_create,
    coding_state,
)


@dataclass
class SamplePlan:
    seed: int
    percent: Decimal
    scheme: CodingScheme
    population: int
    transcripts: list[Transcript]
    assignments: AssignmentPlan

    @property
    def rows(self) -> list[tuple[Transcript, User | None, str]]:
        """Each sampled transcript with its new second coder, or why it gets none."""
        coders = {item.transcript.pk: item.coder for item in self.assignments.items}
        reasons = {t.pk: why for t, why in self.assignments.skipped}
        return [(t, coders.get(t.pk), reasons.get(t.pk, "")) for t in self.transcripts]


def sample_population(
    agency: Agency,
    scheme: CodingScheme,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Transcript]:
    """The agency's transcripts that have a first coder with the scheme."""
    primary = Q(kind__in=[CodingKind.PRIMARY, CodingKind.GOLD], scheme=scheme)
    first_assigned = Assignment.objects.filter(primary, transcript=OuterRef("pk"))
    first_coded = Coding.objects.filter(primary, transcript=OuterRef("pk"))
    transcripts = Transcript.objects.filter(agency=agency).filter(
        Exists(first_assigned) | Exists(first_coded)
    )
    if date_from:
        transcripts = transcripts.filter(session_date__gte=date_from)
    if date_to:
        transcripts = transcripts.filter(session_date__lte=date_to)
    return transcripts


def reliability_sample_plan(
    *,
    agency: Agency,
    scheme: CodingScheme,
    percent: Decimal,
    seed: int,
    coders: list[User],
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> SamplePlan:
    """Draw the sample and choose second coders, without writing anything."""
    if not coders:
        raise ValidationError("choose at least one coder to double-code the sample")
    population = {t.pk: t for t in sample_population(agency, scheme, date_from, date_to).for_list()}
    if not population:
        raise ValidationError(
            f"no transcript has a first coder with {scheme.name} yet; assign them first"
        )
    state = coding_state(population, scheme)
    try:
        result = draw(
            transcript_ids=population,
            percent=percent,
            seed=seed,
            coder_ids=[c.pk for c in coders],
            taken=state.coders,
            covered=state.with_second,
        )
    except SampleError as exc:
        label = population[exc.transcript_id].label if exc.transcript_id else ""
        raise ValidationError(f"{label}: {exc}; choose more coders" if label else str(exc)) from exc
    by_id = {c.pk: c for c in coders}
    items = [
        PlannedAssignment(
            transcript=population[transcript_id], coder=by_id[coder_id], kind=CodingKind.DOUBLE
        )
        for transcript_id, coder_id in result.second_coder.items()
    ]
    skipped = [
        (population[t], "already double-coded")
        for t in result.transcript_ids
        if t not in result.second_coder
    ]
    return SamplePlan(
        seed=seed,
        percent=Decimal(str(percent)),
        scheme=scheme,
        population=len(population),
        transcripts=[population[t] for t in result.transcript_ids],
        assignments=AssignmentPlan(items=items, skipped=skipped),
    )


def reliability_sample_create(
    *,
    agency: Agency,
    plan: SamplePlan,
    name: str,
    actor: User,
    due_date: datetime.date | None = None,
) -> ReliabilitySet:
    """Save the sample as a reliability set and assign each transcript its second coder."""
    name = name.strip()
    if not name:
        raise ValidationError("the sample needs a name")
    if ReliabilitySet.objects.filter(agency=agency, name=name).exists():
        raise ValidationError(f"a reliability set named {name!r} already exists")
    with transaction.atomic():
        sample = ReliabilitySet.objects.create(
            agency=agency,
            name=name,
            scheme=plan.scheme,
            seed=plan.seed,
            percent=float(plan.percent),
            created_by=actor,
        )
        sample.transcripts.set(plan.transcripts)
        if plan.assignments.items:
            assignments_create(
                agency=agency,
                plan=plan.assignments,
                scheme=plan.scheme,
                actor=actor,
                due_date=due_date,
                reliability_set=sample,
            )
        audit_record(
            actor=actor,
            action="reliability_set.draw",
            agency=agency,
            target=sample,
            details={
                "seed": plan.seed,
                "percent": float(plan.percent),
                "population": plan.population,
                "transcripts": [t.pk for t in plan.transcripts],
                "scheme": plan.scheme.slug,
            },
        )
    return sample
