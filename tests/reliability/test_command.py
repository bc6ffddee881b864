"""manage.py reliability, exactly as documented in the interfaces."""

from __future__ import annotations

import csv
import io
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Agency, Practitioner, Role, User
from coding.models import CodingKind
from tests import factories
from tests.factories import ALL_GLOBALS
from tests.reliability import schemes

pytestmark = pytest.mark.django_db

# Shrout & Fleiss (1979) Table 2: six targets rated by four judges.
SHROUT_FLEISS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]
PUBLISHED_ICC = {
    "ICC1": 0.165742,
    "ICC2": 0.289764,
    "ICC3": 0.714841,
    "ICC1k": 0.442797,
    "ICC2k": 0.620051,
    "ICC3k": 0.909316,
}


def run(*args: str) -> str:
    out = StringIO()
    call_command("reliability", *args, stdout=out)
    return out.getvalue()


def run_json(*args: str) -> dict:
    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} in JSON output")

    return json.loads(run(*args), parse_constant=refuse)


@pytest.fixture
def four_coders(agency: Agency, coder: User, coder2: User) -> list[User]:
    return [
        coder,
        coder2,
        factories.make_user(agency, Role.CODER, username="cy"),
        factories.make_user(agency, Role.CODER, username="dee"),
    ]


@pytest.fixture
def shrout_fleiss_codings(
    agency: Agency, practitioner: Practitioner, four_coders: list[User]
) -> list[int]:
    """Six transcripts whose Question counts by four coders reproduce Shrout & Fleiss."""
    transcripts = []
    for row in SHROUT_FLEISS:
        transcript = factories.make_transcript(agency, practitioner, utterances=20)
        for coder, count in zip(four_coders, row, strict=True):
            factories.make_coding_with_counts(transcript, coder, {"Q": count}, globals_=ALL_GLOBALS)
        transcripts.append(transcript.pk)
    return transcripts


@pytest.fixture
def double_coded(agency: Agency, practitioner: Practitioner, coder: User, coder2: User) -> int:
    transcript = factories.make_transcript(agency, practitioner, utterances=6)
    for person, count in ((coder, 1), (coder2, 2)):
        factories.make_coding_with_counts(transcript, person, {"Q": count}, globals_=ALL_GLOBALS)
    return transcript.pk


def test_icc_of_question_counts_reproduces_shrout_and_fleiss(shrout_fleiss_codings) -> None:
    report = run_json("--agency", "home", "--scheme", "miti-4.2.1")
    question = report["session_level"]["Q"]
    assert question["transcripts"] == 6
    for form, published in PUBLISHED_ICC.items():
        assert question["icc"][form] == pytest.approx(published, abs=5e-7)
    low, high = question["ci95"]["ICC2"]
    assert (round(low, 4), round(high, 4)) == (0.0188, 0.7611)
    assert question["band"] == "poor"
    assert question["note"] is None


def test_report_has_the_documented_shape_key_for_key(shrout_fleiss_codings) -> None:
    report = run_json("--agency", "home", "--scheme", "miti-4.2.1")
    assert list(report) == [
        "scheme",
        "transcripts",
        "coders",
        "utterance_level",
        "session_level",
    ]
    assert report["scheme"] == "miti-4.2.1"
    assert report["transcripts"] == 6
    assert report["coders"] == ["ana", "ben", "cy", "dee"]
    behaviour = report["utterance_level"]["behaviour"]
    for key in (
        "units",
        "coders",
        "percent_agreement",
        "cohen_kappa",
        "fleiss_kappa",
        "krippendorff_alpha",
        "pairs",
        "per_code",
    ):
        assert key in behaviour
    assert behaviour["units"] == 60  # six transcripts × ten practitioner utterances
    assert behaviour["coders"] == 4
    assert len(behaviour["pairs"]) == 6
    assert behaviour["pairs"][0]["coders"] == ["ana", "ben"]
    assert set(behaviour["pairs"][0]) >= {"coders", "units", "cohen_kappa", "percent_agreement"}
    assert list(behaviour["per_code"]) == [
        "GI",
        "Persuade",
        "Persuade with",
        "Q",
        "SR",
        "CR",
        "AF",
        "Seek",
        "Emphasize",
        "Confront",
    ]
    assert set(behaviour["per_code"]["Q"]) >= {"cohen_kappa", "krippendorff_alpha", "prevalence"}
    session = report["session_level"]
    for key in ("Q", "SR", "cct", "empathy", "technical", "relational", "pct_cr", "r_q", "mia"):
        assert {"transcripts", "icc", "ci95", "band", "note"} <= set(session[key])
        assert list(session[key]["icc"]) == ["ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"]


