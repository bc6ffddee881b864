"""A researcher imports coded sessions from the Data page and downloads the scores."""

import pytest

from accounts.models import Role
from coding.models import Coding
from tests import factories
from transcripts.models import Transcript

CODED = """transcript,utterance,speaker,text,coder,code
Intake,1,Therapist,What brings you in today?,ana,Q
Intake,2,Client,My doctor thinks I drink too much.,ana,n/a
Intake,3,Therapist,You're here because someone else is worried.,ana,CR
Intake,1,Therapist,What brings you in today?,ben,Q
Intake,2,Client,My doctor thinks I drink too much.,ben,n/a
Intake,3,Therapist,You're here because someone else is worried.,ben,SR
"""


@pytest.mark.django_db(transaction=True)
def test_researcher_imports_a_csv_through_preview_and_confirmation(
    page, live_server, sign_in, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    agency = factories.make_agency(slug="north", name="North Clinic")
    factories.make_user(agency, Role.RESEARCHER, username="rita")
    factories.make_practitioner(agency, "Dana Reyes")
    path = tmp_path / "intake.csv"
    path.write_text(CODED)

    sign_in(page, "rita", factories.PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Data").click()
    page.get_by_role("link", name="Import a CSV").click()
    page.get_by_label("Coded data (CSV)").set_input_files(str(path))
    page.get_by_role("button", name="Upload and choose columns").click()

    assert page.get_by_label("Speaker column").input_value() == "speaker"
    page.get_by_label("Values meaning no code").fill("n/a")
    page.get_by_label("Practitioner", exact=True).select_option(label="Dana Reyes")
    page.get_by_role("button", name="Preview").click()
    counts = page.locator("#import-counts").inner_text()
    assert "2 submitted codings with MITI 4.2.1: 4 codes" in counts
    assert "new accounts without a password: ana, ben" in counts
    assert Transcript.objects.count() == 0

    page.get_by_role("button", name="Confirm and import").click()
    page.wait_for_url(f"{live_server.url}/data/")
    assert (
        "Imported 2 codings (4 codes) of 1 transcripts"
        in page.get_by_role("status").first.inner_text()
    )
    assert Coding.objects.filter(transcript__title="Intake").count() == 2
