"""An uploaded coded-data file waiting for its column mapping and confirmation.

The file is kept under MEDIA_ROOT/imports (never served; every app server shares MEDIA_ROOT)
and named by a random token that only the uploader's session knows. Nothing is written to
the database before confirmation; the files go when the import is confirmed or cancelled,
when the same session uploads another file, or a day later.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest

from accounts.models import Agency

SESSION_KEY = "exchange_pending_import"
KEEP_SECONDS = 24 * 60 * 60
CODED = "coded"
GLOBALS = "globals"


@dataclass
class PendingImport:
    token: str
    agency_id: int
    filenames: dict[str, str]
    mapping: dict[str, list[str]] = field(default_factory=dict)

    def path(self, part: str) -> Path:
        return _directory() / f"{self.token}-{part}.csv"

    def read(self, part: str) -> bytes | None:
        if part not in self.filenames:
            return None
        try:
            return self.path(part).read_bytes()
        except FileNotFoundError as exc:
            raise Http404("this upload has expired; upload the file again") from exc

    def as_session(self) -> dict[str, Any]:
        return {
            "token": self.token,
            "agency_id": self.agency_id,
            "filenames": self.filenames,
            "mapping": self.mapping,
        }


def _directory() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _sweep() -> None:
    cutoff = time.time() - KEEP_SECONDS
    for path in _directory().glob("*.csv"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:
            continue


def pending_discard(request: HttpRequest) -> None:
    stored = request.session.pop(SESSION_KEY, None)
    if stored:
        pending = PendingImport(**stored)
        for part in pending.filenames:
            pending.path(part).unlink(missing_ok=True)


def pending_create(
    request: HttpRequest, agency: Agency, uploads: dict[str, tuple[str, bytes]]
) -> PendingImport:
    """Keep ``uploads`` ({part: (filename, bytes)}) for this session, replacing any earlier."""
    pending_discard(request)
    directory = _directory()
    directory.mkdir(parents=True, exist_ok=True, mode=0o750)
    _sweep()
    pending = PendingImport(
        token=secrets.token_urlsafe(18),
        agency_id=agency.pk,
        filenames={part: name for part, (name, _data) in uploads.items()},
    )
    for part, (_name, data) in uploads.items():
        path = pending.path(part)
        path.write_bytes(data)
        path.chmod(0o640)
    request.session[SESSION_KEY] = pending.as_session()
    return pending


def pending_get(request: HttpRequest, token: str, agency: Agency) -> PendingImport:
    """This session's pending import with ``token`` in ``agency``; 404 for anything else."""
    stored = request.session.get(SESSION_KEY)
    # Bytes: compare_digest refuses str with characters outside ASCII, which a URL may hold.
    if not stored or not secrets.compare_digest(stored["token"].encode(), token.encode()):
        raise Http404
    pending = PendingImport(**stored)
    if pending.agency_id != agency.pk:
        raise Http404
    return pending


def pending_remember_mapping(request: HttpRequest, mapping: dict[str, list[str]]) -> None:
    stored = dict(request.session[SESSION_KEY])
    stored["mapping"] = mapping
    request.session[SESSION_KEY] = stored
