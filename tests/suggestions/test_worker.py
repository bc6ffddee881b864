"""Training through a real task worker: a Celery worker process on Redis trains a suggester
that a page's service queued, on a database both processes share.

The suite's own SQLite database lives in memory, out of another process's reach, so this test
works on a database of its own (a SQLite file, or a new PostgreSQL database when the suite
runs on PostgreSQL), made, filled and read through the project's own commands."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
SEED = """
from coding.selectors import schemes_for
from accounts.models import Role
from suggestions.services import suggester_start
from tests import factories

agency = factories.make_agency(slug="worker")
coder = factories.make_user(agency, Role.CODER, username="worker-coder", password=None)
boss = factories.make_user(agency, Role.SUPERVISOR, username="worker-boss", password=None)
factories.make_coded_dialogues(agency, factories.make_practitioner(agency), coder)
suggester = suggester_start(agency=agency, scheme=factories.miti(), actor=boss)
print("suggester", suggester.pk)
"""


def _redis_url() -> str:
    import redis

    url = os.environ.get("MI_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.fail(f"no Redis at {url}: the worker test needs one (set MI_TEST_REDIS_URL)")
    return url


def _postgres_admin_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = os.environ.get("MI_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/x")
    return url.rsplit("/", 1)[0] + "/postgres"


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """An empty database of this test's own, of the kind the suite runs on."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'worker.sqlite3'}"
        return
    name = f"mi_suggestions_worker_{uuid.uuid4().hex[:10]}"
    admin = _postgres_admin_url()
    with psycopg.connect(admin, autocommit=True) as server:
        server.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _state(database_url: str, suggester_id: int) -> tuple[str, int, str, bool]:
    query = (
        "SELECT status, progress, message, model IS NOT NULL "
        "FROM suggestions_suggester WHERE id = %s"
    )
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
            return db.execute(query.replace("%s", "?"), (suggester_id,)).fetchone()
    with psycopg.connect(database_url) as db:
        return db.execute(query, (suggester_id,)).fetchone()


def test_a_real_worker_trains_the_suggester_a_page_queued(tmp_path, database_url):
    redis_url = _redis_url()
    queue = f"mi_suggestions_test_{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MI_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "mi_coding.settings",
        "CELERY_BROKER_URL": redis_url,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }
    (tmp_path / "var").mkdir()

    def manage(*args: str) -> str:
        result = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
            [sys.executable, str(ROOT / "manage.py"), *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, f"manage.py {args[0]} failed:\n{result.stderr[-3000:]}"
        return result.stdout

    manage("migrate", "--no-input", "-v", "0")
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(  # noqa: S603 - the project's worker with fixed arguments
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mi_coding.celery",
            "worker",
            "--pool",
            "solo",
            "--queues",
            queue,
            "--loglevel",
            "INFO",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        out = manage("shell", "-c", SEED)
        suggester_id = int(out.split("suggester", 1)[1].split()[0])
        deadline = time.monotonic() + 180
        state = _state(database_url, suggester_id)
        while state[0] not in ("done", "failed") and time.monotonic() < deadline:
            assert worker.poll() is None, (
                "the worker died:\n" + (tmp_path / "worker.log").read_text()
            )
            time.sleep(0.5)
            state = _state(database_url, suggester_id)
        status, progress, message, has_model = state
        assert status == "done", f"{status}: {message}\n" + (tmp_path / "worker.log").read_text()
        assert progress == 100 and has_model
        assert "suggestions.jobs.train" in (tmp_path / "worker.log").read_text()
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log.close()
        import redis

        redis.Redis.from_url(redis_url).delete(queue)