def test_cohen_kappa_is_the_mean_over_coder_pairs(shrout_fleiss_codings) -> None:
    behaviour = run_json("--agency", "home", "--scheme", "miti-4.2.1")["utterance_level"][
        "behaviour"
    ]
    pair_kappas = [pair["cohen_kappa"] for pair in behaviour["pairs"]]
    assert behaviour["cohen_kappa"] == pytest.approx(sum(pair_kappas) / len(pair_kappas))
    # Question presence: ana and ben agree on 2+1+4+1+5+2 coded and the rest uncoded.
    first = behaviour["pairs"][0]
    assert first["units"] == 60
    assert first["percent_agreement"] == pytest.approx(1 - (7 + 5 + 4 + 6 + 5 + 4) / 60)


def test_degenerate_statistics_are_null_with_a_note(shrout_fleiss_codings) -> None:
    report = run_json("--agency", "home", "--scheme", "miti-4.2.1")
    unused = report["utterance_level"]["behaviour"]["per_code"]["Confront"]
    assert unused["cohen_kappa"] is None
    assert unused["krippendorff_alpha"] is None
    assert unused["prevalence"] == 0.0
    assert "no coder used Confront" in unused["note"]
    flat_global = report["session_level"]["empathy"]
    assert flat_global["icc"]["ICC2"] is None
    assert flat_global["band"] is None
    assert flat_global["note"] == ("undefined (no variation): every coder gave every transcript 5")
    assert flat_global["krippendorff_alpha"] == {"ordinal": None, "interval": None}
    unused_count = report["session_level"]["Confront"]
    assert unused_count["icc"]["ICC1"] is None
    assert "no variation" in unused_count["note"]
    undefined_ratio = report["session_level"]["pct_cr"]  # no reflections: 0 / 0
    assert undefined_ratio["transcripts"] == 0
    assert undefined_ratio["note"] == (
        "needs at least 2 transcripts rated by every coder (0 here); 6 transcript(s) left out: "
        "the score is undefined for a coder (a zero denominator or a missing global)"
    )


def test_coder_option_filters_by_username(shrout_fleiss_codings) -> None:
    report = run_json(
        "--agency", "home", "--scheme", "miti-4.2.1", "--coder", "ana", "--coder", "cy"
    )
    assert report["coders"] == ["ana", "cy"]
    question = report["session_level"]["Q"]
    assert question["transcripts"] == 6
    behaviour = report["utterance_level"]["behaviour"]
    assert [pair["coders"] for pair in behaviour["pairs"]] == [["ana", "cy"]]


def test_transcript_option_filters_by_id(shrout_fleiss_codings) -> None:
    chosen = shrout_fleiss_codings[:3]
    args = ["--agency", "home", "--scheme", "miti-4.2.1"]
    for pk in chosen:
        args += ["--transcript", str(pk)]
    report = run_json(*args)
    assert report["transcripts"] == 3
    assert report["session_level"]["Q"]["transcripts"] == 3
    assert report["utterance_level"]["behaviour"]["units"] == 30


def test_one_coder_only_explains_itself(agency, practitioner, coder) -> None:
    transcript = factories.make_transcript(agency, practitioner, utterances=6)
    factories.make_coding_with_counts(transcript, coder, {"Q": 2}, globals_=ALL_GLOBALS)
    report = run_json("--agency", "home", "--scheme", "miti-4.2.1")
    assert report["transcripts"] == 0
    assert report["coders"] == []
    behaviour = report["utterance_level"]["behaviour"]
    assert behaviour["units"] == 0
    assert behaviour["cohen_kappa"] is None
    assert "at least two coders" in behaviour["note"]
    assert report["session_level"]["Q"]["icc"]["ICC2"] is None
    assert "at least two coders" in report["session_level"]["Q"]["note"]


