"""manage.py export_scores: one row per coding, every count, global and summary score."""

import csv
import datetime
import io

import pytest
from django.core.management.base import CommandError
from openpyxl import load_workbook

from accounts.models import AuditEvent
from coding.models import CodingKind
from exchange.selectors import score_table
from tests import factories
from tests.exchange.conftest import run
from tests.factories import ALL_GLOBALS

pytestmark = pytest.mark.django_db

MITI_COLUMNS = [
    "transcript_id", "transcript", "practitioner", "session_date", "coder", "scheme", "status",
    "GI", "Persuade", "Persuade with", "Q", "SR", "CR", "AF", "Seek", "Emphasize", "Confront",
    "cct", "sst", "partnership", "empathy",
    "technical", "relational", "pct_cr", "r_q", "mia", "mina",
    "coded_from",
    "kind", "score_of_record",
]  # fmt: skip


def exported(*args: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(run("export_scores", "--agency", "home", *args))))


def header(*args: str) -> list[str]:
    return run("export_scores", "--agency", "home", *args).splitlines()[0].split(",")


@pytest.fixture
def miti_coding(agency, practitioner, coder):
    transcript = factories.make_transcript(
        agency, practitioner, title="Quit date", session_date=datetime.date(2026, 2, 3)
    )
    return factories.make_coding(
        transcript,
        coder,
        codes={1: ["Q"], 3: ["CR", "AF"], 5: ["SR"]},
        globals_=ALL_GLOBALS,
        submitted=True,
    )


def test_columns_are_exactly_the_documented_ones(miti_coding):
    assert header() == MITI_COLUMNS


def test_one_row_per_coding_with_counts_globals_and_scores(miti_coding):
    (row,) = exported()
    assert row["transcript_id"] == str(miti_coding.transcript_id)
    assert row["transcript"] == "Quit date"
    assert row["practitioner"] == "Dana Reyes"
    assert row["session_date"] == "2026-02-03"
    assert (row["coder"], row["scheme"], row["status"]) == ("ana", "miti-4.2.1", "submitted")
    assert (row["Q"], row["SR"], row["CR"], row["AF"], row["GI"]) == ("1", "1", "1", "1", "0")
    assert (row["cct"], row["sst"], row["partnership"], row["empathy"]) == ("3", "4", "4", "5")
    assert float(row["r_q"]) == 2.0
    assert float(row["pct_cr"]) == 50.0
    assert float(row["relational"]) == 4.5
    assert (row["mia"], row["mina"]) == ("1", "0")  # sums of counts are whole numbers


def test_kind_and_score_of_record_tell_a_consensus_from_the_codings_it_settles(
    miti_coding, coder2, supervisor, tmp_path
):
    transcript = miti_coding.transcript
    factories.make_coding(transcript, coder2, kind=CodingKind.DOUBLE, submitted=True)
    factories.make_coding(transcript, supervisor, kind=CodingKind.CONSENSUS, submitted=True)
    unsettled = factories.make_transcript(transcript.agency, title="Second")
    factories.make_coding(unsettled, coder2, submitted=True)
    rows = {(row["transcript"], row["kind"]): row["score_of_record"] for row in exported()}
    assert rows == {
        ("Quit date", "primary"): "false",
        ("Quit date", "double"): "false",
        ("Quit date", "consensus"): "true",
        ("Second", "primary"): "true",
    }
    path = tmp_path / "scores.xlsx"
    run("export_scores", "--agency", "home", "--format", "xlsx", "--output", str(path))
    sheet = list(load_workbook(path).active.iter_rows(values_only=True))
    assert list(sheet[0][-2:]) == ["kind", "score_of_record"]
    assert {(row[1], row[-2], row[-1]) for row in sheet[1:]} == {
        (label, kind, record) for (label, kind), record in rows.items()
    }


def test_an_unsubmitted_coding_is_never_the_score_of_record(agency, practitioner, coder):
    transcript = factories.make_transcript(agency, practitioner)
    factories.make_coding(transcript, coder, codes={3: ["GI"]})
    (row,) = exported()
    assert (row["kind"], row["score_of_record"]) == ("primary", "false")


def test_an_undefined_score_is_an_empty_cell(agency, practitioner, coder):
    transcript = factories.make_transcript(agency, practitioner)
    factories.make_coding(transcript, coder, codes={3: ["GI"]})
    (row,) = exported()
    assert row["r_q"] == "" and row["pct_cr"] == "" and row["relational"] == ""
    assert row["empathy"] == ""
    assert row["status"] == "in_progress"
    assert row["transcript"] == transcript.label


