"""A session's audio and the segment of it that is coded."""

import random

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction

from accounts.models import User
from accounts.services import audit_record
from transcripts.audio import audio_check
from transcripts.models import Transcript
from transcripts.segments import random_audio_segment, random_segment
from transcripts.selectors import timeline_of
from transcripts.services.parse import lock_open_segment


def _delete_file_after_commit(transcript: Transcript, name: str) -> None:
    storage = transcript.audio.storage
    transaction.on_commit(lambda: storage.delete(name))


def transcript_audio_set(
    *, transcript: Transcript, file: File, actor: User | None = None
) -> Transcript:
    """Attach (or replace) the session's audio, checked by size and content first."""
    kind = audio_check(file)
    previous = transcript.audio.name
    transcript.audio.save(f"transcript-{transcript.pk}.{kind}", file, save=False)
    stored = transcript.audio.name
    try:
        with transaction.atomic():
            transcript.save(update_fields=["audio", "updated_at"])
            audit_record(
                actor=actor,
                action="transcript.audio_set",
                agency=transcript.agency,
                target=transcript,
                details={"file": stored, "bytes": file.size},
            )
            if previous:
                _delete_file_after_commit(transcript, previous)
    except Exception:
        transcript.audio.storage.delete(stored)
        transcript.audio.name = previous
        raise
    return transcript


def transcript_audio_remove(*, transcript: Transcript, actor: User | None = None) -> Transcript:
    previous = transcript.audio.name
    if not previous:
        return transcript
    with transaction.atomic():
        transcript.audio = ""
        transcript.save(update_fields=["audio", "updated_at"])
        audit_record(
            actor=actor,
            action="transcript.audio_remove",
            agency=transcript.agency,
            target=transcript,
        )
        _delete_file_after_commit(transcript, previous)
    return transcript


def transcript_segment_set(
    *,
    transcript: Transcript,
    start: float | None,
    end: float | None,
    actor: User | None = None,
    seed: int | None = None,
) -> Transcript:
    """Set the coded segment (None for the session's start or end). Like the parse, the
    segment is fixed once coding has begun."""
    if start is not None and start < 0:
        raise ValidationError("the segment cannot start before the session")
    if start is not None and end is not None and end <= start:
        raise ValidationError("the segment must end after it starts")
    seconds = transcript.audio_seconds
    if seconds is not None and start is not None and start >= seconds:
        raise ValidationError("the segment cannot start after the recording ends")
    with transaction.atomic():
        locked = lock_open_segment(transcript)
        locked.segment_start, locked.segment_end = start, end
        locked.save(update_fields=["segment_start", "segment_end", "updated_at"])
        audit_record(
            actor=actor,
            action="transcript.segment_set",
            agency=locked.agency,
            target=locked,
            details={"start": start, "end": end} | ({"seed": seed} if seed is not None else {}),
        )
    transcript.segment_start, transcript.segment_end = start, end
    return transcript


def transcript_segment_pick(
    *,
    transcript: Transcript,
    rng: random.Random | None = None,
    seed: int | None = None,
    actor: User | None = None,
) -> Transcript:
    """A random 20 minutes, beginning where an utterance begins (the MITI recommendation);
    the whole session when it is no longer than that. A session known only by its
    recording starts the segment at a whole second of it. ``seed`` (kept in the audit log)
    makes the draw repeatable."""
    if seed is not None:
        rng = random.Random(seed)  # noqa: S311 (a sample, not a secret)
    if transcript.is_audio_only and transcript.audio_seconds:
        segment = random_audio_segment(transcript.audio_seconds, rng or random.SystemRandom())
        start, end = segment if segment is not None else (None, None)
        return transcript_segment_set(
            transcript=transcript, start=start, end=end, actor=actor, seed=seed
        )
    timeline = timeline_of(transcript)
    if not timeline.has_times or not timeline.starts:
        raise ValidationError(
            "this transcript has no times, so no segment can be picked; set one by hand"
        )
    segment = random_segment(timeline.starts, timeline.last, rng or random.SystemRandom())
    start, end = segment if segment is not None else (None, None)
    return transcript_segment_set(
        transcript=transcript, start=start, end=end, actor=actor, seed=seed
    )
