"""The coding workspace in Chromium: keyboard coding, saving, reloading, submitting."""

import io
import re
import wave

import pytest
from django.core.files.base import ContentFile

from coding.models import CodingStatus, GlobalRating, UtteranceCode, UtteranceNote
from coding.services.codes import utterance_code_put
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def coding(agency, practitioner, coder):
    transcript = factories.make_transcript(agency, practitioner, utterances=10)
    return factories.make_coding(transcript, coder)


def open_workspace(page, live_server, coding):
    page.goto(f"{live_server.url}/codings/{coding.pk}/")
    page.wait_for_selector("html[data-ws-ready='1']")


def saved(page):
    page.wait_for_function(
        "document.getElementById('ws-status').textContent === 'All changes saved'"
    )


def badges(page, coding, position):
    utterance = coding.transcript.utterances.get(position=position)
    return page.locator(f"#u{utterance.pk} .code-badge").all_inner_texts()


def stored(coding):
    return sorted(
        UtteranceCode.objects.filter(coding=coding).values_list(
            "utterance__position", "code__abbreviation"
        )
    )


def test_coding_by_keyboard_survives_a_reload_then_globals_and_submit(
    page, live_server, sign_in, coder, coding
):
    sign_in(page, coder.username, PASSWORD)
    open_workspace(page, live_server, coding)
    # The first practitioner utterance is selected; j skips the client's turns.
    page.keyboard.press("q")
    page.keyboard.press("s")
    page.keyboard.press("j")
    page.keyboard.press("c")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("a")
    page.keyboard.press("q")
    page.keyboard.press("q")  # clears Q again
    page.keyboard.press("Control+z")  # and undo brings it back
    page.keyboard.press("k")
    page.keyboard.press("k")
    page.keyboard.press("n")
    page.keyboard.type("Was this really a question?")
    page.keyboard.press("Enter")
    saved(page)
    assert stored(coding) == [(1, "Q"), (1, "SR"), (3, "CR"), (5, "AF"), (5, "Q")]
    assert UtteranceNote.objects.get(coding=coding).text == "Was this really a question?"
    # The client's turns take no MITI code: the key is refused without a request.
    page.keyboard.press("J")
    page.keyboard.press("q")
    expect_status = page.locator("#ws-status")
    assert "practitioner utterances only" in expect_status.inner_text()

    page.reload()
    page.wait_for_selector("html[data-ws-ready='1']")
    assert badges(page, coding, 1) == ["Q", "SR"]
    assert badges(page, coding, 3) == ["CR"]
    assert badges(page, coding, 5) == ["Q", "AF"]
    assert "Was this really a question?" in page.locator(".utt-note").first.inner_text()
    assert page.locator("#ws-coded").inner_text() == "3"
    page.wait_for_function(
        "document.querySelector('tr[data-score=\"pct_cr\"] .score-value').textContent === '50%'"
    )

    page.keyboard.press("?")
    assert page.locator("#ws-help").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#ws-help").is_visible()

    page.locator("#ws-submit").click()
    assert "Rate every global" in page.locator("#ws-status").inner_text()
    for scale in coding.scheme.globals.all():
        page.locator(f"label[for='global-{scale.pk}-4']").click()
    saved(page)
    assert GlobalRating.objects.filter(coding=coding, value=4).count() == 4
    page.locator("#ws-submit").click()
    page.locator("#ws-confirm-submit").click()
    # The form posts and redirects back to this same URL: wait for the new page's message,
    # not for the URL, which matches before the navigation has happened.
    page.get_by_text("Coding submitted").wait_for()
    assert re.search(rf"/codings/{coding.pk}/$", page.url)
    coding.refresh_from_db()
    assert coding.status == CodingStatus.SUBMITTED
    assert page.locator("#ws-status").inner_text() == "Read-only"


