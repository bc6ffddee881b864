"""Many coders at once against the production stack (``make serve``), with Locust.

    DATABASE_URL=postgres://…/mi_load python bench/load/seed_load.py      # once
    DATABASE_URL=postgres://…/mi_load python bench/bench_load.py [--steps 25,50,100,200]

It starts ``deploy/serve.py`` on a free port against DATABASE_URL (unless ``--host`` names a
running server), then, for each step, runs ``bench/load/locustfile.py`` headless with that
many coders plus two supervisors and a researcher (see the locustfile), for ``--seconds``
after every user has started. Before each step it clears the codes of the load codings, so
every step codes from the start. It prints, per step: saves per second, save p50/p95/p99,
page p95 (audit and dashboards), reliability p95, errors, the shares of saves that took at
most 50 and 100 ms inside Django (the server's own histogram, from /metrics: the rest of a
save's time is waiting for a free worker) and the machine's load, then the
number of coders at which save p95 first passes 100 ms.

Targets (2 cores, server and load generator together): 100 coders with save p95 < 50 ms and
no error; the audit and dashboards p95 < 1 s meanwhile.
"""

from __future__ import annotations

import argparse
import csv
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = ROOT / "bench" / "load" / "locustfile.py"
PAGES = ("page: audit", "page: dashboard")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def start_server(workers: str) -> tuple[subprocess.Popen, str, Path]:
    port = free_port()
    env = {**os.environ, "MI_SERVE_BIND": f"127.0.0.1:{port}", "MI_SERVE_WORKERS": workers}
    log = Path(tempfile.mkstemp(prefix="mi-serve-", suffix=".log")[1])
    server = subprocess.Popen(
        [sys.executable, "deploy/serve.py", "--no-migrate"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 900
    while "[serve] serving on" not in log.read_text():
        if server.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"make serve did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.5)
    return server, f"http://127.0.0.1:{port}", log


def clear_codes() -> None:
    """Remove the codes of the open load codings, so a step codes from the start."""
    import django

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mi_coding.settings")
    django.setup()
    from coding.models import CodingStatus, UtteranceCode

    UtteranceCode.objects.filter(
        coding__status=CodingStatus.IN_PROGRESS, coding__coder__username__startswith="load-coder-"
    ).delete()


def run_step(host: str, coders: int, seconds: int, out: Path) -> dict[str, dict[str, str]]:
    prefix = out / f"coders{coders}"
    users = coders + 3
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--host",
            host,
            "--users",
            str(users),
            "--spawn-rate",
            str(max(10, users // 8)),
            "--run-time",
            f"{seconds + users // max(10, users // 8) + 2}s",
            "--reset-stats",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "ERROR",
            "--stop-timeout",
            "10",
        ],
        cwd=ROOT,
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    if not Path(f"{prefix}_stats.csv").exists():
        sys.exit(f"Locust wrote no figures (exit {done.returncode}):\n{done.stderr[-2000:]}")
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


def save_buckets(host: str) -> dict[float, float]:
    """The server's own save-time histogram (cumulative counts by upper bound, in seconds)."""
    import urllib.request

    with urllib.request.urlopen(f"{host}/metrics", timeout=30) as response:
        text = response.read().decode()
    buckets = {}
    for line in text.splitlines():
        if line.startswith("mi_code_save_seconds_bucket{"):
            bound = line.split('le="', 1)[1].split('"', 1)[0]
            buckets[float(bound)] = float(line.rsplit(" ", 1)[1])
    return buckets


def inside_django(before: dict[float, float], after: dict[float, float]) -> str:
    """Shares of this step's saves that took ≤ 50 ms and ≤ 100 ms inside Django."""
    total = after.get(float("inf"), 0) - before.get(float("inf"), 0)
    if not total:
        return "-"
    shares = [100 * (after.get(bound, 0) - before.get(bound, 0)) / total for bound in (0.05, 0.1)]
    return f"{shares[0]:.0f}% / {shares[1]:.0f}%"


def number(row: dict[str, str] | None, column: str) -> float:
    if row is None or row.get(column) in (None, "", "N/A"):
        return float("nan")
    return float(row[column])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", default="25,50,100,200")
    parser.add_argument("--seconds", type=int, default=75, help="measured time per step")
    parser.add_argument("--workers", default="4", help="gunicorn workers")
    parser.add_argument("--host", help="a running server instead of starting make serve")
    args = parser.parse_args()
    steps = [int(step) for step in args.steps.split(",")]

    server = log = None
    if args.host:
        host = args.host
    else:
        server, host, log = start_server(args.workers)
    out = Path(tempfile.mkdtemp(prefix="mi-load-"))
    threads = os.environ.get("MI_SERVE_THREADS", "4")
    print(
        f"== load: coders at human pace against make serve ({host}, {args.workers} workers "
        f"× {threads} threads)"
    )
    print(f"   machine: {os.cpu_count()} cores, load average before: {load_average()}")
    print(
        f"   {'coders':>6} {'saves/s':>8} {'save p50':>9} {'p95':>6} {'p99':>6} "
        f"{'page p95':>9} {'reliab. p95':>11} {'requests':>9} {'errors':>6}  load (1/5/15 min)"
    )
    passed_100 = None
    try:
        for coders in steps:
            clear_codes()
            before = save_buckets(host)
            rows = run_step(host, coders, args.seconds, out)
            in_django = inside_django(before, save_buckets(host))
            save = rows.get("save")
            pages = [rows[name] for name in PAGES if name in rows]
            page_p95 = max((number(row, "95%") for row in pages), default=float("nan"))
            total = rows.get("Aggregated")
            p95 = number(save, "95%")
            if passed_100 is None and p95 > 100:
                passed_100 = coders
            print(
                f"   {coders:>6} {number(save, 'Requests/s'):>8.1f} "
                f"{number(save, '50%'):>7.0f}ms {p95:>4.0f}ms {number(save, '99%'):>4.0f}ms "
                f"{page_p95:>7.0f}ms {number(rows.get('reliability'), '95%'):>9.0f}ms "
                f"{number(total, 'Request Count'):>9.0f} {number(total, 'Failure Count'):>6.0f}"
                f" {in_django:>20}  {load_average()}",
                flush=True,
            )
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(60)
    print(
        "   save p95 passes 100 ms at: "
        + (f"{passed_100} coders" if passed_100 else f"not reached up to {steps[-1]} coders")
    )
    print(f"   Locust's tables: {out}" + (f"; server log: {log}" if log else ""))


if __name__ == "__main__":
    main()
