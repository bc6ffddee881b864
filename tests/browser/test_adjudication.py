"""A supervisor resolves two disagreeing codings by keyboard alone."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from coding.models import Coding, CodingKind, UtteranceCode
from tests import factories
from tests.factories import ALL_GLOBALS, PASSWORD


def _codes(coding, position):
    return sorted(
        UtteranceCode.objects.filter(coding=coding, utterance__position=position).values_list(
            "code__abbreviation", flat=True
        )
    )


def _two_codings(utterances, ana_codes, ben_codes, title=""):
    """Ana's and Ben's submitted codings of one transcript; they differ on empathy too."""
    agency = factories.make_agency()
    supervisor = factories.make_user(agency, Role.SUPERVISOR, username="sofia")
    ana = factories.make_user(agency, Role.CODER, username="ana")
    ben = factories.make_user(agency, Role.CODER, username="ben")
    transcript = factories.make_transcript(agency, utterances=utterances, title=title)
    first = factories.make_coding(
        transcript, ana, codes=ana_codes, globals_=ALL_GLOBALS, submitted=True
    )
    factories.make_coding(
        transcript,
        ben,
        kind=CodingKind.DOUBLE,
        codes=ben_codes,
        globals_={**ALL_GLOBALS, "empathy": 3},
        submitted=True,
    )
    return supervisor, transcript, first


@pytest.mark.django_db(transaction=True)
def test_supervisor_adjudicates_by_keyboard(page, live_server, sign_in):
    supervisor, transcript, first = _two_codings(
        6,
        {1: ["Q"], 3: ["SR"], 5: ["AF"]},
        {1: ["SR"], 3: ["CR"], 5: ["AF"]},
        title="Drinking after ER",
    )
    sign_in(page, "sofia", PASSWORD)
    page.goto(f"{live_server.url}/workflow/adjudication/")
    page.get_by_role("link", name=re.compile("Adjudicate")).click()
    expect(page.locator("#adj-summary")).to_contain_text("3 disagreements")
    page.get_by_role("button", name="Start adjudication").click()
    expect(page.locator("#undecided-count")).to_have_text("3")

    page.keyboard.press("n")
    expect(page.locator("tr.adj-current")).to_have_attribute("data-label", "#1")
    page.keyboard.press("2")  # ben's SR
    page.keyboard.press("Enter")
    expect(page.locator("#undecided-count")).to_have_text("2")
    expect(page.locator("#row-1 .adj-consensus")).to_have_text("SR")

    expect(page.locator("tr.adj-current")).to_have_attribute("data-label", "#3")
    page.keyboard.press("1")  # ana's SR
    page.keyboard.press("Enter")
    expect(page.locator("#undecided-count")).to_have_text("1")

    expect(page.locator("tr.adj-current")).to_have_attribute("data-label", "Empathy")
    page.keyboard.press("e")  # own answer: the value editor takes focus
    expect(page.locator("#own-editor")).to_be_visible()
    page.keyboard.press("ArrowRight")  # from the first value to the next, i.e. 2
    page.keyboard.press("ArrowRight")  # 3
    page.keyboard.press("ArrowRight")  # 4
    page.keyboard.press("Enter")
    expect(page.locator("#undecided-count")).to_have_text("0")
    expect(page.locator("#finish-adjudication")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".messages .alert-success")).to_contain_text("Consensus coding")

    consensus = Coding.objects.get(transcript=transcript, kind=CodingKind.CONSENSUS)
    assert consensus.coder == supervisor
    assert consensus.is_submitted
    assert _codes(consensus, 1) == ["SR"]
    assert _codes(consensus, 3) == ["SR"]
    assert _codes(consensus, 5) == ["AF"]
    ratings = dict(consensus.global_ratings.values_list("scale__slug", "value"))
    assert ratings == {**ALL_GLOBALS, "empathy": 4}
    assert _codes(first, 1) == ["Q"]


@pytest.mark.django_db(transaction=True)
def test_supervisor_adjudicates_by_mouse_with_a_reason(page, live_server, sign_in):
    agency = factories.make_agency()
    factories.make_user(agency, Role.SUPERVISOR, username="sofia")
    ana = factories.make_user(agency, Role.CODER, username="ana")
    ben = factories.make_user(agency, Role.CODER, username="ben")
    transcript = factories.make_transcript(agency, utterances=4)
    factories.make_coding(transcript, ana, codes={3: ["GI"]}, globals_=ALL_GLOBALS, submitted=True)
    factories.make_coding(
        transcript,
        ben,
        kind=CodingKind.DOUBLE,
        codes={3: ["Q"]},
        globals_=ALL_GLOBALS,
        submitted=True,
    )
    sign_in(page, "sofia", PASSWORD)
    page.goto(f"{live_server.url}/workflow/adjudication/{transcript.pk}/{factories.miti().pk}/")
    page.get_by_role("button", name="Start adjudication").click()
    page.locator("#row-3").click()
    page.locator("#decision-panel").get_by_role("button", name=re.compile("Own answer")).click()
    page.locator("#own-choices").get_by_label("Q", exact=True).check()
    page.locator("#own-choices").get_by_label("GI", exact=True).check()
    page.get_by_label("Reason (optional)").fill("a question that also informs")
    page.get_by_role("button", name=re.compile("Confirm")).click()
    expect(page.locator("#row-3 .adj-decision")).to_contain_text("a question that also informs")
    consensus = Coding.objects.get(transcript=transcript, kind=CodingKind.CONSENSUS)
    assert _codes(consensus, 3) == ["GI", "Q"]
    decision = consensus.adjudication_decisions.get(utterance__position=3)
    assert (decision.source, decision.reason) == ("own", "a question that also informs")


@pytest.mark.django_db(transaction=True)
def test_the_whole_keyboard_path_never_skips_or_silently_replaces_a_decision(
    page, live_server, sign_in
):
    _, transcript, _ = _two_codings(
        8,
        {1: ["Q"], 3: ["SR"], 5: ["AF"], 7: ["GI"]},
        {1: ["SR"], 3: ["CR"], 5: ["AF"], 7: ["Q"]},
    )
    sign_in(page, "sofia", PASSWORD)
    page.goto(f"{live_server.url}/workflow/adjudication/{transcript.pk}/{factories.miti().pk}/")
    page.get_by_role("button", name="Start adjudication").click()
    left = page.locator("#undecided-count")
    current = page.locator("tr.adj-current")
    message = page.locator("#decision-message")
    expect(left).to_have_text("4")
    consensus = Coding.objects.get(transcript=transcript, kind=CodingKind.CONSENSUS)

    page.keyboard.press("n")
    expect(current).to_have_attribute("data-label", "#1")
    page.keyboard.press("2")  # ben's SR, no reason
    page.keyboard.press("Enter")
    expect(left).to_have_text("3")
    expect(current).to_have_attribute("data-label", "#3")  # moved on by itself
    page.keyboard.press("n")  # and n straight after does not skip #3
    expect(current).to_have_attribute("data-label", "#3")
    expect(message).to_contain_text("#3 is the next one to decide")

    page.keyboard.press("1")  # ana's SR, with a reason
    page.keyboard.press("r")
    expect(page.locator("#decision-reason")).to_be_focused()
    page.keyboard.type("a simple reflection")
    page.keyboard.press("Enter")  # confirms and leaves the reason box
    expect(left).to_have_text("2")
    expect(page.locator("#row-3 .adj-decision")).to_have_text("from ana: a simple reflection")
    expect(page.locator("#decision-reason")).not_to_be_focused()
    expect(page.locator("#decision-reason")).to_have_value("")
    expect(current).to_have_attribute("data-label", "#7")

    # n and p visit only what is left to decide, going round the ends.
    page.keyboard.press("p")
    expect(current).to_have_attribute("data-label", "Empathy")
    page.keyboard.press("n")
    expect(current).to_have_attribute("data-label", "#7")

    # k reaches a decided item; changing it is refused until confirmed.
    page.keyboard.press("k")
    expect(current).to_have_attribute("data-label", "#3")
    page.keyboard.press("2")  # ben's CR instead
    page.keyboard.press("Enter")
    dialog = page.locator("#replace-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Change the decision on #3?")
    page.keyboard.press("Enter")  # Keep the decision has the focus
    expect(dialog).to_be_hidden()
    expect(message).to_contain_text("Kept the earlier decision on #3")
    expect(page.locator("#row-3 .adj-consensus")).to_have_text("SR")
    assert _codes(consensus, 3) == ["SR"]
    page.keyboard.press("2")
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.locator("#replace-confirm")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#row-3 .adj-consensus")).to_have_text("CR")
    expect(left).to_have_text("2")
    expect(current).to_have_attribute("data-label", "#7")
    assert _codes(consensus, 3) == ["CR"]

    page.keyboard.press("2")  # ben's Q
    page.keyboard.press("Enter")
    expect(left).to_have_text("1")
    expect(current).to_have_attribute("data-label", "Empathy")
    page.keyboard.press("e")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # 4
    page.keyboard.press("Enter")
    expect(left).to_have_text("0")
    page.keyboard.press("n")
    expect(message).to_contain_text("Every disagreement is decided")
    expect(page.locator("#finish-adjudication")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".messages .alert-success")).to_contain_text("Consensus coding")

    consensus.refresh_from_db()
    assert consensus.is_submitted
    assert [_codes(consensus, p) for p in (1, 3, 5, 7)] == [["SR"], ["CR"], ["AF"], ["Q"]]
    assert consensus.global_ratings.get(scale__slug="empathy").value == 4
    decisions = {
        d.utterance.position: (d.source_coding.coder.username, d.reason)
        for d in consensus.adjudication_decisions.filter(source="coding")
    }
    assert decisions == {1: ("ben", ""), 3: ("ben", ""), 7: ("ben", "")}
