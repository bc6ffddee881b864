"""The volleys of a coding made from audio: the coder's own units, marked on the recording.

Every write locks the coding's row (coding/services/locks.py) and checks the rules there: a
volley lies inside the coded segment and the recording, and no two volleys of a coding start
at the same instant. Each write is idempotent, so the workspace's offline queue can replay
it: adding a volley that is already there returns it, deleting one that is gone does nothing.
Codes on volleys go through coding/services/codes.py like every other code.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from coding.models import Coding, UtteranceCode, UtteranceNote, Volley, VolleySpeaker
from coding.services.codes import VOLLEY_GONE, volley_codes_write
from coding.services.locks import coding_lock_writable, require_units
from coding.services.workspace import NOTE_MAX_CHARS, note_write
from coding.timing import clock, volley_bounds


def _speaker(value: str) -> str:
    if value not in VolleySpeaker.values:
        raise ValidationError(f"a volley is spoken by the practitioner or the client, not {value}")
    return value


def _volley(coding: Coding, volley_id: int) -> Volley:
    volley = Volley.objects.filter(coding=coding, pk=volley_id).first()
    if volley is None:
        raise ValidationError(VOLLEY_GONE)
    return volley


def _refuse_taken(coding: Coding, start_ms: int, *, but: int | None = None) -> None:
    taken = Volley.objects.filter(coding=coding, start_ms=start_ms).exclude(pk=but).first()
    if taken is not None:
        raise ValidationError(
            f"a {taken.speaker_role} volley already starts at {clock(start_ms)}; "
            "two volleys cannot start at the same instant"
        )


def volley_add(
    *, coding: Coding, start_ms: int, speaker_role: str, end_ms: int | None = None
) -> tuple[Volley, bool]:
    """Mark a volley starting at ``start_ms``; (volley, created). The same volley marked
    again (same instant, same speaker) is returned as it is."""
    require_units(coding, volleys=True)
    _speaker(speaker_role)
    with transaction.atomic():
        coding_lock_writable(coding)
        volley_bounds(coding).check(start_ms, end_ms)
        existing = Volley.objects.filter(coding=coding, start_ms=start_ms).first()
        if existing is not None and existing.speaker_role == speaker_role:
            return existing, False
        _refuse_taken(coding, start_ms)
        volley = Volley.objects.create(
            coding=coding, start_ms=start_ms, end_ms=end_ms, speaker_role=speaker_role
        )
        Coding.objects.filter(pk=coding.pk).update(updated_at=volley.created_at)
        return volley, True


def volley_move(
    *, coding: Coding, volley_id: int, start_ms: int, end_ms: int | None = None
) -> Volley:
    """Move a volley's start (and set its end; None lets it run to the next volley)."""
    require_units(coding, volleys=True)
    with transaction.atomic():
        coding_lock_writable(coding)
        volley = _volley(coding, volley_id)
        volley_bounds(coding).check(start_ms, end_ms)
        _refuse_taken(coding, start_ms, but=volley.pk)
        volley.start_ms, volley.end_ms = start_ms, end_ms
        volley.save(update_fields=["start_ms", "end_ms"])
        return volley


def _next_start(coding: Coding, volley: Volley) -> int | None:
    return (
        Volley.objects.filter(coding=coding, start_ms__gt=volley.start_ms)
        .order_by("start_ms")
        .values_list("start_ms", flat=True)
        .first()
    )


def volley_split(*, coding: Coding, volley_id: int, at_ms: int) -> Volley:
    """Cut a volley in two at ``at_ms``; the second part, by the same speaker and without
    codes, is returned. Splitting again where it was split returns that part."""
    require_units(coding, volleys=True)
    with transaction.atomic():
        coding_lock_writable(coding)
        volley = _volley(coding, volley_id)
        existing = Volley.objects.filter(coding=coding, start_ms=at_ms).first()
        if existing is not None and existing.pk != volley.pk:
            # Split there already: the part right after the volley, by its speaker.
            if (
                existing.speaker_role == volley.speaker_role
                and _next_start(coding, volley) == at_ms
            ):
                return existing
            _refuse_taken(coding, at_ms)
        ends = [v for v in (volley.end_ms, _next_start(coding, volley)) if v is not None]
        end = min(ends) if ends else volley_bounds(coding).end
        if at_ms <= volley.start_ms or (end is not None and at_ms >= end):
            raise ValidationError(
                f"{clock(at_ms)} is not inside the volley that starts at {clock(volley.start_ms)}"
            )
        second = Volley.objects.create(
            coding=coding, start_ms=at_ms, end_ms=volley.end_ms, speaker_role=volley.speaker_role
        )
        if volley.end_ms is not None:
            volley.end_ms = at_ms
            volley.save(update_fields=["end_ms"])
        return second


def volley_merge(*, coding: Coding, volley_id: int, next_id: int) -> Volley:
    """Join ``next_id`` (the following volley, same speaker) onto ``volley_id``: its codes
    join the first volley's under the scheme's rules, all or nothing. Merging again once
    it is gone changes nothing."""
    require_units(coding, volleys=True)
    with transaction.atomic():
        coding_lock_writable(coding)
        volley = _volley(coding, volley_id)
        following = Volley.objects.filter(coding=coding, pk=next_id).first()
        if following is None:
            return volley
        if following.start_ms <= volley.start_ms or (
            Volley.objects.filter(
                coding=coding, start_ms__gt=volley.start_ms, start_ms__lt=following.start_ms
            ).exists()
        ):
            raise ValidationError("only a volley and the one right after it can be merged")
        if following.speaker_role != volley.speaker_role:
            raise ValidationError("a practitioner volley and a client volley cannot be merged")
        codes = list(
            UtteranceCode.objects.filter(coding=coding, volley=following).values_list(
                "code_id", flat=True
            )
        )
        volley_codes_write(coding=coding, wanted=[(volley.pk, code, True) for code in codes])
        _notes_join(coding, volley, following)
        end_ms = following.end_ms
        following.delete()
        if volley.end_ms is not None or end_ms is not None:
            volley.end_ms = end_ms
            volley.save(update_fields=["end_ms"])
        return volley


def volley_note_set(
    *, coding: Coding, volley_id: int, text: str, for_feedback: bool = False
) -> UtteranceNote | None:
    """The coder's note on one of their volleys; empty text removes it. Private to coders
    and supervisors unless ``for_feedback``, as a note on an utterance."""
    require_units(coding, volleys=True)
    return note_write(coding, lambda: {"volley": _volley(coding, volley_id)}, text, for_feedback)


def _notes_join(coding: Coding, volley: Volley, following: Volley) -> None:
    """The note of a volley merged away joins the note of the volley it joins, so no words
    are lost; it stays for feedback if either was."""
    notes = {n.volley_id: n for n in UtteranceNote.objects.filter(volley__in=[volley, following])}
    gone = notes.get(following.pk)
    if gone is None:
        return
    kept = notes.get(volley.pk)
    if kept is None:
        UtteranceNote.objects.filter(pk=gone.pk).update(volley=volley)
        return
    kept.text = f"{kept.text}\n{gone.text}"[:NOTE_MAX_CHARS]
    kept.for_feedback = kept.for_feedback or gone.for_feedback
    kept.save(update_fields=["text", "for_feedback", "updated_at"])
    gone.delete()


def volley_delete(*, coding: Coding, volley_id: int) -> bool:
    """Remove a volley and its codes; True if it was there."""
    require_units(coding, volleys=True)
    with transaction.atomic():
        coding_lock_writable(coding)
        deleted, _ = Volley.objects.filter(coding=coding, pk=volley_id).delete()
        return deleted > 0
