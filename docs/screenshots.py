"""Take the screenshots in docs/screenshots/ with Playwright against the demo data.

    .venv/bin/python docs/screenshots.py                 # every page below
    .venv/bin/python docs/screenshots.py audit practitioner-dashboard

By default it builds a throwaway SQLite database, loads the demo agency (`seed_demo`), serves it
on a free local port and signs in with the demo logins (password `demo-password`). With
`--url http://127.0.0.1:8000` it uses a server already running on the demo data instead.
Chromium is Debian's (`/usr/bin/chromium`, or MI_CHROMIUM); nothing is downloaded.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("MI_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "demo-password"  # noqa: S105 - the demo agency's published password

# Ids of demo objects, read from the database the server uses.
LOOKUP = """
from coding.models import Coding
from transcripts.models import Transcript
coding = Coding.objects.filter(transcript__agency__slug="demo", coder__username="ana",
                               kind="primary").order_by("status", "pk").first()
transcript = Transcript.objects.filter(agency__slug="demo").order_by("session_date", "pk").last()
recorded = Coding.objects.get(transcript__agency__slug="demo", coded_from="audio")
print(coding.pk, transcript.pk, recorded.pk)
"""


@dataclass(frozen=True)
class Shot:
    name: str
    user: str
    path: Callable[[dict[str, int]], str]
    width: int = 1400
    full_page: bool = True
    ready: str = "body"
    scroll_to: str = ""  # an element to bring to the top of the window first


SHOTS = [
    Shot("audit", "supervisor", lambda ids: "/dashboards/", ready="[data-rendered=true]"),
    Shot(
        "practitioner-dashboard",
        "dana",
        lambda ids: "/dashboards/mine/",
        width=1280,
        full_page=False,
        ready="[data-rendered=true]",
    ),
    Shot("transcript", "supervisor", lambda ids: f"/transcripts/{ids['transcript']}/"),
    Shot("my-data", "dana", lambda ids: "/data/", width=1280, full_page=False),
    Shot(
        "workspace",
        "ana",
        lambda ids: f"/codings/{ids['coding']}/",
        width=1280,
        full_page=False,
        ready="html[data-ws-ready='1']",
    ),
    Shot(
        "audio-workspace",
        "ana",
        lambda ids: f"/codings/{ids['recorded']}/",
        width=1280,
        full_page=False,
        ready="body[data-ready='true']",
    ),
    Shot(
        "reliability",
        "researcher",
        lambda ids: "/reliability/?scheme=miti-4.2.1",
        width=1360,
        full_page=False,
        ready="#utterance-heading",
        scroll_to="#utterance-heading",
    ),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@contextmanager
def demo_server() -> Iterator[tuple[str, dict[str, str]]]:
    """A server on a fresh demo database; yields its URL and environment."""
    directory = tempfile.mkdtemp(prefix="mi-screens-")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{directory}/demo.sqlite3"}
    manage(env, "migrate", "-v0")
    manage(env, "seed_demo")
    manage(env, "collectstatic", "--noinput", "-v0")
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=5).read()  # noqa: S310
                break
            except OSError:
                time.sleep(0.5)
        yield url, env
    finally:
        server.terminate()
        server.wait(timeout=30)


def take(url: str, ids: dict[str, int], shots: list[Shot]) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless=new", "--no-sandbox"], headless=True
        )
        for shot in shots:
            context = browser.new_context(viewport={"width": shot.width, "height": 900})
            page = context.new_page()
            page.goto(f"{url}/accounts/login/")
            page.fill("input[name=username]", shot.user)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{url}/")
            page.goto(url + shot.path(ids))
            page.locator(shot.ready).first.wait_for(timeout=30_000)
            if shot.scroll_to:
                page.locator(shot.scroll_to).first.evaluate("e => e.scrollIntoView()")
            page.wait_for_timeout(500)  # let charts settle after their first draw
            target = OUT / f"{shot.name}.png"
            page.screenshot(path=str(target), full_page=shot.full_page)
            print(f"{target.relative_to(ROOT)}: {shot.user} at {shot.width} px")
            context.close()
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=", ".join(s.name for s in SHOTS))
    parser.add_argument("--url", help="a server already running on the demo data")
    options = parser.parse_args()
    unknown = set(options.names) - {s.name for s in SHOTS}
    if unknown:
        parser.error(f"unknown screenshot {', '.join(sorted(unknown))}")
    shots = [s for s in SHOTS if not options.names or s.name in options.names]
    names = ("coding", "transcript", "recorded")
    if options.url:
        found = manage(dict(os.environ), "shell", "-c", LOOKUP).split()[-3:]
        take(options.url, dict(zip(names, map(int, found), strict=True)), shots)
        return
    with demo_server() as (url, env):
        found = manage(env, "shell", "-c", LOOKUP).split()[-3:]
        take(url, dict(zip(names, map(int, found), strict=True)), shots)


if __name__ == "__main__":
    main()
