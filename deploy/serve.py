"""The production stack on one machine: ``make serve`` (or ``python deploy/serve.py``).

It reads the same environment variables as production (``DATABASE_URL``, ``SECRET_KEY`` or
``var/secret_key``, ``CELERY_BROKER_URL``, ``MI_CACHE_URL``, ...), then:

1. migrates the database and collects the static files (hashed and compressed, served by
   WhiteNoise), unless they are already newer than every file under ``static/``;
2. starts gunicorn (``MI_SERVE_WORKERS`` workers, 3 by default) on ``MI_SERVE_BIND``
   (``127.0.0.1:8000``) and, when a broker is set, one Celery task worker;
3. waits for ``/healthz``, prints the address, and keeps both running until it is sent
   SIGINT or SIGTERM, when it stops them (gracefully, then by force after 20 s).

gunicorn replaces a worker that dies; if gunicorn or the task worker itself exits, the other
is stopped and this script exits with an error, so a process supervisor (systemd) restarts
the lot. ``--no-static`` skips collecting (with ``MI_STATIC_MANIFEST=false`` WhiteNoise then
serves ``static/`` directly), ``--no-migrate`` skips migrating.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STOP_GRACE_SECONDS = 20


def log(message: str) -> None:
    print(f"[serve] {message}", flush=True)


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def static_is_current(static_root: Path) -> bool:
    manifest = static_root / "staticfiles.json"
    if not manifest.exists():
        return False
    collected = manifest.stat().st_mtime
    sources = [ROOT / "static", *ROOT.glob("*/static")]
    newest = max(
        (
            path.stat().st_mtime
            for source in sources
            for path in source.rglob("*")
            if path.is_file()
        ),
        default=0.0,
    )
    return newest < collected


def wait_until_healthy(url: str, processes: list[subprocess.Popen], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise SystemExit(f"[serve] {process.args[2]} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"[serve] {url} did not answer within {timeout:.0f} s")


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for process in processes:
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-static", action="store_true", help="do not collect static files")
    parser.add_argument("--no-migrate", action="store_true", help="do not migrate")
    parser.add_argument("--no-worker", action="store_true", help="no task worker")
    args = parser.parse_args(argv)

    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "mi_coding.settings")
    if not args.no_static:
        env.setdefault("MI_STATIC_MANIFEST", "true")
    bind = env.get("MI_SERVE_BIND", "127.0.0.1:8000")
    workers = env.get("MI_SERVE_WORKERS", "3")
    var_dir = Path(env.get("MI_VAR_DIR", ROOT / "var"))
    # Every process of this machine writes its figures here; /metrics adds them up. Figures
    # of the processes of an earlier run are stale, so the directory starts empty.
    metrics_dir = Path(env.setdefault("PROMETHEUS_MULTIPROC_DIR", str(var_dir / "metrics")))
    shutil.rmtree(metrics_dir, ignore_errors=True)
    metrics_dir.mkdir(parents=True)

    if not args.no_migrate:
        log("migrating the database")
        manage("migrate", "--no-input", env=env)
    static_root = Path(env.get("STATIC_ROOT", var_dir / "staticfiles"))
    if env.get("MI_STATIC_MANIFEST", "").lower() in {"1", "true", "yes", "on"}:
        if static_is_current(static_root):
            log(f"static files in {static_root} are current")
        else:
            log(f"collecting static files into {static_root} (a few minutes the first time)")
            manage("collectstatic", "--no-input", "--verbosity", "0", env=env)

    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "mi_coding.wsgi:application",
                "--config",
                str(ROOT / "deploy" / "gunicorn.conf.py"),
                "--bind",
                bind,
                "--workers",
                workers,
            ],
            cwd=ROOT,
            env=env,
        )
    ]
    if env.get("CELERY_BROKER_URL") and not args.no_worker:
        processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "mi_coding.celery",
                    "worker",
                    "--concurrency",
                    env.get("MI_SERVE_JOB_CONCURRENCY", "1"),
                    "--loglevel",
                    "INFO",
                    *env.get("MI_SERVE_WORKER_ARGS", "").split(),
                ],
                cwd=ROOT,
                env=env,
            )
        )

    stopping = False

    def on_signal(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        wait_until_healthy(f"http://{bind}/healthz", processes, timeout=120)
        names = " and the task worker" if len(processes) > 1 else ""
        log(f"serving on http://{bind}/ with {workers} gunicorn workers{names}")
        for process in processes:
            log(f"pid {process.pid}: {' '.join(process.args[2:5])}")
        while not stopping:
            exited = [p for p in processes if p.poll() is not None]
            if exited:
                log(f"{exited[0].args[2]} exited with {exited[0].returncode}: stopping")
                stop(processes)
                return 1
            time.sleep(0.5)
    finally:
        log("stopping")
        stop(processes)
    log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
