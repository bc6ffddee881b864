"""The coder's notes in the workspace: on one utterance, or on the whole session.

Codes are written by coding/services/codes.py; like them, a note is written only while the
coding is open, checked under the coding's lock.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coding.models import Coding, UtteranceNote
from coding.services.locks import coding_lock_writable, require_units, require_writable
from transcripts.models import Utterance

NOTE_MAX_CHARS = 5000


def utterance_note_set(
    *, coding: Coding, utterance: Utterance, text: str, for_feedback: bool = False
) -> UtteranceNote | None:
    """The coder's note on one utterance; empty text removes it. The note stays with the
    coders and supervisors unless ``for_feedback``: only then does the practitioner see it."""
    require_units(coding, volleys=False)
    if utterance.transcript_id != coding.transcript_id:
        raise ValidationError("that utterance is not part of this transcript")
    return note_write(coding, lambda: {"utterance": utterance}, text, for_feedback)


def note_write(
    coding: Coding,
    unit: Callable[[], dict[str, Any]],
    text: str,
    for_feedback: bool,
) -> UtteranceNote | None:
    """Set (or with empty text remove) the note on one unit of ``coding``, under the
    coding's lock; ``unit`` names the unit ({"utterance": …} or {"volley": …}) and runs
    under the lock, so it may check that the unit is still there."""
    text = text.strip()
    if len(text) > NOTE_MAX_CHARS:
        raise ValidationError(f"a note holds at most {NOTE_MAX_CHARS} characters")
    with transaction.atomic():
        coding_lock_writable(coding)
        named = unit()
        Coding.objects.filter(pk=coding.pk).update(updated_at=timezone.now())
        notes = UtteranceNote.objects.filter(coding=coding, **named)
        if not text:
            notes.delete()
            return None
        if notes.update(text=text, for_feedback=for_feedback, updated_at=timezone.now()):
            return notes.get()
        return UtteranceNote.objects.create(
            coding=coding, text=text, for_feedback=for_feedback, **named
        )


def coding_notes_set(*, coding: Coding, text: str) -> Coding:
    """The coder's notes on the whole session, shown on the feedback page."""
    require_writable(coding)
    text = text.strip()
    if len(text) > NOTE_MAX_CHARS:
        raise ValidationError(f"the notes hold at most {NOTE_MAX_CHARS} characters")
    with transaction.atomic():
        coding_lock_writable(coding)
        coding.notes = text
        coding.save(update_fields=["notes", "updated_at"])
    return coding