def test_every_coder_using_one_code_explains_itself(agency, practitioner, coder, coder2) -> None:
    for _ in range(3):
        transcript = factories.make_transcript(agency, practitioner, utterances=6)
        for person in (coder, coder2):
            factories.make_coding_with_counts(transcript, person, {"Q": 3}, globals_=ALL_GLOBALS)
    report = run_json("--agency", "home", "--scheme", "miti-4.2.1")
    behaviour = report["utterance_level"]["behaviour"]
    assert behaviour["percent_agreement"] == 1.0
    assert behaviour["cohen_kappa"] is None
    assert "no variation" in behaviour["note"]
    assert behaviour["per_code"]["Q"]["prevalence"] == 1.0


def test_only_independent_submitted_codings_count(
    agency, practitioner, coder, coder2, supervisor
) -> None:
    transcript = factories.make_transcript(agency, practitioner, utterances=6)
    factories.make_coding_with_counts(transcript, coder, {"Q": 1}, globals_=ALL_GLOBALS)
    factories.make_coding_with_counts(
        transcript, coder2, {"Q": 2}, globals_=ALL_GLOBALS, submitted=False
    )
    factories.make_coding_with_counts(
        transcript, supervisor, {"Q": 3}, kind=CodingKind.CONSENSUS, globals_=ALL_GLOBALS
    )
    factories.make_coding_with_counts(
        transcript, coder2, {"Q": 3}, kind=CodingKind.CALIBRATION, globals_=ALL_GLOBALS
    )
    report = run_json("--agency", "home", "--scheme", "miti-4.2.1")
    assert report["transcripts"] == 0
    with_consensus = run_json("--agency", "home", "--scheme", "miti-4.2.1", "--include-consensus")
    assert with_consensus["coders"] == ["ana", "(consensus)"]
    assert with_consensus["utterance_level"]["behaviour"]["units"] == 3


def test_csv_is_a_flat_table_of_statistics(shrout_fleiss_codings) -> None:
    rows = list(
        csv.DictReader(
            io.StringIO(run("--agency", "home", "--scheme", "miti-4.2.1", "--format", "csv"))
        )
    )
    assert list(rows[0]) == [
        "level",
        "name",
        "statistic",
        "value",
        "se",
        "ci_low",
        "ci_high",
        "units",
        "transcripts",
        "band",
        "note",
    ]
    icc2 = next(
        r for r in rows if r["level"] == "session" and r["name"] == "Q" and r["statistic"] == "ICC2"
    )
    assert float(icc2["value"]) == pytest.approx(0.289764, abs=5e-7)
    assert round(float(icc2["ci_low"]), 4) == 0.0188
    assert icc2["transcripts"] == "6"
    assert icc2["band"] == "poor"
    kappa = next(r for r in rows if r["level"] == "utterance" and r["statistic"] == "cohen_kappa")
    assert kappa["name"] == "behaviour"
    assert kappa["units"] == "60"
    assert not any(value.lower() == "nan" for row in rows for value in row.values())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agency", "nowhere", "--scheme", "miti-4.2.1"], "no agency with slug 'nowhere'"),
        (["--agency", "home", "--scheme", "nothing"], "no coding scheme 'nothing'"),
        (["--agency", "home", "--scheme", "miti-4.2.1", "--coder", "zed"], "by zed"),
        (["--agency", "home", "--scheme", "miti-4.2.1", "--transcript", "999999"], "999999"),
    ],
)
def test_bad_arguments_fail_with_one_line(double_coded, args, message) -> None:
    with pytest.raises(CommandError, match=message) as excinfo:
        run(*args)
    assert "\n" not in str(excinfo.value)


@pytest.mark.parametrize("forged", ["9" * 25, "0", "abc"])
def test_transcript_ids_no_row_could_have_are_a_usage_error(double_coded, forged) -> None:
    with pytest.raises(CommandError, match=f"'{forged}' is not an id"):
        run("--agency", "home", "--scheme", "miti-4.2.1", "--transcript", forged)


def test_another_agencys_transcript_is_refused(double_coded, other_agency) -> None:
    theirs = factories.make_transcript(other_agency, factories.make_practitioner(other_agency))
    with pytest.raises(CommandError, match=str(theirs.pk)):
        run("--agency", "home", "--scheme", "miti-4.2.1", "--transcript", str(theirs.pk))


