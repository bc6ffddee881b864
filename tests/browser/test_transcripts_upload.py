import pytest
from django.urls import reverse

from tests import factories
from transcripts.models import SpeakerRole, Transcript

TEXT = (
    b"[00:00:02] Dana: Thanks for coming in. What would you like to talk about?\n"
    b"[00:00:09] Marcus: The drinking, I suppose.\n"
    b"[00:00:14] Dana: What makes now the time?\n"
    b"[00:00:19] Marcus: My son's game. I missed it.\n"
)


@pytest.mark.django_db(transaction=True)
def test_upload_change_a_role_in_the_preview_save_and_read_it(
    page, live_server, sign_in, supervisor, practitioner
):
    sign_in(page, supervisor.username, factories.PASSWORD)
    page.goto(f"{live_server.url}{reverse('transcripts:upload')}")
    page.set_input_files(
        "input[name=files]",
        files=[{"name": "week1.txt", "mimeType": "text/plain", "buffer": TEXT}],
    )
    page.select_option("select[name=practitioner]", label="Dana Reyes")
    page.fill("input[name=target_change]", "drinking less")
    page.get_by_role("button", name="Read the files").click()

    page.wait_for_url("**/transcripts/upload/*/")
    assert not Transcript.objects.exists()
    marcus = page.get_by_label("Marcus", exact=True)
    assert marcus.input_value() == SpeakerRole.CLIENT
    marcus.select_option(SpeakerRole.OTHER)
    said_by_marcus = page.locator('.transcript-preview .utterance[data-speaker-index="1"]')
    assert said_by_marcus.count() == 2
    for index in range(2):
        assert "utterance-other" in said_by_marcus.nth(index).get_attribute("class")
    page.get_by_role("button", name="Save 1 transcript").click()

    page.wait_for_url("**/transcripts/*/")
    transcript = Transcript.objects.get()
    assert page.url.endswith(reverse("transcripts:detail", args=[transcript.pk]))
    items = page.locator("ol.transcript > li.utterance")
    assert items.count() == 4
    assert "What makes now the time?" in items.nth(2).inner_text()
    assert "utterance-other" in items.nth(3).get_attribute("class")
    assert "utterance-practitioner" in items.nth(0).get_attribute("class")
    assert "0:19" in items.nth(3).inner_text()
    assert list(transcript.utterances.values_list("speaker_role", flat=True)) == [
        SpeakerRole.PRACTITIONER,
        SpeakerRole.OTHER,
        SpeakerRole.PRACTITIONER,
        SpeakerRole.OTHER,
    ]
    assert transcript.target_change == "drinking less"
