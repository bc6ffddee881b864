"""Shared set-up for the benchmarks: a fresh database, timers and one way to print figures.

Each benchmark is a script: `python bench/bench_<topic>.py`. By default it runs against a new
SQLite file in a temporary directory; set DATABASE_URL to measure on PostgreSQL (the database
named there is dropped and recreated, so never point it at real data).
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def setup_django() -> None:
    """Point Django at a throwaway database, migrate it and return."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mi_coding.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    if "DATABASE_URL" not in os.environ:
        directory = tempfile.mkdtemp(prefix="mi-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    (ROOT / "var" / "staticfiles").mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if connection.vendor == "postgresql":
        call_command("flush", "--no-input", verbosity=0)
    call_command("migrate", "--no-input", verbosity=0)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from django.db import connection

    return (
        f"{platform.node()} · {cpu} · {os.cpu_count()} cores · Python "
        f"{platform.python_version()} · {connection.vendor}"
    )


def header(title: str) -> None:
    print(f"== {title}")
    print(f"   machine: {machine()}")


@contextmanager
def timer() -> Iterator[dict[str, float]]:
    result: dict[str, float] = {}
    start = time.perf_counter()
    try:
        yield result
    finally:
        result["seconds"] = time.perf_counter() - start


def report(name: str, value: float, unit: str, target: str = "") -> None:
    suffix = f"   (target {target})" if target else ""
    print(f"   {name:<52} {value:10.3f} {unit}{suffix}")


def percentiles(samples: list[float]) -> tuple[float, float]:
    """(median, 95th percentile)."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def coder_page(coding: object) -> Iterator[tuple[object, str] | None]:
    """Chromium at a live server of this process, signed in as the coding's coder: (the
    page, the coding's URL, visited once to warm the server and the static files), or None
    where there is no Chromium."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
    from tests.factories import PASSWORD

    if not CHROMIUM.exists():
        print(f"   (no Chromium at {CHROMIUM}: browser figures skipped)")
        yield None
        return
    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    base = f"http://127.0.0.1:{server.port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{base}/accounts/login/")
            page.fill("input[name=username]", coding.coder.username)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/")
            url = f"{base}/codings/{coding.pk}/"
            page.goto(url)
            yield page, url
            browser.close()
    finally:
        server.terminate()


def keystroke_timings(
    page: object,
    key: str,
    *,
    target: str = "document.body",
    alternate: str | None = None,
    count: int = 200,
    setup: str = "",
    each: str = "",
) -> list[float]:
    """Browser work per keystroke (ms): ``count`` keydowns of ``key`` dispatched to
    ``target`` (a JavaScript expression, read at each key), every fiftieth replaced by
    ``alternate`` where given, each timed up to the layout it causes. ``setup`` (JavaScript,
    with ``press(key)`` at hand) runs once first; ``each`` runs, untimed, before every key."""
    chosen = f"i % 50 === 49 ? {json.dumps(alternate)} : " if alternate else ""
    return page.evaluate(
        f"""() => {{
            const press = (k) => {target}.dispatchEvent(new KeyboardEvent("keydown",
              {{key: k, bubbles: true, cancelable: true}}));
            {setup}
            const out = [];
            for (let i = 0; i < {count}; i++) {{
              {each}
              const k = {chosen}{json.dumps(key)};
              const t0 = performance.now();
              press(k);
              document.body.getBoundingClientRect();
              out.push(performance.now() - t0);
            }}
            return out;
        }}"""
    )


def report_keystrokes(key: str, label: str, timings: list[float]) -> None:
    median, p95 = percentiles(timings)
    report(f"Chromium: keystroke '{key}' ({label}), median", median, "ms", "< 16 ms")
    report(f"Chromium: keystroke '{key}' ({label}), p95", p95, "ms")
