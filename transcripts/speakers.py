"""Guessing each speaker label's role: from its name, and where the name says nothing, from
who asks the questions (practitioners ask, clients answer)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from transcripts.parsers.base import Turn, merge_volleys

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
_PRACTITIONER_LETTERS = frozenset({"t", "i", "th", "int", "iv", "sw", "cm", "dr"})
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


@dataclass(frozen=True)
class SpeakerGuess:
    label: str
    role: str
    reason: str
    utterances: int
    questions: int
    words: int
    sample: str


@dataclass
class _Stats:
    utterances: int = 0
    questions: int = 0
    words: int = 0
    sample: str = ""

    @property
    def question_rate(self) -> float:
        return self.questions / self.utterances if self.utterances else 0.0


def _matches(label: str, labels: set[str]) -> bool:
    return label.casefold() in labels


def _is_practitioner_name(label: str, practitioner_name: str) -> bool:
    name = practitioner_name.casefold().split()
    words = label.casefold().replace(".", " ").split()
    return bool(name) and bool(words) and (words == name or words == name[:1])


def guess_roles(
    turns: list[Turn],
    *,
    practitioner_labels: Iterable[str] = (),
    client_labels: Iterable[str] = (),
    practitioner_name: str = "",
) -> list[SpeakerGuess]:
    """One guess per speaker label, in order of first appearance.

    Labels given in ``practitioner_labels``/``client_labels`` (case-insensitive) take that
    role, and then that role is settled: no other label is guessed into it.
    """
    stats: dict[str, _Stats] = {}
    for volley in merge_volleys(turns):
        entry = stats.setdefault(volley.speaker, _Stats())
        entry.utterances += 1
        entry.questions += volley.text.count("?")
        entry.words += len(volley.text.split())
        if not entry.sample:
            entry.sample = volley.text[:160]
    given_practitioners = {label.casefold() for label in practitioner_labels}
    given_clients = {label.casefold() for label in client_labels}
    settled = {
        PRACTITIONER: bool(given_practitioners),
        CLIENT: bool(given_clients),
    }
    roles: dict[str, tuple[str, str]] = {}
    for label in stats:
        if _matches(label, given_practitioners):
            roles[label] = (PRACTITIONER, "given")
        elif _matches(label, given_clients):
            roles[label] = (CLIENT, "given")
        elif practitioner_name and _is_practitioner_name(label, practitioner_name):
            if not settled[PRACTITIONER]:
                roles[label] = (PRACTITIONER, "the practitioner's name")
        else:
            role = name_role(label)
            if role is not None and not settled[role]:
                roles[label] = (role, "its name")
    undecided = [label for label in stats if label not in roles]
    taken = {role for role, _reason in roles.values()}
    if undecided and PRACTITIONER not in taken and not settled[PRACTITIONER]:
        asker = max(
            undecided,
            key=lambda label: (stats[label].question_rate, stats[label].questions),
        )
        if stats[asker].questions:
            roles[asker] = (PRACTITIONER, "asks the most questions")
        else:
            asker = undecided[0]
            roles[asker] = (PRACTITIONER, "speaks first")
        undecided.remove(asker)
    if undecided and CLIENT not in taken and not settled[CLIENT]:
        talker = max(undecided, key=lambda label: stats[label].words)
        roles[talker] = (CLIENT, "answers the practitioner")
        undecided.remove(talker)
    for label in undecided:
        roles[label] = (OTHER, "another voice")
    return [
        SpeakerGuess(
            label=label,
            role=roles[label][0],
            reason=roles[label][1],
            utterances=entry.utterances,
            questions=entry.questions,
            words=entry.words,
            sample=entry.sample,
        )
        for label, entry in stats.items()
    ]
