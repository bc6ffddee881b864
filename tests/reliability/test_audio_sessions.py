"""Reliability over sessions coded from the recording: session level as for any session,
utterance level said not to apply (each coder's volleys are their own units)."""

from __future__ import annotations

import pytest

from accounts.models import Agency, Practitioner, Role, User
from tests import factories
from tests.factories import ALL_GLOBALS
from tests.reliability.test_command import PUBLISHED_ICC, SHROUT_FLEISS, run_json

pytestmark = pytest.mark.django_db


def volleys(questions: int) -> list[tuple[int, str, list[str]]]:
    """``questions`` practitioner volleys coded Q, a client volley after each."""
    marked = []
    for n in range(questions):
        marked += [(n * 10_000, "practitioner", ["Q"]), (n * 10_000 + 5_000, "client", [])]
    return marked


@pytest.fixture
def audio_codings(agency: Agency, practitioner: Practitioner, coder: User, coder2: User) -> None:
    """Six recordings, each coded from audio by four coders whose Question counts are
    Shrout & Fleiss's table, every coder marking volleys of their own."""
    coders = [
        coder,
        coder2,
        factories.make_user(agency, Role.CODER, username="cy"),
        factories.make_user(agency, Role.CODER, username="dee"),
    ]
    for row in SHROUT_FLEISS:
        session = factories.make_audio_session(agency, practitioner, seconds=600)
        for person, count in zip(coders, row, strict=True):
            factories.make_audio_coding(
                session, person, volleys=volleys(count), globals_=ALL_GLOBALS, submitted=True
            )


def test_session_level_icc_over_audio_coded_sessions(audio_codings) -> None:
    report = run_json("--agency", "home", "--scheme", "miti-4.2.1")
    question = report["session_level"]["Q"]
    assert question["transcripts"] == 6
    for form, published in PUBLISHED_ICC.items():
        assert question["icc"][form] == pytest.approx(published, abs=5e-7)
    assert report["session_level"]["empathy"]["transcripts"] == 6


def test_utterance_level_says_it_does_not_apply(audio_codings) -> None:
    behaviour = run_json("--agency", "home", "--scheme", "miti-4.2.1")["utterance_level"][
        "behaviour"
    ]
    assert behaviour["units"] == 0
    assert "6 transcript(s) coded from audio left out" in behaviour["note"]
    assert "do not apply" in behaviour["note"]


def test_two_coders_from_audio_and_two_from_transcripts_never_mix_units(
    agency: Agency, practitioner: Practitioner, coder: User, coder2: User
) -> None:
    for counts in ((1, 2), (3, 3), (2, 4)):
        session = factories.make_audio_session(agency, practitioner)
        for person, count in zip((coder, coder2), counts, strict=True):
            factories.make_audio_coding(
                session, person, volleys=volleys(count), globals_=ALL_GLOBALS, submitted=True
            )
    transcript = factories.make_transcript(agency, practitioner, utterances=6)
    factories.make_coding(transcript, coder, codes={1: ["Q"]}, globals_=ALL_GLOBALS, submitted=True)
    factories.make_coding(
        transcript, coder2, codes={1: ["Q"]}, globals_=ALL_GLOBALS, submitted=True
    )
    report = run_json("--agency", "home", "--scheme", "miti-4.2.1")
    behaviour = report["utterance_level"]["behaviour"]
    assert behaviour["units"] == 3  # the practitioner utterances of the one transcript
    assert behaviour["percent_agreement"] == 1.0
    assert "3 transcript(s) coded from audio left out" in behaviour["note"]
    assert report["session_level"]["Q"]["transcripts"] == 4
