"""A speaker's role from the words of its label alone (Therapist, T, Client, Pt …).

Kept free of imports so parsers, the role guess and coded-data imports can all use it.
"""

from __future__ import annotations

import re

# The values of transcripts.models.SpeakerRole, kept here so parsing needs no database.
PRACTITIONER = "practitioner"
CLIENT = "client"
OTHER = "other"

_PRACTITIONER_WORDS = frozenset(
    {
        "therapist", "counselor", "counsellor", "clinician", "interviewer", "practitioner",
        "worker", "caseworker", "provider", "doctor", "dr", "nurse", "coach", "facilitator",
        "psychologist", "psychiatrist", "physician", "gp", "manager", "advisor", "adviser",
        "consultant", "staff", "pharmacist", "navigator", "mentor", "officer", "educator",
        "midwife", "helper", "specialist", "supervisor", "trainer",
    }
)  # fmt: skip
_CLIENT_WORDS = frozenset(
    {
        "client", "patient", "participant", "member", "consumer", "resident", "interviewee",
        "customer", "caller", "respondent", "youth", "student", "service", "subject", "pt",
        "parent", "mother", "father", "partner", "spouse",
    }
)  # fmt: skip
_PRACTITIONER_LETTERS = frozenset({"t", "i", "th", "int", "iv", "sw", "cm", "dr", "mi"})
_CLIENT_LETTERS = frozenset({"c", "p", "pt", "cl"})


def _words(label: str) -> list[str]:
    return re.findall(r"[a-z]+", label.casefold())


def name_role(label: str) -> str | None:
    """practitioner or client when the label's name says so (Therapist, T, Client, C …)."""
    words = _words(label)
    if not words:
        return None
    if len(words) == 1 and words[0] in _PRACTITIONER_LETTERS:
        return PRACTITIONER
    if len(words) == 1 and words[0] in _CLIENT_LETTERS:
        return CLIENT
    practitioner = any(word in _PRACTITIONER_WORDS for word in words)
    client = any(word in _CLIENT_WORDS for word in words)
    if practitioner != client:
        return PRACTITIONER if practitioner else CLIENT
    return None
