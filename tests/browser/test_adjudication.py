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


@pytest.mark.django_db(transaction=True)
def test_supervisor_adjudicates_by_keyboard(page, live_server, sign_in):
    agency = factories.make_agency()
    supervisor = factories.make_user(agency, Role.SUPERVISOR, username="sofia")
    ana = factories.make_user(agency, Role.CODER, username="ana")
    ben = factories.make_user(agency, Role.CODER, username="ben")
    transcript = factories.make_transcript(agency, utterances=6, title="Drinking after ER")
    first = factories.make_coding(
        transcript,
        ana,
        codes={1: ["Q"], 3: ["SR"], 5: ["AF"]},
        globals_=ALL_GLOBALS,
        submitted=True,
    )
    factories.make_coding(
        transcript,
        ben,
        kind=CodingKind.DOUBLE,
        codes={1: ["SR"], 3: ["CR"], 5: ["AF"]},
        globals_={**ALL_GLOBALS, "empathy": 3},
        submitted=True,
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
