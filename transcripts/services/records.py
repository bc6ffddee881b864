"""A transcript's details, and deleting it."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q

from accounts.models import Practitioner, User
from accounts.services import audit_record
from coding.models import CodingStatus
from transcripts.models import Transcript


def transcript_update(
    *,
    transcript: Transcript,
    practitioner: Practitioner,
    title: str,
    session_date: datetime.date | None,
    target_change: str,
    client_pseudonym: str,
    actor: User | None = None,
) -> Transcript:
    """Change what is known about the session; its utterances are untouched."""
    if practitioner.agency_id != transcript.agency_id:
        raise ValidationError("the practitioner belongs to another agency")
    with transaction.atomic():
        transcript.practitioner = practitioner
        transcript.title = title.strip()
        transcript.session_date = session_date
        transcript.target_change = target_change.strip()
        transcript.client_pseudonym = client_pseudonym.strip()
        transcript.save()
        audit_record(
            actor=actor, action="transcript.update", agency=transcript.agency, target=transcript
        )
    return transcript


def transcript_delete(
    *, transcript: Transcript, submitted_confirmed: bool = False, actor: User | None = None
) -> None:
    """Delete a transcript with its utterances, codings and audio.

    With submitted codings, the caller must have confirmed their loss explicitly.
    """
    counts = transcript.codings.aggregate(
        codings=Count("id"), submitted=Count("id", filter=Q(status=CodingStatus.SUBMITTED))
    )
    if counts["submitted"] and not submitted_confirmed:
        raise ValidationError(
            f"this transcript has {counts['submitted']} submitted coding"
            f"{'' if counts['submitted'] == 1 else 's'}; confirm that they are deleted too"
        )
    audio = transcript.audio.name
    storage = transcript.audio.storage
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="transcript.delete",
            agency=transcript.agency,
            target=transcript,
            details={
                "title": transcript.label,
                "practitioner": transcript.practitioner.display_name,
                "utterances": transcript.utterances.count(),
                "codings": counts["codings"],
                "submitted_codings": counts["submitted"],
                "source": transcript.source_filename,
            },
        )
        transcript.delete()
        if audio:
            transaction.on_commit(lambda: storage.delete(audio))
