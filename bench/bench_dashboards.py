"""Fidelity dashboards at agency scale: 200 practitioners × 25 coded sessions.

Times the agency audit page (target < 1 s, constant query count), its CSV export, one
practitioner's dashboard and the supervisor's home page, each rendered through Django's test
client as a signed-in supervisor.

    python bench/bench_dashboards.py [--practitioners 200] [--sessions 25] [--runs 7]
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time

from common import header, peak_rss_mb, report, setup_django, timer

UTTERANCES = 16  # per session; half of them the practitioner's


def build(practitioners: int, sessions: int, slug: str = "bench") -> dict:
    """An agency with coded sessions, written with bulk inserts (the services would make
    building the data, not the page, the thing measured)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import Agency, Membership, Practitioner, Role, Team, User
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

    rng = random.Random(42)
    scheme = CodingScheme.objects.get(slug="miti-4.2.1")
    codes = {
        c.abbreviation: c for c in Code.objects.filter(scheme=scheme).select_related("dimension")
    }
    scales = list(GlobalScale.objects.filter(scheme=scheme))
    with transaction.atomic():
        agency = Agency.objects.create(slug=slug, name=f"Agency {slug}")
        supervisor = User.objects.create_user(username=f"{slug}-supervisor", password="x")
        coder = User.objects.create_user(username=f"{slug}-coder", password="x")
        second = User.objects.create_user(username=f"{slug}-second", password="x")
        Membership.objects.bulk_create(
            [
                Membership(user=supervisor, agency=agency, role=Role.SUPERVISOR),
                Membership(user=coder, agency=agency, role=Role.CODER),
                Membership(user=second, agency=agency, role=Role.CODER),
            ]
        )
        teams = Team.objects.bulk_create(
            [Team(agency=agency, name=f"Team {n}") for n in range(1, 9)]
        )
        people = Practitioner.objects.bulk_create(
            [
                Practitioner(agency=agency, display_name=f"Practitioner {n:03d}", team=teams[n % 8])
                for n in range(practitioners)
            ]
        )
        start = datetime.date(2024, 1, 8)
        transcripts = Transcript.objects.bulk_create(
            [
                Transcript(
                    agency=agency,
                    practitioner=person,
                    title=f"{person.display_name} session {s + 1}",
                    session_date=start + datetime.timedelta(days=21 * s + rng.randrange(7)),
                )
                for person in people
                for s in range(sessions)
            ],
            batch_size=2000,
        )
        utterances = Utterance.objects.bulk_create(
            [
                Utterance(
                    transcript=t,
                    position=p,
                    speaker_label="Counselor" if p % 2 else "Client",
                    speaker_role=SpeakerRole.PRACTITIONER if p % 2 else SpeakerRole.CLIENT,
                    text=f"Utterance {p}.",
                )
                for t in transcripts
                for p in range(1, UTTERANCES + 1)
            ],
            batch_size=5000,
        )
        submitted = timezone.now() - datetime.timedelta(days=30)
        # Every session coded, and a double-coded sample the score of record passes over.
        plan = [(t, coder, CodingKind.PRIMARY) for t in transcripts]
        plan += [(t, second, CodingKind.DOUBLE) for t in transcripts[::10]]
        codings = [
            Coding(
                transcript=t,
                scheme=scheme,
                coder=who,
                kind=kind,
                status=CodingStatus.SUBMITTED,
                submitted_at=submitted,
            )
            for t, who, kind in plan
        ]
        codings = Coding.objects.bulk_create(codings, batch_size=2000)
        by_transcript = {}
        for u in utterances:
            if u.speaker_role == SpeakerRole.PRACTITIONER:
                by_transcript.setdefault(u.transcript_id, []).append(u)
        behaviour = ["Q", "Q", "SR", "CR", "AF", "Seek", "GI", "Persuade", "Emphasize"]
        rows, ratings = [], []
        for coding in codings:
            for utterance in by_transcript[coding.transcript_id]:
                code = codes[rng.choice(behaviour)]
                rows.append(
                    UtteranceCode(
                        coding=coding,
                        utterance=utterance,
                        code=code,
                        dimension=code.dimension,
                        exclusive=not code.dimension.multiple,
                    )
                )
            for scale in scales:
                ratings.append(
                    GlobalRating(
                        coding=coding,
                        scale=scale,
                        value=rng.randint(scale.min_value, scale.max_value),
                        scale_min=scale.min_value,
                        scale_max=scale.max_value,
                    )
                )
        UtteranceCode.objects.bulk_create(rows, batch_size=5000)
        GlobalRating.objects.bulk_create(ratings, batch_size=5000)
    # A live database keeps its planner statistics current; a bulk load has none yet.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "supervisor": supervisor,
        "practitioner": people[0],
        "codings": len(codings),
        "codes": len(rows),
    }


