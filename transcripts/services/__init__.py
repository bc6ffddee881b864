"""Every write to transcripts and utterances."""

from transcripts.services.creation import (
    TranscriptDraft,
    default_title,
    transcript_attach,
    transcript_create,
    transcripts_import,
)
from transcripts.services.media import (
    transcript_audio_remove,
    transcript_audio_set,
    transcript_segment_pick,
    transcript_segment_set,
)
from transcripts.services.parse import (
    PARSE_FROZEN,
    speaker_roles_set,
    utterance_merge,
    utterance_split,
    utterance_text_set,
)
from transcripts.services.recordings import audio_session_create, audio_sessions_import
from transcripts.services.records import transcript_update

__all__ = [
    "PARSE_FROZEN",
    "TranscriptDraft",
    "audio_session_create",
    "audio_sessions_import",
    "default_title",
    "speaker_roles_set",
    "transcript_attach",
    "transcript_audio_remove",
    "transcript_audio_set",
    "transcript_create",
    "transcript_segment_pick",
    "transcript_segment_set",
    "transcript_update",
    "transcripts_import",
    "utterance_merge",
    "utterance_split",
    "utterance_text_set",
]
