"""Reliability of 1,000 double-coded transcripts of 300 utterances each.

    python bench/bench_reliability.py [--transcripts N] [--runs N]

Targets: < 5 s, and the computation at most 1.5 × the time spent inside the statistics
libraries. Prints the reads, our own computation and each library's share, and the whole
(reads included) against the library time: the reads are bound by the database, and at this
size they alone take longer than the libraries.
"""

from __future__ import annotations

import argparse
import datetime
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from common import header, peak_rss_mb, report, setup_django, timer

UTTERANCES = 300
# Rough shares of MITI behaviour codes on practitioner utterances; the rest go uncoded.
CODE_SHARES = {
    "Q": 0.28,
    "SR": 0.14,
    "CR": 0.14,
    "GI": 0.14,
    "AF": 0.05,
    "Seek": 0.05,
    "Emphasize": 0.03,
    "Persuade": 0.02,
    "Persuade with": 0.01,
    "Confront": 0.01,
}
AGREEMENT = 0.8  # share of utterances on which the second coder copies the first
SECOND_CODE = 0.08  # share of coded utterances carrying a second code


def build(transcripts: int) -> tuple[Any, Any]:
    """An agency with ``transcripts`` sessions, each coded and submitted by two coders."""
    import numpy as np
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import Role
    from coding.models import Coding, CodingKind, CodingStatus, GlobalRating, UtteranceCode
    from tests import factories
    from transcripts.models import SpeakerRole, Transcript, Utterance

    rng = np.random.default_rng(2024)
    agency = factories.make_agency(slug="bench", name="Bench")
    researcher = factories.make_user(agency, Role.RESEARCHER, username="bench-researcher")
    coders = [factories.make_user(agency, Role.CODER, username=n) for n in ("ana", "ben")]
    practitioner = factories.make_practitioner(agency, "Bench Practitioner")
    scheme = factories.miti()
    codes = {c.abbreviation: c for c in scheme.codes.select_related("dimension")}
    abbreviations = list(CODE_SHARES)
    shares = np.array([*CODE_SHARES.values(), 1 - sum(CODE_SHARES.values())])
    scales = list(scheme.globals.all())
    now = timezone.now()

    with transaction.atomic():
        sessions = Transcript.objects.bulk_create(
            [
                Transcript(
                    agency=agency,
                    practitioner=practitioner,
                    title=f"Session {i}",
                    session_date=datetime.date(2025, 1, 1) + datetime.timedelta(days=i % 365),
                )
                for i in range(transcripts)
            ]
        )
        for start in range(0, len(sessions), 50):
            Utterance.objects.bulk_create(
                [
                    Utterance(
                        transcript=session,
                        position=position,
                        speaker_label="Counselor" if position % 2 else "Client",
                        speaker_role=SpeakerRole.PRACTITIONER
                        if position % 2
                        else SpeakerRole.CLIENT,
                        text=f"Utterance {position}.",
                        start_seconds=position * 4.0,
                        end_seconds=position * 4.0 + 3,
                    )
                    for session in sessions[start : start + 50]
                    for position in range(1, UTTERANCES + 1)
                ],
                batch_size=5000,
            )
        codings = {
            (session.pk, index): Coding(
                transcript=session,
                scheme=scheme,
                coder=coder,
                kind=CodingKind.PRIMARY if index == 0 else CodingKind.DOUBLE,
                status=CodingStatus.SUBMITTED,
                submitted_at=now,
            )
            for session in sessions
            for index, coder in enumerate(coders)
        }
        Coding.objects.bulk_create(list(codings.values()), batch_size=2000)
        units = list(
            Utterance.objects.filter(
                transcript__agency=agency, speaker_role=SpeakerRole.PRACTITIONER
            ).values_list("pk", "transcript_id")
        )
        n = len(units)
        first = rng.choice(len(shares), size=n, p=shares)
        copied = rng.random(n) < AGREEMENT
        second = np.where(copied, first, rng.choice(len(shares), size=n, p=shares))
        extra = rng.choice(len(abbreviations), size=n)
        first_extra = rng.random(n) < SECOND_CODE
        second_extra = np.where(copied, first_extra, rng.random(n) < SECOND_CODE)
        rows = []
        for (unit, session), choices in zip(
            units,
            zip(first, second, extra, first_extra, second_extra, strict=True),
            strict=True,
        ):
            a, b, e, a_extra, b_extra = (int(x) for x in choices)
            for index, main, plus in ((0, a, a_extra), (1, b, b_extra)):
                chosen = set()
                if main < len(abbreviations):
                    chosen.add(abbreviations[main])
                    if plus:
                        chosen.add(abbreviations[e])
                for abbreviation in chosen:
                    code = codes[abbreviation]
                    rows.append(
                        UtteranceCode(
                            coding=codings[(session, index)],
                            utterance_id=unit,
                            code=code,
                            dimension=code.dimension,
                            exclusive=False,
                        )
                    )
        UtteranceCode.objects.bulk_create(rows, batch_size=5000)
        ratings = []
        for session in sessions:
            for scale in scales:
                base = int(rng.integers(2, 6))
                for index in range(2):
                    value = int(np.clip(base + (rng.integers(-1, 2) if index else 0), 1, 5))
                    ratings.append(
                        GlobalRating(
                            coding=codings[(session.pk, index)],
                            scale=scale,
                            value=value,
                            scale_min=scale.min_value,
                            scale_max=scale.max_value,
                        )
                    )
        GlobalRating.objects.bulk_create(ratings, batch_size=5000)
    # Planner statistics, as autovacuum would have gathered them on a database in use; a
    # freshly bulk-loaded one has none and PostgreSQL plans the reads as if tables were empty.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return agency, researcher


