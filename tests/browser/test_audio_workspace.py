"""Coding from the recording in Chromium: upload a recording, mark and code volleys by
keyboard while it plays, rate the globals, submit, and find the counts in export_scores."""

import csv
import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from coding.models import CodingStatus, Volley
from tests import factories
from tests.audio_files import tone_wav
from transcripts.models import SourceFormat, Transcript
from workflow.services.codings import coding_start

pytestmark = pytest.mark.django_db(transaction=True)


def playing_past(page, seconds: float) -> None:
    page.wait_for_function(
        f"(() => {{ const a = document.getElementById('aw-audio'); "
        f"return !a.paused && a.currentTime > {seconds}; }})()",
        timeout=20_000,
    )


def saved(page) -> None:
    page.wait_for_function(
        "document.getElementById('ws-status').textContent === 'All changes saved'"
    )


def test_upload_mark_and_code_volleys_while_it_plays_then_submit_and_export(
    page, live_server, sign_in, supervisor, coder, agency, practitioner
):
    sign_in(page, supervisor.username, factories.PASSWORD)
    page.goto(f"{live_server.url}{reverse('transcripts:upload_recordings')}")
    page.set_input_files(
        "input[name=files]",
        files=[{"name": "session.wav", "mimeType": "audio/wav", "buffer": tone_wav(12)}],
    )
    page.select_option("select[name=practitioner]", label=practitioner.display_name)
    page.fill("input[name=session_date]", "2026-03-04")
    page.get_by_role("button", name="Save the sessions").click()
    session = Transcript.objects.get()
    page.wait_for_url(f"**/transcripts/{session.pk}/")
    assert (session.source_format, session.audio_seconds) == (SourceFormat.AUDIO, 12.0)

    coding = coding_start(
        transcript=session, scheme=factories.miti(), coder=coder, actor=supervisor
    )
    assert coding.is_from_audio
    page.context.clear_cookies()
    sign_in(page, coder.username, factories.PASSWORD)
    page.goto(f"{live_server.url}/codings/{coding.pk}/")
    page.wait_for_selector("body[data-ready='true']")

    page.keyboard.press("?")
    assert page.locator("#ws-help").is_visible()
    assert "Mark a client volley" in page.locator("#ws-help").inner_text()
    page.keyboard.press("Escape")
    page.wait_for_function("!document.getElementById('ws-help').open")

    page.keyboard.press("=")  # faster: 1.25×
    assert page.locator("#aw-speed").inner_text() == "1.25×"
    page.keyboard.press(" ")
    playing_past(page, 0.5)
    page.keyboard.press("Enter")  # a practitioner volley, now
    page.keyboard.press("q")  # a question
    playing_past(page, 2.0)
    page.keyboard.press("Shift+Enter")  # the client answers
    playing_past(page, 3.5)
    page.keyboard.press("Enter")
    page.keyboard.press("s")  # a simple reflection
    page.keyboard.press("q")  # and a question, on the same volley
    page.keyboard.press("q")  # cleared again
    page.keyboard.press("Control+z")  # and back
    page.keyboard.press(" ")
    saved(page)
    assert page.locator("#aw-volleys li").count() == 3
    assert page.locator(".aw-mark").count() == 3

    marked = list(Volley.objects.filter(coding=coding).order_by("start_ms"))
    assert [v.speaker_role for v in marked] == ["practitioner", "client", "practitioner"]
    assert 0 < marked[0].start_ms < marked[1].start_ms < marked[2].start_ms < 12_000
    coded = sorted((v.start_ms, code.code.abbreviation) for v in marked for code in v.codes.all())
    assert [abbreviation for _, abbreviation in coded] == ["Q", "Q", "SR"]

    # Replaying the first volley starts the recording at its time.
    page.locator("#aw-volleys li").first.locator("[data-action=replay]").click()
    page.wait_for_function(
        f"document.getElementById('aw-audio').currentTime >= {marked[0].start_ms / 1000}"
    )

    for scale in factories.miti().globals.all():
        page.locator(f"label[for=global-{scale.pk}-4]").click()
    saved(page)
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("text=Coding submitted")
    coding.refresh_from_db()
    assert coding.status == CodingStatus.SUBMITTED

    out = io.StringIO()
    call_command("export_scores", "--agency", agency.slug, stdout=out)
    (row,) = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert (row["transcript_id"], row["coder"], row["coded_from"]) == (
        str(session.pk),
        coder.username,
        "audio",
    )
    assert (row["Q"], row["SR"], row["CR"], row["empathy"], row["status"]) == (
        "2",
        "1",
        "0",
        "4",
        "submitted",
    )


