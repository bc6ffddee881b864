"""Guessing each speaker label's role: from its name, and where the name says nothing, from
who asks the questions (practitioners ask, clients answer)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from transcripts.parsers.base import Turn, merge_volleys
from transcripts.speaker_names import CLIENT, OTHER, PRACTITIONER, name_role


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


def labels_in_both(practitioner_labels: Iterable[str], client_labels: Iterable[str]) -> list[str]:
    """The practitioner labels also given as client labels (ignoring case), in given order."""
    clients = {label.casefold() for label in client_labels}
    both = [label for label in practitioner_labels if label.casefold() in clients]
    return list(dict.fromkeys(both))


def guess_roles(
    turns: list[Turn],
    *,
    practitioner_labels: Iterable[str] = (),
    client_labels: Iterable[str] = (),
    practitioner_name: str = "",
) -> list[SpeakerGuess]:
    """One guess per speaker label, in order of first appearance.

    Labels given in ``practitioner_labels``/``client_labels`` (case-insensitive) take that
    role, and then that role is settled: no other label is guessed into it. A label given in
    both is a ValueError, never silently one of them.
    """
    practitioner_labels, client_labels = list(practitioner_labels), list(client_labels)
    both = labels_in_both(practitioner_labels, client_labels)
    if both:
        raise ValueError(f"speaker {both[0]!r} cannot be both the practitioner and the client")
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
