"""Nothing a second app server would miss: caches shared through Redis, sessions in the
database, no per-process copy of anything that changes."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "accounts",
    "transcripts",
    "coding",
    "workflow",
    "reliability",
    "dashboards",
    "exchange",
    "api",
    "demo",
    "mi_coding",
]
# Per-process memos that may stay: each one keyed by something that never changes while the
# process runs (model metadata), so no submitted or reopened coding can make it stale.
IMMUTABLE_MEMOS = {("exchange/archive/columns.py", "columns")}
REDIS_URL = os.environ.get("MI_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def _memoised_functions() -> set[tuple[str, str]]:
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for decorator in node.decorator_list:
                    target = decorator.func if isinstance(decorator, ast.Call) else decorator
                    name = ast.unparse(target)
                    if name.split(".")[-1] in {"cache", "lru_cache", "cached_property"}:
                        found.add((path.relative_to(ROOT).as_posix(), node.name))
    return found


def test_no_per_process_memo_outside_the_known_immutable_ones():
    assert _memoised_functions() == IMMUTABLE_MEMOS, (
        "a memo kept per process goes stale on the other app servers when a coding is "
        "submitted or reopened: read it from the database or the shared cache instead"
    )


def test_sessions_live_in_the_database_so_any_server_answers():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def _settings_in_a_new_process(env: dict[str, str], code: str) -> str:
    full = {**os.environ, "DJANGO_SETTINGS_MODULE": "mi_coding.settings", **env}
    script = f"import django; django.setup(); {code}"
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_without_a_cache_url_each_process_keeps_its_own_cache():
    env = {k: v for k, v in os.environ.items() if k != "MI_CACHE_URL"}
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    full = {**env, "DJANGO_SETTINGS_MODULE": "mi_coding.settings"}
    done = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == "django.core.cache.backends.locmem.LocMemCache"


def test_with_a_cache_url_two_processes_see_one_cache_and_one_rate_limit():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError:
        pytest.fail(f"no Redis at {REDIS_URL}: the shared-cache tests need one")
    key = f"shared-{uuid.uuid4().hex}"
    env = {"MI_CACHE_URL": REDIS_URL, "MI_CACHE_PREFIX": f"test{os.getpid()}"}
    written = _settings_in_a_new_process(
        env,
        "from django.core.cache import cache; "
        "from rest_framework.throttling import SimpleRateThrottle as T; "
        f"cache.set('{key}', 'one', 60); "
        "print(type(cache._cache).__module__, T.cache is cache)",
    )
    assert written == "django.core.cache.backends.redis True"
    read = _settings_in_a_new_process(
        env,
        f"from django.core.cache import cache; print(cache.get('{key}')); cache.delete('{key}')",
    )
    assert read == "one"