def test_the_audio_pages_run_under_the_policy_without_errors(
    browser, live_server, watched_sign_in, coder, supervisor, agency, practitioner
):
    session = factories.make_audio_session(agency, practitioner, seconds=12)
    session.audio.save("tones.wav", ContentFile(tone_wav(12)))
    coding = factories.make_audio_coding(
        session, coder, volleys=[(1000, "practitioner", ["Q"]), (3000, "client", [])]
    )
    problems: dict[str, list[str]] = {}
    watch = watched_sign_in(browser, supervisor.username, factories.PASSWORD, problems)
    for url in (reverse("transcripts:upload_recordings"), f"/transcripts/{session.pk}/"):
        response = watch.page.goto(live_server.url + url)
        assert response.ok and "script-src 'self'" in response.headers["content-security-policy"]
        watch.collect(url)
    watch = watched_sign_in(browser, coder.username, factories.PASSWORD, problems)
    watch.page.goto(f"{live_server.url}/codings/{coding.pk}/")
    watch.page.wait_for_selector("body[data-ready='true']", state="attached")
    assert watch.page.locator("#aw-volleys li").count() == 2
    assert watch.page.locator(".aw-mark").count() == 2
    watch.page.keyboard.press("ArrowUp")
    watch.page.keyboard.press("s")
    watch.collect("audio workspace")
    found = {page: messages for page, messages in problems.items() if messages}
    assert not found, found


def test_a_note_on_a_volley_by_keyboard_reaches_feedback_only_when_marked(
    page, live_server, sign_in, coder, agency, practitioner
):
    session = factories.make_audio_session(agency, practitioner, seconds=12)
    session.audio.save("tones.wav", ContentFile(tone_wav(12)))
    coding = factories.make_audio_coding(
        session,
        coder,
        volleys=[(1000, "practitioner", ["Q"]), (3000, "client", []), (5000, "practitioner", [])],
    )
    sign_in(page, coder.username, factories.PASSWORD)
    page.goto(f"{live_server.url}/codings/{coding.pk}/")
    page.wait_for_selector("body[data-ready='true']")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")  # the first volley
    page.keyboard.press("Shift+N")
    page.keyboard.type("Lovely open question")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # For feedback
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # the last volley
    page.keyboard.press("Shift+N")
    page.keyboard.type("Missed a reflection qrs")  # letters that are code keys elsewhere
    page.keyboard.press("Enter")
    saved(page)
    notes = {
        n.volley.start_ms: (n.text, n.for_feedback)
        for n in coding.utterance_notes.select_related("volley")
    }
    assert notes == {
        1000: ("Lovely open question", True),
        5000: ("Missed a reflection qrs", False),
    }
    assert not Volley.objects.get(coding=coding, start_ms=5000).codes.exists()
    assert "Note for feedback: Lovely open question" in page.locator("#aw-volleys").inner_text()
    page.keyboard.press("Control+z")  # takes the last note back
    saved(page)
    assert not coding.utterance_notes.filter(volley__start_ms=5000).exists()
    page.reload()
    page.wait_for_selector("body[data-ready='true']")
    assert "Private note" not in page.locator("#aw-volleys").inner_text()
    assert "Lovely open question" in page.locator("#aw-volleys").inner_text()
