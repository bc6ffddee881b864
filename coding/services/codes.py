"""Writing utterance codes: one path for the workspace's save, set, clear and the bulk add.

Each write reads what the rules need (the utterance's speaker and the codes already on it),
asks ``code_refusal`` (coding/services/rules.py), and writes only what changes. Setting and
clearing are idempotent, never a toggle, so two open tabs or a replayed offline queue cannot
undo each other.

A single change (the workspace saves every keystroke) is written by one statement that locks
the coding's row and re-checks that the coding is still open as part of the write itself, so
it needs no BEGIN and COMMIT around it: a submit holding the lock makes it wait and then
refuse. Several changes at once are written in one transaction that locks the row first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from coding.models import Code, Coding, CodingStatus, UtteranceCode, Volley
from coding.services.locks import (
    coding_lock_writable,
    coding_refresh,
    require_units,
    require_writable,
)
from coding.services.rules import SchemeCodes, code_refusal, scheme_codes
from transcripts.models import Utterance

# How often a single save re-reads and retries when another save changed the same utterance
# between its read and its write (the database's constraints refused the write).
_RETRIES = 3
_BATCH = 500


@dataclass(frozen=True)
class CodeChange:
    """One wanted change and whether it changed anything; ``utterance_id`` is the unit's id,
    a volley's in a coding made from audio."""

    utterance_id: int
    code_id: int
    present: bool
    changed: bool


@dataclass(frozen=True)
class _Plan:
    changes: list[CodeChange]
    inserts: list[Code]
    insert_utterances: list[int]
    deletes: list[tuple[int, int]]


def _lock_clause() -> str:
    return connection.ops.for_update_sql() if connection.features.has_select_for_update else ""


def _quoted(model: type) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _present_codes(coding: Coding, utterance_ids: set[int]) -> dict[int, tuple[str, set[int]]]:
    """{utterance id: (speaker role, ids of the codes on it in this coding)}, for the
    utterances of this coding's transcript among ``utterance_ids``, in one query. (Plain SQL:
    the ORM would spend more time building this than the database spends answering it.)"""
    ids = sorted(utterance_ids)
    rows = []
    with connection.cursor() as cursor:
        for start in range(0, len(ids), _BATCH):
            batch = ids[start : start + _BATCH]
            cursor.execute(
                "SELECT u.id, u.speaker_role, uc.code_id "  # noqa: S608 (names from model meta)
                f"FROM {_quoted(Utterance)} u LEFT JOIN {_quoted(UtteranceCode)} uc "
                "ON uc.utterance_id = u.id AND uc.coding_id = %s "
                f"WHERE u.transcript_id = %s AND u.id IN ({', '.join(['%s'] * len(batch))})",
                [coding.pk, coding.transcript_id, *batch],
            )
            rows += cursor.fetchall()
    state: dict[int, tuple[str, set[int]]] = {}
    for utterance_id, role, code_id in rows:
        _, codes = state.setdefault(utterance_id, (role, set()))
        if code_id is not None:
            codes.add(code_id)
    return state


def _plan(
    coding: Coding,
    scheme: SchemeCodes,
    state: dict[int, tuple[str, set[int]]],
    wanted: Sequence[tuple[int, int, bool]],
    missing: str = "that utterance is not part of this transcript",
) -> _Plan:
    """Check each wanted (unit, code, present) in order against the rules; the net
    inserts and deletes that bring the codes there. Raises the first refusal, or
    ``missing`` for a unit that is not in ``state``."""
    before = {u: set(codes) for u, (_, codes) in state.items()}
    changes = []
    for utterance_id, code_id, present in wanted:
        code = scheme.get(code_id)
        if code is None:
            raise ValidationError(f"that code is not part of {coding.scheme.name}")
        if utterance_id not in state:
            raise ValidationError(missing)
        role, codes = state[utterance_id]
        changed = (code_id in codes) != present
        if changed and present:
            refusal = code_refusal(code, role, [scheme.codes[c] for c in codes])
            if refusal is not None:
                raise ValidationError(refusal)
            codes.add(code_id)
        elif changed:
            codes.discard(code_id)
        changes.append(CodeChange(utterance_id, code_id, present, changed))
    inserts, insert_utterances, deletes = [], [], []
    for utterance_id, (_, codes) in state.items():
        for code_id in sorted(codes - before[utterance_id]):
            inserts.append(scheme.codes[code_id])
            insert_utterances.append(utterance_id)
        deletes += [(utterance_id, code_id) for code_id in sorted(before[utterance_id] - codes)]
    return _Plan(changes, inserts, insert_utterances, deletes)


