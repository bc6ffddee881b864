"""What is known about a session: its practitioner, title, date, target and client."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Practitioner, User
from accounts.services import audit_record
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
