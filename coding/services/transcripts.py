"""Deleting a transcript, which takes its codings with it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.access import Cap, can
from accounts.models import User
from accounts.services import audit_record
from coding.models import Coding, CodingStatus
from transcripts.models import Transcript


def transcript_delete(
    *, transcript: Transcript, actor: User, submitted_confirmed: bool = False
) -> None:
    """Delete a transcript with its utterances, codings and audio.

    Submitted codings are finished work: deleting them needs an agency admin, who must have
    confirmed their loss explicitly. The codings are locked while they are counted, so one
    submitted meanwhile is either counted or waits for the deletion.
    """
    with transaction.atomic():
        transcript = (
            Transcript.objects.select_for_update()
            .select_related("agency", "practitioner")
            .get(pk=transcript.pk)
        )
        statuses = list(
            Coding.objects.select_for_update()
            .filter(transcript=transcript)
            .values_list("status", flat=True)
        )
        submitted = statuses.count(CodingStatus.SUBMITTED)
        if submitted and not can(actor, transcript.agency_id, Cap.DELETE_SUBMITTED):
            raise PermissionDenied(
                "only an agency admin may delete a transcript with submitted codings"
            )
        if submitted and not submitted_confirmed:
            raise ValidationError(
                f"this transcript has {submitted} submitted coding"
                f"{'' if submitted == 1 else 's'}; confirm that they are deleted too"
            )
        audio = transcript.audio.name
        storage = transcript.audio.storage
        audit_record(
            actor=actor,
            action="transcript.delete",
            agency=transcript.agency,
            target=transcript,
            details={
                "title": transcript.label,
                "practitioner": transcript.practitioner.display_name,
                "utterances": transcript.utterances.count(),
                "codings": len(statuses),
                "submitted_codings": submitted,
                "source": transcript.source_filename,
            },
        )
        transcript.delete()
        if audio:
            transaction.on_commit(lambda: storage.delete(audio))
