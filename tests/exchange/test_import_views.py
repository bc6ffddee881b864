"""Importing from the web: upload, choose columns and scheme, preview, confirm."""

import os
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, Membership, Role
from coding.models import Coding, GlobalRating
from exchange.pending import SESSION_KEY
from tests.exchange.conftest import csv_text, run
from transcripts.models import Transcript

pytestmark = pytest.mark.django_db

HEADER = ["Session", "Line", "Speaker", "Text", "Rater", "Behaviour", "Talk"]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def imports_dir(settings) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def coded_rows() -> list[list[object]]:
    rows = []
    for coder in ("ana", "newcoder"):
        rows += [
            ["Visit 1", 1, "Therapist", "What brings you in?", coder, "Q", "n/a"],
            ["Visit 1", 2, "Client", "My doctor sent me.", coder, "n/a", "ST"],
            ["Visit 1", 3, "Therapist", "You're here for them.", coder, "CR", "n/a"],
        ]
    return rows


def upload(client: Client, rows=None, name="visits.csv", **extra):
    content = csv_text(coded_rows() if rows is None else rows, HEADER).encode()
    return client.post(
        reverse("exchange:import"), {"file": SimpleUploadedFile(name, content), **extra}
    )


def mapping(scheme, practitioner=None, **overrides) -> dict:
    data = {
        "scheme": scheme.pk,
        "transcript_column": "Session",
        "utterance_column": "Line",
        "speaker_column": "Speaker",
        "text_column": "Text",
        "coder_column": "Rater",
        "code_columns": ["Behaviour", "Talk"],
        "ignore_values": "n/a",
        "practitioner": practitioner.pk if practitioner else "",
    }
    data.update(overrides)
    return data


def token_of(response) -> str:
    return response["Location"].rstrip("/").split("/")[-1]


def test_researcher_uploads_maps_previews_and_confirms(
    agency, researcher, practitioner, coder, talk_scheme, client_for, settings
):
    client = client_for(researcher)
    assert client.get(reverse("exchange:import")).status_code == 200
    response = upload(client)
    assert response.status_code == 302
    token = token_of(response)
    page = client.get(reverse("exchange:import_map", args=[token]))
    assert page.status_code == 200
    assert b"6 rows" in page.content
    # Columns named like the defaults are chosen already.
    assert page.context["form"].initial["speaker_column"] == "Speaker"

    preview = client.post(
        reverse("exchange:import_map", args=[token]), mapping(talk_scheme, practitioner)
    )
    plan = preview.context["plan"]
    assert plan.ok
    assert plan.speakers == {"Therapist": "practitioner", "Client": "client"}
    assert plan.new_coders == ["newcoder"]
    assert plan.code_count == 6
    assert b"Confirm and import" in preview.content
    assert Transcript.objects.count() == 0 and Coding.objects.count() == 0
    assert len(list(imports_dir(settings).iterdir())) == 1

    done = client.post(reverse("exchange:import_confirm", args=[token]))
    assert done.status_code == 302 and done["Location"] == reverse("exchange:index")
    transcript = Transcript.objects.get()
    assert transcript.title == "Visit 1" and transcript.created_by == researcher
    assert Coding.objects.filter(transcript=transcript).count() == 2
    assert AuditEvent.objects.get(action="codings.import").actor == researcher
    assert list(imports_dir(settings).iterdir()) == []
    assert SESSION_KEY not in client.session
    follow = client.get(reverse("exchange:index"))
    assert b"Imported 2 codings (6 codes) of 1 transcripts from visits.csv." in follow.content


def test_preview_lists_unknown_codes_and_problems_with_rows_and_saves_nothing(
    agency, admin_user, practitioner, talk_scheme, client_for
):
    client = client_for(admin_user)
    rows = coded_rows()
    rows[0][5] = "Qestion"
    rows[1][5] = "SR"  # a practitioner code on the client
    token = token_of(upload(client, rows))
    preview = client.post(
        reverse("exchange:import_map", args=[token]), mapping(talk_scheme, practitioner)
    )
    plan = preview.context["plan"]
    assert plan.unknown_values == {"Qestion": [2]}
    assert [problem.row for problem in plan.problems] == [2, 3]
    content = preview.content.decode()
    assert "Qestion" in content and "row 3" in content
    assert "Confirm and import" not in content
    forced = client.post(reverse("exchange:import_confirm", args=[token]))
    assert forced.status_code == 302
    assert Transcript.objects.count() == 0 and Coding.objects.count() == 0


