"""What a process pays before it does any work: one worker's memory and commands' start-up.

    python bench/bench_startup.py [--runs N] [--project PATH ...]

Targets: one worker < 100 MB resident after serving the coding workspace and a save; each of
`manage.py check`, `manage.py import_transcripts --help` and a real one-file import
< 1.2 s of wall time (median). Wall time moves with the machine's load; the CPU-time lines
(user + system of the command's process) are steadier. Every process measured caches its
compiled bytecode, as a deployed app does (see ``production_env``).

The worker is a fresh interpreter doing what a gunicorn worker does: load the WSGI
application (settings, apps, middleware), then answer requests, the first of which loads the
URLconf. Its lines name every statistics, charting or spreadsheet library that ended up
loaded; the pages that compute load them on their first request, once.

``--project`` measures another checkout of this project (say an older commit in a worktree of
its own) with this interpreter and this database; given several times, the checkouts take
turns run by run, so two versions are compared in one run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ENV: dict[str, str] = {}  # of the processes measured, set by main()
SAMPLE = "tests/fixtures/transcripts/utf8.txt"


def resident_mb() -> float:
    """This process's resident set now (VmRSS), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def worker(project: Path, coding_id: int, coder: str, researcher: str) -> None:
    """The worker itself, run in a fresh interpreter: prints its figures as one JSON line."""
    sys.path.insert(0, str(project))
    os.chdir(project)
    resident = {"start": resident_mb()}
    from mi_coding.wsgi import application  # noqa: F401  (what gunicorn loads first)

    resident["application loaded"] = resident_mb()
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from coding.models import Code, Coding

    client = Client()
    client.force_login(User.objects.get(username=coder))
    coding = Coding.objects.select_related("scheme").get(pk=coding_id)
    response = client.get(reverse("coding:workspace", args=[coding_id]))
    assert response.status_code == 200, response.status_code
    resident["after the workspace"] = resident_mb()
    utterance = coding.transcript.utterances.filter(speaker_role="practitioner").first()
    code = Code.objects.get(scheme=coding.scheme, abbreviation="Q")
    response = client.post(
        reverse("coding:api_code", args=[coding_id]),
        json.dumps({"utterance": utterance.pk, "code": code.pk, "action": "set"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    resident["after a save"] = resident_mb()
    loaded = sorted({name.partition(".")[0] for name in sys.modules})

    # A page that computes: its first request in this worker pays for the libraries.
    client.force_login(User.objects.get(username=researcher))
    seconds = {}
    for attempt in ("first", "second"):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(reverse("reliability:index"), {"scheme": coding.scheme.slug})
        seconds[f"reliability page, {attempt} request: wall"] = time.perf_counter() - start
        seconds[f"reliability page, {attempt} request: cpu"] = time.process_time() - start_cpu
        assert b"transcripts coded by two" in response.content, response.content[-2000:]
    resident["after the reliability page"] = resident_mb()
    print(json.dumps({"resident": resident, "seconds": seconds, "loaded": loaded}))


def build() -> tuple[int, str, str]:
    """A coder with a 300-utterance coding to save into, a practitioner the import can name,
    and a researcher with six double-coded sessions to compute reliability on."""
    from accounts.models import Role
    from tests import factories

    agency = factories.make_agency(slug="bench", name="Bench")
    coder = factories.make_user(agency, Role.CODER, username="bench-coder")
    second = factories.make_user(agency, Role.CODER, username="bench-second")
    researcher = factories.make_user(agency, Role.RESEARCHER, username="bench-researcher")
    factories.make_practitioner(agency, "Bench Practitioner")
    transcript = factories.make_transcript(agency, utterances=300)
    coding = factories.make_coding(transcript, coder, codes={1: ["Q"], 3: ["SR"]})
    for n in range(6):
        session = factories.make_transcript(agency, utterances=40)
        for who, shift in ((coder, 0), (second, n % 3)):
            codes = {p: [("Q", "SR", "CR")[(p + shift) % 3]] for p in range(1, 40, 2)}
            factories.make_coding(
                session,
                who,
                kind="double",
                codes=codes,
                globals_={**factories.ALL_GLOBALS, "empathy": 2 + (n + shift) % 4},
                submitted=True,
            )
    return coding.pk, coder.username, researcher.username


def production_env() -> dict[str, str]:
    """The environment of the processes measured: this one's, with compiled bytecode cached
    as a deployed app has it. A machine that sets PYTHONDONTWRITEBYTECODE makes every start
    compile each of the project's modules anew; the cache goes to a temporary folder, not
    into the checkouts."""
    env = os.environ.copy()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("PYTHONPYCACHEPREFIX", tempfile.mkdtemp(prefix="mi-bench-pycache-"))
    return env


def worker_figures(project: Path, users: tuple[int, str, str]) -> dict:
    output = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--project", str(project), "--worker", *map(str, users)],
        check=True,
        capture_output=True,
        text=True,
        env=ENV,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def commands(project: Path) -> dict[str, list[str]]:
    manage = [sys.executable, "manage.py"]
    return {
        "manage.py check": [*manage, "check"],
        "manage.py import_transcripts --help": [*manage, "import_transcripts", "--help"],
        "manage.py import_transcripts, one small .txt": [
            *manage,
            "import_transcripts",
            str(project / SAMPLE),
            "--agency",
            "bench",
            "--practitioner",
            "Bench Practitioner",
        ],
    }


def start_up(command: list[str], project: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of ``command``, in seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(  # noqa: S603
        command, cwd=project, check=True, stdout=subprocess.DEVNULL, env=ENV
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--project",
        type=Path,
        action="append",
        help="a checkout to measure (repeatable; default: this one); runs alternate between them",
    )
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    projects = [p.resolve() for p in args.project or [Path(__file__).resolve().parent.parent]]
    if args.worker:
        worker(projects[0], int(args.worker[0]), *args.worker[1:])
        return

    from common import header, report, setup_django

    from tests.mi_coding.import_probe import HEAVY

    setup_django()
    ENV.update(production_env())
    header("start-up and worker memory")
    users = build()
    samples: dict[Path, dict[str, list[float]]] = {p: {} for p in projects}
    loaded: dict[Path, list[str]] = {}
    for project in projects:  # fills the bytecode cache
        worker_figures(project, users)
        for command in commands(project).values():
            start_up(command, project)
    # Run by run, each checkout in turn, so that a change in the machine's load falls on all.
    for _ in range(args.runs):
        for project in projects:
            result = worker_figures(project, users)
            loaded[project] = [name for name in HEAVY if name in result["loaded"]]
            for stage, value in result["resident"].items():
                samples[project].setdefault(f"resident: {stage}", []).append(value)
            for name, value in result["seconds"].items():
                samples[project].setdefault(f"one worker: {name}", []).append(value)
            for name, command in commands(project).items():
                wall, cpu = start_up(command, project)
                samples[project].setdefault(f"{name}: wall", []).append(wall)
                samples[project].setdefault(f"{name}: cpu", []).append(cpu)
    for project in projects:
        print(f"   -- {project}")
        for key, values in samples[project].items():
            name, _, kind = key.rpartition(": ")
            median = statistics.median(values)
            if name == "resident":
                target = "< 100 MB" if kind == "after a save" else ""
                report(f"one worker, resident {kind} (median)", median, "MB", target)
            elif kind == "wall":
                target = "< 1.2 s" if name.startswith("manage.py") else ""
                report(f"{name} (median)", median, "s", target)
            else:
                report("  its CPU time, user + system (median)", median, "s")
        libraries = ", ".join(loaded[project]) or "none"
        print(f"   libraries loaded by the workspace and the save: {libraries}")


if __name__ == "__main__":
    main()
