"""Personal access token secrets: how they are made, recognised and stored (as digests)."""

from __future__ import annotations

import hashlib
import secrets

# A prefix that says what the secret is, so that secret scanners and people recognise a leaked
# token; then 32 random bytes (256 bits), URL-safe.
TOKEN_MARK = "mic_"  # noqa: S105 - a label, not a secret
PREFIX_LENGTH = len(TOKEN_MARK) + 8
_SECRET_BYTES = 32
_MAX_LENGTH = 200


def token_generate() -> str:
    return TOKEN_MARK + secrets.token_urlsafe(_SECRET_BYTES)


def token_digest(token: str) -> str:
    """The SHA-256 of the token, the only form in which it is stored. The secret is random and
    long, so a plain fast hash suffices: there is nothing to guess from it."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_prefix(token: str) -> str:
    return token[:PREFIX_LENGTH]


def looks_like_token(value: str) -> bool:
    return value.startswith(TOKEN_MARK) and len(value) <= _MAX_LENGTH and value.isascii()
