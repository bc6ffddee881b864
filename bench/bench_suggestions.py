"""Suggested codes: training on 100,000 coded utterances, suggesting for a long session.

    python bench/bench_suggestions.py [--sessions N] [--turns N] [--runs N]

Targets: training (reading the codings of record, fitting, the grouped evaluation, the human
kappa, storing) < 60 s and < 1 GB resident, in a process of its own as the task worker would
run it; suggestions for a 1,000-utterance transcript < 200 ms. The sessions are synthetic:
practitioner lines drawn from a few thousand words around a code's typical wording, some
lines coded against their wording, so the model is neither perfect nor useless.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from typing import Any

from common import ROOT, header, peak_rss_mb, percentiles, report, setup_django, timer

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
CUES = {
    "Q": ["what", "how", "when", "would you", "could you tell me", "why"],
    "SR": ["you feel", "you are", "you want", "you think"],
    "CR": ["on one hand", "part of you", "and yet you", "at the same time"],
    "GI": ["the clinic", "research shows", "the group meets", "the programme"],
    "AF": ["you did well", "that took courage", "you worked hard"],
    "Seek": ["what do you think", "how would you like", "your ideas"],
    "Emphasize": ["it is your choice", "up to you", "you decide"],
    "Persuade": ["you should", "you need to", "you must"],
    "Persuade with": ["if it is all right", "may I suggest", "some people find"],
    "Confront": ["you are wrong", "that is denial", "you always"],
    "": ["mm hmm", "okay", "right", "I see"],
}
NOISE = 0.15  # share of practitioner lines coded against their wording


def _vocabulary(rng: Any) -> list[str]:
    letters = list("abcdefghijklmnopqrstuvwxyz")
    return ["".join(rng.choice(letters, size=rng.integers(3, 9))) for _ in range(4000)]


def _line(rng: Any, code: str, words: list[str]) -> str:
    cue = CUES[code][rng.integers(len(CUES[code]))]
    filler = " ".join(words[i] for i in rng.integers(len(words), size=rng.integers(3, 12)))
    return f"{cue} {filler}" if rng.random() < 0.5 else f"{filler} {cue}"


def build(sessions: int, turns: int) -> tuple[Any, Any]:
    """An agency with ``sessions`` coded sessions of ``turns`` utterances (half of them the
    practitioner's), one submitted primary coding each, and a few double codings."""
    import datetime

    import numpy as np
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Role
    from coding.models import Coding, CodingKind, CodingStatus, UtteranceCode
    from tests import factories
    from transcripts.models import SpeakerRole, Transcript, Utterance

    rng = np.random.default_rng(16)
    words = _vocabulary(rng)
    agency = factories.make_agency(slug="bench", name="Bench")
    coders = [factories.make_user(agency, Role.CODER, username=n) for n in ("ana", "ben")]
    practitioner = factories.make_practitioner(agency, "Bench Practitioner")
    scheme = factories.miti()
    codes = {c.abbreviation: c for c in scheme.codes.select_related("dimension")}
    names = [*CODE_SHARES, ""]
    shares = np.array([*CODE_SHARES.values(), 1 - sum(CODE_SHARES.values())])
    now = timezone.now()
    with transaction.atomic():
        transcripts = Transcript.objects.bulk_create(
            Transcript(
                agency=agency,
                practitioner=practitioner,
                title=f"Bench {n}",
                session_date=datetime.date(2025, 1, 1) + datetime.timedelta(days=n % 700),
            )
            for n in range(sessions)
        )
        labels: dict[tuple[int, int], str] = {}
        rows = []
        for transcript in transcripts:
            for position in range(1, turns + 1):
                if position % 2:
                    code = names[rng.choice(len(names), p=shares)]
                    said = code if rng.random() > NOISE else names[rng.integers(len(names))]
                    labels[(transcript.pk, position)] = code
                    text = _line(rng, said, words)
                    role = SpeakerRole.PRACTITIONER
                else:
                    text = " ".join(words[i] for i in rng.integers(len(words), size=8))
                    role = SpeakerRole.CLIENT
                rows.append(
                    Utterance(
                        transcript=transcript,
                        position=position,
                        speaker_label=role,
                        speaker_role=role,
                        text=text,
                    )
                )
        Utterance.objects.bulk_create(rows, batch_size=5000)
        codings = {}
        for n, transcript in enumerate(transcripts):
            kinds = [(coders[0], CodingKind.PRIMARY)]
            if n % 25 == 0:
                kinds.append((coders[1], CodingKind.DOUBLE))
            for coder, kind in kinds:
                codings[(transcript.pk, kind)] = Coding(
                    transcript=transcript,
                    scheme=scheme,
                    coder=coder,
                    kind=kind,
                    status=CodingStatus.SUBMITTED,
                    submitted_at=now,
                )
        Coding.objects.bulk_create(codings.values(), batch_size=2000)
        utterance_ids = {
            (t, p): pk
            for pk, t, p in Utterance.objects.filter(transcript__agency=agency).values_list(
                "pk", "transcript_id", "position"
            )
        }
        code_rows = []
        for (transcript_id, position), code in labels.items():
            for kind in (CodingKind.PRIMARY, CodingKind.DOUBLE):
                coding = codings.get((transcript_id, kind))
                if coding is None:
                    continue
                given = code
                if kind == CodingKind.DOUBLE and rng.random() < 0.2:
                    given = names[rng.integers(len(names))]
                if not given:
                    continue
                chosen = codes[given]
                code_rows.append(
                    UtteranceCode(
                        coding=coding,
                        utterance_id=utterance_ids[(transcript_id, position)],
                        code=chosen,
                        dimension_id=chosen.dimension_id,
                        exclusive=False,
                    )
                )
        UtteranceCode.objects.bulk_create(code_rows, batch_size=5000)
    return agency, scheme


def train_here(suggester_id: int) -> None:
    """The worker's share, in a process of its own: train and print time and peak memory."""
    from suggestions.services import suggester_train

    start = time.perf_counter()
    cpu = time.process_time()
    suggester = suggester_train(suggester_id=suggester_id)
    print(
        json.dumps(
            {
                "seconds": time.perf_counter() - start,
                "cpu_seconds": time.process_time() - cpu,
                "rss_mb": peak_rss_mb(),
                "status": suggester.status,
                "message": suggester.message,
            }
        )
    )


def bench(agency: Any, scheme: Any, runs: int) -> None:
    from accounts.models import User
    from coding.models import Coding
    from suggestions.models import Suggester, SuggestionSettings
    from suggestions.services import suggester_create
    from suggestions.suggesting import coding_suggestions, transcript_suggestions
    from tests import factories

    suggester = suggester_create(agency=agency, scheme=scheme, actor=None)
    child = subprocess.run(  # noqa: S603 - this script, in a process of its own
        [sys.executable, __file__, "--train", str(suggester.pk)],
        cwd=ROOT,
        env=os.environ,
        capture_output=True,
        text=True,
        check=False,
    )
    if child.returncode != 0:
        raise SystemExit(child.stderr[-3000:])
    trained = json.loads(child.stdout.strip().splitlines()[-1])
    suggester = Suggester.objects.get(pk=suggester.pk)
    assert trained["status"] == "done", trained["message"]
    print(f"   trained on {suggester.utterances} utterances from {suggester.codings} codings")
    report("training: read, fit, grouped evaluation, store", trained["seconds"], "s", "< 60 s")
    report("training: CPU time of the training process", trained["cpu_seconds"], "s")
    report("training: peak resident memory", trained["rss_mb"], "MB", "< 1024 MB")
    report("stored model", len(bytes(suggester.model)) / 2**20, "MB")
    for slug, figures in suggester.metrics.items():
        human = figures["human_kappa"]
        print(
            f"   {slug}: kappa {figures['kappa']:.3f} on held-out sessions "
            f"(human {'n/a' if human is None else f'{human:.3f}'}), "
            f"agreement {figures['percent_agreement']:.3f}"
        )

    practitioner = agency.practitioners.first()
    transcript = factories.make_transcript(agency, practitioner, utterances=1000)
    with timer() as cold:
        transcript_suggestions(suggester, transcript)
    report("suggestions, 1,000 utterances: first (loads the model)", cold["seconds"] * 1000, "ms")
    samples, cpu = [], []
    for _ in range(runs):
        start = time.process_time()
        with timer() as warm:
            transcript_suggestions(suggester, transcript)
        samples.append(warm["seconds"] * 1000)
        cpu.append((time.process_time() - start) * 1000)
    median, p95 = percentiles(samples)
    report("suggestions, 1,000 utterances (suggest_codes JSON): median", median, "ms", "< 200 ms")
    report("suggestions, 1,000 utterances: p95", p95, "ms")
    report("suggestions, 1,000 utterances: CPU time, median", percentiles(cpu)[0], "ms")
    coder = User.objects.get(username="ana")
    SuggestionSettings.objects.create(agency=agency, enabled=True, threshold=0.5)
    coding = Coding.objects.create(transcript=transcript, scheme=scheme, coder=coder)
    samples, cpu = [], []
    for _ in range(runs):
        start = time.process_time()
        with timer() as warm:
            coding_suggestions(coding, coder)
        samples.append(warm["seconds"] * 1000)
        cpu.append((time.process_time() - start) * 1000)
    median, _ = percentiles(samples)
    report("workspace suggestions, 1,000 utterances: median", median, "ms", "< 200 ms")
    report("workspace suggestions, 1,000 utterances: CPU time, median", percentiles(cpu)[0], "ms")
    report("peak resident memory of this process", peak_rss_mb(), "MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=500)
    parser.add_argument("--turns", type=int, default=400)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--train", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.train:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mi_coding.settings")
        django.setup()
        train_here(args.train)
        return
    setup_django()
    coded = args.sessions * ((args.turns + 1) // 2)
    header(f"suggestions: {args.sessions} sessions × {args.turns} turns, {coded:,} coded units")
    start = time.perf_counter()
    agency, scheme = build(args.sessions, args.turns)
    report("building the data (not timed against a target)", time.perf_counter() - start, "s")
    bench(agency, scheme, args.runs)


if __name__ == "__main__":
    main()
