"""Upload, preview and confirm: nothing is stored before the person confirms."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuditEvent, Role
from tests import factories
from tests.transcripts.conftest import fixture_bytes
from transcripts import previews
from transcripts.models import SpeakerRole, Transcript
from transcripts.parsers import TableLayout

pytestmark = pytest.mark.django_db

UPLOAD = reverse("transcripts:upload")
TEXT = b"Dana: How was the week? What happened?\nMarcus: Long.\nDana: Long?\nMarcus: Yes.\n"


def upload(client, practitioner, *files, **fields):
    data = {
        "files": [SimpleUploadedFile(name, content) for name, content in files],
        "practitioner": practitioner.pk,
        "session_date": "2026-03-04",
        "target_change": "drinking less",
        "client_pseudonym": "C-7",
        **fields,
    }
    return client.post(UPLOAD, data)


def preview_url(response) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def confirm_data(client, url: str, **changes) -> dict[str, str]:
    """The preview form as the page offers it, with ``changes`` applied."""
    form_data = {}
    for form in client.get(url).context["items"]:
        document_form = form[1]
        for name, field in document_form.fields.items():
            value = document_form.initial.get(name, field.initial)
            if hasattr(value, "pk"):
                value = value.pk
            form_data[document_form.add_prefix(name)] = "" if value is None else str(value)
    form_data.update(changes)
    return form_data


@pytest.fixture
def signed_in(client_for, supervisor):
    return client_for(supervisor)


def test_the_upload_page_is_for_supervisors_and_admins(
    client_for, supervisor, admin_user, coder, researcher, practitioner_user
):
    assert client_for(supervisor).get(UPLOAD).status_code == 200
    assert client_for(admin_user).get(UPLOAD).status_code == 200
    for user in (coder, researcher, practitioner_user):
        assert client_for(user).get(UPLOAD).status_code == 403


def test_the_upload_page_says_when_there_is_no_practitioner(signed_in):
    assert "has no practitioners yet" in signed_in.get(UPLOAD).content.decode()


def test_upload_shows_a_preview_and_stores_nothing(signed_in, practitioner):
    url = preview_url(upload(signed_in, practitioner, ("week1.txt", TEXT)))
    assert not Transcript.objects.exists()
    page = signed_in.get(url)
    html = page.content.decode()
    assert "How was the week? What happened?" in html
    assert "Guessed: the practitioner&#x27;s name" in html
    (document, form, columns) = page.context["items"][0]
    assert [(guess.label, guess.role) for guess in document.guesses] == [
        ("Dana", SpeakerRole.PRACTITIONER),
        ("Marcus", SpeakerRole.CLIENT),
    ]
    assert columns is None
    assert form["title"].value() == "week1"
    assert not Transcript.objects.exists()


def test_confirming_stores_the_parse_with_the_chosen_roles_and_details(
    signed_in, practitioner, other_practitioner, supervisor
):
    url = preview_url(upload(signed_in, practitioner, ("week1.txt", TEXT)))
    data = confirm_data(
        signed_in,
        url,
        **{
            "doc0-role_1": SpeakerRole.OTHER,
            "doc0-title": "First session",
            "doc0-practitioner": str(other_practitioner.pk),
        },
    )
    data["doc0-role_0"] = SpeakerRole.PRACTITIONER
    response = signed_in.post(url, data)
    transcript = Transcript.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("transcripts:detail", args=[transcript.pk])
    assert (transcript.title, transcript.practitioner, str(transcript.session_date)) == (
        "First session",
        other_practitioner,
        "2026-03-04",
    )
    assert (transcript.target_change, transcript.client_pseudonym) == ("drinking less", "C-7")
    assert (transcript.created_by, transcript.source_filename) == (supervisor, "week1.txt")
    assert list(transcript.utterances.values_list("speaker_label", "speaker_role")) == [
        ("Dana", SpeakerRole.PRACTITIONER),
        ("Marcus", SpeakerRole.OTHER),
        ("Dana", SpeakerRole.PRACTITIONER),
        ("Marcus", SpeakerRole.OTHER),
    ]
    again = signed_in.post(url, data)
    assert again["Location"] == UPLOAD
    assert Transcript.objects.count() == 1


def test_a_forged_preview_token_is_refused(signed_in):
    url = reverse("transcripts:preview", args=["made-up-token"])
    response = signed_in.post(url, {"doc0-title": "x"}, follow=True)
    assert response.redirect_chain[-1][0] == UPLOAD
    assert "expired or was already saved" in response.content.decode()
    assert not Transcript.objects.exists()


def test_another_persons_preview_is_not_theirs(signed_in, client_for, admin_user, practitioner):
    url = preview_url(upload(signed_in, practitioner, ("week1.txt", TEXT)))
    response = client_for(admin_user).get(url)
    assert response["Location"] == UPLOAD


def test_an_expired_preview_is_refused(signed_in, practitioner, monkeypatch):
    url = preview_url(upload(signed_in, practitioner, ("week1.txt", TEXT)))
    data = confirm_data(signed_in, url)
    monkeypatch.setattr(previews, "MAX_AGE", -1)
    response = signed_in.post(url, data)
    assert response["Location"] == UPLOAD
    assert not Transcript.objects.exists()


def test_a_practitioner_of_another_agency_is_refused_at_upload(signed_in, outsider):
    foreign = factories.make_practitioner(outsider.memberships.get().agency, "Elsewhere")
    response = upload(signed_in, foreign, ("week1.txt", TEXT))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert previews.SESSION_KEY not in signed_in.session


def test_a_practitioner_of_another_agency_is_refused_at_confirmation(
    signed_in, practitioner, outsider
):
    foreign = factories.make_practitioner(outsider.memberships.get().agency, "Elsewhere")
    url = preview_url(upload(signed_in, practitioner, ("week1.txt", TEXT)))
    response = signed_in.post(
        url, confirm_data(signed_in, url, **{"doc0-practitioner": foreign.pk})
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Transcript.objects.exists()


def test_a_forged_role_is_refused(signed_in, practitioner):
    url = preview_url(upload(signed_in, practitioner, ("week1.txt", TEXT)))
    response = signed_in.post(url, confirm_data(signed_in, url, **{"doc0-role_0": "boss"}))
    assert response.status_code == 200
    assert not Transcript.objects.exists()


def test_a_transcript_without_a_practitioner_speaker_is_refused(signed_in, practitioner):
    url = preview_url(upload(signed_in, practitioner, ("week1.txt", TEXT)))
    data = confirm_data(signed_in, url, **{"doc0-role_0": SpeakerRole.CLIENT})
    response = signed_in.post(url, data)
    assert "Choose which speaker is the practitioner." in response.content.decode()
    assert not Transcript.objects.exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.txt", "empty.txt: the file is empty"),
        ("no-speakers.txt", "no-speakers.txt: no speaker labels found"),
        ("image.txt", "image.txt: this is a PNG image, not a transcript"),
        ("notes.pdf", "notes.pdf: .pdf files cannot be read as transcripts"),
        ("escape.zip", "escape.zip: the entry &#x27;../escape.txt&#x27; points outside"),
        ("bad-times.vtt", "bad-times.vtt, line 6: malformed cue time"),
    ],
)
def test_a_bad_file_is_named_on_the_upload_page(signed_in, practitioner, name, message):
    response = upload(signed_in, practitioner, (name, fixture_bytes(name)))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert previews.SESSION_KEY not in signed_in.session


def test_one_bad_file_in_several_stops_them_all(signed_in, practitioner):
    response = upload(
        signed_in,
        practitioner,
        ("good.txt", TEXT),
        ("bad.vtt", fixture_bytes("bad-times.vtt")),
    )
    assert "bad.vtt, line 6" in response.content.decode()
    assert previews.SESSION_KEY not in signed_in.session


def test_a_file_over_the_limit_is_refused_before_it_is_read(signed_in, practitioner, settings):
    settings.MI_TRANSCRIPT_MAX_BYTES = 20
    response = upload(signed_in, practitioner, ("week1.txt", TEXT))
    assert "week1.txt: the file is larger than the 0.0 MB allowed" in response.content.decode()


def test_a_zip_becomes_one_transcript_per_file(signed_in, practitioner):
    url = preview_url(upload(signed_in, practitioner, ("batch.zip", fixture_bytes("batch.zip"))))
    items = signed_in.get(url).context["items"]
    assert [document.parsed.filename for document, _form, _columns in items] == [
        "batch.zip/week1/stamps.txt",
        "batch.zip/week1/interview.csv",
        "batch.zip/week2/nested/voices.vtt",
    ]
    response = signed_in.post(url, confirm_data(signed_in, url))
    assert response["Location"] == reverse("transcripts:list")
    assert sorted(Transcript.objects.values_list("title", flat=True)) == [
        "interview",
        "stamps",
        "voices",
    ]


def test_a_batch_with_one_invalid_document_saves_nothing(signed_in, practitioner):
    url = preview_url(upload(signed_in, practitioner, ("batch.zip", fixture_bytes("batch.zip"))))
    data = confirm_data(signed_in, url, **{"doc2-role_0": SpeakerRole.CLIENT})
    response = signed_in.post(url, data)
    assert response.status_code == 200
    assert "Some details need attention" in response.content.decode()
    assert not Transcript.objects.exists()


def test_several_files_at_once(signed_in, practitioner):
    url = preview_url(
        upload(
            signed_in,
            practitioner,
            ("a.srt", fixture_bytes("session.srt")),
            ("b.json", fixture_bytes("session.json")),
            ("c.docx", fixture_bytes("table.docx")),
        )
    )
    signed_in.post(url, confirm_data(signed_in, url))
    assert sorted(Transcript.objects.values_list("source_format", flat=True)) == [
        "docx",
        "json",
        "srt",
    ]


def choose_columns(client, url: str, header: bool, speaker, text, start="", end=""):
    token = url.rstrip("/").rsplit("/", 1)[-1]
    data = {"columns0-speaker": speaker, "columns0-text": text, "columns0-start": start,
            "columns0-end": end, **({"columns0-header": "on"} if header else {})}  # fmt: skip
    return client.post(reverse("transcripts:preview_columns", args=[token, 0]), data, follow=True)


def test_choosing_other_columns_reads_the_table_again(signed_in, practitioner):
    url = preview_url(upload(signed_in, practitioner, ("t.csv", fixture_bytes("tabs.tsv"))))
    (document, _form, columns) = signed_in.get(url).context["items"][0]
    assert (document.parsed.layout.start, document.parsed.layout.end) == (1, 2)
    response = choose_columns(signed_in, url, True, 0, 3)
    assert response.redirect_chain[-1][0].endswith("#doc0")
    assert "t.csv was read again with the columns you chose." in response.content.decode()
    (document, _form, columns) = signed_in.get(url).context["items"][0]
    assert (document.parsed.layout.start, document.parsed.layout.end) == (None, None)
    assert columns["start"].value() in ("", None)
    signed_in.post(url, confirm_data(signed_in, url))
    assert not Transcript.objects.get().utterances.filter(start_seconds__isnull=False).exists()


@pytest.mark.parametrize(
    ("header", "columns", "message"),
    [
        (True, (0, 3, 3), "Choose a different column for each."),
        (True, (3, 0, 0), "Choose a different column for each."),
        (False, (3, 0, 1), "t.tsv, line 1: the start time &#x27;Start&#x27; is not a time"),
    ],
)
def test_columns_that_cannot_be_read_are_refused(signed_in, practitioner, header, columns,
                                                 message):  # fmt: skip
    url = preview_url(upload(signed_in, practitioner, ("t.tsv", fixture_bytes("tabs.tsv"))))
    response = choose_columns(signed_in, url, header, *columns)
    assert message in response.content.decode()
    (document, _form, _columns) = signed_in.get(url).context["items"][0]
    assert document.parsed.layout == TableLayout(header=True, speaker=0, text=3, start=1, end=2)


def test_the_preview_follows_the_agency_it_was_made_in(client_for, agency, practitioner):
    both = factories.make_user(agency, Role.SUPERVISOR, username="two-hats")
    second = factories.make_agency(slug="second")
    factories.make_practitioner(second, "Other")
    from accounts.models import Membership

    Membership.objects.create(user=both, agency=second, role=Role.CODER)
    client = client_for(both)
    url = preview_url(upload(client, practitioner, ("week1.txt", TEXT)))
    session = client.session
    session["agency_id"] = second.pk
    session.save()
    client.post(url, confirm_data(client, url))
    assert Transcript.objects.get().agency == agency


def test_a_zip_made_of_folders_only(signed_in, practitioner):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("empty/", b"")
    response = upload(signed_in, practitioner, ("e.zip", buffer.getvalue()))
    assert "e.zip: the archive holds no transcript files" in response.content.decode()


def test_saving_records_the_upload_in_the_audit_log(signed_in, practitioner, supervisor):
    url = preview_url(upload(signed_in, practitioner, ("week1.txt", TEXT)))
    signed_in.post(url, confirm_data(signed_in, url))
    event = AuditEvent.objects.get(action="transcript.create")
    assert event.actor == supervisor


def test_more_files_than_one_upload_may_hold_are_refused_and_nothing_kept(
    signed_in, practitioner, settings
):
    settings.MI_UPLOAD_MAX_FILES = 2
    response = upload(signed_in, practitioner, ("a.txt", TEXT), ("b.txt", TEXT), ("c.txt", TEXT))
    assert response.status_code == 200
    assert (
        "This upload holds 3 transcript files; upload at most 2 at once"
        in response.content.decode()
    )
    assert previews.SESSION_KEY not in signed_in.session
    assert not Transcript.objects.exists()


def test_the_files_inside_a_zip_count_towards_the_limit(signed_in, practitioner, settings):
    settings.MI_UPLOAD_MAX_FILES = 2
    response = upload(signed_in, practitioner, ("batch.zip", fixture_bytes("batch.zip")))
    assert response.status_code == 200
    assert "This upload holds 3 transcript files; upload at most 2" in response.content.decode()
    assert previews.SESSION_KEY not in signed_in.session


def test_files_over_the_total_limit_are_refused_and_nothing_kept(signed_in, practitioner, settings):
    settings.MI_UPLOAD_MAX_TOTAL_BYTES = len(TEXT) + 10
    response = upload(signed_in, practitioner, ("a.txt", TEXT), ("b.txt", TEXT))
    assert response.status_code == 200
    assert "These files come to more than the" in response.content.decode()
    assert previews.SESSION_KEY not in signed_in.session
    assert not Transcript.objects.exists()


def test_files_within_both_limits_are_kept_for_the_preview(signed_in, practitioner, settings):
    settings.MI_UPLOAD_MAX_FILES = 2
    settings.MI_UPLOAD_MAX_TOTAL_BYTES = 2 * len(TEXT)
    url = preview_url(upload(signed_in, practitioner, ("a.txt", TEXT), ("b.txt", TEXT)))
    assert len(signed_in.get(url).context["items"]) == 2
