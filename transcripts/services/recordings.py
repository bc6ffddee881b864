"""Sessions known by their recording alone, coded straight from the audio."""

import datetime

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction

from accounts.models import Agency, Practitioner, User
from accounts.services import audit_record
from transcripts.audio import audio_check, audio_duration, recordings_of
from transcripts.models import SourceFormat, Transcript
from transcripts.services.creation import default_title


def audio_session_create(
    *,
    agency: Agency,
    practitioner: Practitioner,
    file: File,
    title: str = "",
    session_date: datetime.date | None = None,
    target_change: str = "",
    client_pseudonym: str = "",
    actor: User | None = None,
) -> Transcript:
    """Store one recording as a session without a transcript, its length read from the
    file. A file that is not audio, cannot be read or lasts no time is refused, naming the
    file, and nothing is stored."""
    if practitioner.agency_id != agency.pk:
        raise ValidationError("the practitioner belongs to another agency")
    name = (file.name or "recording").replace("\\", "/").rsplit("/", 1)[-1]
    kind = audio_check(file)
    seconds = audio_duration(file, kind)
    stored = ""
    try:
        with transaction.atomic():
            transcript = Transcript.objects.create(
                agency=agency,
                practitioner=practitioner,
                title=(title.strip() or default_title(name))[:200],
                session_date=session_date,
                target_change=target_change.strip()[:200],
                client_pseudonym=client_pseudonym.strip()[:100],
                source_filename=name[-255:],
                source_format=SourceFormat.AUDIO,
                audio_seconds=seconds,
                created_by=actor,
            )
            transcript.audio.save(f"transcript-{transcript.pk}.{kind}", file, save=False)
            stored = transcript.audio.name
            transcript.save(update_fields=["audio"])
            audit_record(
                actor=actor,
                action="transcript.create",
                agency=agency,
                target=transcript,
                details={"source": name, "audio_seconds": seconds, "file": stored},
            )
    except Exception:
        if stored:
            Transcript.audio.field.storage.delete(stored)
        raise
    return transcript


def audio_sessions_import(
    *,
    agency: Agency,
    practitioner: Practitioner,
    files: list[File],
    session_date: datetime.date | None = None,
    target_change: str = "",
    client_pseudonym: str = "",
    actor: User | None = None,
) -> list[Transcript]:
    """Store several recordings, or zips of them: all of them, or on any error none (every
    error names the file at fault)."""
    if not files:
        raise ValidationError("there is nothing to import")
    created: list[Transcript] = []
    try:
        with recordings_of(files) as recordings, transaction.atomic():
            for file in recordings:
                created.append(
                    audio_session_create(
                        agency=agency,
                        practitioner=practitioner,
                        file=file,
                        session_date=session_date,
                        target_change=target_change,
                        client_pseudonym=client_pseudonym,
                        actor=actor,
                    )
                )
    except Exception:
        for transcript in created:
            Transcript.audio.field.storage.delete(transcript.audio.name)
        raise
    return created