def test_other_speaker_labels_show_as_other(agency, admin_user, practitioner, talk_scheme,
                                            client_for):  # fmt: skip
    client = client_for(admin_user)
    rows = [[*row[:2], "MW" if row[2] == "Therapist" else row[2], *row[3:]] for row in coded_rows()]
    token = token_of(upload(client, rows))
    url = reverse("exchange:import_map", args=[token])
    preview = client.post(url, mapping(talk_scheme, practitioner))
    assert preview.context["plan"].speakers["MW"] == "other"
    assert not preview.context["plan"].ok
    fixed = client.post(url, mapping(talk_scheme, practitioner, practitioner_speakers="mw"))
    assert fixed.context["plan"].ok


def test_new_transcripts_need_a_practitioner_in_the_form(
    agency, admin_user, talk_scheme, client_for
):
    client = client_for(admin_user)
    token = token_of(upload(client))
    preview = client.post(reverse("exchange:import_map", args=[token]), mapping(talk_scheme))
    assert "choose the practitioner" in preview.content.decode()


def test_confirm_checks_the_file_again(
    agency, admin_user, practitioner, talk_scheme, client_for, coded_file
):
    client = client_for(admin_user)
    token = token_of(upload(client))
    client.post(reverse("exchange:import_map", args=[token]), mapping(talk_scheme, practitioner))
    # Meanwhile the same codings arrive another way.
    same = [[r[0], r[1], r[2], r[3], r[4], r[5] if r[5] != "n/a" else r[6]] for r in coded_rows()]
    run(
        "import_codings", str(coded_file(same)), "--agency", "home", "--scheme", "mi-talk",
        "--practitioner", "Dana Reyes",
    )  # fmt: skip
    before = Coding.objects.count()
    response = client.post(reverse("exchange:import_confirm", args=[token]), follow=True)
    assert "Nothing was imported" in response.content.decode()
    assert "already has a coding by ana" in response.content.decode()
    assert Coding.objects.count() == before


