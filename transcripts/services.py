import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Agency, Practitioner, User
from accounts.services import audit_record
from transcripts.models import SourceFormat, SpeakerRole, Transcript, Utterance
from transcripts.parsers.base import Turn, merge_volleys


def transcript_create(
    *,
    agency: Agency,
    practitioner: Practitioner,
    turns: list[Turn],
    speaker_roles: dict[str, str],
    title: str = "",
    session_date: datetime.date | None = None,
    target_change: str = "",
    client_pseudonym: str = "",
    source_filename: str = "",
    source_format: str = SourceFormat.MANUAL,
    actor: User | None = None,
) -> Transcript:
    """Store a parsed transcript: consecutive turns of one speaker become one utterance.

    ``speaker_roles`` maps each speaker label to practitioner, client or other; a label
    without a role is refused so that nothing is stored half-mapped.
    """
    if practitioner.agency_id != agency.pk:
        raise ValidationError("the practitioner belongs to another agency")
    volleys = merge_volleys([turn for turn in turns if turn.text.strip()])
    if not volleys:
        raise ValidationError("the transcript has no utterances")
    unmapped = sorted({turn.speaker for turn in volleys} - set(speaker_roles))
    if unmapped:
        raise ValidationError(f"no role chosen for speaker {', '.join(map(repr, unmapped))}")
    invalid = sorted(set(speaker_roles.values()) - set(SpeakerRole.values))
    if invalid:
        raise ValidationError(f"unknown speaker role {', '.join(map(repr, invalid))}")
    with transaction.atomic():
        transcript = Transcript.objects.create(
            agency=agency,
            practitioner=practitioner,
            title=title,
            session_date=session_date,
            target_change=target_change,
            client_pseudonym=client_pseudonym,
            source_filename=source_filename,
            source_format=source_format,
            created_by=actor,
        )
        Utterance.objects.bulk_create(
            [
                Utterance(
                    transcript=transcript,
                    position=position,
                    speaker_label=turn.speaker,
                    speaker_role=speaker_roles[turn.speaker],
                    text=turn.text.strip(),
                    start_seconds=turn.start,
                    end_seconds=turn.end,
                )
                for position, turn in enumerate(volleys, start=1)
            ],
            batch_size=500,
        )
        audit_record(
            actor=actor,
            action="transcript.create",
            agency=agency,
            target=transcript,
            details={"utterances": len(volleys), "source": source_filename},
        )
    return transcript
