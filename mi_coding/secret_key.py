"""Where the SECRET_KEY comes from, and the refusal of a missing or weak one.

Sessions, password-reset links and signed values all rest on this key, so a server never
starts with a guessable one. The environment's SECRET_KEY wins; otherwise a key file under the
var directory is read. Local use creates that file once (`make install`, `make run`,
`make test` and `manage.py` do) with a random key only its owner can read. Imports nothing from
Django's settings, so `python -m mi_coding.secret_key` can run before them.
"""

from __future__ import annotations

import os
import secrets
import sys
import warnings
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

KEY_FILE_NAME = "secret_key"
# Django's deployment check (security.W009) asks for this much.
MIN_LENGTH = 50
MIN_DISTINCT_CHARACTERS = 5
_INSECURE_PREFIX = "django-insecure-"


def key_file(var_dir: Path) -> Path:
    return var_dir / KEY_FILE_NAME


def weakness(key: str) -> str | None:
    """Why ``key`` is too weak to sign sessions with, or None when it will do."""
    if len(key) < MIN_LENGTH:
        return f"it has {len(key)} characters; use at least {MIN_LENGTH}"
    if len(set(key)) < MIN_DISTINCT_CHARACTERS:
        return f"it has fewer than {MIN_DISTINCT_CHARACTERS} distinct characters"
    if key.startswith(_INSECURE_PREFIX):
        return f"it starts with {_INSECURE_PREFIX!r}, which marks a published example key"
    return None


def local_key_create(path: Path) -> bool:
    """Write a new random key to ``path`` (mode 0600) unless the file exists; True if written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_urlsafe(48) + "\n")
    return True


def secret_key_resolve(*, environ_key: str, var_dir: Path, debug: bool) -> str:
    """The key to run with; ImproperlyConfigured when DEBUG is off and none good is found."""
    path = key_file(var_dir)
    if environ_key:
        key, source = environ_key, "SECRET_KEY"
    elif path.is_file():
        key, source = path.read_text(encoding="utf-8").strip(), str(path)
    else:
        if debug:
            # DEBUG never runs in production; a per-process key beats a published one.
            warnings.warn(
                f"no SECRET_KEY and no {path}: using a temporary key (sessions end on restart)",
                RuntimeWarning,
                stacklevel=2,
            )
            return secrets.token_urlsafe(48)
        raise ImproperlyConfigured(
            f"SECRET_KEY is not set and there is no key file at {path}. In production set "
            "SECRET_KEY to a long random value (python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))'); for local use run `make install` or "
            "`python -m mi_coding.secret_key`, which create the key file once."
        )
    problem = weakness(key)
    if problem is not None and not debug:
        raise ImproperlyConfigured(
            f"the secret key from {source} is too weak to run with DEBUG off: {problem} "
            f"(at least {MIN_DISTINCT_CHARACTERS} distinct characters, not a "
            f"{_INSECURE_PREFIX}… example key)."
        )
    return key


def main() -> None:
    """Create the local key file unless SECRET_KEY is set or the file exists already."""
    if os.environ.get("SECRET_KEY"):
        return
    base_dir = Path(__file__).resolve().parent.parent
    var_dir = Path(os.environ.get("MI_VAR_DIR", str(base_dir / "var")))
    path = key_file(var_dir)
    if local_key_create(path):
        print(f"created a random secret key in {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
