"""The coding workspace at 1,000 utterances: server render, the save endpoint, and Chromium.

    python bench/bench_workspace.py [--runs N] [--no-browser] [--suggestions]

Targets: render < 300 ms with <= 15 queries; save < 25 ms median,
< 50 ms p95, <= 6 queries (a code of an exclusive set, such as SR beside CR, is checked and
written under the coding's lock: one statement more, and BEGIN/COMMIT); usable in Chromium
< 0.9 s; browser work per keystroke < 16 ms.
Wall-clock figures move with the machine's load; the CPU-time lines (this process, so the
server and, on SQLite, the database) are steadier.
"""

from __future__ import annotations

import argparse
import json
import time

from common import (
    coder_page,
    header,
    keystroke_timings,
    peak_rss_mb,
    percentiles,
    report,
    report_keystrokes,
    setup_django,
)

UTTERANCES = 1000
SENTENCES = [
    "I guess I have been drinking more than I used to since the move.",
    "It sounds like the evenings are the hardest part for you.",
    "My wife keeps bringing it up and honestly it just makes me want a drink more.",
    "What would you like to be different a year from now?",
    "I don't know, maybe cut down on weeknights, keep it for the weekend.",
    "You've already thought about where you could start.",
]


def build() -> tuple[object, object]:
    from accounts.models import Role
    from tests import factories
    from tests.factories import ALL_GLOBALS
    from transcripts.models import Utterance

    agency = factories.make_agency(slug="bench", name="Bench")
    coder = factories.make_user(agency, Role.CODER, username="bench-coder")
    transcript = factories.make_transcript(agency, utterances=UTTERANCES)
    utterances = list(transcript.utterances.all())
    for utterance in utterances:
        utterance.text = " ".join(SENTENCES[(utterance.position + k) % 6] for k in range(2))
    Utterance.objects.bulk_update(utterances, ["text"])
    codes = {p: ["Q", "SR"] if p % 4 == 1 else ["CR"] for p in range(1, 600, 2)}
    coding = factories.make_coding(transcript, coder, codes=codes, globals_=ALL_GLOBALS)
    return coder, coding


def enable_suggestions(coding: object) -> None:
    """Suggestions on, from a suggester trained on a few coded sessions of the agency, so the
    page also draws the selected utterance's suggestions at every move."""
    from accounts.models import Role
    from suggestions.models import SuggestionSettings
    from suggestions.services import suggester_create, suggester_train
    from tests import factories

    agency = coding.transcript.agency
    other = factories.make_user(agency, Role.CODER, username="bench-coder2")
    factories.make_coded_dialogues(agency, factories.make_practitioner(agency), other)
    suggester = suggester_create(agency=agency, scheme=coding.scheme, actor=None)
    suggester_train(suggester_id=suggester.pk)
    SuggestionSettings.objects.create(agency=agency, enabled=True, threshold=0.5)