def test_globals_file_can_be_uploaded_with_the_codes(
    agency, admin_user, practitioner, talk_scheme, client_for
):
    client = client_for(admin_user)
    globals_csv = b"transcript,coder,scale,value\nVisit 1,ana,empathy,4\n"
    response = upload(client, globals_file=SimpleUploadedFile("globals.csv", globals_csv))
    token = token_of(response)
    client.post(reverse("exchange:import_map", args=[token]), mapping(talk_scheme, practitioner))
    client.post(reverse("exchange:import_confirm", args=[token]))
    assert GlobalRating.objects.get().value == 4


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The submitted file is empty."),
        (b"Session,Line\n", "visits.csv has a header but no data rows"),
        (b"\x00\x01\x02binary", "visits.csv is not a text file"),
    ],
)
def test_bad_uploads_are_refused_on_the_form(
    agency, admin_user, client_for, settings, content, message
):
    response = client_for(admin_user).post(
        reverse("exchange:import"), {"file": SimpleUploadedFile("visits.csv", content)}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not imports_dir(settings).exists()


def test_a_file_over_the_limit_is_refused(agency, admin_user, client_for, settings):
    settings.MI_IMPORT_MAX_BYTES = 50
    response = upload(client_for(admin_user))
    assert response.status_code == 200
    assert "larger than the import limit of 50" in response.content.decode()
    assert not imports_dir(settings).exists()


def test_coders_and_practitioners_cannot_import(agency, coder, practitioner_user, client_for):
    for user in (coder, practitioner_user):
        assert client_for(user).get(reverse("exchange:import")).status_code == 403
        assert upload(client_for(user)).status_code == 403


def test_an_upload_belongs_to_its_session_and_agency(
    agency, other_agency, admin_user, talk_scheme, client_for
):
    owner = client_for(admin_user)
    token = token_of(upload(owner))
    stranger = client_for(admin_user)
    assert stranger.get(reverse("exchange:import_map", args=[token])).status_code == 404
    assert stranger.post(reverse("exchange:import_confirm", args=[token])).status_code == 404
    # The same session switched to another agency cannot use it there.
    Membership.objects.create(user=admin_user, agency=other_agency, role=Role.ADMIN)
    owner.post(reverse("accounts:switch"), {"agency": other_agency.pk})
    assert owner.get(reverse("exchange:import_map", args=[token])).status_code == 404


@pytest.mark.parametrize("forged", ["²", "ü" * 24, "0", str(2**64)])
def test_a_token_with_any_characters_answers_404(agency, admin_user, client_for, forged):
    client = client_for(admin_user)
    upload(client)
    assert client.get(reverse("exchange:import_map", args=[forged])).status_code == 404
    assert client.post(reverse("exchange:import_cancel", args=[forged])).status_code == 404


def test_cancel_and_a_new_upload_remove_the_kept_file(agency, admin_user, client_for, settings):
    client = client_for(admin_user)
    first = token_of(upload(client))
    second = token_of(upload(client))
    assert first != second
    assert [p.name for p in imports_dir(settings).iterdir()] == [f"{second}-coded.csv"]
    assert client.get(reverse("exchange:import_map", args=[first])).status_code == 404
    client.post(reverse("exchange:import_cancel", args=[second]))
    assert list(imports_dir(settings).iterdir()) == []
    assert client.get(reverse("exchange:import_map", args=[second])).status_code == 404


def test_mapping_refuses_one_column_for_two_roles(agency, admin_user, talk_scheme, client_for):
    client = client_for(admin_user)
    token = token_of(upload(client))
    response = client.post(
        reverse("exchange:import_map", args=[token]),
        mapping(talk_scheme, text_column="Speaker"),
    )
    assert response.context["plan"] is None
    assert "Choose a different column for each role." in response.content.decode()


def test_uploads_forgotten_for_a_day_are_removed(agency, admin_user, client_for, settings):
    directory = imports_dir(settings)
    directory.mkdir(parents=True)
    stale, fresh = directory / "old-coded.csv", directory / "recent-coded.csv"
    stale.write_text("x")
    fresh.write_text("x")
    two_days_ago = time.time() - 2 * 24 * 60 * 60
    os.utime(stale, (two_days_ago, two_days_ago))
    upload(client_for(admin_user))
    assert not stale.exists()
    assert fresh.exists()


@pytest.mark.parametrize("persona", ["researcher", "admin_user"])
def test_nobody_brings_an_account_of_another_agency_in_by_importing(
    agency, practitioner, outsider, talk_scheme, client_for, request, persona
):
    # Only its owner brings an account into an agency, by accepting an invitation.
    rows = [
        [*row[:4], "otto" if row[4] == "newcoder" else row[4], *row[5:]] for row in coded_rows()
    ]
    client = client_for(request.getfixturevalue(persona))
    token = token_of(upload(client, rows))
    preview = client.post(
        reverse("exchange:import_map", args=[token]), mapping(talk_scheme, practitioner)
    )
    (problem,) = preview.context["plan"].problems
    assert problem.row == 5
    assert "coder 'otto' is the user name of an account outside this agency" in problem.message
    assert "invite them" in problem.message
    client.post(reverse("exchange:import_confirm", args=[token]))
    assert not Membership.objects.filter(user=outsider, agency=agency).exists()


def test_only_those_who_supervise_may_replace_a_coders_coding(
    agency, researcher, supervisor, practitioner, coder, talk_scheme, client_for
):
    # ana has coded Visit 1; a researcher's forged replace=on must not touch it.
    client = client_for(supervisor)
    token = token_of(upload(client))
    client.post(reverse("exchange:import_map", args=[token]), mapping(talk_scheme, practitioner))
    client.post(reverse("exchange:import_confirm", args=[token]))
    ana = Coding.objects.get(coder=coder)

    client = client_for(researcher)
    token = token_of(upload(client))
    page = client.get(reverse("exchange:import_map", args=[token]))
    assert "replace" not in page.context["form"].fields
    forged = mapping(talk_scheme, practitioner, replace="on")
    preview = client.post(reverse("exchange:import_map", args=[token]), forged)
    assert not preview.context["plan"].ok
    assert "already has a coding by ana" in preview.content.decode()
    client.post(reverse("exchange:import_confirm", args=[token]))
    assert Coding.objects.filter(pk=ana.pk).exists()

    client = client_for(supervisor)
    token = token_of(upload(client))
    page = client.get(reverse("exchange:import_map", args=[token]))
    assert "replace" in page.context["form"].fields
