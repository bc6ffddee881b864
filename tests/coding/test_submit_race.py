"""Submitting races the coder's own saves (two tabs, or the offline queue replaying).

Real threads, each with its own database connection, start together at a barrier: one
submits while the others set codes, clear codes and clear a global. Whatever the order, a
coding that ends submitted must hold exactly what it held when the submit committed, and
every global that submitting requires.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.db import connection

from accounts.models import Role
from coding.models import Coding, CodingStatus, GlobalRating, GlobalScale, UtteranceCode
from coding.services.codes import utterance_code_put
from coding.services.codings import coding_submit, global_rating_set
from tests import factories
from tests.concurrency import patiently, run_together
from tests.factories import ALL_GLOBALS

TRIALS = 50
SCALES = sorted(ALL_GLOBALS)


def _codes(coding_id: int) -> set[tuple[int, int]]:
    return set(
        UtteranceCode.objects.filter(coding_id=coding_id).values_list("utterance_id", "code_id")
    )


def _globals(coding_id: int) -> set[str]:
    return set(
        GlobalRating.objects.filter(coding_id=coding_id).values_list("scale__slug", flat=True)
    )


def _fresh(coding_id: int) -> Coding:
    """The coding as a request reads it before calling a service."""
    return Coding.objects.select_related("scheme", "transcript").get(pk=coding_id)


@dataclass
class Trial:
    coding_id: int
    sets: list[tuple[int, int]]
    clears: list[tuple[int, int]]
    scale_id: int
    seen_at_submit: dict[str, object] = field(default_factory=dict)


def _watch_submit(trial: Trial) -> Callable[..., object]:
    """Record codes and globals inside the submitting transaction, right after the status
    changes, as the state that submitting locked."""
    busy = threading.local()

    def wrapper(execute, sql, params, many, context):  # noqa: ANN001, ANN202
        result = execute(sql, params, many, context)
        if (
            not getattr(busy, "on", False)
            and sql.lstrip().upper().startswith('UPDATE "CODING_CODING"')
            and '"status"' in sql
            and CodingStatus.SUBMITTED in (params or ())
        ):
            busy.on = True
            try:
                trial.seen_at_submit["codes"] = _codes(trial.coding_id)
                trial.seen_at_submit["globals"] = _globals(trial.coding_id)
            finally:
                busy.on = False
        return result

    return wrapper


def _run(trial: Trial, coder: object) -> None:
    def submit() -> None:
        with connection.execute_wrapper(_watch_submit(trial)):
            patiently(lambda: coding_submit(coding=_fresh(trial.coding_id), actor=coder))

    def put(changes: list[tuple[int, int]], present: bool) -> Callable[[], None]:
        def run() -> None:
            for utterance_id, code_id in changes:
                patiently(
                    lambda u=utterance_id, c=code_id: utterance_code_put(
                        coding=_fresh(trial.coding_id), utterance_id=u, code_id=c, present=present
                    )
                )

        return run

    def clear_global() -> None:
        patiently(
            lambda: global_rating_set(
                coding=_fresh(trial.coding_id),
                scale=GlobalScale.objects.get(pk=trial.scale_id),
                value=None,
            )
        )

    run_together(submit, put(trial.sets, True), put(trial.clears, False), clear_global)


@pytest.mark.django_db(transaction=True)
def test_a_submitted_coding_never_changes_under_racing_saves():
    agency = factories.make_agency()
    coder = factories.make_user(agency, Role.CODER)
    practitioner = factories.make_practitioner(agency)
    q, sr = factories.code("Q"), factories.code("SR")
    trials = []
    for number in range(TRIALS):
        transcript = factories.make_transcript(agency, practitioner, utterances=8)
        coding = factories.make_coding(
            transcript, coder, codes={1: ["Q"], 3: ["SR"], 5: ["Q"]}, globals_=ALL_GLOBALS
        )
        ids = dict(transcript.utterances.values_list("position", "pk"))
        trials.append(
            Trial(
                coding_id=coding.pk,
                sets=[(ids[7], q.pk), (ids[3], q.pk), (ids[1], sr.pk)],
                clears=[(ids[5], q.pk), (ids[1], q.pk)],
                scale_id=GlobalScale.objects.get(
                    scheme=coding.scheme, slug=SCALES[number % len(SCALES)]
                ).pk,
            )
        )

    for trial in trials:
        _run(trial, coder)

    submitted = [t for t in trials if _fresh(t.coding_id).status == CodingStatus.SUBMITTED]
    changed_after = [t for t in submitted if _codes(t.coding_id) != t.seen_at_submit["codes"]]
    without_global = [t for t in submitted if _globals(t.coding_id) != set(SCALES)]
    assert submitted, "no trial submitted: the race was not exercised"
    assert (len(changed_after), len(without_global)) == (0, 0), (
        f"of {len(submitted)} submitted codings, {len(changed_after)} changed after submitting "
        f"and {len(without_global)} ended without every global"
    )
