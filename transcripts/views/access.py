from django.http import HttpRequest

from accounts.access import Cap, require
from transcripts.models import Transcript
from workflow.visibility import get_transcript_for_user


def managed_transcript(request: HttpRequest, pk: int) -> Transcript:
    """A transcript the user may see (else 404) and manage (else 403)."""
    transcript = get_transcript_for_user(request.user, pk)
    require(request.user, transcript.agency_id, Cap.MANAGE_TRANSCRIPTS)
    return transcript
