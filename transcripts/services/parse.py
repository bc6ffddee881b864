"""Editing the parse before coding begins: split, merge, fix text, change a speaker's role.

Once any coding of a transcript exists its parse is frozen, so that every coder codes the
same units; every edit here checks that under a lock on the transcript.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, Max, Value, When

from accounts.models import User
from accounts.services import audit_record
from transcripts.models import SpeakerRole, Transcript, Utterance
from transcripts.segments import sentence_boundaries
from transcripts.selectors import coding_has_begun, utterances_in_use

PARSE_FROZEN = (
    "Coding of this transcript has begun, so its utterances can no longer be changed: "
    "every coder must code the same units."
)


SEGMENT_FIXED = "Coding of this session has begun, so its coded segment is fixed."


def lock_open_parse(transcript: Transcript) -> Transcript:
    """The transcript, locked for this transaction; ValidationError once its utterances are
    being coded."""
    locked = Transcript.objects.select_for_update().get(pk=transcript.pk)
    if utterances_in_use(locked):
        raise ValidationError(PARSE_FROZEN)
    return locked


def lock_open_segment(transcript: Transcript) -> Transcript:
    """The transcript, locked for this transaction; ValidationError once any coding of the
    session has begun, from the transcript or from the recording."""
    locked = Transcript.objects.select_for_update().get(pk=transcript.pk)
    if coding_has_begun(locked):
        raise ValidationError(SEGMENT_FIXED)
    return locked


def _renumber_after(transcript: Transcript, position: int, delta: int) -> None:
    """Move every utterance after ``position`` by ``delta`` places.

    Positions are unique per transcript and the constraint is checked row by row, so the rows
    first jump above every position in use and then come down to their new places.
    """
    rows = Utterance.objects.filter(transcript=transcript)
    top = rows.aggregate(top=Max("position"))["top"] or 0
    rows.filter(position__gt=position).update(position=F("position") + top + 1)
    rows.filter(position__gt=top).update(position=F("position") - top - 1 + delta)


def _audit(transcript: Transcript, action: str, actor: User | None, **details: object) -> None:
    audit_record(
        actor=actor,
        action=f"transcript.{action}",
        agency=transcript.agency,
        target=transcript,
        details=details,
    )


def _fresh(utterance: Utterance, transcript: Transcript) -> Utterance:
    try:
        return Utterance.objects.get(pk=utterance.pk, transcript=transcript)
    except Utterance.DoesNotExist as exc:
        raise ValidationError("that utterance no longer exists") from exc


def utterance_split(
    *, utterance: Utterance, at: int, actor: User | None = None
) -> tuple[Utterance, Utterance]:
    """Split an utterance where a sentence starts (``at`` is an offset in its text)."""
    with transaction.atomic():
        transcript = lock_open_parse(utterance.transcript)
        utterance = _fresh(utterance, transcript)
        if at not in sentence_boundaries(utterance.text):
            raise ValidationError("an utterance can only be split where a sentence ends")
        first, second = utterance.text[:at].strip(), utterance.text[at:].strip()
        _renumber_after(transcript, utterance.position, 1)
        created = Utterance.objects.create(
            transcript=transcript,
            position=utterance.position + 1,
            speaker_label=utterance.speaker_label,
            speaker_role=utterance.speaker_role,
            text=second,
            start_seconds=None,
            end_seconds=utterance.end_seconds,
        )
        utterance.text = first
        utterance.end_seconds = None
        utterance.save(update_fields=["text", "end_seconds"])
        _audit(transcript, "utterance_split", actor, position=utterance.position)
    return utterance, created


def utterance_merge(*, utterance: Utterance, actor: User | None = None) -> Utterance:
    """Merge an utterance with the next one, which must be the same speaker's."""
    with transaction.atomic():
        transcript = lock_open_parse(utterance.transcript)
        utterance = _fresh(utterance, transcript)
        following = Utterance.objects.filter(
            transcript=transcript, position=utterance.position + 1
        ).first()
        if following is None:
            raise ValidationError("this is the last utterance; nothing follows it to merge")
        if following.speaker_label != utterance.speaker_label:
            raise ValidationError(
                f"only turns of one speaker can be merged; the next utterance is "
                f"{following.speaker_label}'s"
            )
        utterance.text = f"{utterance.text} {following.text}"
        if following.end_seconds is not None:
            utterance.end_seconds = following.end_seconds
        if utterance.start_seconds is None:
            utterance.start_seconds = following.start_seconds
        following.delete()
        utterance.save(update_fields=["text", "start_seconds", "end_seconds"])
        _renumber_after(transcript, following.position, -1)
        _audit(transcript, "utterance_merge", actor, position=utterance.position)
    return utterance


def utterance_text_set(*, utterance: Utterance, text: str, actor: User | None = None) -> Utterance:
    """Correct an utterance's text (a typo, a mis-heard word)."""
    text = " ".join(text.split())
    if not text:
        raise ValidationError("an utterance needs some text; merge it with another instead")
    with transaction.atomic():
        transcript = lock_open_parse(utterance.transcript)
        utterance = _fresh(utterance, transcript)
        utterance.text = text
        utterance.save(update_fields=["text"])
        _audit(transcript, "utterance_edit", actor, position=utterance.position)
    return utterance


def speaker_roles_set(
    *, transcript: Transcript, roles: dict[str, str], actor: User | None = None
) -> int:
    """Give speaker labels new roles; returns how many utterances changed role."""
    invalid = sorted(set(roles.values()) - set(SpeakerRole.values))
    if invalid:
        raise ValidationError(f"unknown speaker role {', '.join(map(repr, invalid))}")
    with transaction.atomic():
        transcript = lock_open_parse(transcript)
        utterances = Utterance.objects.filter(transcript=transcript)
        current: dict[str, set[str]] = {}
        for label, role in utterances.values_list("speaker_label", "speaker_role").distinct():
            current.setdefault(label, set()).add(role)
        unknown = sorted(set(roles) - set(current))
        if unknown:
            raise ValidationError(f"no speaker {', '.join(map(repr, unknown))} in this transcript")
        after = {
            role
            for label, had in current.items()
            for role in ({roles[label]} if label in roles else had)
        }
        if SpeakerRole.PRACTITIONER not in after:
            raise ValidationError("at least one speaker must be the practitioner")
        changes = {label: role for label, role in roles.items() if current[label] != {role}}
        if not changes:
            return 0
        changed = utterances.filter(speaker_label__in=list(changes)).update(
            speaker_role=Case(
                *[When(speaker_label=label, then=Value(role)) for label, role in changes.items()],
                default=F("speaker_role"),
            )
        )
        _audit(transcript, "speaker_roles", actor, roles=changes)
    return changed
