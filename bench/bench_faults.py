"""Faults under real browsers: nothing a coder entered is lost or doubled.

    python bench/bench_faults.py [--coders 3] [--utterances 80]

It needs root (to run PostgreSQL as the ``postgres`` user), Redis (``MI_FAULT_REDIS_URL``,
``redis://127.0.0.1:6379/5``) and Chromium (/usr/bin/chromium). It never touches the shared
PostgreSQL server: it creates a throwaway cluster in a temporary directory on a free port,
and removes it at the end.

1. ``deploy/serve.py`` (``make serve``) with 3 gunicorn workers against that cluster, and a
   task worker of its own (so that it can be stopped and started again alone).
2. ``--coders`` Chromium pages sign in and code their own transcript by keyboard, one code
   per practitioner utterance, a few codes a second. Meanwhile it
   - kills a gunicorn worker with SIGKILL just after a save was sent, three times;
   - restarts PostgreSQL (``pg_ctl restart -m fast``) while the coders go on;
   - starts a background job and kills the task worker (SIGKILL) during it, then starts a
     new one; a second job is asked to fail.
3. It waits for every page to say "All changes saved" and checks that every code a coder
   entered is in the database exactly once (and nothing else is), that a submitted coding is
   unchanged, and that every job finished or says it failed.
4. The restore drill: ``export_scores`` of the agency, ``pg_dump``, drop the database,
   create it, ``pg_restore``, ``export_scores`` again; the scores must be identical. An
   ``export_archive`` of each agency is written as the nightly backup would.

It prints each step and what it found, and exits with 1 if anything was lost, doubled or
changed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path(os.environ.get("MI_PG_BIN", "/usr/lib/postgresql/15/bin"))
CHROMIUM = os.environ.get("MI_CHROMIUM", "/usr/bin/chromium")
REDIS_URL = os.environ.get("MI_FAULT_REDIS_URL", "redis://127.0.0.1:6379/5")
# One code key per practitioner utterance, in turn (the workspace's keyboard: q = Q, ...).
KEYS = {"q": "Q", "s": "SR", "c": "CR", "g": "GI", "e": "Seek"}
STARTED = time.monotonic()


def say(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def as_postgres(*command: str) -> subprocess.CompletedProcess:
    done = subprocess.run(
        ["runuser", "-u", "postgres", "--", *command], capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return done


class Cluster:
    """A PostgreSQL cluster of its own, in a temporary directory."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.data = base / "data"
        self.port = free_port()
        self.log = base / "postgres.log"

    def create(self) -> None:
        self.base.mkdir(parents=True, exist_ok=True)
        shutil.chown(self.base, "postgres", "postgres")
        as_postgres(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres")
        self.start()

    def ctl(self, *args: str) -> None:
        as_postgres(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1",
            "-w",
            *args,
        )

    def start(self) -> None:
        self.ctl("start")

    def restart(self) -> None:
        self.ctl("restart", "-m", "fast")

    def stop(self) -> None:
        self.ctl("stop", "-m", "fast")

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def tool(self, name: str, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(PG_BIN / name), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", *args],
            check=True,
            capture_output=True,
            text=True,
        )


def python(code: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(done.stderr)
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


SEED = """
import json
from accounts.models import Role
from tests import factories
agency = factories.make_agency(slug="faults", name="Fault Agency")
practitioner = factories.make_practitioner(agency, "Fault Practitioner")
out = {"coders": [], "password": factories.PASSWORD}
for n in range(CODERS):
    coder = factories.make_user(agency, Role.CODER, username=f"fault-coder-{n}")
    transcript = factories.make_transcript(agency, practitioner, utterances=UTTERANCES)
    coding = factories.make_coding(transcript, coder)
    out["coders"].append({"username": coder.username, "coding": coding.pk})
done = factories.make_transcript(agency, practitioner, utterances=20)
submitted = factories.make_coding(
    done, factories.make_user(agency, Role.CODER, username="fault-done"),
    codes={1: ["Q"], 3: ["SR"], 5: ["CR"], 7: ["GI"]}, globals_=factories.ALL_GLOBALS,
    submitted=True,
)
out["submitted"] = submitted.pk
print(json.dumps(out))
"""

SNAPSHOT = """
import json
from coding.models import Coding, GlobalRating, UtteranceCode
c = Coding.objects.get(pk=PK)
print(json.dumps({
    "status": c.status, "submitted_at": str(c.submitted_at),
    "codes": sorted(UtteranceCode.objects.filter(coding=c).values_list("utterance_id", "code_id")),
    "globals": sorted(GlobalRating.objects.filter(coding=c).values_list("scale_id", "value")),
}))
"""

STORED = """
import json
from django.db.models import Count
from coding.models import UtteranceCode
rows = (UtteranceCode.objects.filter(coding_id__in=IDS)
        .values_list("coding_id", "utterance__position", "code__abbreviation")
        .annotate(n=Count("id")))
print(json.dumps([list(r) for r in rows]))
"""

ENQUEUE = """
from mi_coding.jobs import enqueue
enqueue("bench.fault_job.slow", PATH, SECONDS, FAIL)
print("sent")
"""


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mi_coding.celery",
            "worker",
            "--concurrency",
            "1",
            "--include",
            "bench.fault_job",
            "--loglevel",
            "INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def gunicorn_workers(serve_pid: int) -> list[int]:
    def children(pid: int) -> list[int]:
        done = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
        return [int(line) for line in done.stdout.split()]

    masters = [
        pid
        for pid in children(serve_pid)
        if "gunicorn" in Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
    ]
    return [pid for master in masters for pid in children(master)]


def kill_mid_save(
    cluster: Cluster, serve_pid: int, coding: int, page: object, key: str
) -> int | None:
    """Press ``key`` while another connection holds the coding's row lock, so the save waits
    inside its transaction; find the gunicorn worker whose database connection waits (by its
    client port) and kill it; then let go of the lock."""
    import psycopg

    with psycopg.connect(cluster.url("mi_faults")) as holder:
        holder.execute("SELECT id FROM coding_coding WHERE id = %s FOR UPDATE", [coding])
        page.keyboard.press(key)
        victim = None
        with psycopg.connect(cluster.url("mi_faults"), autocommit=True) as watcher:
            for _ in range(100):
                row = watcher.execute(
                    "SELECT client_port FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND datname = 'mi_faults'"
                ).fetchone()
                if row:
                    victim = _pid_of_port(row[0], set(gunicorn_workers(serve_pid)))
                    break
                time.sleep(0.05)
        if victim is not None:
            os.kill(victim, signal.SIGKILL)
        holder.rollback()
    return victim


def _pid_of_port(port: int, candidates: set[int]) -> int | None:
    sockets = subprocess.run(["ss", "-tnpH"], capture_output=True, text=True, check=True).stdout
    for line in sockets.splitlines():
        fields = line.split()
        if len(fields) >= 6 and fields[3].endswith(f":{port}"):
            for pid in re.findall(r"pid=(\d+)", line):
                if int(pid) in candidates:
                    return int(pid)
    return None


def main() -> int:  # noqa: C901, PLR0912, PLR0915
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coders", type=int, default=3)
    parser.add_argument("--utterances", type=int, default=80)
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("run as root: the throwaway PostgreSQL cluster runs as postgres")

    base = Path(tempfile.mkdtemp(prefix="mi-faults-"))
    base.chmod(0o755)  # the postgres user must reach its cluster inside
    cluster = Cluster(base / "pg")
    say(f"creating a throwaway PostgreSQL cluster in {cluster.data} on port {cluster.port}")
    cluster.create()
    cluster.tool("createdb", "mi_faults")
    port = free_port()
    queue = f"mi_faults_{os.getpid()}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mi_coding.settings",
        "DATABASE_URL": cluster.url("mi_faults"),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "MI_VAR_DIR": str(base / "var"),
        "MI_STATIC_MANIFEST": "false",
        "MI_SERVE_BIND": f"127.0.0.1:{port}",
        "MI_SERVE_WORKERS": "3",
        "CELERY_BROKER_URL": REDIS_URL,
        "MI_CACHE_URL": REDIS_URL,
        "MI_CACHE_PREFIX": queue,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "MI_JOB_VISIBILITY_SECONDS": "10",
        "MI_REQUEST_LOG": "false",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    serve_log = base / "serve.log"
    worker_log = base / "worker.log"
    serve = subprocess.Popen(
        [sys.executable, "deploy/serve.py", "--no-static", "--no-worker"],
        cwd=ROOT,
        env=env,
        stdout=serve_log.open("w"),
        stderr=subprocess.STDOUT,
    )
    worker = None
    problems: list[str] = []
    try:
        while "[serve] serving on" not in serve_log.read_text():
            if serve.poll() is not None:
                raise SystemExit(serve_log.read_text())
            time.sleep(0.3)
        worker = start_worker(env, worker_log)
        say(f"make serve is up on 127.0.0.1:{port} (3 gunicorn workers), task worker {worker.pid}")
        seeded = json.loads(
            python(
                SEED.replace("CODERS", str(args.coders)).replace(
                    "UTTERANCES", str(args.utterances)
                ),
                env,
            )
        )
        before = python(SNAPSHOT.replace("PK", str(seeded["submitted"])), env)

        from playwright.sync_api import sync_playwright

        base_url = f"http://127.0.0.1:{port}"
        expected: dict[int, set[tuple[int, str]]] = {c["coding"]: set() for c in seeded["coders"]}
        failed_saves = 0
        server_errors = 0
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True
            )
            pages = []
            for coder in seeded["coders"]:
                context = browser.new_context(bypass_csp=True)
                context.set_default_timeout(60_000)
                page = context.new_page()
                page.goto(f"{base_url}/accounts/login/")
                page.fill("input[name=username]", coder["username"])
                page.fill("input[name=password]", seeded["password"])
                page.click("button[type=submit]")
                page.wait_for_url(f"{base_url}/")
                page.goto(f"{base_url}/codings/{coder['coding']}/")
                page.wait_for_selector("html[data-ws-ready='1']")

                def failed(request: object) -> None:
                    nonlocal failed_saves
                    if "/api/code/" in request.url:
                        failed_saves += 1

                def answered(response: object) -> None:
                    nonlocal server_errors
                    if "/api/code/" in response.url and response.status >= 500:
                        server_errors += 1

                page.on("requestfailed", failed)
                page.on("response", answered)
                pages.append((page, coder["coding"]))
            say(f"{len(pages)} Chromium pages signed in and coding")

            jobs = base / "jobs"
            jobs.mkdir()
            practitioner_turns = (args.utterances + 1) // 2
            steps = practitioner_turns * len(pages)
            faults = {
                steps // 8: "job",
                steps // 5: "kill",
                (2 * steps) // 5: "kill",
                steps // 2: "postgres",
                (3 * steps) // 5: "kill",
            }
            keys = list(KEYS)
            kills = 0
            step = 0
            job_killed_at = None
            job_killed_attempt = 0
            for turn in range(practitioner_turns):
                position = 2 * turn + 1
                for index, (page, coding) in enumerate(pages):
                    key = keys[(turn + index) % len(keys)]
                    fault = faults.get(step)
                    if fault == "kill":
                        victim = kill_mid_save(cluster, serve.pid, coding, page, key)
                        say(
                            f"SIGKILL gunicorn worker {victim} while it was saving a code "
                            "(inside its transaction, waiting for the coding's row lock)"
                        )
                        kills += victim is not None
                    else:
                        page.keyboard.press(key)
                    expected[coding].add((position, KEYS[key]))
                    if fault == "postgres":
                        say("restarting PostgreSQL (pg_ctl restart -m fast) during coding")
                        cluster.restart()
                        say("PostgreSQL is back")
                    elif fault == "job":
                        for name, fail in (("slow", False), ("failing", True)):
                            python(
                                ENQUEUE.replace("PATH", repr(str(jobs / f"{name}.json")))
                                .replace("SECONDS", "6")
                                .replace("FAIL", str(fail)),
                                env,
                            )
                        say("started two 6-second jobs (one asked to fail)")
                    page.keyboard.press("j")
                    step += 1
                if job_killed_at is None and (jobs / "slow.json").exists():
                    state = json.loads((jobs / "slow.json").read_text())
                    if state["state"] == "running":
                        os.killpg(worker.pid, signal.SIGKILL)
                        worker.wait()
                        job_killed_at = time.monotonic()
                        job_killed_attempt = state["attempts"]
                        say("SIGKILL the task worker during the job; starting a new one")
                        worker = start_worker(env, worker_log)
                for page, _ in pages:
                    page.wait_for_timeout(60)
            say(f"entered {sum(len(v) for v in expected.values())} codes; waiting for the pages")
            for page, _ in pages:
                page.wait_for_function(
                    "document.getElementById('ws-status').textContent === 'All changes saved'",
                    timeout=120_000,
                )
            browser.close()
        say(
            f"every page says All changes saved; the browsers saw {failed_saves} saves cut off "
            f"and {server_errors} answered 5xx, and sent them again"
        )
        if kills < 3:
            problems.append(f"only {kills} of 3 worker kills caught a save in flight")

        rows = json.loads(python(STORED.replace("IDS", json.dumps(list(expected))), env))
        stored: dict[int, set[tuple[int, str]]] = {coding: set() for coding in expected}
        doubled = [row for row in rows if row[3] != 1]
        for coding, position, abbreviation, _ in rows:
            stored[coding].add((position, abbreviation))
        lost = sum(len(expected[c] - stored[c]) for c in expected)
        extra = sum(len(stored[c] - expected[c]) for c in expected)
        say(
            f"codes entered {sum(len(v) for v in expected.values())}, stored {len(rows)}: "
            f"lost {lost}, doubled {len(doubled)}, unexpected {extra}"
        )
        if lost or doubled or extra:
            problems.append("codes lost, doubled or unexpected")
        after = python(SNAPSHOT.replace("PK", str(seeded["submitted"])), env)
        unchanged = before == after
        say(f"submitted coding {seeded['submitted']} unchanged: {unchanged}")
        if not unchanged:
            problems.append("a submitted coding changed")

        deadline = time.monotonic() + 300
        outcomes = {}
        while time.monotonic() < deadline:
            outcomes = {
                path.stem: json.loads(path.read_text()) for path in sorted(jobs.glob("*.json"))
            }
            if len(outcomes) == 2 and all(
                o["state"] in {"finished", "failed"} for o in outcomes.values()
            ):
                break
            time.sleep(1)
        for name, outcome in sorted(outcomes.items()):
            say(f"job {name}: {outcome['state']} after {outcome['attempts']} attempt(s)")
        if job_killed_at is not None:
            say(
                f"the interrupted job was handed back and done within "
                f"{time.monotonic() - job_killed_at:.0f} s of its worker's death"
            )
        if job_killed_at is None:
            problems.append("the task worker was never stopped during a job")
        elif outcomes.get("slow", {}).get("attempts", 0) <= job_killed_attempt:
            problems.append("the interrupted job was not run again")
        if outcomes.get("slow", {}).get("state") != "finished":
            problems.append("the interrupted job did not finish")
        if outcomes.get("failing", {}).get("state") != "failed":
            problems.append("the failing job does not say it failed")

        problems += restore_drill(cluster, env, base)
    finally:
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(30)
        serve.send_signal(signal.SIGTERM)
        serve.wait(60)
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)
    say("result: " + ("; ".join(problems) if problems else "nothing lost, doubled or changed"))
    return 1 if problems else 0


