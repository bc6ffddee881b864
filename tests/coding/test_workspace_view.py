"""The workspace page, submitting, reopening and starting a coding."""

import json

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from coding.models import Coding, CodingKind, CodingStatus, SummaryScore, ThresholdOverride
from tests import factories
from tests.factories import ALL_GLOBALS

pytestmark = pytest.mark.django_db


@pytest.fixture
def coding(transcript, coder):
    return factories.make_coding(transcript, coder, codes={1: ["Q", "SR"], 3: ["CR"]})


def page(client, coding):
    response = client.get(reverse("coding:workspace", args=[coding.pk]))
    assert response.status_code == 200
    return response


def config(response):
    html = response.content.decode()
    start = html.index('<script id="ws-config" type="application/json">') + len(
        '<script id="ws-config" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


def test_owner_gets_an_editable_workspace_with_codes_keys_and_anchors(coding, coder, client_for):
    response = page(client_for(coder), coding)
    html = response.content.decode()
    settings = config(response)
    assert settings["editable"] is True
    assert {c["abbr"]: c["key"] for c in settings["codes"]}["Q"] == "q"
    assert 'aria-live="polite"' in html
    assert 'data-codes="{},{}"'.format(factories.code("Q").pk, factories.code("SR").pk) in html
    assert "Shows no interest in the client&#x27;s point of view." in html  # empathy anchor 1
    assert 'id="ws-submit"' in html
    assert "utt-client utt-uncodable" in html  # MITI codes no client turn


def test_the_workspace_shows_the_tally_and_summary_scores(coding, coder, client_for):
    html = page(client_for(coder), coding).content.decode()
    assert f'id="count-{factories.code("Q").pk}">1<' in html
    assert f'id="count-{factories.code("CR").pk}">1<' in html
    # %CR = 1 / 2 = 50%, good; R:Q = 2 / 1.
    assert '<td class="text-end score-value">50%</td>' in html
    assert '<td class="text-end score-value">2.00</td>' in html


def test_the_page_gets_the_summary_score_definitions_with_the_agencys_thresholds(
    coding, coder, client_for, agency
):
    r_q = SummaryScore.objects.get(scheme=coding.scheme, slug="r_q")
    ThresholdOverride.objects.create(agency=agency, summary_score=r_q, fair=1.5, good=None)
    scores = {s["slug"]: s for s in config(page(client_for(coder), coding))["scores"]}
    assert list(scores) == ["technical", "relational", "pct_cr", "r_q", "mia", "mina"]
    assert scores["r_q"] == {
        "slug": "r_q",
        "type": "ratio",
        "numerator": ["SR", "CR"],
        "denominator": ["Q"],
        "percent": False,
        "fair": 1.5,
        "good": None,
    }
    assert scores["pct_cr"]["percent"] is True
    assert (scores["pct_cr"]["fair"], scores["pct_cr"]["good"]) == (40, 50)
    assert scores["technical"]["of"] == ["cct", "sst"]


def test_supervisor_reads_without_editing(coding, supervisor, client_for):
    response = page(client_for(supervisor), coding)
    html = response.content.decode()
    assert config(response)["editable"] is False
    assert 'id="ws-submit"' not in html
    assert "code-button" not in html
    assert "read-only" in html.lower()
    assert "Reopen" not in html  # not submitted yet


def test_blind_coder_and_outsider_get_404(coding, coder2, outsider, client_for):
    for user in (coder2, outsider):
        response = client_for(user).get(reverse("coding:workspace", args=[coding.pk]))
        assert response.status_code == 404


def test_practitioner_reads_only_a_submitted_coding(
    transcript, coder, practitioner_user, client_for
):
    coding = factories.make_coding(transcript, coder, globals_=ALL_GLOBALS)
    client = client_for(practitioner_user)
    assert client.get(reverse("coding:workspace", args=[coding.pk])).status_code == 404
    coding.status, coding.submitted_at = CodingStatus.SUBMITTED, coding.updated_at
    coding.save()
    assert config(page(client, coding))["editable"] is False


def test_a_submitted_coding_is_read_only_for_its_coder(transcript, coder, client_for):
    coding = factories.make_coding(transcript, coder, globals_=ALL_GLOBALS, submitted=True)
    response = page(client_for(coder), coding)
    assert config(response)["editable"] is False
    assert "Ask a supervisor to reopen it" in response.content.decode()


def test_workspace_of_a_thousand_utterances_takes_a_fixed_number_of_queries(
    agency, practitioner, coder, client_for, django_assert_max_num_queries
):
    transcript = factories.make_transcript(agency, practitioner, utterances=1000)
    coding = factories.make_coding(
        transcript,
        coder,
        codes={position: ["Q", "SR"] for position in range(1, 1000, 10)},
        globals_={"empathy": 4},
    )
    factories.make_coding(transcript, factories.make_user(agency), kind=CodingKind.DOUBLE)
    client = client_for(coder)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("coding:workspace", args=[coding.pk]))
    html = response.content.decode()
    last = transcript.utterances.get(position=1000)
    assert f'id="u{last.pk}"' in html
    assert html.count('class="utt utt-') == 1000