def test_changes_made_while_saving_fails_are_kept_and_sent_after_a_reload(
    page, live_server, sign_in, coder, coding
):
    sign_in(page, coder.username, PASSWORD)
    open_workspace(page, live_server, coding)
    page.route("**/api/code/", lambda route: route.abort())
    page.keyboard.press("g")
    page.keyboard.press("j")
    page.keyboard.press("e")
    page.wait_for_function("document.getElementById('ws-status').dataset.state === 'failed'")
    assert "kept in this browser" in page.locator("#ws-status").inner_text()
    assert stored(coding) == []
    page.unroute("**/api/code/")
    page.reload()
    page.wait_for_selector("html[data-ws-ready='1']")
    saved(page)
    assert stored(coding) == [(1, "GI"), (3, "Seek")]
    assert badges(page, coding, 3) == ["Seek"]


def test_a_refused_change_is_rolled_back_with_the_servers_reason(
    page, live_server, sign_in, coder, coding
):
    sign_in(page, coder.username, PASSWORD)
    open_workspace(page, live_server, coding)
    coding.status, coding.submitted_at = CodingStatus.SUBMITTED, coding.updated_at
    coding.save()
    page.keyboard.press("q")
    page.wait_for_function("document.getElementById('ws-status').dataset.state === 'failed'")
    assert "submitted" in page.locator("#ws-status").inner_text()
    assert badges(page, coding, 1) == []
    assert stored(coding) == []


