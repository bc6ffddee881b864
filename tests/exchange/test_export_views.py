"""Downloads from /data/: confined to the agency and the role, and written to the audit log."""

import csv
import io
import re

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from coding.models import CodingKind
from exchange.selectors import CODE_COLUMNS, RECORD_COLUMNS
from tests import factories
from tests.exchange.conftest import run
from tests.factories import ALL_GLOBALS

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(agency, other_agency, practitioner, other_practitioner, coder, coder2, outsider):
    own = factories.make_transcript(agency, practitioner, title="Dana's session")
    other = factories.make_transcript(agency, other_practitioner, title="Sam's session")
    factories.make_coding(own, coder, codes={1: ["Q"], 3: ["SR"]}, globals_=ALL_GLOBALS,
                          submitted=True)  # fmt: skip
    factories.make_coding(own, coder2, kind=CodingKind.DOUBLE, codes={1: ["GI"]})
    factories.make_coding(other, coder2, codes={5: ["AF"]}, globals_=ALL_GLOBALS, submitted=True)
    factories.make_coding(other, coder, kind=CodingKind.CALIBRATION, codes={1: ["Q"]})
    far = factories.make_transcript(other_agency, title="Far away")
    factories.make_coding(far, outsider, codes={1: ["Q"]}, submitted=True)
    return own


def download(client, what: str = "scores", **data) -> list[dict[str, str]]:
    response = client.post(reverse(f"exchange:{what}"), {"format": "csv", **data})
    assert response.status_code == 200, response.status_code
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def pairs(rows: list[dict[str, str]]) -> set[tuple[str, str]]:
    return {(row["transcript"], row["coder"]) for row in rows}


@pytest.mark.parametrize("username", ["adele", "sofia", "rita"])
def test_staff_see_the_agency_wide_page(world, admin_user, supervisor, researcher, client_for,
                                        username):  # fmt: skip
    user = {"adele": admin_user, "sofia": supervisor, "rita": researcher}[username]
    response = client_for(user).get(reverse("exchange:index"))
    assert response.status_code == 200
    assert b"Import and export" in response.content
    assert b"Download scores" in response.content
    assert b"Import a CSV" in response.content


def test_supervisor_exports_every_coding_of_the_agency_but_calibration(
    world, supervisor, client_for
):
    rows = download(client_for(supervisor), scope="agency")
    assert pairs(rows) == {
        ("Dana's session", "ana"),
        ("Dana's session", "ben"),
        ("Sam's session", "ben"),
    }
    assert {row["status"] for row in rows} == {"submitted", "in_progress"}


def test_researcher_exports_only_submitted_codings(world, researcher, client_for):
    rows = download(client_for(researcher), scope="agency")
    assert pairs(rows) == {("Dana's session", "ana"), ("Sam's session", "ben")}


@pytest.mark.parametrize("what", ["scores", "codes"])
def test_coders_and_practitioners_cannot_export_the_agency(
    world, coder, practitioner_user, client_for, what
):
    for user in (coder, practitioner_user):
        response = client_for(user).post(reverse(f"exchange:{what}"), {"scope": "agency"})
        assert response.status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="export.").exists()


def test_coder_gets_only_their_own_codings(world, coder, coder2, client_for):
    page = client_for(coder).get(reverse("exchange:index"))
    assert b"My data" in page.content and b"Import a CSV" not in page.content
    assert pairs(download(client_for(coder), scope="mine")) == {("Dana's session", "ana")}
    # Their work in progress is theirs too; another coder's coding of it is not.
    assert pairs(download(client_for(coder2), scope="mine")) == {
        ("Dana's session", "ben"),
        ("Sam's session", "ben"),
    }
    codes = download(client_for(coder), "codes", scope="mine")
    assert {(row["coder"], row["code"]) for row in codes} == {("ana", "Q"), ("ana", "SR")}


def test_practitioner_gets_only_the_submitted_codings_of_their_own_sessions(
    world, practitioner_user, client_for
):
    page = client_for(practitioner_user).get(reverse("exchange:index"))
    assert b"My data" in page.content
    assert pairs(download(client_for(practitioner_user), scope="mine")) == {
        ("Dana's session", "ana")
    }


def test_a_forged_scope_is_the_narrowest_one(world, coder, client_for):
    rows = download(client_for(coder), scope="everything")
    assert pairs(rows) == {("Dana's session", "ana")}


def test_outsider_exports_nothing_of_this_agency(world, outsider, client_for):
    rows = download(client_for(outsider), scope="agency")
    assert pairs(rows) == {("Far away", "otto")}


def test_a_user_without_an_agency_gets_404(db, client_for):
    loner = factories.make_user(None)
    assert client_for(loner).get(reverse("exchange:index")).status_code == 404
    assert client_for(loner).post(reverse("exchange:scores"), {}).status_code == 404


def test_a_scheme_the_export_does_not_use_is_refused(world, supervisor, client_for, talk_scheme):
    response = client_for(supervisor).post(
        reverse("exchange:scores"), {"scope": "agency", "format": "csv", "scheme": talk_scheme.pk}
    )
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="export.scores").exists()


def test_downloads_are_posts_only(world, supervisor, client_for):
    assert client_for(supervisor).get(reverse("exchange:scores")).status_code == 405
    assert client_for(supervisor).get(reverse("exchange:codes")).status_code == 405


def test_xlsx_scores_download(world, supervisor, client_for):
    response = client_for(supervisor).post(
        reverse("exchange:scores"), {"scope": "agency", "format": "xlsx"}
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].endswith('.xlsx"')
    assert response["Cache-Control"] == "no-store"


