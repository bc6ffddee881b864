"""Parsing and saving a 2-hour session of 2,000 turns, in every format.

python bench/bench_transcripts.py
"""

from __future__ import annotations

import io
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import header, peak_rss_mb, report, setup_django, timer  # noqa: E402

TURNS = 2_000
SECONDS = 2 * 60 * 60
RUNS = 5
PHRASES = [
    "you said the week was hard",
    "work kept you late again",
    "so sleep was short",
    "what would help most right now",
    "maybe talking to your manager about the shifts",
    "it sounds like you want things to change",
    "and part of you is not sure it is worth it",
]


def session(rng: random.Random) -> list[tuple[str, str, float, float]]:
    """(speaker, text, start, end) turns; now and then one speaker takes two turns in a row."""
    turns = []
    speaker = "Therapist"
    step = SECONDS / TURNS
    for number in range(TURNS):
        if rng.random() > 0.1:
            speaker = "Client" if speaker == "Therapist" else "Therapist"
        text = ", ".join(rng.choice(PHRASES) for _ in range(rng.randint(1, 6)))
        text = text.capitalize() + ("?" if speaker == "Therapist" and rng.random() < 0.4 else ".")
        start = number * step
        turns.append((speaker, text, start, start + step * 0.9))
    return turns


def clock(seconds: float, separator: str = ".") -> str:
    whole = int(seconds)
    millis = int(round((seconds - whole) * 1000))
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}{separator}{millis:03d}"


def files(turns: list[tuple[str, str, float, float]]) -> dict[str, bytes]:
    import docx

    text = "".join(f"[{clock(s)[:8]}] {who}: {said}\n" for who, said, s, _e in turns)
    csv = "speaker,start,end,text\n" + "".join(
        f'{who},{clock(s)},{clock(e)},"{said}"\n' for who, said, s, e in turns
    )
    vtt = "WEBVTT\n\n" + "".join(
        f"{clock(s)} --> {clock(e)}\n<v {who}>{said}\n\n" for who, said, s, e in turns
    )
    srt = "".join(
        f"{n}\n{clock(s, ',')} --> {clock(e, ',')}\n{who}: {said}\n\n"
        for n, (who, said, s, e) in enumerate(turns, start=1)
    )
    data = json.dumps([{"speaker": w, "text": t, "start": s, "end": e} for w, t, s, e in turns])
    document = docx.Document()
    for who, said, _s, _e in turns:
        document.add_paragraph(f"{who}: {said}")
    buffer = io.BytesIO()
    document.save(buffer)
    return {
        "session.txt": text.encode(),
        "session.csv": csv.encode(),
        "session.vtt": vtt.encode(),
        "session.srt": srt.encode("utf-8-sig"),
        "session.json": data.encode(),
        "session.docx": buffer.getvalue(),
    }


def median_seconds(action: object) -> float:
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests import factories
    from transcripts.parsers import parse_upload
    from transcripts.services import TranscriptDraft, transcripts_import
    from transcripts.speakers import guess_roles

    header(f"transcripts: parse and save a 2-hour session of {TURNS:,} turns")
    samples = files(session(random.Random(2026)))
    slowest = 0.0
    for name, data in samples.items():
        seconds = median_seconds(lambda name=name, data=data: parse_upload(name, data))
        slowest = max(slowest, seconds)
        report(f"parse {name} ({len(data) / 1024:,.0f} KB)", seconds * 1000, "ms", "< 1000 ms")
    (parsed,) = parse_upload("session.txt", samples["session.txt"])
    assert len(parsed.turns) == TURNS, len(parsed.turns)
    report("guess speaker roles", median_seconds(lambda: guess_roles(parsed.turns)) * 1000, "ms")

    agency = factories.make_agency()
    practitioner = factories.make_practitioner(agency, "Dana Reyes")
    roles = {guess.label: guess.role for guess in guess_roles(parsed.turns)}
    with CaptureQueriesContext(connection) as queries, timer() as saved:
        (transcript,) = transcripts_import(
            agency=agency,
            drafts=[TranscriptDraft(parsed=parsed, practitioner=practitioner, speaker_roles=roles)],
        )
    utterances = transcript.utterances.count()
    report(f"save {utterances:,} utterances (one transaction)", saved["seconds"] * 1000, "ms")
    report("queries to save", len(queries), "")
    with timer() as whole:
        (again,) = parse_upload("session.txt", samples["session.txt"])
        transcripts_import(
            agency=agency,
            drafts=[TranscriptDraft(parsed=again, practitioner=practitioner, speaker_roles=roles)],
        )
    report("parse and save, end to end", whole["seconds"] * 1000, "ms")
    report("peak resident memory", peak_rss_mb(), "MB", "< 500 MB")
    return 0 if slowest < 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
