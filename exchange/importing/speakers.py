"""Which speaker labels of an imported file are the practitioner and which the client."""

from __future__ import annotations

import re
from collections.abc import Iterable

from transcripts.models import SpeakerRole

PRACTITIONER_LABELS = frozenset(
    {
        "practitioner",
        "therapist",
        "counselor",
        "counsellor",
        "clinician",
        "interviewer",
        "provider",
        "coach",
        "nurse",
        "doctor",
        "dr",
        "staff",
        "worker",
        "caseworker",
        "case worker",
        "mi",
        "th",
        "t",
        "i",
    }
)
CLIENT_LABELS = frozenset(
    {
        "client",
        "patient",
        "participant",
        "interviewee",
        "respondent",
        "resident",
        "consumer",
        "service user",
        "cl",
        "pt",
        "c",
        "r",
    }
)
# "Therapist 1", "Client:", "T." all name the same role as their bare word.
_DECORATION = re.compile(r"[\s:.\-_#]*\d*[\s:.]*$")


def _normalise(label: str) -> str:
    return _DECORATION.sub("", label.strip().casefold()).strip()


def guess_role(label: str) -> str:
    """practitioner, client or other, from the common labels transcripts use."""
    word = _normalise(label)
    if word in PRACTITIONER_LABELS:
        return SpeakerRole.PRACTITIONER
    if word in CLIENT_LABELS:
        return SpeakerRole.CLIENT
    return SpeakerRole.OTHER


def speaker_roles(
    labels: Iterable[str],
    practitioner_labels: Iterable[str] = (),
    client_labels: Iterable[str] = (),
) -> dict[str, str]:
    """{label: role}: the labels named by the user first (ignoring case), then the guess."""
    practitioner = {label.strip().casefold() for label in practitioner_labels}
    client = {label.strip().casefold() for label in client_labels}
    roles = {}
    for label in labels:
        key = label.strip().casefold()
        if key in practitioner:
            roles[label] = SpeakerRole.PRACTITIONER
        elif key in client:
            roles[label] = SpeakerRole.CLIENT
        else:
            roles[label] = guess_role(label)
    return roles
