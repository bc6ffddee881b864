"""The agency archive carries the workflow whole: consensus decisions, gold standards,
training sets and calibration results."""

import json

import pytest

from accounts.models import Agency
from coding.models import Coding, CodingKind
from coding.services.codings import coding_submit
from tests import factories
from tests.exchange.conftest import run
from tests.factories import ALL_GLOBALS
from workflow.models import (
    AdjudicationDecision,
    CalibrationAttempt,
    CalibrationCoding,
    GoldStandard,
    TrainingItem,
    TrainingSet,
)
from workflow.selectors.adjudication import adjudication_for
from workflow.services.adjudication import adjudication_decide, adjudication_start
from workflow.services.calibration import calibration_finish, calibration_start
from workflow.services.training import coding_mark_gold, training_set_save

pytestmark = pytest.mark.django_db


def _summary(agency):
    decisions = AdjudicationDecision.objects.filter(consensus__transcript__agency=agency)
    attempt = CalibrationAttempt.objects.get(agency=agency)
    return {
        "decisions": sorted(
            (
                str(d.utterance.position) if d.utterance else d.scale.slug,
                d.source,
                d.source_coding.coder.username if d.source_coding else None,
                d.reason,
            )
            for d in decisions
        ),
        "gold": sorted(
            (g.coding.coder.username, g.previous_kind)
            for g in GoldStandard.objects.filter(coding__transcript__agency=agency)
        ),
        "training": sorted(
            (i.training_set.name, i.gold.coder.username)
            for i in TrainingItem.objects.filter(training_set__agency=agency)
        ),
        "attempt": (attempt.coder.username, attempt.passed, attempt.mean_kappa, attempt.results),
        "calibration": sorted(
            (c.coding.kind, c.gold.kind, c.agreement)
            for c in CalibrationCoding.objects.filter(attempt__agency=agency)
        ),
    }


def test_workflow_survives_an_archive_round_trip(
    agency, practitioner, coder, coder2, supervisor, tmp_path
):
    transcript = factories.make_transcript(agency, practitioner)
    first = factories.make_coding(
        transcript, coder, codes={1: ["Q"], 3: ["SR"]}, globals_=ALL_GLOBALS, submitted=True
    )
    factories.make_coding(
        transcript,
        coder2,
        kind=CodingKind.DOUBLE,
        codes={1: ["Q"], 3: ["CR"]},
        globals_=ALL_GLOBALS,
        submitted=True,
    )
    consensus = adjudication_start(transcript=transcript, scheme=first.scheme, actor=supervisor)
    (item,) = adjudication_for(transcript, first.scheme).undecided
    adjudication_decide(
        consensus=consensus,
        actor=supervisor,
        utterance=item.utterance,
        source=first,
        reason="simple",
    )
    training_transcript = factories.make_transcript(agency, practitioner)
    gold = factories.make_coding(
        training_transcript, supervisor, codes={1: ["Q"]}, globals_=ALL_GLOBALS, submitted=True
    )
    coding_mark_gold(coding=gold, actor=supervisor)
    training = training_set_save(
        agency=agency, name="Basics", scheme=gold.scheme, golds=[gold], actor=supervisor
    )
    third = factories.make_user(agency, "coder", username="cleo")
    attempt = calibration_start(training_set=training, coder=third)
    practice = attempt.items.get().coding
    factories.apply_codes(practice, {1: ["Q"]}, ALL_GLOBALS)
    coding_submit(coding=practice, actor=third)
    calibration_finish(attempt=attempt, actor=third)
    before = _summary(agency)

    path = tmp_path / "home.json"
    run("export_archive", "--agency", "home", "--output", str(path))
    archive = json.loads(path.read_text(encoding="utf-8"))
    archive["agency"]["slug"] = "copy"
    path.write_text(json.dumps(archive), encoding="utf-8")
    run("import_archive", str(path))

    copy = Agency.objects.get(slug="copy")
    assert _summary(copy) == before
    assert TrainingSet.objects.filter(agency=copy).count() == 1
    assert Coding.objects.filter(transcript__agency=copy, kind=CodingKind.CONSENSUS).count() == 1
