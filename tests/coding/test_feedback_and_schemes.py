"""The feedback page a practitioner reads, the scheme pages and an agency's thresholds."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from coding.models import CodingStatus, SummaryScore, ThresholdOverride, UtteranceNote
from coding.services.schemes import threshold_set
from tests import factories
from tests.factories import ALL_GLOBALS

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(agency, practitioner, coder):
    transcript = factories.make_transcript(agency, practitioner, utterances=6, title="Intake")
    coding = factories.make_coding(
        transcript,
        coder,
        codes={1: ["SR", "AF"], 3: ["CR"], 5: ["Persuade"]},
        globals_=ALL_GLOBALS,
        submitted=True,
    )
    UtteranceNote.objects.create(
        coding=coding,
        utterance=transcript.utterances.get(position=3),
        text="Lovely double-sided",
        for_feedback=True,
    )
    coding.notes = "Warm session; ask more open questions."
    coding.save()
    return coding


def feedback(client, coding):
    return client.get(reverse("coding:feedback", args=[coding.pk]))


def test_feedback_shows_counts_globals_scores_bands_and_notes(
    submitted, practitioner_user, client_for
):
    html = feedback(client_for(practitioner_user), submitted).content.decode()
    # Relational (4 + 5) / 2 = 4.5: good; technical (3 + 4) / 2 = 3.5: fair; %CR 50%: good.
    assert '<td class="text-end">4.50</td>' in html
    assert '<td class="text-end">3.50</td>' in html
    assert html.count("band-good") == 2
    assert html.count("band-fair") == 1
    assert "not defined" in html  # R:Q with no question
    assert "—" in html
    assert "Warm session; ask more open questions." in html
    assert "Lovely double-sided" in html
    assert "#3 Counselor" in html
    assert "Understands deeply" in html  # the anchor of empathy 5
    assert "css/feedback.css" in html


def test_feedback_follows_the_agencys_own_thresholds(submitted, agency, supervisor, client_for):
    technical = SummaryScore.objects.get(scheme=submitted.scheme, slug="technical")
    threshold_set(agency=agency, summary_score=technical, fair=3.6, good=4.5)
    html = feedback(client_for(supervisor), submitted).content.decode()
    assert html.count("band-below_fair") == 1


def test_feedback_is_hidden_from_the_practitioner_until_submitted(
    submitted, practitioner_user, outsider, client_for
):
    submitted.status, submitted.submitted_at = CodingStatus.IN_PROGRESS, None
    submitted.save()
    assert feedback(client_for(practitioner_user), submitted).status_code == 404
    assert feedback(client_for(outsider), submitted).status_code == 404


def test_scheme_page_lists_codes_keys_globals_and_thresholds(coder, client_for):
    client = client_for(coder)
    schemes = client.get(reverse("coding:schemes")).content.decode()
    for name in ("MITI 4.2.1", "MITI 3.1.1", "MISC 2.5"):
        assert name in schemes
    html = client.get(reverse("coding:scheme", args=["miti-4.2.1"])).content.decode()
    assert "<kbd>q</kbd>" in html
    assert "Persuade with Permission" in html
    assert "Cultivating Change Talk" in html
    assert "(SR + CR) / (Q)" in html
    assert "Set Home Agency" not in html  # a coder cannot set thresholds
    assert client.get(reverse("coding:scheme", args=["no-such"])).status_code == 404


def test_an_agencys_own_scheme_is_hidden_from_other_agencies(other_agency, coder, client_for):
    from coding.models import CodingScheme

    CodingScheme.objects.create(slug="private", name="Private", agency=other_agency)
    assert client_for(coder).get(reverse("coding:scheme", args=["private"])).status_code == 404


def test_admin_sets_thresholds_and_they_are_audited(agency, admin_user, client_for):
    client = client_for(admin_user)
    url = reverse("coding:thresholds", args=["miti-4.2.1"])
    form = client.get(url)
    assert form.status_code == 200
    data = {}
    for summary in SummaryScore.objects.filter(scheme__slug="miti-4.2.1"):
        data[f"fair_{summary.slug}"] = "" if summary.fair is None else summary.fair
        data[f"good_{summary.slug}"] = "" if summary.good is None else summary.good
    data["fair_technical"], data["good_technical"] = 3.5, 4
    response = client.post(url, data)
    assert response.status_code == 302
    override = ThresholdOverride.objects.get(agency=agency)
    assert (override.summary_score.slug, override.fair, override.good) == ("technical", 3.5, 4)
    assert AuditEvent.objects.filter(action="scheme.thresholds", agency=agency).exists()
    html = client.get(reverse("coding:scheme", args=["miti-4.2.1"])).content.decode()
    assert "Home Agency (default 3.00 / 4.00)" in html
    data["fair_technical"] = 3
    client.post(url, data)
    assert not ThresholdOverride.objects.exists()


def test_good_below_fair_is_refused_and_changes_nothing(admin_user, client_for):
    response = client_for(admin_user).post(
        reverse("coding:thresholds", args=["miti-4.2.1"]), {"fair_r_q": 2, "good_r_q": 1}
    )
    assert response.status_code == 200
    assert "cannot be below fair" in response.content.decode()
    assert not ThresholdOverride.objects.exists()


def test_only_agency_admins_set_thresholds(supervisor, outsider, client_for, agency):
    url = reverse("coding:thresholds", args=["miti-4.2.1"])
    assert client_for(supervisor).post(url, {"fair_r_q": 0}).status_code == 403
    assert client_for(outsider).get(url).status_code == 200  # their own agency
    assert not ThresholdOverride.objects.filter(agency=agency).exists()