def _silence(seconds: int) -> bytes:
    """A mono 8 kHz WAV of silence: something Chromium plays without any codec."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(8000)
        out.writeframes(b"\x80" * 8000 * seconds)
    return buffer.getvalue()


def test_audio_plays_seeks_and_highlights_the_utterance_heard(
    page, live_server, sign_in, coder, coding, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    coding.transcript.audio.save("session.wav", ContentFile(_silence(60)))
    sign_in(page, coder.username, PASSWORD)
    open_workspace(page, live_server, coding)
    page.wait_for_function("document.getElementById('ws-audio').readyState >= 1")
    third = coding.transcript.utterances.get(position=3)  # 15 s to 19 s
    page.locator(f"#u{third.pk} .utt-text").click()
    assert page.evaluate("document.getElementById('ws-audio').currentTime") == 15
    page.keyboard.press("]")
    assert page.evaluate("document.getElementById('ws-audio').currentTime") == 20
    page.keyboard.press("[")
    page.keyboard.press("[")
    assert page.evaluate("document.getElementById('ws-audio').currentTime") == 10
    page.keyboard.press(" ")
    page.wait_for_function("!document.getElementById('ws-audio').paused")
    second = coding.transcript.utterances.get(position=2)  # 10 s to 14 s
    page.wait_for_selector(f"#u{second.pk}.utt-playing")
    page.keyboard.press(" ")
    page.wait_for_function("document.getElementById('ws-audio').paused")


def test_everything_also_works_by_mouse(page, live_server, sign_in, coder, coding):
    sign_in(page, coder.username, PASSWORD)
    open_workspace(page, live_server, coding)
    third = coding.transcript.utterances.get(position=3)
    page.locator(f"#u{third.pk} .utt-text").click()
    page.get_by_role("button", name="q Q", exact=True).click()
    page.get_by_role("button", name="a AF", exact=True).click()
    page.locator("[data-action=note]").click()
    page.locator(".ws-note-form textarea").fill("Affirmation of effort")
    page.get_by_role("button", name="Save note").click()
    page.locator(f"#u{third.pk} .code-badge", has_text="Q").click()  # removes Q
    page.locator("[data-action=undo]").click()  # puts it back
    saved(page)
    assert stored(coding) == [(3, "AF"), (3, "Q")]
    assert UtteranceNote.objects.get(coding=coding).text == "Affirmation of effort"


def score(page, slug):
    return page.locator(f'tr[data-score="{slug}"] .score-value').inner_text()


def test_cancelling_the_submit_confirmation_puts_the_status_line_back(
    page, live_server, sign_in, coder, agency, practitioner
):
    transcript = factories.make_transcript(agency, practitioner, utterances=4)
    coding = factories.make_coding(transcript, coder, globals_=factories.ALL_GLOBALS)
    sign_in(page, coder.username, PASSWORD)
    open_workspace(page, live_server, coding)
    page.locator("#ws-submit").click()
    page.locator("#ws-confirm").wait_for(state="visible")
    page.locator("#ws-confirm").get_by_role("button", name="Cancel").click()
    saved(page)
    assert page.locator("#ws-status").get_attribute("data-state") == "saved"
    # Esc cancels too.
    page.locator("#ws-submit").click()
    page.locator("#ws-confirm").wait_for(state="visible")
    page.keyboard.press("Escape")
    saved(page)
    coding.refresh_from_db()
    assert coding.status == CodingStatus.IN_PROGRESS


def test_a_reload_returns_to_the_utterance_the_coder_was_on(
    page, live_server, sign_in, coder, agency, practitioner
):
    transcript = factories.make_transcript(agency, practitioner, utterances=60)
    coding = factories.make_coding(transcript, coder)
    other = factories.make_coding(
        factories.make_transcript(agency, practitioner, utterances=6), coder
    )
    sign_in(page, coder.username, PASSWORD)
    open_workspace(page, live_server, coding)
    for _ in range(20):
        page.keyboard.press("j")
    fortyfirst = transcript.utterances.get(position=41)
    selected = page.locator("li.utt[aria-selected='true']")
    assert selected.get_attribute("id") == f"u{fortyfirst.pk}"

    page.reload()
    page.wait_for_selector("html[data-ws-ready='1']")
    assert selected.get_attribute("id") == f"u{fortyfirst.pk}"
    page.wait_for_function(
        """(id) => { const li = document.getElementById(id);
                     const box = document.getElementById('ws-utterances').getBoundingClientRect();
                     const r = li.getBoundingClientRect();
                     return r.top >= box.top && r.bottom <= box.bottom; }""",
        arg=f"u{fortyfirst.pk}",
    )
    page.keyboard.press("j")  # and the keys carry on from there
    assert selected.get_attribute("id") == f"u{transcript.utterances.get(position=43).pk}"

    # Each coding remembers its own place, and an utterance named in the address still wins.
    open_workspace(page, live_server, other)
    first = other.transcript.utterances.get(position=1)
    assert selected.get_attribute("id") == f"u{first.pk}"
    seventh = transcript.utterances.get(position=7)
    page.goto(f"{live_server.url}/codings/{coding.pk}/#u{seventh.pk}")
    page.wait_for_selector("html[data-ws-ready='1']")
    assert selected.get_attribute("id") == f"u{seventh.pk}"


def test_globals_are_rated_and_the_coding_submitted_by_keys(
    page, live_server, sign_in, coder, coding
):
    sign_in(page, coder.username, PASSWORD)
    open_workspace(page, live_server, coding)
    page.keyboard.press("q")
    page.keyboard.press("Shift+G")  # to the first global not rated yet
    assert page.evaluate("document.activeElement.closest('.ws-global') !== null")
    page.keyboard.press("4")  # cct 4, and on to sst
    page.keyboard.press("3")  # sst 3
    page.keyboard.press("9")  # not a level: refused, stays on partnership
    assert "is rated 1 to 5" in page.locator("#ws-status").inner_text()
    page.keyboard.press("5")  # partnership 5
    page.keyboard.press("k")  # back to partnership
    page.keyboard.press("2")  # partnership 2 instead, and on to empathy
    page.keyboard.press("q")  # a code key here does not code the utterance out of sight
    assert "a digit rates" in page.locator("#ws-status").inner_text()
    page.keyboard.press("4")  # empathy 4
    saved(page)
    ratings = dict(GlobalRating.objects.filter(coding=coding).values_list("scale__slug", "value"))
    assert ratings == {"cct": 4, "sst": 3, "partnership": 2, "empathy": 4}
    assert stored(coding) == [(1, "Q")]
    # The technical and relational globals follow the ratings at once.
    assert score(page, "technical") == "3.50"
    assert score(page, "relational") == "3.00"

    page.keyboard.press("Escape")  # back to the transcript, where keys code again
    page.keyboard.press("j")
    page.keyboard.press("s")
    page.keyboard.press("Control+Enter")
    page.locator("#ws-confirm").wait_for(state="visible")
    assert "2 of 5 codable utterances have a code" in page.locator("#ws-confirm").inner_text()
    page.keyboard.press("Enter")  # the dialog's first button: Submit and lock
    page.get_by_text("Coding submitted").wait_for()
    coding.refresh_from_db()
    assert coding.status == CodingStatus.SUBMITTED
    assert stored(coding) == [(1, "Q"), (3, "SR")]


def test_every_workspace_key_is_in_the_help(page, live_server, sign_in, coder, coding):
    sign_in(page, coder.username, PASSWORD)
    open_workspace(page, live_server, coding)
    page.keyboard.press("?")
    help_text = page.locator("#ws-help").inner_text()
    for documented in (
        "Rate the globals",
        "rate it at that level",
        "next / previous global",
        "clear its rating",
        "back to the transcript",
        "Submit (asks for confirmation first)",
        "Undo the last change",
        "Write a note",
    ):
        assert documented in help_text
    keys = page.locator("#ws-help kbd").all_inner_texts()
    for key in ("j", "k", "G", "n", "z", "?", "Esc", "Enter", "Backspace", "1", "9"):
        assert key in keys, key
    for code in coding.scheme.codes.exclude(key=""):
        assert code.key in keys, code.abbreviation


def test_summary_scores_change_with_the_tally_without_waiting_for_the_server(
    page, live_server, sign_in, coder, coding
):
    sign_in(page, coder.username, PASSWORD)
    open_workspace(page, live_server, coding)
    # The server's tally never answers here: the scores must not depend on it.
    page.route("**/api/tally/", lambda route: route.abort())
    assert score(page, "r_q") == "—"
    page.keyboard.press("q")
    page.keyboard.press("j")
    page.keyboard.press("s")
    assert page.locator(f"#count-{factories.code('SR').pk}").inner_text() == "1"
    assert score(page, "r_q") == "1.00"
    page.keyboard.press("j")
    page.keyboard.press("c")
    assert score(page, "r_q") == "2.00"
    assert score(page, "pct_cr") == "50%"
    band = page.locator('tr[data-score="r_q"] .band')
    assert band.inner_text() == "Good"
    page.keyboard.press("j")
    page.keyboard.press("q")
    page.keyboard.press("j")
    page.keyboard.press("q")  # 3 questions, 2 reflections
    assert score(page, "r_q") == "0.67"
    assert band.inner_text() == "Below fair"
    page.keyboard.press("z")  # undo: 2 questions
    assert score(page, "r_q") == "1.00"
    assert band.inner_text() == "Fair"
    saved(page)
    assert stored(coding) == [(1, "Q"), (3, "SR"), (5, "CR"), (7, "Q")]


def test_the_servers_tally_corrects_the_panel_after_changes_are_saved(
    page, live_server, sign_in, coder, coding
):
    sign_in(page, coder.username, PASSWORD)
    open_workspace(page, live_server, coding)
    # Another tab codes utterance 3 meanwhile; this page learns of it from the server's tally.
    cr = factories.code("CR")
    utterance_code_put(
        coding=coding,
        utterance_id=coding.transcript.utterances.get(position=3).pk,
        code_id=cr.pk,
        present=True,
    )
    page.keyboard.press("s")
    saved(page)
    page.wait_for_function(f"document.getElementById('count-{cr.pk}').textContent === '1'")
    page.wait_for_function(
        "document.querySelector('tr[data-score=\"pct_cr\"] .score-value').textContent === '50%'"
    )


@pytest.mark.browser
def test_a_reflection_key_swaps_within_the_set_and_undo_brings_the_other_back(
    page, live_server, sign_in, coder, coding
):
    sign_in(page, coder.username, PASSWORD)
    open_workspace(page, live_server, coding)
    page.keyboard.press("q")
    page.keyboard.press("c")
    page.keyboard.press("s")  # SR replaces CR: MITI 4.2.1 allows one reflection
    page.keyboard.press("w")
    page.keyboard.press("p")  # Persuade replaces Persuade with
    saved(page)
    assert stored(coding) == [(1, "Persuade"), (1, "Q"), (1, "SR")]
    assert sorted(badges(page, coding, 1)) == ["Persuade", "Q", "SR"]
    page.keyboard.press("Control+z")  # Persuade with is back
    page.keyboard.press("Control+z")  # and cleared
    saved(page)
    assert stored(coding) == [(1, "Q"), (1, "SR")]
    page.keyboard.press("Control+z")  # one step takes the swap back: CR again
    saved(page)
    assert stored(coding) == [(1, "CR"), (1, "Q")]
    page.reload()
    page.wait_for_selector("html[data-ws-ready='1']")
    assert sorted(badges(page, coding, 1)) == ["CR", "Q"]


@pytest.mark.browser
def test_a_note_is_private_until_ticked_for_feedback_and_only_then_reaches_the_practitioner(
    page, live_server, sign_in, coder, coding, practitioner_user
):
    from coding.services.codings import coding_submit

    sign_in(page, coder.username, PASSWORD)
    open_workspace(page, live_server, coding)
    first, third = (coding.transcript.utterances.get(position=p) for p in (1, 3))
    page.keyboard.press("n")
    box = page.locator(".ws-note-form")
    checkbox = box.get_by_label("For feedback: the practitioner sees this note", exact=False)
    assert checkbox.is_visible() and not checkbox.is_checked()
    box.locator("textarea").fill("Or is this Persuade? Discuss in supervision.")
    page.keyboard.press("Enter")
    assert page.locator(f"#u{first.pk} .utt-note").get_attribute("data-feedback") is None
    page.keyboard.press("j")
    page.keyboard.press("n")
    page.locator(".ws-note-form textarea").fill("A lovely double-sided reflection")
    page.locator(".ws-note-form input[name=for_feedback]").check()
    page.keyboard.press("s")  # typed on the checkbox: the note's, never a code
    page.keyboard.press("Enter")
    saved(page)
    assert page.locator(f"#u{third.pk} .utt-note").get_attribute("data-feedback") == "1"
    assert dict(UtteranceNote.objects.values_list("utterance__position", "for_feedback")) == {
        1: False,
        3: True,
    }
    assert stored(coding) == []
    page.reload()
    page.wait_for_selector("html[data-ws-ready='1']")
    page.locator(f"#u{third.pk} .utt-text").click()
    page.keyboard.press("n")
    assert page.locator(".ws-note-form input[name=for_feedback]").is_checked()
    page.keyboard.press("Escape")

    coding.refresh_from_db()
    factories.apply_codes(coding, {}, factories.ALL_GLOBALS)
    coding_submit(coding=coding, actor=coder)
    page.context.clear_cookies()
    sign_in(page, practitioner_user.username, PASSWORD)
    page.goto(f"{live_server.url}/codings/{coding.pk}/feedback/")
    text = page.locator("main").inner_text()
    assert "A lovely double-sided reflection" in text
    assert "Discuss in supervision" not in text


def test_a_supervisor_starts_coding_from_the_transcript_page(
    page, live_server, sign_in, agency, practitioner, supervisor
):
    transcript = factories.make_transcript(agency, practitioner, utterances=4)
    sign_in(page, supervisor.username, PASSWORD)
    page.goto(f"{live_server.url}/transcripts/{transcript.pk}/")
    page.get_by_role("link", name="Start coding").click()
    page.get_by_role("button", name="Start coding").click()
    page.wait_for_selector("html[data-ws-ready='1']")
    coding = transcript.codings.get()
    assert coding.coder == supervisor
    assert page.url.endswith(f"/codings/{coding.pk}/")
