"""Scores, codes, reliability, dashboards and the fidelity overview through the API: the same
rows and numbers as the commands and pages, in cursor pages, in a fixed number of queries."""

import base64
import csv
import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEvent
from coding.models import CodingKind
from tests import factories
from tests.factories import ALL_GLOBALS

pytestmark = pytest.mark.django_db


def _sessions(agency, practitioner, coder, coder2, count):
    """``count`` transcripts, each coded by ``coder`` and double-coded by ``coder2``."""
    codings = []
    for number in range(count):
        transcript = factories.make_transcript(
            agency,
            practitioner,
            utterances=8,
            session_date=datetime.date(2026, 1, 1) + datetime.timedelta(days=7 * number),
            title=f"Session {number:03d}",
        )
        codes = {1: ["Q"], 3: ["SR"] if number % 2 else ["CR"], 5: ["AF", "Q"]}
        codings.append(
            factories.make_coding(
                transcript, coder, codes=codes, globals_=ALL_GLOBALS, submitted=True
            )
        )
        codings.append(
            factories.make_coding(
                transcript,
                coder2,
                kind=CodingKind.DOUBLE,
                codes={1: ["Q"], 3: ["SR"], 7: ["GI"]},
                globals_=ALL_GLOBALS | {"empathy": 3 + number % 3},
                submitted=True,
            )
        )
    return codings


@pytest.fixture
def coded(agency, practitioner, coder, coder2):
    return _sessions(agency, practitioner, coder, coder2, 3)


def _all_pages(client, url):
    rows, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        rows.extend(body["results"])
        url, pages = body["next"], pages + 1
    return body.get("columns"), rows, pages


def _cell(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _cells(columns, rows):
    return [[_cell(row[c]) for c in columns] for row in rows]


def _command_csv(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    table = list(csv.reader(io.StringIO(out.getvalue())))
    return table[0], table[1:]


def test_scores_are_the_rows_of_export_scores_page_by_page(coded, admin_user, api_as):
    columns, rows, pages = _all_pages(api_as(admin_user), "/api/v1/scores/?page_size=4")
    assert pages == 2
    command_columns, command_rows = _command_csv("export_scores", "--agency", "home")
    assert columns == command_columns
    assert _cells(columns, rows) == command_rows
    assert rows[0]["SR"] == 0 and rows[0]["CR"] == 1 and rows[0]["r_q"] == 0.5
    assert isinstance(rows[0]["transcript_id"], int)
    assert columns[-2:] == ["kind", "score_of_record"]
    assert {row["kind"] for row in rows} <= {"primary", "double", "consensus", "gold"}
    assert {type(row["score_of_record"]) for row in rows} == {bool}


def test_scores_of_one_scheme_keep_the_same_columns_on_every_page(coded, admin_user, api_as):
    client = api_as(admin_user)
    first = client.get("/api/v1/scores/?scheme=miti-4.2.1&page_size=1").json()
    second = client.get(first["next"]).json()
    assert first["columns"] == second["columns"]
    assert set(second["results"][0]) == set(first["columns"])
    wrong = client.get("/api/v1/scores/?scheme=no-such-scheme")
    assert wrong.status_code == 400
    assert "miti-4.2.1" in wrong.json()["errors"][0]["detail"]


def test_codes_are_the_rows_of_export_codes(coded, admin_user, api_as):
    client = api_as(admin_user)
    columns, rows, _ = _all_pages(client, "/api/v1/codes/?page_size=1")
    command_columns, command_rows = _command_csv("export_codes", "--agency", "home")
    assert columns == command_columns
    assert _cells(columns, rows) == command_rows
    with_text = client.get("/api/v1/codes/?include_text=true").json()
    assert with_text["columns"][-3:] == ["text", "kind", "score_of_record"]
    assert with_text["results"][0]["text"] == "Utterance number 1."


def test_exports_are_in_the_audit_log(coded, researcher, api_as):
    client = api_as(researcher)
    client.get("/api/v1/scores/")
    client.get("/api/v1/codes/?include_text=True")
    events = AuditEvent.objects.filter(actor=researcher, action__startswith="export.")
    events = events.order_by("pk")
    assert [(e.action, e.details["via"]) for e in events] == [
        ("export.scores", "api"),
        ("export.utterance_codes", "api"),
    ]
    assert events[1].details["include_text"] is True


def test_filters_narrow_the_scores(agency, coded, admin_user, api_as, other_practitioner, coder):
    team = factories.make_team(agency, "Outpatient")
    other_practitioner.team = team
    other_practitioner.save()
    elsewhere = factories.make_coded_session(
        agency, other_practitioner, coder, session_date=datetime.date(2027, 1, 1)
    )
    client = api_as(admin_user)

    def codings(query):
        rows = client.get(f"/api/v1/scores/?{query}").json()["results"]
        return sorted({row["transcript_id"] for row in rows})

    assert codings(f"team={team.pk}") == [elsewhere.transcript_id]
    assert codings(f"practitioner={other_practitioner.pk}") == [elsewhere.transcript_id]
    assert codings("date_from=2026-12-01") == [elsewhere.transcript_id]
    assert len(codings("date_to=2026-01-10")) == 2
    for query, field in [("team=99999", "team"), ("practitioner=99999", "practitioner")]:
        response = client.get(f"/api/v1/scores/?{query}")
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == field


def test_a_coder_exports_only_their_own_and_not_the_agency(coded, coder, api_as):
    client = api_as(coder)
    rows = client.get("/api/v1/scores/").json()["results"]
    assert rows and {row["coder"] for row in rows} == {coder.username}
    refused = client.get("/api/v1/scores/?scope=agency")
    assert refused.status_code == 403
    assert "export" in refused.json()["detail"]


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64!",
        base64.urlsafe_b64encode(b"[1]").decode(),
        base64.urlsafe_b64encode(b'["1", "ana", 1]').decode(),
        base64.urlsafe_b64encode(json.dumps([2**63, "ana", 1]).encode()).decode(),
        base64.urlsafe_b64encode(b"{}").decode(),
    ],
)
def test_a_forged_cursor_is_refused(coded, admin_user, api_as, cursor):
    response = api_as(admin_user).get("/api/v1/scores/", {"cursor": cursor})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "cursor"


