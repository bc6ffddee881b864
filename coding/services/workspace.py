"""Writes of the coding workspace: one code, one note or the coding's notes at a time.

The workspace saves every keystroke, so these work by id and keep each save to one or two
statements. Setting and clearing are idempotent (never a toggle), so two open tabs or a
replayed offline queue cannot undo each other.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from coding.models import Code, Coding, Dimension, DimensionSpeaker, UtteranceCode, UtteranceNote
from coding.services.codings import _check_speaker, _require_open, _single_code_message
from transcripts.models import Utterance

NOTE_MAX_CHARS = 5000


@dataclass(frozen=True)
class CodeChange:
    utterance_id: int
    code_id: int
    present: bool
    changed: bool


def _touch(coding: Coding) -> None:
    Coding.objects.filter(pk=coding.pk).update(updated_at=timezone.now())


def _quoted(model: type) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _insert_if_allowed(coding: Coding, utterance_id: int, code_id: int) -> bool:
    """Insert the code in one statement, only where the scheme allows it; True if inserted.

    The SELECT yields a row only for an utterance of this transcript, a code of this scheme
    and a speaker the code's dimension accepts; ON CONFLICT DO NOTHING leaves a code already
    there, or a second code in a single-code dimension, to the database's named constraints.
    One statement keeps the check and the write atomic without a savepoint.
    """
    sql = (
        f"INSERT INTO {_quoted(UtteranceCode)} "  # noqa: S608 (table names from model meta)
        "(coding_id, utterance_id, code_id, dimension_id, exclusive, created_at) "
        "SELECT %s, u.id, c.id, c.dimension_id, NOT d.multiple, %s "
        f"FROM {_quoted(Utterance)} u, {_quoted(Code)} c "
        f"INNER JOIN {_quoted(Dimension)} d ON d.id = c.dimension_id "
        "WHERE u.id = %s AND u.transcript_id = %s AND c.id = %s AND c.scheme_id = %s "
        "AND (d.speaker = %s OR d.speaker = u.speaker_role) "
        "ON CONFLICT DO NOTHING"
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = [
        coding.pk,
        now,
        utterance_id,
        coding.transcript_id,
        code_id,
        coding.scheme_id,
        DimensionSpeaker.ANY.value,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount == 1


def _delete(coding: Coding, utterance_id: int, code_id: int) -> bool:
    """Remove the code in one statement; True if it was there. (QuerySet.delete() would add a
    BEGIN and COMMIT around it on SQLite, half again the cost of a save.)"""
    sql = (
        f"DELETE FROM {_quoted(UtteranceCode)} "  # noqa: S608 (table name from model meta)
        "WHERE coding_id = %s AND utterance_id = %s AND code_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [coding.pk, utterance_id, code_id])
        return cursor.rowcount > 0


def _why_not_inserted(coding: Coding, utterance_id: int, code_id: int) -> None:
    """Raise the rule that refused the insert; return quietly if the code was already there."""
    code = (
        Code.objects.select_related("dimension")
        .filter(pk=code_id, scheme_id=coding.scheme_id)
        .annotate(
            utterance_role=Subquery(
                Utterance.objects.filter(
                    pk=utterance_id, transcript_id=coding.transcript_id
                ).values("speaker_role")[:1]
            ),
            other=Subquery(
                UtteranceCode.objects.filter(
                    coding_id=coding.pk,
                    utterance_id=utterance_id,
                    dimension_id=OuterRef("dimension_id"),
                )
                .exclude(code_id=OuterRef("pk"))
                .values("code__abbreviation")[:1]
            ),
        )
        .first()
    )
    if code is None:
        raise ValidationError(f"that code is not part of {coding.scheme.name}")
    if code.utterance_role is None:
        raise ValidationError("that utterance is not part of this transcript")
    _check_speaker(code, code.utterance_role)
    if code.other and not code.dimension.multiple:
        raise ValidationError(_single_code_message(code, code.other))


def utterance_code_put(
    *, coding: Coding, utterance_id: int, code_id: int, present: bool
) -> CodeChange:
    """Make ``code_id`` present on (or absent from) ``utterance_id``, whatever it was before.

    Refuses a submitted coding, a code of another scheme or dimension speaker, and a second
    code in a single-code dimension, with a message naming the rule.
    """
    _require_open(coding)
    if present:
        changed = _insert_if_allowed(coding, utterance_id, code_id)
        if not changed:
            _why_not_inserted(coding, utterance_id, code_id)
    else:
        changed = _delete(coding, utterance_id, code_id)
    if changed:
        _touch(coding)
    return CodeChange(utterance_id=utterance_id, code_id=code_id, present=present, changed=changed)


def utterance_note_set(*, coding: Coding, utterance: Utterance, text: str) -> UtteranceNote | None:
    """The coder's note on one utterance; empty text removes it."""
    _require_open(coding)
    if utterance.transcript_id != coding.transcript_id:
        raise ValidationError("that utterance is not part of this transcript")
    text = text.strip()
    if len(text) > NOTE_MAX_CHARS:
        raise ValidationError(f"a note holds at most {NOTE_MAX_CHARS} characters")
    if not text:
        UtteranceNote.objects.filter(coding=coding, utterance=utterance).delete()
        _touch(coding)
        return None
    note, _ = UtteranceNote.objects.update_or_create(
        coding=coding, utterance=utterance, defaults={"text": text}
    )
    _touch(coding)
    return note


def coding_notes_set(*, coding: Coding, text: str) -> Coding:
    """The coder's notes on the whole session, shown on the feedback page."""
    _require_open(coding)
    text = text.strip()
    if len(text) > NOTE_MAX_CHARS:
        raise ValidationError(f"the notes hold at most {NOTE_MAX_CHARS} characters")
    coding.notes = text
    coding.save(update_fields=["notes", "updated_at"])
    return coding
