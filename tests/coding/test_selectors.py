import pytest

from coding.models import SummaryScore
from coding.selectors import coding_results, score_definitions
from coding.services.schemes import threshold_set
from tests import factories
from tests.factories import ALL_GLOBALS

pytestmark = pytest.mark.django_db


def test_coding_results_count_codes_and_score_them(agency, practitioner, coder):
    transcript = factories.make_transcript(agency, practitioner, utterances=6)
    coding = factories.make_coding(
        transcript, coder, codes={1: ["Q", "SR"], 3: ["CR"], 5: ["Q", "AF"]}, globals_=ALL_GLOBALS
    )
    scheme = coding.scheme
    (result,) = coding_results([coding], {scheme.pk: score_definitions(scheme, agency)})
    assert result.counts == {"Q": 2, "SR": 1, "CR": 1, "AF": 1}
    assert result.globals == ALL_GLOBALS
    assert result.scores["r_q"] == pytest.approx(1.0)
    assert result.scores["pct_cr"] == pytest.approx(50.0)
    assert result.scores["technical"] == pytest.approx(3.5)


def test_results_for_many_codings_use_a_fixed_number_of_queries(
    agency, practitioner, coder, django_assert_num_queries
):
    codings = [
        factories.make_coding(
            factories.make_transcript(agency, practitioner), coder, codes={1: ["Q"]}
        )
        for _ in range(5)
    ]
    definitions = {codings[0].scheme_id: score_definitions(codings[0].scheme, agency)}
    with django_assert_num_queries(2):
        coding_results(codings, definitions)


def test_agency_thresholds_override_the_manuals(agency, other_agency):
    summary = SummaryScore.objects.get(scheme=factories.miti(), slug="technical")
    threshold_set(agency=agency, summary_score=summary, fair=3.5, good=4)
    mine = {d.slug: d for d in score_definitions(factories.miti(), agency)}
    theirs = {d.slug: d for d in score_definitions(factories.miti(), other_agency)}
    assert (mine["technical"].fair, mine["technical"].good) == (3.5, 4)
    assert (theirs["technical"].fair, theirs["technical"].good) == (3, 4)
    threshold_set(agency=agency, summary_score=summary, fair=3, good=4)
    assert summary.overrides.count() == 0


def test_score_of_record_prefers_consensus_then_gold_then_primary(
    agency, practitioner, coder, coder2, supervisor
):
    from coding.models import Coding, CodingKind
    from coding.selectors import codings_of_record

    transcript = factories.make_transcript(agency, practitioner)
    primary = factories.make_coding(transcript, coder, globals_=ALL_GLOBALS, submitted=True)
    factories.make_coding(
        transcript, coder2, kind=CodingKind.DOUBLE, globals_=ALL_GLOBALS, submitted=True
    )
    assert codings_of_record(Coding.objects.all()) == [primary]
    gold = factories.make_coding(
        transcript, supervisor, kind=CodingKind.GOLD, globals_=ALL_GLOBALS, submitted=True
    )
    assert codings_of_record(Coding.objects.all()) == [gold]
    assert codings_of_record(Coding.objects.exclude(pk=gold.pk)) == [primary]
    consensus = factories.make_coding(
        transcript, supervisor, kind=CodingKind.CONSENSUS, globals_=ALL_GLOBALS, submitted=True
    )
    assert codings_of_record(Coding.objects.all()) == [consensus]


def test_score_of_record_ignores_unsubmitted_and_calibration(agency, practitioner, coder, coder2):
    from coding.models import Coding, CodingKind
    from coding.selectors import codings_of_record

    transcript = factories.make_transcript(agency, practitioner)
    factories.make_coding(transcript, coder)
    factories.make_coding(
        transcript, coder2, kind=CodingKind.CALIBRATION, globals_=ALL_GLOBALS, submitted=True
    )
    assert codings_of_record(Coding.objects.all()) == []
    double = factories.make_coding(
        transcript, coder2, kind=CodingKind.DOUBLE, globals_=ALL_GLOBALS, submitted=True
    )
    assert codings_of_record(Coding.objects.all()) == [double]
