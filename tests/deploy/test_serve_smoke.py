"""``make serve`` end to end: start the stack, sign in, save a code, stop; the code is stored.

The stack runs against a database of its own (a temporary SQLite file, or a new PostgreSQL
database beside the test one when the suite runs on PostgreSQL), because the server's
processes cannot see the test's uncommitted transaction.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
SEED = """
import django, json
django.setup()
from accounts.models import Role
from tests import factories
agency = factories.make_agency(slug="smoke", name="Smoke Agency")
coder = factories.make_user(agency, Role.CODER, username="smoke-coder")
transcript = factories.make_transcript(agency, utterances=4)
coding = factories.make_coding(transcript, coder)
utterance = transcript.utterances.get(position=1)
print(json.dumps({"coding": coding.pk, "utterance": utterance.pk,
                  "code": factories.code("Q").pk, "password": factories.PASSWORD}))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[tuple[str, object]]:
    """A database URL for the stack, and a function that runs one SQL query on it."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        path = tmp_path / "serve.sqlite3"

        def query(sql: str) -> list[tuple]:
            with sqlite3.connect(path) as connection:
                return connection.execute(sql).fetchall()

        yield f"sqlite:///{path}", query
        return
    import psycopg

    name = f"{db['NAME']}_serve"[:63]
    server = {
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
        "user": db["USER"],
        "password": db["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')

    def query(sql: str) -> list[tuple]:
        with psycopg.connect(dbname=name, **server) as connection:
            return connection.execute(sql).fetchall()

    password = f":{server['password']}" if server["password"] else ""
    try:
        yield (
            f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}",
            query,
        )
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_make_serve_starts_signs_in_saves_a_code_and_stops(database_url, tmp_path):
    url, query = database_url
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "MI_CACHE"))},
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "MI_VAR_DIR": str(tmp_path / "var"),
        "MI_STATIC_MANIFEST": "false",
        "MI_SERVE_BIND": f"127.0.0.1:{port}",
        "MI_SERVE_WORKERS": "2",
        "DJANGO_SETTINGS_MODULE": "mi_coding.settings",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log = (tmp_path / "serve.log").open("w+")
    serve = subprocess.Popen(
        [sys.executable, "deploy/serve.py", "--no-static"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        output = ""
        for _ in range(200):
            log.seek(0)
            output = log.read()
            if "[serve] serving on" in output:
                break
            assert serve.poll() is None, output
            time.sleep(0.25)
        else:
            pytest.fail(f"make serve did not start:\n{output}")
        seeded = json.loads(
            subprocess.run(
                [sys.executable, "-c", SEED],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=True,
                timeout=60,
            ).stdout.splitlines()[-1]
        )

        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        opener.open(f"{base}/accounts/login/", timeout=30).read()
        csrf = next(c.value for c in jar if c.name == "csrftoken")
        form = urllib.parse.urlencode(
            {
                "username": "smoke-coder",
                "password": seeded["password"],
                "csrfmiddlewaretoken": csrf,
            }
        ).encode()
        signed_in = opener.open(
            urllib.request.Request(
                f"{base}/accounts/login/", data=form, headers={"Referer": f"{base}/accounts/login/"}
            ),
            timeout=30,
        )
        assert signed_in.geturl() == f"{base}/", "signing in did not reach the home page"
        workspace = opener.open(f"{base}/codings/{seeded['coding']}/", timeout=30)
        assert workspace.status == 200
        csrf = next(c.value for c in jar if c.name == "csrftoken")
        saved = opener.open(
            urllib.request.Request(
                f"{base}/codings/{seeded['coding']}/api/code/",
                data=json.dumps(
                    {"utterance": seeded["utterance"], "code": seeded["code"], "action": "set"}
                ).encode(),
                headers={
                    "Content-Type": "application/json",
                    "X-CSRFToken": csrf,
                    "Referer": f"{base}/codings/{seeded['coding']}/",
                },
            ),
            timeout=30,
        )
        assert json.loads(saved.read())["present"] is True
    finally:
        serve.send_signal(signal.SIGTERM)
        returncode = serve.wait(60)
        log.seek(0)
        output = log.read()
        log.close()
    assert returncode == 0, output
    assert "[serve] stopped" in output
    assert "view=coding:api_code status=200" in output
    rows = query(
        "SELECT coding_id, utterance_id, code_id FROM coding_utterancecode "
        f"WHERE coding_id = {int(seeded['coding'])}"
    )
    assert rows == [(seeded["coding"], seeded["utterance"], seeded["code"])]
