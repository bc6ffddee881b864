"""Suggested codes in the workspace, in Chromium: shown apart from the codes set, applied
only by a key press, recorded as accepted."""

import pytest

from coding.models import CodingKind, UtteranceCode
from suggestions.models import AcceptedSuggestion, SuggestionSettings
from suggestions.services import suggester_create, suggester_train
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def session(agency, practitioner, coder, coder2, supervisor):
    factories.make_coded_dialogues(agency, practitioner, coder2)
    suggester = suggester_create(agency=agency, scheme=factories.miti(), actor=supervisor)
    suggester_train(suggester_id=suggester.pk)
    SuggestionSettings.objects.create(agency=agency, enabled=True, threshold=0.3)
    return factories.make_dialogue(agency, practitioner, seed=55)


def open_workspace(page, live_server, coding):
    page.goto(f"{live_server.url}/codings/{coding.pk}/")
    page.wait_for_selector("html[data-ws-ready='1']")


def test_suggestions_show_apart_and_apply_only_on_a_key_press(
    page, live_server, sign_in, coder, session
):
    transcript, codes = session
    coding = factories.make_coding(transcript, coder)
    sign_in(page, coder.username, PASSWORD)
    open_workspace(page, live_server, coding)
    first = transcript.utterances.get(position=1)
    suggested = page.locator(f"#u{first.pk} .suggest-badge")
    suggested.first.wait_for()
    assert suggested.first.inner_text().startswith(codes[1][0] + " ")
    assert page.locator(f"#u{first.pk} .code-badge").count() == 0
    assert not UtteranceCode.objects.filter(coding=coding).exists()  # shown, not applied
    page.keyboard.press("Shift+S")
    page.wait_for_function(
        "document.getElementById('ws-status').textContent === 'All changes saved'"
    )
    assert page.locator(f"#u{first.pk} .code-badge").all_inner_texts() == codes[1]
    accepted = AcceptedSuggestion.objects.get()
    assert (accepted.utterance_id, accepted.code.abbreviation) == (first.pk, codes[1][0])
    assert (
        list(
            UtteranceCode.objects.filter(coding=coding).values_list("code__abbreviation", flat=True)
        )
        == codes[1]
    )


def test_a_double_coding_shows_no_suggestion(page, live_server, sign_in, coder, session):
    transcript, _ = session
    coding = factories.make_coding(transcript, coder, kind=CodingKind.DOUBLE)
    sign_in(page, coder.username, PASSWORD)
    open_workspace(page, live_server, coding)
    page.keyboard.press("Shift+S")
    page.wait_for_timeout(500)
    assert page.locator(".suggest-badge").count() == 0
    assert not UtteranceCode.objects.filter(coding=coding).exists()