def test_submit_checks_every_global_then_locks(coding, coder, client_for):
    client = client_for(coder)
    response = client.post(reverse("coding:submit", args=[coding.pk]), follow=True)
    assert "Not submitted: rate every global" in response.content.decode()
    coding.refresh_from_db()
    assert coding.status == CodingStatus.IN_PROGRESS
    for slug, value in ALL_GLOBALS.items():
        scale = coding.scheme.globals.get(slug=slug)
        client.post(
            reverse("coding:api_global", args=[coding.pk]),
            json.dumps({"scale": scale.pk, "value": value}),
            content_type="application/json",
        )
    response = client.post(reverse("coding:submit", args=[coding.pk]), follow=True)
    assert "Coding submitted" in response.content.decode()
    coding.refresh_from_db()
    assert coding.status == CodingStatus.SUBMITTED
    assert AuditEvent.objects.filter(action="coding.submit", object_id=str(coding.pk)).exists()


def test_only_the_owner_can_submit(coding, supervisor, client_for):
    response = client_for(supervisor).post(reverse("coding:submit", args=[coding.pk]))
    assert response.status_code == 404


def test_supervisor_reopens_with_a_reason_and_it_is_audited(
    transcript, coder, supervisor, client_for
):
    coding = factories.make_coding(transcript, coder, globals_=ALL_GLOBALS, submitted=True)
    client = client_for(supervisor)
    assert "Reopen for the coder" in page(client, coding).content.decode()
    confirm = client.get(reverse("coding:reopen", args=[coding.pk]))
    assert confirm.status_code == 200
    missing_reason = client.post(reverse("coding:reopen", args=[coding.pk]), {"reason": ""})
    assert missing_reason.status_code == 200
    coding.refresh_from_db()
    assert coding.status == CodingStatus.SUBMITTED
    client.post(reverse("coding:reopen", args=[coding.pk]), {"reason": "Missed reflections"})
    coding.refresh_from_db()
    assert coding.status == CodingStatus.IN_PROGRESS
    event = AuditEvent.objects.get(action="coding.reopen")
    assert event.actor == supervisor
    assert event.details == {"reason": "Missed reflections"}


def test_coder_cannot_reopen_and_outsider_gets_404(transcript, coder, outsider, client_for):
    coding = factories.make_coding(transcript, coder, globals_=ALL_GLOBALS, submitted=True)
    url = reverse("coding:reopen", args=[coding.pk])
    assert client_for(coder).post(url, {"reason": "please"}).status_code == 403
    assert client_for(outsider).post(url, {"reason": "please"}).status_code == 404
    coding.refresh_from_db()
    assert coding.status == CodingStatus.SUBMITTED


def test_start_coding_creates_one_coding_with_the_default_scheme(
    transcript, supervisor, client_for
):
    client = client_for(supervisor)
    url = reverse("coding:start", args=[transcript.pk])
    form = client.get(url)
    assert 'value="miti-4.2.1" selected' in form.content.decode()
    first = client.post(url, {"scheme": "miti-4.2.1"})
    coding = Coding.objects.get(transcript=transcript, coder=supervisor)
    assert first.url == reverse("coding:workspace", args=[coding.pk])
    assert coding.scheme.slug == "miti-4.2.1"
    assert coding.kind == CodingKind.PRIMARY
    again = client.post(url, {"scheme": "miti-4.2.1"})
    assert again.url == first.url
    assert Coding.objects.filter(transcript=transcript, coder=supervisor).count() == 1


def test_start_coding_follows_an_assignment_kind(transcript, coder, client_for):
    from workflow.models import Assignment

    Assignment.objects.create(
        agency=transcript.agency,
        transcript=transcript,
        coder=coder,
        scheme=factories.miti(),
        kind=CodingKind.DOUBLE,
    )
    client_for(coder).post(reverse("coding:start", args=[transcript.pk]), {"scheme": "miti-4.2.1"})
    assert Coding.objects.get(transcript=transcript, coder=coder).kind == CodingKind.DOUBLE


def test_start_coding_needs_a_visible_transcript_and_the_code_capability(
    transcript, coder, practitioner_user, researcher, outsider, client_for
):
    url = reverse("coding:start", args=[transcript.pk])
    assert client_for(coder).post(url, {"scheme": "miti-4.2.1"}).status_code == 404  # unassigned
    assert client_for(outsider).post(url, {"scheme": "miti-4.2.1"}).status_code == 404
    assert client_for(researcher).post(url, {"scheme": "miti-4.2.1"}).status_code == 403
    assert client_for(practitioner_user).post(url, {"scheme": "miti-4.2.1"}).status_code == 403
    assert not Coding.objects.exists()


def test_start_coding_refuses_an_unknown_scheme(transcript, supervisor, client_for):
    response = client_for(supervisor).post(
        reverse("coding:start", args=[transcript.pk]), {"scheme": "nope"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Coding.objects.exists()
