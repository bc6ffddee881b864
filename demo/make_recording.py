"""Make the demo's recording: one demo dialogue spoken by two synthetic voices.

    python demo/make_recording.py [SLUG]

Needs Debian's espeak-ng and sox (`apt-get install espeak-ng sox`), only to make the files;
the demo reads what it wrote: ``demo/recordings/SLUG.ogg`` (Ogg Vorbis, mono) and
``demo/recordings/SLUG.json`` with the instant each turn starts in it (ms), which the demo's
coding from the recording uses for its volleys.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SESSIONS = Path(__file__).resolve().parent / "sessions"
RECORDINGS = Path(__file__).resolve().parent / "recordings"
VOICES = {
    "Practitioner": ["-v", "en-us+f3", "-s", "160"],
    "Client": ["-v", "en-gb+m3", "-s", "165"],
}
RATE = 16000
PAUSE = 0.7  # seconds of silence between turns
LEAD = 1.0  # seconds of silence before the first turn


def run(program: str, *args: str) -> str:
    """What ``program`` printed; it must be installed."""
    path = shutil.which(program)
    if path is None:
        sys.exit(f"{program} is not installed: apt-get install espeak-ng sox")
    done = subprocess.run([path, *args], capture_output=True, text=True, check=True)  # noqa: S603 (our own arguments)
    return done.stdout


def silence(path: Path, seconds: float) -> Path:
    run("sox", "-n", "-r", str(RATE), "-c", "1", str(path), "trim", "0", str(seconds))
    return path


def main(slug: str = "alcohol-session") -> None:
    dialogue = json.loads((SESSIONS / f"{slug}.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        pause = silence(folder / "pause.wav", PAUSE)
        parts, starts, at = [silence(folder / "lead.wav", LEAD)], [], LEAD
        for number, turn in enumerate(dialogue["turns"]):
            raw, spoken = folder / f"raw{number}.wav", folder / f"turn{number}.wav"
            run("espeak-ng", *VOICES[turn["speaker"]], "-w", str(raw), turn["text"])
            run("sox", str(raw), "-r", str(RATE), "-c", "1", str(spoken))
            starts.append(round(at * 1000))
            at += float(run("soxi", "-D", str(spoken))) + PAUSE
            parts += [spoken, pause]
        target = RECORDINGS / f"{slug}.ogg"
        run("sox", *map(str, parts), "-C", "-1", str(target))
    (RECORDINGS / f"{slug}.json").write_text(
        json.dumps({"slug": slug, "turn_starts_ms": starts}, indent=2) + "\n", encoding="utf-8"
    )
    print(f"{target.name}: {len(starts)} turns, {at:.1f} s, {target.stat().st_size} bytes")


if __name__ == "__main__":
    main(*sys.argv[1:])