def _insert_while_open(coding: Coding, utterance_id: int, code: Code) -> bool:
    """Insert one code if the coding is still open, locking its row for the statement (for
    the transaction, inside one); True if inserted. A code already there, or a second code
    in a single-code dimension saved meanwhile by another tab, is left to the database's
    named constraints (ON CONFLICT DO NOTHING)."""
    sql = (
        f"INSERT INTO {_quoted(UtteranceCode)} "  # noqa: S608 (names from model meta)
        "(coding_id, utterance_id, code_id, dimension_id, exclusive, created_at) "
        f"SELECT c.id, %s, %s, %s, %s, %s FROM {_quoted(Coding)} c "
        f"WHERE c.id = %s AND c.status = %s {_lock_clause()} "
        "ON CONFLICT DO NOTHING"
    )
    params = [
        utterance_id,
        code.pk,
        code.dimension_id,
        not code.dimension.multiple,
        connection.ops.adapt_datetimefield_value(timezone.now()),
        coding.pk,
        CodingStatus.IN_PROGRESS.value,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount == 1


def _delete_while_open(coding: Coding, utterance_id: int, code_id: int) -> bool:
    """Remove one code if the coding is still open, locking its row as above; True if it
    was there. (QuerySet.delete() would add a BEGIN and COMMIT on SQLite.)"""
    sql = (
        f"DELETE FROM {_quoted(UtteranceCode)} "  # noqa: S608 (names from model meta)
        "WHERE coding_id = %s AND utterance_id = %s AND code_id = %s AND coding_id IN "
        f"(SELECT c.id FROM {_quoted(Coding)} c WHERE c.id = %s AND c.status = %s "
        f"{_lock_clause()})"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [coding.pk, utterance_id, code_id, coding.pk, CodingStatus.IN_PROGRESS.value]
        )
        return cursor.rowcount > 0


def _touch(coding: Coding) -> None:
    """Mark the coding as worked on (the queue lists the latest first), if still open."""
    sql = (
        f"UPDATE {_quoted(Coding)} SET updated_at = %s "  # noqa: S608 (name from model meta)
        "WHERE id = %s AND status = %s"
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, coding.pk, CodingStatus.IN_PROGRESS.value])


def _write_one(
    coding: Coding, scheme: SchemeCodes, change: tuple[int, int, bool], *, adjudicating: bool
) -> CodeChange:
    utterance_id, code_id, present = change
    for _ in range(_RETRIES):
        plan = _plan(coding, scheme, _present_codes(coding, {utterance_id}), [change])
        if plan.inserts:
            written = _insert_while_open(coding, utterance_id, plan.inserts[0])
        elif plan.deletes:
            written = _delete_while_open(coding, utterance_id, code_id)
        else:
            return plan.changes[0]
        if written:
            _touch(coding)
            return plan.changes[0]
        # Nothing written: the coding was submitted meanwhile, or another save changed this
        # utterance between the read and the write. Say which, or read again.
        coding_refresh(coding)
        require_writable(coding, adjudicating=adjudicating)
    raise ValidationError("this utterance keeps changing in another window; try again")


def _write_many(
    coding: Coding, scheme: SchemeCodes, wanted: Sequence[tuple[int, int, bool]]
) -> list[CodeChange]:
    """Under the coding's lock (taken by the caller)."""
    plan = _plan(coding, scheme, _present_codes(coding, {u for u, _, _ in wanted}), wanted)
    if _apply(coding, plan, "utterance_id"):
        Coding.objects.filter(pk=coding.pk).update(updated_at=timezone.now())
    return plan.changes


def _apply(coding: Coding, plan: _Plan, unit: str) -> bool:
    """Delete and insert what ``plan`` says, on the units named by ``unit`` (``utterance_id``
    or ``volley_id``); whether anything changed."""
    if plan.deletes:
        condition = Q()
        for unit_id, code_id in plan.deletes:
            condition |= Q(**{unit: unit_id, "code_id": code_id})
        UtteranceCode.objects.filter(condition, coding=coding).delete()
    if plan.inserts:
        UtteranceCode.objects.bulk_create(
            [
                UtteranceCode(
                    coding=coding,
                    code=code,
                    dimension_id=code.dimension_id,
                    exclusive=not code.dimension.multiple,
                    **{unit: unit_id},
                )
                for unit_id, code in zip(plan.insert_utterances, plan.inserts, strict=True)
            ],
            batch_size=_BATCH,
        )
    return bool(plan.deletes or plan.inserts)


