"""The secret key: read from the environment or var/secret_key, refused when missing or weak
with DEBUG off. Each case starts a fresh interpreter, as a server would."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP"
_PRINT_KEY = "from django.conf import settings; print(settings.SECRET_KEY)"


def _run(args: list[str], var_dir: Path, **env: str) -> subprocess.CompletedProcess:
    dropped = {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    full_env = {k: v for k, v in os.environ.items() if k not in dropped}
    full_env.update({"DJANGO_SETTINGS_MODULE": "mi_coding.settings", "MI_VAR_DIR": str(var_dir)})
    full_env.update(env)
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _settings(var_dir: Path, **env: str) -> subprocess.CompletedProcess:
    return _run(["-c", _PRINT_KEY], var_dir, **env)


def test_no_key_with_debug_off_stops_start_up_saying_what_to_do(tmp_path):
    result = _settings(tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr
    assert "make install" in result.stderr
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    ("key", "why"),
    [
        ("short-but-random-Zq8", "it has 20 characters; use at least 50"),
        ("ab" * 40, "fewer than 5 distinct characters"),
        ("django-insecure-" + "x9Kq2" * 10, "published example key"),
    ],
)
def test_a_weak_key_from_the_environment_stops_start_up(tmp_path, key, why):
    result = _settings(tmp_path, SECRET_KEY=key)
    assert result.returncode != 0
    assert "the secret key from SECRET_KEY is too weak" in result.stderr
    assert why in result.stderr


def test_a_weak_key_file_stops_start_up_naming_the_file(tmp_path):
    (tmp_path / "secret_key").write_text("weak\n")
    result = _settings(tmp_path)
    assert result.returncode != 0
    assert f"the secret key from {tmp_path / 'secret_key'} is too weak" in result.stderr


def test_a_strong_key_from_the_environment_wins_over_the_file(tmp_path):
    (tmp_path / "secret_key").write_text("f" + GOOD_KEY + "\n")
    result = _settings(tmp_path, SECRET_KEY=GOOD_KEY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == GOOD_KEY


def test_the_key_file_is_read_when_the_environment_has_none(tmp_path):
    (tmp_path / "secret_key").write_text(GOOD_KEY + "\n")
    result = _settings(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == GOOD_KEY


def test_debug_runs_with_a_weak_key_or_a_temporary_one(tmp_path):
    weak = _settings(tmp_path, DEBUG="true", SECRET_KEY="dev")
    assert weak.returncode == 0, weak.stderr
    assert weak.stdout.strip() == "dev"
    none = _settings(tmp_path, DEBUG="true")
    assert none.returncode == 0, none.stderr
    assert len(none.stdout.strip()) >= 50
    assert not (tmp_path / "secret_key").exists()


def test_manage_py_creates_a_private_key_file_once_and_keeps_it(tmp_path):
    first = _run(["manage.py", "check"], tmp_path)
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip()
    assert len(key) >= 50 and len(set(key)) >= 5
    second = _run(["manage.py", "check"], tmp_path)
    assert second.returncode == 0, second.stderr
    assert key_file.read_text().strip() == key
    assert _settings(tmp_path).stdout.strip() == key


def test_no_key_file_is_written_when_the_environment_sets_the_key(tmp_path):
    result = _run(["-m", "mi_coding.secret_key"], tmp_path, SECRET_KEY=GOOD_KEY)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "secret_key").exists()
    result = _run(["-m", "mi_coding.secret_key"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "secret_key").is_file()