def bench_server(coder: object, coding: object, runs: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client()
    client.force_login(coder)
    url = reverse("coding:workspace", args=[coding.pk])
    for _ in range(3):
        assert client.get(url).status_code == 200
    samples, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    assert response.content.decode().count('class="utt utt-') == UTTERANCES
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    median, p95 = percentiles(samples)
    report("workspace render, 1,000 utterances (median)", median, "ms", "< 300 ms")
    report("workspace render, 1,000 utterances (p95)", p95, "ms")
    report("workspace render, 1,000 utterances (best)", min(samples), "ms")
    report("workspace render, CPU time of this process (median)", percentiles(cpu)[0], "ms")
    report("workspace render queries", len(queries), "queries", "<= 15")
    report("workspace page size", len(response.content) / 1024, "KiB")

    api = reverse("coding:api_code", args=[coding.pk])
    utterances = list(
        coding.transcript.utterances.filter(speaker_role="practitioner").values_list(
            "pk", flat=True
        )[:100]
    )
    from coding.models import Code

    def saves_of(abbreviation: str) -> tuple[list[float], list[float], list[int]]:
        code = Code.objects.get(scheme=coding.scheme, abbreviation=abbreviation).pk
        saves, saves_cpu, counts = [], [], []
        for round_ in range(max(2, runs // 10)):
            for utterance in utterances:
                action = "clear" if round_ % 2 else "set"
                body = json.dumps({"utterance": utterance, "code": code, "action": action})
                with CaptureQueriesContext(connection) as queries:
                    start, start_cpu = time.perf_counter(), time.process_time()
                    response = client.post(api, body, content_type="application/json")
                    saves.append((time.perf_counter() - start) * 1000)
                    saves_cpu.append((time.process_time() - start_cpu) * 1000)
                counts.append(len(queries))
                assert response.status_code == 200, response.content
        return saves, saves_cpu, counts

    saves, saves_cpu, counts = saves_of("Seek")
    median, p95 = percentiles(saves)
    report(f"save endpoint, set/clear one code (median of {len(saves)})", median, "ms", "< 25 ms")
    report("save endpoint (p95)", p95, "ms", "< 50 ms")
    report("save endpoint (best)", min(saves), "ms")
    report("save endpoint, CPU time of this process (median)", percentiles(saves_cpu)[0], "ms")
    report("save endpoint queries (most)", max(counts), "queries", "<= 6")
    # A code of an exclusive set (Persuade, beside Persuade with) is set under the lock.
    saves, _, counts = saves_of("Persuade")
    median, p95 = percentiles(saves)
    report("save endpoint, a code of an exclusive set (median)", median, "ms", "< 25 ms")
    report("save endpoint, a code of an exclusive set (p95)", p95, "ms", "< 50 ms")
    report("save endpoint, a code of an exclusive set: queries (most)", max(counts), "queries")


def bench_browser(coding: object, runs: int, suggestions: bool = False) -> None:
    with coder_page(coding) as opened:
        if opened is None:
            return
        page, url = opened
        if suggestions:
            page.wait_for_selector(".suggest-badge", timeout=60_000)
        ready, first_byte, last_byte = [], [], []
        for _ in range(max(5, runs // 3)):
            page.goto(url, wait_until="commit")
            page.wait_for_selector("html[data-ws-ready='1']")
            timing = page.evaluate(
                """(n) => {
                    const nav = performance.getEntriesByType("navigation")[0];
                    const ready = performance.getEntriesByName("ws-ready")[0];
                    const complete = document.querySelectorAll("li.utt").length === n;
                    return [complete ? ready.startTime : -1, nav.responseStart,
                            nav.responseEnd];
                }""",
                UTTERANCES,
            )
            if suggestions:
                page.wait_for_selector(".suggest-badge", timeout=60_000)
            ready.append(timing[0])
            first_byte.append(timing[1])
            last_byte.append(timing[2])
        assert min(ready) > 0, "the last utterance was not on the page when keys were live"
        median, p95 = percentiles(ready)
        report("Chromium: navigation to usable, 1,000 utterances (median)", median, "ms",
               "< 900 ms")  # fmt: skip
        report("Chromium: navigation to usable (p95)", p95, "ms")
        report("Chromium: navigation to usable (best)", min(ready), "ms")
        report("  of which: first byte of the page (median)", percentiles(first_byte)[0], "ms")
        report("  of which: last byte of the page (median)", percentiles(last_byte)[0], "ms")
        for key, label, alternate in (("j", "move", "Home"), ("q", "set/clear a code", None)):
            timings = keystroke_timings(
                page, key, target="document.activeElement", alternate=alternate
            )
            report_keystrokes(key, label, timings)
        page.wait_for_function(
            "document.getElementById('ws-status').textContent === 'All changes saved'",
            timeout=60_000,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--suggestions", action="store_true", help="with suggested codes on")
    args = parser.parse_args()
    setup_django()
    header("coding workspace")
    coder, coding = build()
    if args.suggestions:
        enable_suggestions(coding)
    bench_server(coder, coding, args.runs)
    if not args.no_browser:
        bench_browser(coding, args.runs, suggestions=args.suggestions)
    report("peak resident memory", peak_rss_mb(), "MB", "< 500 MB")


if __name__ == "__main__":
    main()