def _guarded_by_lock(scheme: SchemeCodes, change: tuple[int, int, bool]) -> bool:
    """Whether setting this code must hold the coding's lock from the read to the write: a
    code with partners it excludes (SR and CR) has no database constraint behind the rule,
    so a second tab's partner must not slip in between the check and the insert."""
    _, code_id, present = change
    code = scheme.get(code_id)
    return present and code is not None and bool(scheme.partners(code))


def codes_write(
    *, coding: Coding, wanted: Sequence[tuple[int, int, bool]], adjudicating: bool = False
) -> list[CodeChange]:
    """The one write path for utterance codes: make each (utterance id, code id, present)
    so, in order, all or nothing. Refuses a coding that is not open to the writer (see
    ``require_writable``), an utterance of another transcript, a code of another scheme and
    whatever ``code_refusal`` refuses, with a message naming the rule."""
    require_units(coding, volleys=False, adjudicating=adjudicating)
    scheme = scheme_codes(coding.scheme)
    if len(wanted) == 1 and not _guarded_by_lock(scheme, wanted[0]):
        return [_write_one(coding, scheme, wanted[0], adjudicating=adjudicating)]
    with transaction.atomic():
        coding_lock_writable(coding, adjudicating=adjudicating)
        return _write_many(coding, scheme, wanted)


VOLLEY_GONE = "that volley is not part of this coding (deleted meanwhile?)"


def _volley_state(coding: Coding, volley_ids: set[int]) -> dict[int, tuple[str, set[int]]]:
    """{volley id: (speaker role, ids of its codes)} for this coding's volleys among
    ``volley_ids``, in two queries."""
    state: dict[int, tuple[str, set[int]]] = {
        pk: (role, set())
        for pk, role in Volley.objects.filter(coding=coding, pk__in=volley_ids).values_list(
            "pk", "speaker_role"
        )
    }
    for volley_id, code_id in UtteranceCode.objects.filter(
        coding=coding, volley_id__in=list(state)
    ).values_list("volley_id", "code_id"):
        state[volley_id][1].add(code_id)
    return state


def volley_codes_write(
    *, coding: Coding, wanted: Sequence[tuple[int, int, bool]]
) -> list[CodeChange]:
    """The write path for the codes on a coding's volleys (a coding made from audio): make
    each (volley id, code id, present) so, in order, all or nothing, under the coding's lock
    and the same rules as utterance codes."""
    require_units(coding, volleys=True)
    scheme = scheme_codes(coding.scheme)
    with transaction.atomic():
        coding_lock_writable(coding)
        state = _volley_state(coding, {volley for volley, _, _ in wanted})
        plan = _plan(coding, scheme, state, wanted, missing=VOLLEY_GONE)
        if _apply(coding, plan, "volley_id"):
            _touch(coding)
        return plan.changes


def volley_code_put(*, coding: Coding, volley_id: int, code_id: int, present: bool) -> CodeChange:
    """Make ``code_id`` present on (or absent from) one volley, whatever it was before."""
    (change,) = volley_codes_write(coding=coding, wanted=[(volley_id, code_id, present)])
    return change


def utterance_code_put(
    *, coding: Coding, utterance_id: int, code_id: int, present: bool
) -> CodeChange:
    """Make ``code_id`` present on (or absent from) ``utterance_id``, whatever it was before.

    The workspace's save: it works by id and costs one read and one write (and one more to
    mark the coding as worked on) when something changes, a read when nothing does.
    """
    (change,) = codes_write(coding=coding, wanted=[(utterance_id, code_id, present)])
    return change


def utterance_code_set(*, coding: Coding, utterance: Utterance, code: Code) -> bool:
    """Put ``code`` on ``utterance``; True if it was not there before."""
    return utterance_code_put(
        coding=coding, utterance_id=utterance.pk, code_id=code.pk, present=True
    ).changed


def utterance_code_clear(*, coding: Coding, utterance: Utterance, code: Code) -> bool:
    """Remove ``code`` from ``utterance``; True if it was there."""
    return utterance_code_put(
        coding=coding, utterance_id=utterance.pk, code_id=code.pk, present=False
    ).changed


def utterance_codes_add(*, coding: Coding, pairs: Sequence[tuple[Utterance, Code]]) -> int:
    """Put many codes at once, under the same rules, in a fixed number of queries; all or
    nothing. Codes already there stay as they are. Returns how many were added."""
    if not pairs:
        return 0
    changes = codes_write(
        coding=coding,
        wanted=[(utterance.pk, code.pk, True) for utterance, code in pairs],
    )
    return sum(change.changed for change in changes)