def test_page_size_has_limits(coded, admin_user, api_as, settings):
    client = api_as(admin_user)
    assert client.get("/api/v1/codings/?page_size=0").status_code == 400
    too_many = client.get(f"/api/v1/codings/?page_size={settings.MI_API_MAX_PAGE_SIZE + 1}")
    assert too_many.status_code == 400
    assert str(settings.MI_API_MAX_PAGE_SIZE) in too_many.json()["detail"]


def test_a_page_of_scores_costs_the_same_queries_for_any_number_of_codings(
    agency, practitioner, coder, coder2, admin_user, api_as, django_assert_max_num_queries
):
    client = api_as(admin_user)
    client.get("/api/v1/me/")  # the token's first use is noted once

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    _sessions(agency, practitioner, coder, coder2, 2)
    few = queries("/api/v1/scores/?page_size=50"), queries("/api/v1/codes/?page_size=50")
    _sessions(agency, practitioner, coder, coder2, 20)
    many = queries("/api/v1/scores/?page_size=50"), queries("/api/v1/codes/?page_size=50")
    assert few == many
    with django_assert_max_num_queries(13):
        client.get("/api/v1/scores/?page_size=50")
    with django_assert_max_num_queries(13):
        client.get("/api/v1/scores/?scheme=miti-4.2.1&page_size=50")


def test_codings_list_and_read_with_codes_and_globals(coded, admin_user, api_as):
    client = api_as(admin_user)
    first = coded[0]
    listed = client.get(f"/api/v1/codings/?transcript={first.transcript_id}").json()["results"]
    assert [row["id"] for row in listed] == [first.pk, coded[1].pk]
    body = client.get(f"/api/v1/codings/{first.pk}/").json()
    assert body["coder"] == "ana" and body["kind"] == "primary" and body["status"] == "submitted"
    assert [(c["position"], c["code"]) for c in body["codes"]] == [
        (1, "Q"),
        (3, "CR"),
        (5, "Q"),
        (5, "AF"),
    ] or [(c["position"], c["code"]) for c in body["codes"]] == [
        (1, "Q"),
        (3, "CR"),
        (5, "AF"),
        (5, "Q"),
    ]
    assert body["globals"] == ALL_GLOBALS
    assert body["counts"]["Q"] == 2 and body["counts"]["Confront"] == 0
    assert body["scores"]["pct_cr"] == 100.0
    filtered = client.get("/api/v1/codings/?kind=double&coder=ben").json()["results"]
    assert {row["coder"] for row in filtered} == {"ben"} and len(filtered) == 3


def test_reliability_is_the_json_of_the_command(coded, admin_user, api_as):
    response = api_as(admin_user).get("/api/v1/reliability/", {"scheme": "miti-4.2.1"})
    assert response.status_code == 200, response.content
    out = io.StringIO()
    call_command("reliability", "--agency", "home", "--scheme", "miti-4.2.1", stdout=out)
    assert response.json() == json.loads(out.getvalue())


