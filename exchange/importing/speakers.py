"""Which speaker labels of an imported file are the practitioner and which the client.

The guess from a label's name is the transcripts app's (`transcripts.speaker_names.name_role`), so
an uploaded transcript and an imported coded file read "T", "Counselor 2" or "Pt" alike.
"""

from __future__ import annotations

from collections.abc import Iterable

from transcripts.models import SpeakerRole
from transcripts.speaker_names import name_role


def guess_role(label: str) -> str:
    """practitioner, client or other, from the common labels transcripts use."""
    return name_role(label) or SpeakerRole.OTHER


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
