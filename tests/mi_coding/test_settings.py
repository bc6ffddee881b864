import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from mi_coding.env import env_bool, env_int, env_list, env_rate

ROOT = Path(__file__).resolve().parents[2]


def test_env_helpers_read_typed_values(monkeypatch):
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_LIST", "a.org, b.org,")
    assert env_bool("X_BOOL") is True
    assert env_int("X_INT", 1) == 42
    assert env_list("X_LIST") == ["a.org", "b.org"]
    assert env_int("X_MISSING", 7) == 7


@pytest.mark.parametrize(("name", "reader"), [("X_BOOL", env_bool), ("X_INT", env_int)])
def test_env_helpers_fail_loudly_on_malformed_values(monkeypatch, name, reader):
    monkeypatch.setenv(name, "maybe")
    with pytest.raises(ImproperlyConfigured, match=name):
        reader(name, 1) if reader is env_int else reader(name)


@pytest.mark.parametrize("raw", ["0", "-5"])
def test_env_int_refuses_a_value_below_its_minimum_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv("X_INT", raw)
    with pytest.raises(ImproperlyConfigured, match=f"X_INT must be at least 1, not '{raw}'"):
        env_int("X_INT", 25, minimum=1)


@pytest.mark.parametrize(
    ("raw", "rate"), [("600/minute", "600/m"), (" 5/Second ", "5/s"), ("100/h", "100/h")]
)
def test_env_rate_reads_a_rate(monkeypatch, raw, rate):
    monkeypatch.setenv("X_RATE", raw)
    assert env_rate("X_RATE", "1/day") == rate


@pytest.mark.parametrize("raw", ["600", "0/minute", "ten/minute", "5/fortnight", "-1/s", "/m"])
def test_env_rate_fails_loudly_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv("X_RATE", raw)
    with pytest.raises(ImproperlyConfigured, match="X_RATE must be a rate such as 600/minute"):
        env_rate("X_RATE", "1/day")


def test_env_int_accepts_its_minimum(monkeypatch):
    monkeypatch.setenv("X_INT", "0")
    assert env_int("X_INT", 25, minimum=0) == 0


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    dropped = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    full_env = {k: v for k, v in os.environ.items() if k not in dropped}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION = {
    "SECRET_KEY": "x" * 20 + "-production-secret-with-enough-entropy-0123456789",
    "ALLOWED_HOSTS": "mi.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://mi.example.org",
    "SESSION_COOKIE_SECURE": "true",
    "CSRF_COOKIE_SECURE": "true",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "MI_BEHIND_PROXY": "true",
}


def test_check_deploy_is_clean_with_the_production_variables():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_without_them():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env={})
    assert result.returncode != 0


def test_malformed_database_url_stops_start_up():
    result = _manage("check", env={"DATABASE_URL": "nonsense://"})
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("MI_PAGE_SIZE", "0"),
        ("MI_TRANSCRIPT_MAX_BYTES", "-1"),
        ("MI_UPLOAD_MAX_TOTAL_BYTES", "0"),
        ("MI_UPLOAD_MAX_FILES", "0"),
    ],
)
def test_a_limit_below_its_minimum_stops_start_up(name, raw):
    result = _manage("check", env={name: raw})
    assert result.returncode != 0
    assert f"{name} must be at least 1" in result.stderr