def test_utterance_codes_carry_text_only_when_asked(world, supervisor, client_for):
    client = client_for(supervisor)
    rows = download(client, "codes", scope="agency")
    assert list(rows[0]) == [*CODE_COLUMNS, *RECORD_COLUMNS]
    assert {(r["transcript"], r["utterance"], r["speaker_role"], r["coder"], r["code"])
            for r in rows} == {
        ("Dana's session", "1", "practitioner", "ana", "Q"),
        ("Dana's session", "3", "practitioner", "ana", "SR"),
        ("Dana's session", "1", "practitioner", "ben", "GI"),
        ("Sam's session", "5", "practitioner", "ben", "AF"),
    }  # fmt: skip
    assert {r["dimension"] for r in rows} == {"behaviour"}
    with_text = download(client, "codes", scope="agency", include_text="on")
    assert list(with_text[0]) == [*CODE_COLUMNS, "text", *RECORD_COLUMNS]
    assert with_text[0]["text"] == "Utterance number 1."


def test_every_download_is_in_the_audit_log(world, supervisor, coder, client_for):
    download(client_for(supervisor), scope="agency")
    download(client_for(coder), "codes", scope="mine", include_text="on")
    scores = AuditEvent.objects.get(action="export.scores")
    assert scores.actor == supervisor and scores.agency == world.agency
    assert scores.details == {"scope": "agency", "format": "csv", "scheme": "", "rows": 3}
    codes = AuditEvent.objects.get(action="export.utterance_codes")
    assert codes.actor == coder
    assert codes.details["include_text"] is True and codes.details["scope"] == "mine"
    assert codes.created_at is not None


def test_empty_state_says_what_to_do(agency, supervisor, practitioner_user, client_for):
    page = client_for(supervisor).get(reverse("exchange:index"))
    assert b"Nothing to export yet" in page.content
    page = client_for(practitioner_user).get(reverse("exchange:index"))
    assert b"once their coding is submitted" in page.content


def test_a_download_takes_a_fixed_number_of_queries(
    world, supervisor, client_for, django_assert_max_num_queries
):
    client = client_for(supervisor)
    with django_assert_max_num_queries(20):
        download(client, scope="agency")
    for _ in range(5):
        transcript = factories.make_transcript(world.agency, world.practitioner)
        factories.make_coding(transcript, supervisor, codes={1: ["Q"]}, submitted=True)
    with django_assert_max_num_queries(20):
        assert len(download(client, scope="agency")) == 8


def test_export_codes_command_matches_the_supervisors_download(world, supervisor, client_for,
                                                              tmp_path):  # fmt: skip
    web = download(client_for(supervisor), "codes", scope="agency", include_text="on")
    command = list(csv.DictReader(io.StringIO(run("export_codes", "--agency", "home",
                                                  "--include-text"))))  # fmt: skip
    assert command == web  # the other agency's and the calibration codes are in neither
    assert "Far away" not in {row["transcript"] for row in command}
    path = tmp_path / "codes.csv"
    run("export_codes", "--agency", "home", "--scheme", "miti-4.2.1", "--output", str(path))
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [*CODE_COLUMNS, *RECORD_COLUMNS]  # no text unless asked for
    assert len(rows) == len(web)
    events = AuditEvent.objects.filter(action="export.utterance_codes", actor=None)
    assert [e.details for e in events.order_by("pk")] == [
        {"via": "command", "format": "csv", "scheme": "", "include_text": True, "rows": 4},
        {"via": "command", "format": "csv", "scheme": "miti-4.2.1", "include_text": False,
         "rows": 4},
    ]  # fmt: skip


def test_every_control_of_the_page_has_an_id_of_its_own(world, supervisor, client_for):
    # Two export forms share field names; their ids must not clash, or a label names the
    # other form's control.
    content = client_for(supervisor).get(reverse("exchange:index")).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', content)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for target in re.findall(r'<label[^>]*\sfor="([^"]+)"', content):
        assert ids.count(target) == 1, target


def test_downloads_say_each_rows_kind_and_whether_it_is_the_score_of_record(
    world, supervisor, client_for
):
    client = client_for(supervisor)
    scores = download(client, scope="agency")
    assert list(scores[0])[-2:] == RECORD_COLUMNS
    assert {(r["transcript"], r["coder"], r["kind"], r["score_of_record"]) for r in scores} == {
        ("Dana's session", "ana", "primary", "true"),
        ("Dana's session", "ben", "double", "false"),  # in progress
        ("Sam's session", "ben", "primary", "true"),
    }
    codes = download(client, "codes", scope="agency")
    assert {(r["coder"], r["code"], r["kind"], r["score_of_record"]) for r in codes} == {
        ("ana", "Q", "primary", "true"),
        ("ana", "SR", "primary", "true"),
        ("ben", "GI", "double", "false"),
        ("ben", "AF", "primary", "true"),
    }


def test_my_download_judges_the_score_of_record_among_every_coding_i_may_read(
    world, supervisor, coder, client_for
):
    # While the double coding is in progress the coder may not read the consensus, so their
    # own coding is the record they see; the supervisor sees the consensus as the record.
    factories.make_coding(world, supervisor, kind=CodingKind.CONSENSUS, submitted=True)
    mine = download(client_for(coder), scope="mine")
    assert {(r["coder"], r["kind"], r["score_of_record"]) for r in mine} == {
        ("ana", "primary", "true")
    }
    agency = {
        (r["coder"], r["kind"], r["score_of_record"])
        for r in download(client_for(supervisor), scope="agency")
        if r["transcript"] == "Dana's session"
    }
    assert agency == {
        ("ana", "primary", "false"),
        ("ben", "double", "false"),
        ("sofia", "consensus", "true"),
    }