@contextmanager
def library_clock() -> Iterator[dict[str, float]]:
    """Time spent inside each statistics library while the block runs."""
    import krippendorff
    import pingouin
    from scipy import stats as scipy_stats
    from statsmodels.stats import inter_rater

    spent: dict[str, float] = defaultdict(float)
    targets = [
        ("pingouin", pingouin, "intraclass_corr"),
        ("statsmodels", inter_rater, "cohens_kappa"),
        ("statsmodels", inter_rater, "fleiss_kappa"),
        ("krippendorff", krippendorff, "alpha"),
        ("scipy", scipy_stats.f, "ppf"),
    ]
    originals = []

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - start

        return wrapper

    for name, owner, attribute in targets:
        original = getattr(owner, attribute)
        originals.append((owner, attribute, original))
        setattr(owner, attribute, timed(name, original))
    try:
        yield spent
    finally:
        for owner, attribute, original in originals:
            setattr(owner, attribute, original)


def bench(agency: Any, researcher: Any, runs: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from coding.models import Coding
    from reliability.reports import reliability_report, report_json
    from reliability.selectors import reliability_data
    from tests import factories

    codings = Coding.objects.filter(transcript__agency=agency)
    scheme = factories.miti()
    best: dict[str, float] | None = None
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries, timer() as reads:
            data = reliability_data(codings, scheme=scheme, agency=agency)
        with library_clock() as libraries, timer() as compute:
            result = reliability_report(data)
            report_json(result)
        sample = {
            "reads": reads["seconds"],
            "compute": compute["seconds"],
            **{f"lib:{name}": seconds for name, seconds in libraries.items()},
        }
        if best is None or sample["reads"] + sample["compute"] < best["reads"] + best["compute"]:
            best = sample
    assert best is not None
    assert result.transcripts == len(data.transcript_ids)
    units = result.dimensions[0].result.units

    library = sum(v for k, v in best.items() if k.startswith("lib:"))
    total = best["reads"] + best["compute"]
    own = best["compute"] - library
    report(f"transcripts × utterances: {result.transcripts} × {UTTERANCES}", units, "units")
    report("reads (fixed queries, to pandas)", best["reads"], "s")
    report("queries", len(queries), "queries")
    report("computation (statistics and output)", best["compute"], "s")
    for key, seconds in sorted(best.items()):
        if key.startswith("lib:"):
            report(f"  inside {key[4:]}", seconds, "s")
    report("  inside the statistics libraries", library, "s")
    report("  our own code (pandas shaping, checks, output)", own, "s")
    report("total: reads + computation", total, "s", "< 5 s")
    report("library share of the computation", 100 * library / best["compute"], "%")
    report("computation / library time", best["compute"] / library, "×", "<= 1.5×")
    report("total / library time", total / library, "×")

    client = Client()
    client.force_login(researcher)
    url = reverse("reliability:index")
    client.get(url, {"scheme": scheme.slug})  # a running server has its imports done
    with CaptureQueriesContext(connection) as page_queries, timer() as page:
        response = client.get(url, {"scheme": scheme.slug})
    assert response.status_code == 200
    assert f"{result.transcripts} transcripts coded by two".encode() in response.content
    report("reliability page, rendered end to end", page["seconds"], "s")
    report("reliability page queries", len(page_queries), "queries")
    report("reliability page size", len(response.content) / 1024, "KiB")
    report("peak resident memory", peak_rss_mb(), "MB", "< 500 MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--transcripts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    setup_django()
    header(f"reliability: {args.transcripts} double-coded transcripts × {UTTERANCES} utterances")
    start = time.perf_counter()
    agency, researcher = build(args.transcripts)
    report("building the data (not timed against a target)", time.perf_counter() - start, "s")
    bench(agency, researcher, args.runs)


if __name__ == "__main__":
    main()
