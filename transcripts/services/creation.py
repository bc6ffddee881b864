import datetime
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Agency, Practitioner, User
from accounts.services import audit_record
from transcripts.models import SourceFormat, SpeakerRole, Transcript, Utterance
from transcripts.parsers.base import ParsedTranscript, Turn, merge_volleys


def _volleys_checked(turns: list[Turn], speaker_roles: dict[str, str]) -> list[Turn]:
    """The utterances the turns make, once every speaker has a known role."""
    volleys = merge_volleys([turn for turn in turns if turn.text.strip()])
    if not volleys:
        raise ValidationError("the transcript has no utterances")
    unmapped = sorted({turn.speaker for turn in volleys} - set(speaker_roles))
    if unmapped:
        raise ValidationError(f"no role chosen for speaker {', '.join(map(repr, unmapped))}")
    invalid = sorted(set(speaker_roles.values()) - set(SpeakerRole.values))
    if invalid:
        raise ValidationError(f"unknown speaker role {', '.join(map(repr, invalid))}")
    return volleys


def _utterances_store(
    transcript: Transcript, volleys: list[Turn], speaker_roles: dict[str, str]
) -> None:
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
    volleys = _volleys_checked(turns, speaker_roles)
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
        _utterances_store(transcript, volleys, speaker_roles)
        audit_record(
            actor=actor,
            action="transcript.create",
            agency=agency,
            target=transcript,
            details={"utterances": len(volleys), "source": source_filename},
        )
    return transcript


@dataclass
class TranscriptDraft:
    """One parsed file and what the person confirmed about it, ready to be stored."""

    parsed: ParsedTranscript
    practitioner: Practitioner
    speaker_roles: dict[str, str]
    title: str = ""
    session_date: datetime.date | None = None
    target_change: str = ""
    client_pseudonym: str = ""


def default_title(filename: str) -> str:
    """The file's name without folders or extension, as a first title."""
    return PurePosixPath(filename.replace("\\", "/")).stem[:200]


def transcripts_import(
    *, agency: Agency, drafts: list[TranscriptDraft], actor: User | None = None
) -> list[Transcript]:
    """Store a batch of parsed files: all of them, or, on any error, none.

    Every error names the file at fault.
    """
    if not drafts:
        raise ValidationError("there is nothing to import")
    created = []
    with transaction.atomic():
        for draft in drafts:
            name = draft.parsed.filename
            roles = set(draft.speaker_roles.values())
            if SpeakerRole.PRACTITIONER not in roles:
                raise ValidationError(f"{name}: choose which speaker is the practitioner")
            try:
                transcript = transcript_create(
                    agency=agency,
                    practitioner=draft.practitioner,
                    turns=draft.parsed.turns,
                    speaker_roles=draft.speaker_roles,
                    title=(draft.title.strip() or default_title(name))[:200],
                    session_date=draft.session_date,
                    target_change=draft.target_change.strip()[:200],
                    client_pseudonym=draft.client_pseudonym.strip()[:100],
                    source_filename=name[-255:],
                    source_format=draft.parsed.format,
                    actor=actor,
                )
            except ValidationError as exc:
                raise ValidationError(f"{name}: {'; '.join(exc.messages)}") from exc
            created.append(transcript)
    return created


def transcript_attach(
    *,
    transcript: Transcript,
    parsed: ParsedTranscript,
    speaker_roles: dict[str, str],
    actor: User | None = None,
) -> Transcript:
    """Give a session known by its recording alone the transcript typed or imported later.

    The recording, the coded segment and every coding made from the recording stay as they
    are: those codings keep their own volleys. Codings begun from now on code the
    transcript's utterances."""
    name = parsed.filename
    if SpeakerRole.PRACTITIONER not in set(speaker_roles.values()):
        raise ValidationError(f"{name}: choose which speaker is the practitioner")
    try:
        volleys = _volleys_checked(parsed.turns, speaker_roles)
    except ValidationError as exc:
        raise ValidationError(f"{name}: {'; '.join(exc.messages)}") from exc
    with transaction.atomic():
        locked = Transcript.objects.select_for_update().get(pk=transcript.pk)
        if not locked.is_audio_only:
            raise ValidationError(
                "this session has a transcript already; a transcript is attached only to a "
                "session known by its recording alone"
            )
        _utterances_store(locked, volleys, speaker_roles)
        locked.source_filename = name.replace("\\", "/").rsplit("/", 1)[-1][-255:]
        locked.source_format = parsed.format
        locked.save(update_fields=["source_filename", "source_format", "updated_at"])
        audit_record(
            actor=actor,
            action="transcript.attach",
            agency=locked.agency,
            target=locked,
            details={"utterances": len(volleys), "source": name},
        )
    return locked
