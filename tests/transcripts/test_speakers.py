"""Guessing each speaker label's role from its name, and otherwise from who asks."""

import pytest

from transcripts.parsers.base import Turn
from transcripts.speakers import CLIENT, OTHER, PRACTITIONER, guess_roles, name_role


@pytest.mark.parametrize(
    "label",
    ["Therapist", "Counselor", "Counsellor 2", "Clinician", "INTERVIEWER", "Practitioner",
     "Social Worker", "Provider", "T", "I", "T1", "Dr. Shah", "Nurse"],
)  # fmt: skip
def test_practitioner_names(label):
    assert name_role(label) == PRACTITIONER


@pytest.mark.parametrize(
    "label", ["Client", "Patient", "Participant", "Member", "C", "P", "Pt", "client 1"]
)
def test_client_names(label):
    assert name_role(label) == CLIENT


@pytest.mark.parametrize("label", ["Dana", "Speaker 1", "Staff member", "X", "42"])
def test_names_that_say_nothing(label):
    assert name_role(label) is None


def turns(*pairs: tuple[str, str]) -> list[Turn]:
    return [Turn(speaker=speaker, text=text) for speaker, text in pairs]


def roles(guesses) -> dict[str, str]:
    return {guess.label: guess.role for guess in guesses}


def test_names_decide_first():
    guesses = guess_roles(turns(("Client", "What do you think?"), ("Therapist", "Hm.")))
    assert roles(guesses) == {"Client": CLIENT, "Therapist": PRACTITIONER}
    assert {guess.reason for guess in guesses} == {"its name"}


def test_without_telling_names_the_one_who_asks_more_is_the_practitioner():
    guesses = guess_roles(
        turns(
            ("Marcus", "I came because of my wife."),
            ("Dana", "What did she say?"),
            ("Marcus", "That I drink too much."),
            ("Dana", "How do you see it? What would change?"),
            ("Marcus", "Not sure."),
        )
    )
    assert roles(guesses) == {"Marcus": CLIENT, "Dana": PRACTITIONER}
    assert [guess.reason for guess in guesses] == ["answers the practitioner",
                                                   "asks the most questions"]  # fmt: skip
    assert [(guess.utterances, guess.questions) for guess in guesses] == [(3, 0), (2, 3)]


def test_a_third_voice_is_other():
    guesses = guess_roles(
        turns(
            ("Therapist", "Hello?"),
            ("Client", "Hi."),
            ("Interpreter", "She says hi."),
        )
    )
    assert roles(guesses)["Interpreter"] == OTHER


def test_one_named_role_and_an_unnamed_speaker():
    guesses = guess_roles(turns(("Counselor", "Hello."), ("Jo", "I want to stop?")))
    assert roles(guesses) == {"Counselor": PRACTITIONER, "Jo": CLIENT}


def test_without_questions_the_first_speaker_is_the_practitioner():
    guesses = guess_roles(turns(("A", "Hello."), ("B", "Hi there, long answer here.")))
    assert roles(guesses) == {"A": PRACTITIONER, "B": CLIENT}
    assert guesses[0].reason == "speaks first"


def test_the_practitioners_name_identifies_them():
    guesses = guess_roles(
        turns(("Marcus", "What now?"), ("Dana", "Tell me more.")),
        practitioner_name="Dana Reyes",
    )
    assert roles(guesses) == {"Marcus": CLIENT, "Dana": PRACTITIONER}


def test_given_labels_settle_a_role_case_insensitively():
    guesses = guess_roles(
        turns(("Interviewer", "Hi?"), ("Sam", "Hello."), ("Alex", "Yes?")),
        practitioner_labels=["sam"],
    )
    assert roles(guesses) == {"Sam": PRACTITIONER, "Interviewer": CLIENT, "Alex": OTHER}
    assert guesses[1].reason == "given"


def test_both_roles_given_leaves_the_rest_other():
    guesses = guess_roles(
        turns(("A", "Hi?"), ("B", "Hello."), ("Therapist", "Yes?")),
        practitioner_labels=["A"],
        client_labels=["B"],
    )
    assert roles(guesses) == {"A": PRACTITIONER, "B": CLIENT, "Therapist": OTHER}


def test_a_label_given_both_roles_is_refused_not_settled_silently():
    with pytest.raises(ValueError, match="'dana' cannot be both the practitioner and the client"):
        guess_roles(
            turns(("Dana", "Hi?"), ("Marcus", "Hello.")),
            practitioner_labels=["dana"],
            client_labels=["Marcus", "DANA"],
        )
