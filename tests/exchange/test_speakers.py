import pytest

from exchange.importing.speakers import guess_role, speaker_roles


@pytest.mark.parametrize(
    "label", ["Therapist", "counsellor", "Counselor 2", "T:", "MI", "Interviewer", "Dr."]
)
def test_common_practitioner_labels(label):
    assert guess_role(label) == "practitioner"


@pytest.mark.parametrize(
    "label", ["Client", "patient:", "C", "C1", "Participant", "PT", "P", "Mother"]
)
def test_common_client_labels(label):
    assert guess_role(label) == "client"


@pytest.mark.parametrize("label", ["Narrator", "Interpreter", ""])
def test_anything_else_is_other(label):
    assert guess_role(label) == "other"


def test_labels_named_by_the_user_win_over_the_guess():
    roles = speaker_roles(["MW", "Client", "Mum", "T"], ["mw"], ["mum", "t"])
    assert roles == {"MW": "practitioner", "Client": "client", "Mum": "client", "T": "client"}
