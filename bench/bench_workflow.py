"""Workflow benchmarks: the adjudication page and its decisions on a 1,000-utterance
transcript, drawing a reliability sample, and the supervisor's overview.

    python bench/bench_workflow.py [--runs N]
"""

from __future__ import annotations

import argparse
import datetime
import random

from common import header, peak_rss_mb, percentiles, report, setup_django, timer


def build(utterances: int, transcripts: int) -> dict:
    from accounts.models import Agency, Membership, Practitioner, Role, User
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
    from transcripts.models import SpeakerRole, Transcript, Utterance
    from workflow.models import Assignment

    agency = Agency.objects.create(slug="bench", name="Bench")
    users = {}
    for name, role in [("sofia", Role.SUPERVISOR), ("ana", Role.CODER), ("ben", Role.CODER)]:
        users[name] = User.objects.create_user(username=name, password="bench-password")
        Membership.objects.create(user=users[name], agency=agency, role=role)
    practitioner = Practitioner.objects.create(agency=agency, display_name="P")
    scheme = CodingScheme.objects.get(slug="miti-4.2.1")
    codes = list(Code.objects.filter(scheme=scheme).select_related("dimension"))
    scales = list(GlobalScale.objects.filter(scheme=scheme))
    rng = random.Random(7)
    big = Transcript.objects.create(agency=agency, practitioner=practitioner, title="Long")
    Utterance.objects.bulk_create(
        Utterance(
            transcript=big,
            position=p,
            speaker_label="C" if p % 2 else "K",
            speaker_role=SpeakerRole.PRACTITIONER if p % 2 else SpeakerRole.CLIENT,
            text=f"Utterance {p} " * 8,
        )
        for p in range(1, utterances + 1)
    )
    practitioner_utterances = list(big.utterances.filter(speaker_role=SpeakerRole.PRACTITIONER))
    submitted = datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)
    codings = []
    for name, kind in [("ana", CodingKind.PRIMARY), ("ben", CodingKind.DOUBLE)]:
        coding = Coding.objects.create(
            transcript=big,
            scheme=scheme,
            coder=users[name],
            kind=kind,
            status=CodingStatus.SUBMITTED,
            submitted_at=submitted,
        )
        codings.append(coding)
    rows = []
    for utterance in practitioner_utterances:
        first = rng.choice(codes)
        second = first if rng.random() < 0.8 else rng.choice(codes)
        for coding, code in zip(codings, (first, second), strict=True):
            rows.append(
                UtteranceCode(
                    coding=coding, utterance=utterance, code=code, dimension=code.dimension
                )
            )
    UtteranceCode.objects.bulk_create(rows, batch_size=1000)
    GlobalRating.objects.bulk_create(
        GlobalRating(coding=c, scale=s, value=3, scale_min=s.min_value, scale_max=s.max_value)
        for c in codings
        for s in scales
    )
    many = Transcript.objects.bulk_create(
        Transcript(agency=agency, practitioner=practitioner, title=f"S{i}")
        for i in range(transcripts)
    )
    Assignment.objects.bulk_create(
        Assignment(
            agency=agency,
            transcript=t,
            coder=users["ana" if i % 2 else "ben"],
            scheme=scheme,
            due_date=datetime.date(2026, 1, 1) if i % 7 == 0 else None,
        )
        for i, t in enumerate(many)
    )
    return {"agency": agency, "users": users, "big": big, "scheme": scheme, "codings": codings}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--utterances", type=int, default=1000)
    parser.add_argument("--transcripts", type=int, default=1000)
    args = parser.parse_args()
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from coding.models import Coding, CodingKind, UtteranceCode
    from workflow.sampling import draw
    from workflow.services.samples import reliability_sample_plan

    header("workflow")
    world = build(args.utterances, args.transcripts)
    big, scheme = world["big"], world["scheme"]
    client = Client()
    client.force_login(world["users"]["sofia"])
    page_url = reverse("workflow:adjudicate", args=[big.pk, scheme.pk])

    with timer() as t:
        client.post(page_url)
    report(f"start adjudication, {args.utterances} utterances (prefill)", t["seconds"] * 1000, "ms")
    consensus = Coding.objects.get(transcript=big, kind=CodingKind.CONSENSUS)

    samples = []
    for _ in range(args.runs):
        with timer() as t:
            response = client.get(page_url)
        assert response.status_code == 200
        samples.append(t["seconds"] * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(page_url)
    median, p95 = percentiles(samples)
    report("adjudication page render, median", median, "ms")
    report("adjudication page render, p95", p95, "ms")
    report("adjudication page queries", len(queries), "queries")

    disagreements = (
        UtteranceCode.objects.filter(coding=world["codings"][0])
        .exclude(
            utterance_id__in=UtteranceCode.objects.filter(coding=consensus).values("utterance_id")
        )
        .values_list("utterance_id", flat=True)
    )
    decide = reverse("workflow:decide", args=[consensus.pk])
    samples = []
    counts = []
    for utterance_id in list(disagreements)[: args.runs * 2]:
        with CaptureQueriesContext(connection) as queries, timer() as t:
            response = client.post(
                decide, {"item": f"u{utterance_id}", "source": world["codings"][1].pk}
            )
        assert response.status_code == 200, response.content
        samples.append(t["seconds"] * 1000)
        counts.append(len(queries))
    median, p95 = percentiles(samples)
    report("one decision (JSON endpoint), median", median, "ms")
    report("one decision (JSON endpoint), p95", p95, "ms")
    report("one decision, queries (max)", max(counts), "queries")

    ids = list(range(1, 100_001))
    with timer() as t:
        draw(transcript_ids=ids, percent=20, seed=42, coder_ids=list(range(1, 21)))
    report("draw 20% of 100,000 transcripts (pure)", t["seconds"] * 1000, "ms")
    coders = [world["users"]["ana"], world["users"]["ben"]]
    with timer() as t:
        plan = reliability_sample_plan(
            agency=world["agency"], scheme=scheme, percent=20, seed=42, coders=coders
        )
    report(
        f"plan a 20% sample of {args.transcripts} transcripts ({len(plan.transcripts)} drawn)",
        t["seconds"] * 1000,
        "ms",
    )

    overview = reverse("workflow:overview")
    samples = []
    for _ in range(args.runs):
        with timer() as t:
            client.get(overview, {"show": "all"})
        samples.append(t["seconds"] * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(overview, {"show": "all"})
    report("overview page, median", percentiles(samples)[0], "ms")
    report("overview page queries", len(queries), "queries")
    report("peak resident memory", peak_rss_mb(), "MB", "< 500 MB")


if __name__ == "__main__":
    main()