def test_without_scheme_the_columns_are_the_union_and_foreign_cells_are_empty(
    miti_coding, talk_scheme, coder2
):
    transcript = factories.make_transcript(miti_coding.transcript.agency, title="Talk")
    factories.make_coding(transcript, coder2, scheme=talk_scheme, codes={2: ["CT"], 1: ["Q"]})
    columns = header()
    # Schemes in slug order: mi-talk first, then miti-4.2.1; shared names appear once.
    assert columns[7:13] == ["Q", "SR", "CR", "AF", "CT", "ST"]
    assert columns.count("Q") == columns.count("empathy") == columns.count("r_q") == 1
    assert {"GI", "cct", "technical", "pct_cr", "pct_ct"} <= set(columns)
    rows = {row["scheme"]: row for row in exported()}
    assert rows["mi-talk"]["GI"] == "" and rows["mi-talk"]["CT"] == "1"
    assert rows["mi-talk"]["Q"] == "1"
    assert rows["miti-4.2.1"]["CT"] == "" and rows["miti-4.2.1"]["pct_ct"] == ""
    assert rows["miti-4.2.1"]["Q"] == "1"


def test_scheme_option_limits_rows_and_columns(miti_coding, talk_scheme, coder2):
    transcript = factories.make_transcript(miti_coding.transcript.agency)
    factories.make_coding(transcript, coder2, scheme=talk_scheme)
    assert header("--scheme", "miti-4.2.1") == MITI_COLUMNS
    assert [row["scheme"] for row in exported("--scheme", "miti-4.2.1")] == ["miti-4.2.1"]
    assert [row["scheme"] for row in exported("--scheme", "mi-talk")] == ["mi-talk"]


def test_calibration_codings_are_not_exported(miti_coding, coder2):
    factories.make_coding(miti_coding.transcript, coder2, kind=CodingKind.CALIBRATION)
    assert [row["coder"] for row in exported()] == ["ana"]


def test_other_agencies_are_not_exported(miti_coding, other_agency):
    other = factories.make_transcript(other_agency)
    factories.make_coding(other, factories.make_user(other_agency))
    assert len(exported()) == 1


def test_xlsx_goes_to_a_file(miti_coding, tmp_path):
    path = tmp_path / "scores.xlsx"
    run("export_scores", "--agency", "home", "--format", "xlsx", "--output", str(path))
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == MITI_COLUMNS
    assert rows[1][MITI_COLUMNS.index("Q")] == 1
    assert rows[1][MITI_COLUMNS.index("session_date")].date() == datetime.date(2026, 2, 3)
    with pytest.raises(CommandError, match="an XLSX export needs --output"):
        run("export_scores", "--agency", "home", "--format", "xlsx")


def test_every_export_is_in_the_audit_log(miti_coding, tmp_path):
    run("export_scores", "--agency", "home", "--output", str(tmp_path / "s.csv"))
    event = AuditEvent.objects.get(action="export.scores")
    assert event.agency == miti_coding.transcript.agency
    assert event.details == {"via": "command", "format": "csv", "scheme": "", "rows": 1}


def test_unknown_agency_or_scheme_is_refused(agency):
    with pytest.raises(CommandError, match="no agency with slug 'nope'"):
        run("export_scores", "--agency", "nope")
    with pytest.raises(CommandError, match="no coding scheme 'nope' for agency 'home'"):
        run("export_scores", "--agency", "home", "--scheme", "nope")


def test_score_table_takes_a_fixed_number_of_queries(
    agency, practitioner, coder, coder2, talk_scheme, django_assert_num_queries
):
    from coding.models import Coding

    for index in range(6):
        transcript = factories.make_transcript(agency, practitioner, utterances=4)
        factories.make_coding(transcript, coder, codes={1: ["Q"]}, globals_=ALL_GLOBALS)
        factories.make_coding(transcript, coder2, scheme=talk_scheme, codes={2: ["CT"]})
        if index == 0:
            with django_assert_num_queries(12) as one:
                score_table(Coding.objects.filter(transcript__agency=agency), agency)
    with django_assert_num_queries(len(one.captured_queries)):
        table = score_table(Coding.objects.filter(transcript__agency=agency), agency)
    assert len(table.rows) == 12


def test_sessions_coded_from_audio_are_marked_with_their_counts(miti_coding, agency, coder2):
    session = factories.make_audio_session(agency, miti_coding.transcript.practitioner)
    factories.make_audio_coding(
        session,
        coder2,
        volleys=[
            (1000, "practitioner", ["Q"]),
            (4000, "client", []),
            (6000, "practitioner", ["CR"]),
        ],
        globals_=ALL_GLOBALS,
        submitted=True,
    )
    rows = {row["transcript_id"]: row for row in exported()}
    audio = rows[str(session.pk)]
    assert audio["coded_from"] == "audio"
    assert (audio["Q"], audio["CR"], audio["SR"]) == ("1", "1", "0")
    assert float(audio["pct_cr"]) == 100.0
    assert rows[str(miti_coding.transcript_id)]["coded_from"] == "transcript"
