"""The coder's notes in the workspace: on one utterance, or on the whole session.

Codes are written by coding/services/codes.py; like them, a note is written only while the
coding is open, checked under the coding's lock.
"""

from __future__ import annotations

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
    text = text.strip()
    if len(text) > NOTE_MAX_CHARS:
        raise ValidationError(f"a note holds at most {NOTE_MAX_CHARS} characters")
    with transaction.atomic():
        coding_lock_writable(coding)
        Coding.objects.filter(pk=coding.pk).update(updated_at=timezone.now())
        notes = UtteranceNote.objects.filter(coding=coding, utterance=utterance)
        if not text:
            notes.delete()
            return None
        if notes.update(text=text, for_feedback=for_feedback, updated_at=timezone.now()):
            return notes.get()
        return UtteranceNote.objects.create(
            coding=coding, utterance=utterance, text=text, for_feedback=for_feedback
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