def measure(client, url: str, runs: int) -> tuple[list[float], list[float], int, int]:
    """Wall-clock and CPU seconds of each run, the query count and the response size. CPU
    time (this process, SQLite included) shows what a busy machine adds to the wall clock."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm: imports, template compilation
    assert response.status_code == 200, (url, response.status_code)
    wall, cpu = [], []
    for _ in range(runs):
        started = time.process_time()
        with timer() as t:
            response = client.get(url)
        cpu.append(time.process_time() - started)
        wall.append(t["seconds"])
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return wall, cpu, len(queries), len(response.content)


SMALL = (10, 3)  # a second agency, to show the query counts do not grow


def pages(data: dict) -> list[tuple[str, str, str]]:
    """(name, URL, target) of each page measured, for the agency ``data`` was built for."""
    from django.urls import reverse

    return [
        ("agency audit page", reverse("dashboards:audit"), "< 1 s"),
        (
            "agency audit page sorted by relational mean",
            reverse("dashboards:audit") + "?sort=relational.mean&dir=desc",
            "< 1 s",
        ),
        ("agency audit export (CSV)", reverse("dashboards:audit_export", args=["csv"]), ""),
        (
            "practitioner dashboard",
            reverse("dashboards:practitioner", args=[data["practitioner"].pk]),
            "",
        ),
        ("supervisor home page", reverse("home"), ""),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--practitioners", type=int, default=200)
    parser.add_argument("--sessions", type=int, default=25)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    setup_django()
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = ["testserver"]
    header(f"dashboards: {args.practitioners} practitioners × {args.sessions} coded sessions")
    with timer() as built:
        data = build(args.practitioners, args.sessions)
    report(f"build ({data['codings']} codings, {data['codes']} codes)", built["seconds"], "s")
    client = Client()
    client.force_login(data["supervisor"])
    slow = False
    counts = {}
    print(f"   load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for name, url, target in pages(data):
        wall, cpu, queries, size = measure(client, url, args.runs)
        counts[name] = queries
        print(f"   {name}")
        report(f"  fastest of {args.runs} (wall clock)", min(wall), "s", target)
        report("  median (wall clock)", statistics.median(wall), "s")
        report("  slowest (wall clock)", max(wall), "s")
        report("  median CPU time of this process", statistics.median(cpu), "s")
        print(f"   {'  queries, response size':<52} {queries:10d}    {size / 1024:.0f} KiB")
        # Other work on the machine only ever adds time, so the fastest run is the page's own
        # cost; the median and CPU time beside it show how busy the machine was.
        slow |= bool(target) and min(wall) >= 1.0
    small = build(SMALL[0], SMALL[1], slug="small")
    client.force_login(small["supervisor"])
    small_counts = {name: measure(client, url, 1)[2] for name, url, _ in pages(small)}
    same = list(small_counts.values()) == list(counts.values())
    print(
        f"   queries per page with {SMALL[0]} practitioners × {SMALL[1]} sessions: "
        f"{', '.join(map(str, small_counts.values()))} ({'the same' if same else 'DIFFERENT'})"
    )
    report("peak resident memory", peak_rss_mb(), "MB", "< 500 MB")
    return 1 if slow or not same else 0


if __name__ == "__main__":
    sys.exit(main())
