"""Simulated users of one agency, for Locust against ``make serve``.

    locust -f bench/load/locustfile.py --host http://127.0.0.1:8000

(``bench/bench_load.py`` runs it headless at several sizes and prints the figures.) The data
and signed-in sessions come from ``bench/load/seed_load.py`` (``MI_LOAD_DATA`` names its
file, ``var/load/load.json`` by default). Three kinds of user:

- coders (all but three users): each opens their own coding of a 300-utterance transcript and
  codes it at human pace, one code every 1–3 s, going down the practitioner's utterances, and
  reads the tally every tenth action, as the workspace does;
- two supervisors, each opening the agency audit and a practitioner's dashboard every 5–15 s;
- one researcher, running reliability over the 1,000 double-coded transcripts every 30–60 s.

Request names group the figures: ``save``, ``tally``, ``workspace``, ``page: audit``,
``page: dashboard``, ``reliability``.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import threading
from pathlib import Path

from locust import HttpUser, between, task

ROOT = Path(__file__).resolve().parents[2]
DATA = json.loads(
    Path(
        os.environ.get(
            "MI_LOAD_DATA",
            Path(os.environ.get("MI_VAR_DIR", ROOT / "var")) / "load" / "load.json",
        )
    ).read_text()
)
_counters: dict[str, itertools.count] = {}
_lock = threading.Lock()


def _take(kind: str) -> int:
    """The next free piece of work of this kind: each coder codes their own transcript."""
    with _lock:
        return next(_counters.setdefault(kind, itertools.count()))


class SignedIn(HttpUser):
    abstract = True
    session_key = ""

    def sign_in(self, session_key: str, first_page: str, name: str) -> None:
        host = self.host.split("://", 1)[-1].split(":")[0]
        self.client.cookies.set("sessionid", session_key, domain=host)
        self.client.get(first_page, name=name)


class Coder(SignedIn):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        index = _take("coder")
        work = DATA["coders"][index % len(DATA["coders"])]
        self.coding = work["coding"]
        self.utterances = work["utterances"]
        self.position = 0
        self.actions = 0
        self.present = True
        self.code = random.choice(DATA["codes"])  # noqa: S311
        self.sign_in(work["session"], f"/codings/{self.coding}/", "workspace")
        self.csrf = self.client.cookies.get("csrftoken", "")

    @task
    def code_next(self) -> None:
        self.actions += 1
        if self.actions % 10 == 0:
            self.client.get(f"/codings/{self.coding}/api/tally/", name="tally")
            return
        utterance = self.utterances[self.position]
        self.position += 1
        if self.position == len(self.utterances):
            # The end of the transcript: go over it again, clearing what was set.
            self.position = 0
            self.present = not self.present
        self.client.post(
            f"/codings/{self.coding}/api/code/",
            json={
                "utterance": utterance,
                "code": self.code,
                "action": "set" if self.present else "clear",
            },
            headers={
                "X-CSRFToken": self.csrf,
                "Referer": f"{self.host}/codings/{self.coding}/",
            },
            name="save",
        )


class Supervisor(SignedIn):
    fixed_count = 2
    wait_time = between(5, 15)

    def on_start(self) -> None:
        index = _take("supervisor")
        self.sign_in(DATA["supervisors"][index % 2], "/dashboards/", "page: audit")

    @task(2)
    def audit(self) -> None:
        self.client.get("/dashboards/", name="page: audit")

    @task(3)
    def dashboard(self) -> None:
        practitioner = random.choice(DATA["practitioners"])  # noqa: S311
        self.client.get(f"/dashboards/practitioners/{practitioner}/", name="page: dashboard")


class Researcher(SignedIn):
    fixed_count = 1
    wait_time = between(30, 60)

    def on_start(self) -> None:
        self.sign_in(DATA["researcher"], "/", "page: home")

    @task
    def reliability(self) -> None:
        self.client.get(
            "/reliability/", params={"scheme": DATA["scheme"]}, name="reliability", timeout=120
        )