def test_other_agencies_codings_never_count(shrout_fleiss_codings, other_agency) -> None:
    transcript = factories.make_transcript(
        other_agency, factories.make_practitioner(other_agency), utterances=20
    )
    for name in ("xa", "xb"):
        person = factories.make_user(other_agency, Role.CODER, username=name)
        factories.make_coding_with_counts(transcript, person, {"Q": 9}, globals_=ALL_GLOBALS)
    report = run_json("--agency", "home", "--scheme", "miti-4.2.1")
    assert report["transcripts"] == 6
    assert "xa" not in report["coders"]


MIXED_SCHEME = schemes.scheme("mixed", "Mixed speakers", schemes.TALK, schemes.FLAGS)


def test_each_dimension_counts_the_utterances_of_its_own_speaker(
    agency, practitioner, coder, coder2
) -> None:
    from coding.services.schemes import scheme_load

    scheme, _ = scheme_load(definition=MIXED_SCHEME, agency=agency)
    transcript = factories.make_transcript(agency, practitioner, utterances=6)
    factories.make_coding(
        transcript, coder, scheme, codes={2: ["CT"], 4: ["ST"], 1: ["X"]}, submitted=True
    )
    factories.make_coding(
        transcript, coder2, scheme, codes={2: ["CT"], 4: ["CT"], 3: ["X"]}, submitted=True
    )
    report = run_json("--agency", "home", "--scheme", "mixed")
    talk, flags = report["utterance_level"]["talk"], report["utterance_level"]["flags"]
    assert talk["units"] == 3  # the client's utterances
    assert talk["percent_agreement"] == pytest.approx(2 / 3)
    assert flags["units"] == 6  # everyone's
    assert flags["percent_agreement"] == pytest.approx(4 / 6)
    assert report["session_level"]["CT"]["transcripts"] == 1


def test_what_each_figure_rests_on_is_said_when_a_coder_missed_a_transcript(
    agency, practitioner, four_coders
) -> None:
    # Three coders; the third did not code the last of four transcripts.
    ana, ben, cy = four_coders[:3]
    for index, counts in enumerate([(1, 2, 1), (3, 3, 4), (0, 1, 0), (2, 2, None)]):
        transcript = factories.make_transcript(agency, practitioner, utterances=10)
        for person, count in zip((ana, ben, cy), counts, strict=True):
            if count is not None:
                globals_ = {**ALL_GLOBALS, "partnership": 2 + index % 3}
                factories.make_coding_with_counts(
                    transcript, person, {"Q": count}, globals_=globals_
                )
    report = run_json("--agency", "home", "--scheme", "miti-4.2.1")
    behaviour = report["utterance_level"]["behaviour"]
    assert behaviour["units"] == 20
    assert behaviour["fleiss_kappa"] is not None
    assert "fleiss_kappa, krippendorff_alpha: mean of 1 of 10 codes" in (behaviour["note"])
    question = behaviour["per_code"]["Q"]
    assert "fleiss_kappa: on the 15 units rated by every coder; 5 left out" in question["note"]
    partnership = report["session_level"]["partnership"]
    assert partnership["transcripts"] == 3
    assert "1 transcript(s) lacking one of the coders left out" in partnership["note"]
    assert "Krippendorff's alpha rests on 4 transcript(s)" in partnership["note"]


def test_counts_of_a_rare_code_give_a_report_not_an_error(
    agency, practitioner, coder, coder2
) -> None:
    # Equal coder means and opposed counts: the ICC interval formulas divide by zero.
    for first, second in [(0, 1), (0, 1), (1, 0), (1, 0)]:
        transcript = factories.make_transcript(agency, practitioner, utterances=6)
        factories.make_coding_with_counts(transcript, coder, {"Q": first}, globals_=ALL_GLOBALS)
        factories.make_coding_with_counts(transcript, coder2, {"Q": second}, globals_=ALL_GLOBALS)
    question = run_json("--agency", "home", "--scheme", "miti-4.2.1")["session_level"]["Q"]
    assert question["transcripts"] == 4
    assert question["icc"]["ICC1"] == pytest.approx(-1.0)
    assert question["ci95"]["ICC2"] is None
    assert question["band"] == "poor"