def restore_drill(cluster: Cluster, env: dict[str, str], base: Path) -> list[str]:
    """Dump, drop, restore, compare the scores; and the nightly archive of each agency."""

    def scores() -> str:
        return subprocess.run(
            [sys.executable, "manage.py", "export_scores", "--agency", "faults"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    before = scores()
    dump = base / "mi_faults.dump"
    cluster.tool("pg_dump", "--format", "custom", "--file", str(dump), "mi_faults")
    archive = base / "faults-archive.json"
    subprocess.run(
        [sys.executable, "manage.py", "export_archive", "--agency", "faults", "--output", archive],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    say(
        f"backup: pg_dump {dump.stat().st_size // 1024} KB, export_archive "
        f"{archive.stat().st_size // 1024} KB"
    )
    cluster.tool("dropdb", "--force", "mi_faults")
    cluster.tool("createdb", "mi_faults")
    cluster.tool("pg_restore", "--dbname", "mi_faults", "--no-owner", str(dump))
    after = scores()
    same = before == after and before.count("\n") > 1
    say(
        f"restore drill: dropped and restored the database; scores of "
        f"{before.count(chr(10)) - 1} codings identical: {same}"
    )
    return [] if same else ["scores differ after the restore"]


if __name__ == "__main__":
    sys.exit(main())
