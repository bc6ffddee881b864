"""Who may write to a coding right now, checked against its row as it is in the database.

Every write to a coding (codes, globals, notes, submit, reopen, adjudication, gold) first
locks the coding's row and re-reads its state in the same transaction: a submit racing a save
from another tab then waits for it or refuses it, and never sees a state that is about to
change. On PostgreSQL the row lock does this; on SQLite transactions start IMMEDIATE (see
settings), so writers take turns anyway.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from coding.models import Coding, CodingKind, CodingStatus

SUBMITTED_MESSAGE = "this coding is submitted; ask a supervisor to reopen it"
CONSENSUS_MESSAGE = "a consensus coding changes only through its adjudication"
GONE_MESSAGE = "this coding no longer exists"


class CodingLocked(ValidationError):
    """The coding is not open to this write: it is submitted, it is a consensus and the
    write does not come from its adjudication, or it is gone."""


def require_writable(coding: Coding, *, adjudicating: bool = False) -> None:
    """Refuse a write to a submitted coding; refuse a consensus to anyone but its
    adjudication (``adjudicating``), and refuse the adjudication's path any other coding."""
    if adjudicating and coding.kind != CodingKind.CONSENSUS:
        raise ValidationError("this is not a consensus coding")
    if not adjudicating and coding.kind == CodingKind.CONSENSUS:
        raise CodingLocked(CONSENSUS_MESSAGE)
    if coding.status == CodingStatus.SUBMITTED:
        raise CodingLocked(SUBMITTED_MESSAGE)


def require_units(coding: Coding, *, volleys: bool, adjudicating: bool = False) -> None:
    """``require_writable``, and that the write codes the coding's own kind of unit: the
    volleys its coder marked from the recording (``volleys``), or the transcript's
    utterances. A session may have both once a transcript is attached to it later; one
    coding never mixes them."""
    require_writable(coding, adjudicating=adjudicating)
    if volleys and not coding.is_from_audio:
        raise ValidationError("this coding codes the transcript's utterances, not volleys")
    if not volleys and coding.is_from_audio:
        raise ValidationError(
            "this coding was made from the recording: it codes its own volleys, not the "
            "transcript's utterances"
        )


def coding_refresh(coding: Coding, *, lock: bool = False) -> Coding:
    """Read ``coding``'s state (status, kind, submitted_at) again from its row, locking the
    row until the transaction ends if ``lock``. A coding deleted meanwhile (its transcript
    was) is refused like a locked one."""
    rows = Coding.objects.filter(pk=coding.pk)
    if lock:
        rows = rows.select_for_update()
    state = rows.values_list("status", "kind", "submitted_at").first()
    if state is None:
        raise CodingLocked(GONE_MESSAGE)
    coding.status, coding.kind, coding.submitted_at = state
    return coding


def coding_lock(coding: Coding) -> Coding:
    """Lock the coding's row until the transaction ends and refresh ``coding``'s state from
    it. Call inside ``transaction.atomic``."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("coding_lock needs a transaction to hold the lock")
    return coding_refresh(coding, lock=True)


def coding_lock_writable(coding: Coding, *, adjudicating: bool = False) -> Coding:
    """``coding_lock``, then ``require_writable`` on the state just read."""
    coding_lock(coding)
    require_writable(coding, adjudicating=adjudicating)
    return coding