def test_reliability_takes_the_page_s_choices(coded, admin_user, api_as):
    client = api_as(admin_user)
    two = client.get(
        "/api/v1/reliability/",
        {"scheme": "miti-4.2.1", "coder": ["ana", "ben"], "transcript": [coded[0].transcript_id]},
    ).json()
    assert two["coders"] == ["ana", "ben"] and two["transcripts"] == 1
    for query, field in [
        ({}, "scheme"),
        ({"scheme": "nope"}, "scheme"),
        ({"scheme": "miti-4.2.1", "coder": ["zed"]}, "coder"),
        ({"scheme": "miti-4.2.1", "transcript": [999999]}, "transcript"),
    ]:
        response = client.get("/api/v1/reliability/", query)
        assert response.status_code == 400, query
        assert response.json()["errors"][0]["field"] == field


def test_reliability_needs_the_capability(coded, coder, practitioner_user, api_as):
    for user in (coder, practitioner_user):
        response = api_as(user).get("/api/v1/reliability/", {"scheme": "miti-4.2.1"})
        assert response.status_code == 403


def test_the_fidelity_overview_is_the_table_of_its_page(coded, admin_user, api_as, client_for):
    body = api_as(admin_user).get("/api/v1/fidelity/?sort=relational.mean&descending=true").json()
    page = client_for(admin_user).get(
        reverse("dashboards:audit_export", args=["csv"]), {"sort": "relational.mean", "dir": "desc"}
    )
    table = list(csv.reader(io.StringIO(page.content.decode())))
    assert body["columns"] == table[0]
    assert _cells(body["columns"], body["results"]) == table[1:]
    assert body["scheme"] == "miti-4.2.1"
    bad = api_as(admin_user).get("/api/v1/fidelity/?sort=nothing")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "sort"


def test_the_practitioner_dashboard_series(coded, admin_user, practitioner, api_as):
    body = api_as(admin_user).get(f"/api/v1/practitioners/{practitioner.pk}/dashboard/").json()
    assert body["scheme"] == "miti-4.2.1"
    sessions = body["sessions"]
    assert [s["transcript"]["name"] for s in sessions] == [
        "Session 000",
        "Session 001",
        "Session 002",
    ]
    assert all(s["kind"] == "primary" for s in sessions)
    relational = next(score for score in body["scores"] if score["slug"] == "relational")
    assert relational["summary"]["latest"] == sessions[-1]["scores"]["relational"]
    assert {row["code"] for row in body["codes"]} >= {"Q", "SR", "CR"}
    wrong = api_as(admin_user).get(
        f"/api/v1/practitioners/{practitioner.pk}/dashboard/?scheme=misc-2.5"
    )
    assert wrong.status_code == 400 and "miti-4.2.1" in wrong.json()["detail"]


def test_a_practitioner_reads_only_their_own_dashboard(
    coded, practitioner, other_practitioner, practitioner_user, api_as
):
    client = api_as(practitioner_user)
    assert client.get(f"/api/v1/practitioners/{practitioner.pk}/dashboard/").status_code == 200
    assert (
        client.get(f"/api/v1/practitioners/{other_practitioner.pk}/dashboard/").status_code == 404
    )
    listed = client.get("/api/v1/practitioners/").json()["results"]
    assert [row["id"] for row in listed] == [practitioner.pk]


def test_schemes_name_the_columns_of_scores(admin_user, api_as):
    schemes = {s["slug"]: s for s in api_as(admin_user).get("/api/v1/schemes/").json()["results"]}
    miti = schemes["miti-4.2.1"]
    assert miti["codes"][:4] == ["GI", "Persuade", "Persuade with", "Q"]
    assert miti["globals"] == ["cct", "sst", "partnership", "empathy"]
    assert "r_q" in miti["summary_scores"]


def test_the_schema_names_the_kind_and_score_of_record_of_every_export_row(db):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    for path in ("/api/v1/scores/", "/api/v1/codes/"):
        page = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        name = page["schema"]["$ref"].rsplit("/", 1)[-1]
        row = components[name]["properties"]["results"]["items"]["$ref"].rsplit("/", 1)[-1]
        properties = components[row]["properties"]
        assert properties["score_of_record"]["type"] == "boolean"
        assert "consensus" in properties["kind"]["description"]


def test_a_coding_from_audio_reads_with_its_volleys_codes(
    agency, practitioner, coder, admin_user, api_as
):
    session = factories.make_audio_session(agency, practitioner)
    coding = factories.make_audio_coding(
        session,
        coder,
        volleys=[
            (1500, "practitioner", ["Q"]),
            (4000, "client", []),
            (7250, "practitioner", ["SR"]),
        ],
        globals_=ALL_GLOBALS,
        submitted=True,
    )
    body = api_as(admin_user).get(f"/api/v1/codings/{coding.pk}/").json()
    assert body["coded_from"] == "audio"
    assert [(c["utterance"], c["volley_ms"], c["code"]) for c in body["codes"]] == [
        (None, 1500, "Q"),
        (None, 7250, "SR"),
    ]
    assert body["counts"]["Q"] == 1 and body["counts"]["SR"] == 1
