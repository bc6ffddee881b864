"""The reliability page, its downloads and the list of utterances behind a confusion cell."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from coding.models import Coding, CodingKind
from reliability.selectors import reliability_data
from tests import factories
from tests.factories import ALL_GLOBALS
from tests.reliability import schemes
from workflow.models import ReliabilitySet

pytestmark = pytest.mark.django_db

INDEX = reverse("reliability:index")
CELL = reverse("reliability:cell")

# Codes of ana and ben on the practitioner utterances (odd positions) of each transcript.
ANA = {1: ["Q"], 3: ["SR"], 5: ["Q"], 7: ["CR"], 9: ["GI"]}
BEN = {1: ["Q"], 3: ["Q"], 5: ["Q"], 7: ["CR"], 9: ["GI", "AF"]}


@pytest.fixture
def double_coded(agency, practitioner, coder, coder2):
    transcripts = []
    for day, (ana_globals, ben_globals) in enumerate(
        [({"empathy": 3}, {"empathy": 4}), ({"empathy": 5}, {"empathy": 5}), ({}, {})], start=1
    ):
        transcript = factories.make_transcript(
            agency, practitioner, utterances=10, session_date=datetime.date(2026, 3, day)
        )
        factories.make_coding(
            transcript, coder, codes=ANA, globals_=ALL_GLOBALS | ana_globals, submitted=True
        )
        factories.make_coding(
            transcript,
            coder2,
            kind=CodingKind.DOUBLE,
            codes=BEN,
            globals_=ALL_GLOBALS | ben_globals,
            submitted=True,
        )
        transcripts.append(transcript)
    return transcripts


TALK_SCHEME = schemes.scheme("client-talk", "Client talk", schemes.TALK)


def compute(client, **params):
    return client.get(INDEX, {"scheme": "miti-4.2.1", **params})


def test_page_starts_with_the_form_and_says_what_to_do(client_for, researcher) -> None:
    response = client_for(researcher).get(INDEX)
    assert response.status_code == 200
    assert b"Choose a scheme" in response.content
    assert b"submitted</strong> codings" in response.content
    assert "report" not in response.context


def test_researcher_sees_kappa_icc_and_per_code_and_set_tables(
    client_for, researcher, double_coded
) -> None:
    response = compute(client_for(researcher))
    assert response.status_code == 200
    report = response.context["report"]
    assert report.transcripts == 3
    assert report.raters == ["ana", "ben"]
    (behaviour,) = report.dimensions
    pair = behaviour.result.pairs[0]
    assert pair.units == 15
    # Each code present or absent: [[neither, only ben], [only ana, both]].
    assert pair.presence["Q"].tolist() == [[6, 3], [0, 6]]
    assert pair.presence["SR"].tolist() == [[12, 0], [3, 0]]
    assert pair.presence["AF"].tolist() == [[12, 3], [0, 0]]
    reflections, persuade = pair.sets
    assert reflections.loc["SR", "neither"] == 3
    assert reflections.loc["CR", "CR"] == 3
    assert reflections.loc["neither", "neither"] == 9
    assert list(reflections.index) == ["SR", "CR", "neither"]
    assert persuade.loc["neither", "neither"] == 15
    content = response.content.decode()
    # No matrix over every combination of codes: per-code and per-set tables instead.
    assert response.context["figures"] == {}
    assert "confusion-chart" not in content
    assert "vendor/plotly/plotly.min.js" not in content
    assert content.count('class="table table-sm table-bordered w-auto mt-2 presence-table"') == 1
    assert "SR vs CR: rows ana, columns ben" in content
    assert "Persuade vs Persuade with: rows ana, columns ben" in content
    assert "ICC(2,1)" in content
    assert "dimension=behaviour&amp;a=ana&amp;b=ben" in content  # every disagreement listed


def test_a_single_code_dimension_keeps_its_heatmap(
    client_for, researcher, agency, practitioner, coder, coder2
) -> None:
    from coding.services.schemes import scheme_load

    talk, _ = scheme_load(definition=TALK_SCHEME, agency=agency)
    for _ in range(2):
        transcript = factories.make_transcript(agency, practitioner, utterances=6)
        factories.make_coding(transcript, coder, talk, codes={2: ["CT"], 4: ["ST"]}, submitted=True)
        factories.make_coding(
            transcript, coder2, talk, kind=CodingKind.DOUBLE, codes={2: ["CT"]}, submitted=True
        )
    response = client_for(researcher).get(INDEX, {"scheme": "client-talk"})
    figures = response.context["figures"]
    (figure,) = figures.values()
    assert figure["data"][0]["type"] == "heatmap"
    content = response.content.decode()
    assert "vendor/plotly/plotly.min.js" in content
    assert "presence-table" not in content
    cells_url = figure["cells_url"]
    assert cells_url.startswith(CELL)
    assert f"{cells_url}&row=ST&col=no code".replace(" ", "+") in content.replace("&amp;", "&")


def test_page_defaults_to_the_busiest_scheme(client_for, researcher, double_coded) -> None:
    response = client_for(researcher).get(INDEX)
    assert response.context["form"]["scheme"].value() == "miti-4.2.1"


def test_roles_without_reliability_are_refused(client_for, coder, practitioner_user) -> None:
    assert client_for(coder).get(INDEX).status_code == 403
    assert client_for(practitioner_user).get(INDEX).status_code == 403


def test_anonymous_users_are_sent_to_sign_in(client) -> None:
    response = client.get(INDEX)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_outsider_never_sees_this_agencys_codings(client_for, outsider, double_coded) -> None:
    response = compute(client_for(outsider))
    assert response.status_code == 200
    assert response.context["report"].transcripts == 0
    assert b"ana" not in response.content


def test_in_progress_and_calibration_codings_never_count(
    client_for, supervisor, double_coded, agency
) -> None:
    late = factories.make_user(agency, Role.CODER, username="cy")
    factories.make_coding(double_coded[0], late, codes={1: ["SR"]}, globals_=ALL_GLOBALS)
    factories.make_coding(
        double_coded[1],
        late,
        kind=CodingKind.CALIBRATION,
        codes={1: ["SR"]},
        globals_=ALL_GLOBALS,
        submitted=True,
    )
    report = compute(client_for(supervisor)).context["report"]
    assert report.raters == ["ana", "ben"]


def test_filters_narrow_the_transcripts(client_for, researcher, double_coded, agency) -> None:
    client = client_for(researcher)
    dated = compute(client, date_from="2026-03-02", date_to="2026-03-03").context["report"]
    assert dated.transcripts == 2
    sample = ReliabilitySet.objects.create(agency=agency, name="Sample", scheme=factories.miti())
    sample.transcripts.add(double_coded[0])
    in_set = compute(client, reliability_set=sample.pk).context["report"]
    assert in_set.transcripts == 1
    elsewhere = factories.make_practitioner(agency, "Someone Else")
    assert compute(client, practitioner=elsewhere.pk).context["report"].transcripts == 0
    assert compute(client, coder=["ana"]).context["report"].transcripts == 0


def test_forged_choices_are_refused_without_a_result(
    client_for, researcher, double_coded, other_agency
) -> None:
    their_team = factories.make_team(other_agency)
    response = compute(client_for(researcher), team=their_team.pk)
    assert response.status_code == 200
    assert "report" not in response.context
    assert "team" in response.context["form"].errors


def test_a_set_drawn_for_another_scheme_is_refused(
    client_for, researcher, double_coded, agency
) -> None:
    from coding.services.schemes import scheme_load

    other, _ = scheme_load(definition=TALK_SCHEME, agency=agency)
    sample = ReliabilitySet.objects.create(agency=agency, name="Talk sample", scheme=other)
    response = compute(client_for(researcher), reliability_set=sample.pk)
    assert "report" not in response.context
    assert "drawn for Client talk" in str(response.context["form"].errors["reliability_set"])


def test_csv_download_is_one_row_per_statistic(client_for, researcher, double_coded) -> None:
    url = reverse("reliability:download", args=["csv"])
    response = client_for(researcher).get(url, {"scheme": "miti-4.2.1"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    kappa = next(r for r in rows if r["level"] == "pair" and r["statistic"] == "cohen_kappa")
    assert kappa["name"] == "behaviour: ana & ben"
    assert kappa["units"] == "15"
    empathy = next(r for r in rows if r["name"] == "empathy" and r["statistic"] == "ICC2")
    assert empathy["transcripts"] == "3"


def test_json_download_matches_the_command(client_for, researcher, double_coded) -> None:
    from io import StringIO

    from django.core.management import call_command

    url = reverse("reliability:download", args=["json"])
    response = client_for(researcher).get(url, {"scheme": "miti-4.2.1"})
    assert response.status_code == 200
    downloaded = json.loads(response.content)
    out = StringIO()
    call_command("reliability", "--agency", "home", "--scheme", "miti-4.2.1", stdout=out)
    assert downloaded == json.loads(out.getvalue())
    assert b"NaN" not in response.content


def test_download_without_a_scheme_says_what_to_do(client_for, researcher) -> None:
    response = client_for(researcher).get(reverse("reliability:download", args=["json"]))
    assert response.status_code == 400
    assert b"Choose a scheme" in response.content


def test_cell_lists_both_coders_codes_side_by_side(client_for, researcher, double_coded) -> None:
    transcript = double_coded[0]
    transcript.audio.name = "audio/session.mp3"
    transcript.save()
    params = {
        "scheme": "miti-4.2.1",
        "dimension": "behaviour",
        "a": "ana",
        "b": "ben",
        "row": "SR",
        "col": "Q",
    }
    response = client_for(researcher).get(CELL, params)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == 3
    assert {(r["first"], r["second"]) for r in rows} == {("SR", "Q")}
    assert all(r["utterance"].position == 3 for r in rows)
    content = response.content.decode()
    audio_url = reverse("transcripts:audio", args=[transcript.pk])
    assert f'src="{audio_url}#t=15.00,19.00"' in content
    assert "Utterance number 3." in content


def test_cell_without_row_lists_every_disagreement(client_for, researcher, double_coded) -> None:
    params = {"scheme": "miti-4.2.1", "dimension": "behaviour", "a": "ana", "b": "ben"}
    rows = client_for(researcher).get(CELL, params).context["rows"]
    assert sorted({(r["first"], r["second"]) for r in rows}) == [("GI", "GI + AF"), ("SR", "Q")]
    assert len(rows) == 6


@pytest.mark.parametrize(
    "change",
    [{"dimension": "nothing"}, {"a": "zed"}, {"b": "ana"}, {"scheme": "no-such-scheme"}],
)
def test_cell_with_a_bad_link_is_not_found(client_for, researcher, double_coded, change) -> None:
    params = {"scheme": "miti-4.2.1", "dimension": "behaviour", "a": "ana", "b": "ben"} | change
    assert client_for(researcher).get(CELL, params).status_code == 404


def test_reads_are_a_fixed_number_of_queries(agency, practitioner, coder, coder2) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            reliability_data(
                Coding.objects.filter(transcript__agency=agency), scheme=factories.miti()
            )
        return len(context.captured_queries)

    def add_transcripts(n: int) -> None:
        for _ in range(n):
            transcript = factories.make_transcript(agency, practitioner, utterances=6)
            for person in (coder, coder2):
                factories.make_coding(
                    transcript,
                    person,
                    codes={1: ["Q"]},
                    globals_=ALL_GLOBALS,
                    submitted=True,
                    assign=False,
                )

    add_transcripts(1)
    few = queries()
    add_transcripts(4)
    assert queries() == few
    assert few <= 8


def test_page_query_count_does_not_grow_with_the_data(
    client_for, researcher, agency, practitioner, coder, coder2, django_assert_max_num_queries
) -> None:
    for _ in range(4):
        transcript = factories.make_transcript(agency, practitioner, utterances=6)
        for person in (coder, coder2):
            factories.make_coding(
                transcript, person, codes={1: ["Q"]}, globals_=ALL_GLOBALS, submitted=True
            )
    client = client_for(researcher)
    with django_assert_max_num_queries(25):
        response = compute(client)
    assert response.context["report"].transcripts == 4


def test_per_code_notes_say_what_fleiss_kappa_rests_on(
    client_for, researcher, double_coded, agency
) -> None:
    # A third coder coded only the first transcript: Fleiss' kappa needs every coder.
    third = factories.make_user(agency, Role.CODER, username="cy")
    factories.make_coding(double_coded[0], third, codes=ANA, globals_=ALL_GLOBALS, submitted=True)
    response = compute(client_for(researcher))
    assert response.context["report"].raters == ["ana", "ben", "cy"]
    content = response.content.decode()
    assert "fleiss_kappa: on the 5 units rated by every coder; 10 left out" in content
