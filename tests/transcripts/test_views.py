"""The transcript list and page, and the changes made from them."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuditEvent
from tests import factories
from transcripts.models import SpeakerRole, Transcript

pytestmark = pytest.mark.django_db

LIST = reverse("transcripts:list")


def detail(transcript) -> str:
    return reverse("transcripts:detail", args=[transcript.pk])


def listed(response) -> list[int]:
    return [transcript.pk for transcript in response.context["page"]]


@pytest.fixture
def transcript(agency, practitioner):
    return factories.make_transcript(agency, practitioner, title="Week one")


# ---------------------------------------------------------------- list


def test_the_list_shows_the_agencys_transcripts_only(client_for, supervisor, transcript, outsider):
    factories.make_transcript(outsider.memberships.get().agency, title="Theirs")
    assert listed(client_for(supervisor).get(LIST)) == [transcript.pk]
    assert transcript.pk not in listed(client_for(outsider).get(LIST))


def test_filters_practitioner_team_dates_and_text(client_for, supervisor, agency):
    team = factories.make_team(agency, "Outpatient")
    dana = factories.make_practitioner(agency, "Dana", team=team)
    sam = factories.make_practitioner(agency, "Sam")
    early = factories.make_transcript(agency, dana, session_date=datetime.date(2026, 1, 5))
    late = factories.make_transcript(agency, sam, session_date=datetime.date(2026, 4, 5))
    late.utterances.filter(position=2).update(text="I want to quit smoking.")
    client = client_for(supervisor)
    assert listed(client.get(LIST, {"practitioner": dana.pk})) == [early.pk]
    assert listed(client.get(LIST, {"team": team.pk})) == [early.pk]
    assert listed(client.get(LIST, {"date_from": "2026-02-01"})) == [late.pk]
    assert listed(client.get(LIST, {"date_to": "2026-02-01"})) == [early.pk]
    assert listed(client.get(LIST, {"q": "SMOKING"})) == [late.pk]
    assert listed(client.get(LIST, {"q": "Sam"})) == [late.pk]
    assert listed(client.get(LIST, {"q": "nothing like this"})) == []
    assert "No transcripts match these filters" in client.get(LIST, {"q": "zzz"}).content.decode()


def test_coding_status_comes_from_the_codings(client_for, supervisor, agency, coder, coder2):
    untouched = factories.make_transcript(agency)
    started = factories.make_transcript(agency)
    done = factories.make_transcript(agency)
    mixed = factories.make_transcript(agency)
    factories.make_coding(started, coder)
    factories.make_coding(done, coder, submitted=True)
    factories.make_coding(mixed, coder, submitted=True)
    factories.make_coding(mixed, coder2)
    client = client_for(supervisor)
    statuses = {t.pk: t.coding_status for t in client.get(LIST).context["page"]}
    assert statuses == {
        untouched.pk: "not_coded",
        started.pk: "in_progress",
        done.pk: "submitted",
        mixed.pk: "in_progress",
    }
    assert listed(client.get(LIST, {"status": "submitted"})) == [done.pk]
    assert sorted(listed(client.get(LIST, {"status": "in_progress"}))) == sorted(
        [started.pk, mixed.pk]
    )
    assert listed(client.get(LIST, {"status": "not_coded"})) == [untouched.pk]


def test_a_coder_sees_status_only_from_codings_they_may_see(client_for, agency, coder, coder2):
    shared = factories.make_transcript(agency)
    factories.make_coding(shared, coder, submitted=True)
    factories.make_coding(shared, coder2)
    statuses = {t.pk: t.coding_status for t in client_for(coder).get(LIST).context["page"]}
    assert statuses == {shared.pk: "submitted"}


def test_the_list_is_paginated_in_a_fixed_number_of_queries(
    client_for, supervisor, agency, coder, settings, django_assert_max_num_queries
):
    settings.MI_PAGE_SIZE = 5
    for number in range(12):
        transcript = factories.make_transcript(agency, utterances=3)
        if number % 3 == 0:
            factories.make_coding(transcript, coder)
    client = client_for(supervisor)
    client.get(LIST)
    with django_assert_max_num_queries(10):
        response = client.get(LIST, {"page": 2})
    assert len(response.context["page"]) == 5
    assert response.context["page"].paginator.num_pages == 3


def test_an_invalid_filter_shows_everything_with_a_message(client_for, supervisor, transcript):
    response = client_for(supervisor).get(LIST, {"date_from": "yesterday"})
    assert listed(response) == [transcript.pk]
    assert "Enter a valid date" in response.content.decode()


# ---------------------------------------------------------------- detail


def test_the_page_shows_the_conversation_times_and_codings(
    client_for, supervisor, transcript, coder
):
    coding = factories.make_coding(transcript, coder)
    html = client_for(supervisor).get(detail(transcript)).content.decode()
    assert 'class="utterance utterance-practitioner' in html
    assert 'class="utterance utterance-client' in html
    assert "Utterance number 6." in html
    assert ">0:05<" in html
    assert reverse("coding:workspace", args=[coding.pk]) in html
    assert "Coding has begun, so the utterances are fixed" in html
    assert reverse("transcripts:utterance", args=[transcript.pk, 1]) not in html


def test_the_page_takes_a_fixed_number_of_queries(
    client_for, supervisor, agency, practitioner, coder, coder2, django_assert_max_num_queries
):
    transcript = factories.make_transcript(agency, practitioner, utterances=200)
    factories.make_coding(transcript, coder, submitted=True)
    factories.make_coding(transcript, coder2)
    client = client_for(supervisor)
    client.get(detail(transcript))
    with django_assert_max_num_queries(14):
        response = client.get(detail(transcript))
    assert len(response.context["codings"]) == 2
    assert response.content.decode().count('class="utterance utterance-') == 200


def test_managers_get_the_editing_controls_until_coding_begins(client_for, supervisor, transcript):
    html = client_for(supervisor).get(detail(transcript)).content.decode()
    first = transcript.utterances.get(position=1)
    assert reverse("transcripts:utterance", args=[transcript.pk, first.pk]) in html
    assert "Save roles" in html
    assert "Pick a random 20 minutes" in html


def test_coders_and_practitioners_read_without_controls(
    client_for, transcript, coder, practitioner_user
):
    factories.make_coding(transcript, coder, submitted=True)
    for user in (coder, practitioner_user):
        response = client_for(user).get(detail(transcript))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Utterance number 1." in html
        assert "Save roles" not in html
        assert reverse("transcripts:delete", args=[transcript.pk]) not in html


def test_another_agencys_transcript_is_not_found(client_for, outsider, transcript):
    client = client_for(outsider)
    for name in ("detail", "edit", "delete", "speakers", "segment", "audio_upload"):
        assert client.get(reverse(f"transcripts:{name}", args=[transcript.pk])).status_code in (
            404,
            405,
        )
        assert client.post(reverse(f"transcripts:{name}", args=[transcript.pk])).status_code == 404


def test_a_coder_may_not_change_a_transcript_they_see(client_for, transcript, coder):
    factories.make_coding(transcript, coder)
    client = client_for(coder)
    for name in ("edit", "delete", "speakers", "segment", "audio_upload", "audio_remove"):
        assert client.post(reverse(f"transcripts:{name}", args=[transcript.pk])).status_code == 403
    utterance = transcript.utterances.get(position=1)
    response = client.post(
        reverse("transcripts:utterance", args=[transcript.pk, utterance.pk]),
        {"action": "text", "text": "changed"},
    )
    assert response.status_code == 403
    utterance.refresh_from_db()
    assert utterance.text == "Utterance number 1."


# ---------------------------------------------------------------- parse edits


def test_speaker_roles_change_from_the_page(client_for, supervisor, transcript):
    response = client_for(supervisor).post(
        reverse("transcripts:speakers", args=[transcript.pk]),
        {"role_0": SpeakerRole.PRACTITIONER, "role_1": SpeakerRole.OTHER},
        follow=True,
    )
    assert "Speaker roles saved." in response.content.decode()
    assert set(transcript.utterances.values_list("speaker_role", flat=True)) == {
        SpeakerRole.PRACTITIONER,
        SpeakerRole.OTHER,
    }


def test_a_frozen_parse_refuses_edits_with_a_clear_message(
    client_for, supervisor, transcript, coder
):
    factories.make_coding(transcript, coder)
    client = client_for(supervisor)
    response = client.post(
        reverse("transcripts:speakers", args=[transcript.pk]),
        {"role_0": SpeakerRole.CLIENT, "role_1": SpeakerRole.PRACTITIONER},
        follow=True,
    )
    assert "Coding of this transcript has begun" in response.content.decode()
    utterance = transcript.utterances.get(position=1)
    response = client.post(
        reverse("transcripts:utterance", args=[transcript.pk, utterance.pk]),
        {"action": "text", "text": "changed"},
    )
    assert "Coding of this transcript has begun" in response.content.decode()
    utterance.refresh_from_db()
    assert (utterance.text, utterance.speaker_role) == (
        "Utterance number 1.",
        SpeakerRole.PRACTITIONER,
    )


def test_fix_split_and_merge_from_the_utterance_page(client_for, supervisor, transcript):
    client = client_for(supervisor)
    first = transcript.utterances.get(position=1)
    url = reverse("transcripts:utterance", args=[transcript.pk, first.pk])
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, {"action": "text", "text": "Hello there. How are you?"})
    assert response["Location"] == f"{detail(transcript)}#u1"
    page = client.get(url)
    assert page.context["split_form"].fields["at"].choices == [(13, "How are you?")]
    client.post(url, {"action": "split", "at": "13"})
    assert list(transcript.utterances.values_list("position", "text")[:3]) == [
        (1, "Hello there."),
        (2, "How are you?"),
        (3, "Utterance number 2."),
    ]
    response = client.post(url, {"action": "merge_next"})
    assert response["Location"] == f"{detail(transcript)}#u1"
    assert transcript.utterances.get(position=1).text == "Hello there. How are you?"
    assert transcript.utterances.count() == 6


def test_a_forged_split_point_changes_nothing(client_for, supervisor, transcript):
    first = transcript.utterances.get(position=1)
    response = client_for(supervisor).post(
        reverse("transcripts:utterance", args=[transcript.pk, first.pk]),
        {"action": "split", "at": "3"},
    )
    assert response.status_code == 200
    assert transcript.utterances.count() == 6


def test_merging_different_speakers_is_refused(client_for, supervisor, transcript):
    first = transcript.utterances.get(position=1)
    response = client_for(supervisor).post(
        reverse("transcripts:utterance", args=[transcript.pk, first.pk]),
        {"action": "merge_next"},
    )
    assert "only turns of one speaker can be merged" in response.content.decode()
    assert transcript.utterances.count() == 6


def test_an_utterance_of_another_transcript_is_not_found(client_for, supervisor, agency):
    one, two = factories.make_transcript(agency), factories.make_transcript(agency)
    url = reverse("transcripts:utterance", args=[one.pk, two.utterances.first().pk])
    assert client_for(supervisor).get(url).status_code == 404


# ---------------------------------------------------------------- details, segment, audio


def test_edit_details_and_refuse_a_foreign_practitioner(
    client_for, supervisor, transcript, outsider, other_practitioner
):
    client = client_for(supervisor)
    url = reverse("transcripts:edit", args=[transcript.pk])
    foreign = factories.make_practitioner(outsider.memberships.get().agency, "Elsewhere")
    data = {"title": "Renamed", "practitioner": foreign.pk, "session_date": "2026-05-01"}
    assert client.post(url, data).status_code == 200
    transcript.refresh_from_db()
    assert transcript.title == "Week one"
    data["practitioner"] = other_practitioner.pk
    assert client.post(url, data)["Location"] == detail(transcript)
    transcript.refresh_from_db()
    assert (transcript.title, transcript.practitioner) == ("Renamed", other_practitioner)


def test_segment_by_hand_and_at_random(client_for, supervisor, agency, practitioner):
    transcript = factories.make_transcript(agency, practitioner, utterances=400)
    client = client_for(supervisor)
    url = reverse("transcripts:segment", args=[transcript.pk])
    client.post(url, {"action": "set", "segment_start": "1:00", "segment_end": "0:21:00"})
    transcript.refresh_from_db()
    assert (transcript.segment_start, transcript.segment_end) == (60.0, 1260.0)
    html = client.get(detail(transcript)).content.decode()
    assert "1:00 to 21:00" in html
    assert "utterance-outside" in html
    response = client.post(url, {"action": "set", "segment_start": "later"}, follow=True)
    assert "Write a time as h:mm:ss" in response.content.decode()
    response = client.post(url, {"action": "random"}, follow=True)
    transcript.refresh_from_db()
    assert transcript.segment_end - transcript.segment_start == 1200
    assert re.search(r"Segment picked at random \(seed \d+\)\.", response.content.decode())


def test_audio_attach_through_the_page(client_for, supervisor, transcript, media_root):
    client = client_for(supervisor)
    url = reverse("transcripts:audio_upload", args=[transcript.pk])
    response = client.post(url, {"audio": SimpleUploadedFile("none.mp3", b"")}, follow=True)
    assert "none.mp3: the file is empty" in response.content.decode()
    response = client.post(
        url, {"audio": SimpleUploadedFile("s.txt.mp3", b"%PDF-1.4" + bytes(20))}, follow=True
    )
    assert "s.txt.mp3: the content is not MP3" in response.content.decode()
    client.post(url, {"audio": SimpleUploadedFile("s.ogg", b"OggS" + bytes(40))})
    transcript.refresh_from_db()
    assert transcript.audio.name.endswith(".ogg")
    html = client.get(detail(transcript)).content.decode()
    assert reverse("transcripts:audio", args=[transcript.pk]) in html
    assert 'data-seconds="5.000000"' in html


# ---------------------------------------------------------------- delete


def test_delete_after_confirmation(client_for, supervisor, transcript):
    client = client_for(supervisor)
    url = reverse("transcripts:delete", args=[transcript.pk])
    page = client.get(url).content.decode()
    assert "6 utterances" in page
    assert Transcript.objects.filter(pk=transcript.pk).exists()
    response = client.post(url, {"stage": "confirm"})
    assert response["Location"] == LIST
    assert not Transcript.objects.filter(pk=transcript.pk).exists()


def test_a_supervisor_cannot_delete_submitted_codings(client_for, supervisor, transcript, coder):
    factories.make_coding(transcript, coder, submitted=True)
    client = client_for(supervisor)
    assert "Only an agency admin can delete" in client.get(detail(transcript)).content.decode()
    url = reverse("transcripts:delete", args=[transcript.pk])
    assert client.post(url, {"stage": "confirm"}).status_code == 403
    assert client.post(url, {"stage": "final", "understood": "on",
                             "transcript_id": transcript.pk}).status_code == 403  # fmt: skip
    assert Transcript.objects.filter(pk=transcript.pk).exists()


def test_an_admin_deletes_submitted_codings_after_a_second_confirmation(
    client_for, admin_user, transcript, coder
):
    factories.make_coding(transcript, coder, submitted=True)
    client = client_for(admin_user)
    url = reverse("transcripts:delete", args=[transcript.pk])
    first = client.post(url, {"stage": "confirm"})
    assert first.status_code == 200
    assert "Type the transcript" in first.content.decode()
    assert Transcript.objects.filter(pk=transcript.pk).exists()
    wrong = client.post(url, {"stage": "final", "understood": "on", "transcript_id": 999999})
    assert "not this transcript" in wrong.content.decode()
    unticked = client.post(url, {"stage": "final", "transcript_id": transcript.pk})
    assert unticked.status_code == 200
    assert Transcript.objects.filter(pk=transcript.pk).exists()
    done = client.post(url, {"stage": "final", "understood": "on", "transcript_id": transcript.pk})
    assert done["Location"] == LIST
    assert not Transcript.objects.filter(pk=transcript.pk).exists()
    event = AuditEvent.objects.get(action="transcript.delete")
    assert (event.actor, event.details["submitted_codings"]) == (admin_user, 1)


# ---------------------------------------------------------------- starting a coding


def test_a_supervisor_and_a_coder_can_start_coding_from_the_transcript_page(
    client_for, supervisor, coder, transcript
):
    start = reverse("coding:start", args=[transcript.pk])
    factories.make_coding(transcript, coder)  # so the coder may see the transcript
    for user in (supervisor, coder):
        page = client_for(user).get(detail(transcript)).content.decode()
        assert f'href="{start}"' in page and "Start coding" in page


def test_researchers_and_practitioners_are_not_offered_to_start_coding(
    client_for, researcher, practitioner_user, transcript, coder
):
    factories.make_coding(transcript, coder, submitted=True)
    transcript.practitioner.user = practitioner_user
    transcript.practitioner.save()
    start = reverse("coding:start", args=[transcript.pk])
    for user in (researcher, practitioner_user):
        response = client_for(user).get(detail(transcript))
        assert response.status_code == 200
        assert start not in response.content.decode()
