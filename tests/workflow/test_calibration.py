"""Gold standards, training sets and calibration against them."""

import datetime

import pandas as pd
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AuditEvent, Role
from coding.models import Coding, CodingKind, CodingStatus
from coding.selectors import codings_of_record
from coding.services.codings import coding_create, coding_submit
from reliability import stats
from tests import factories
from tests.factories import ALL_GLOBALS
from workflow import visibility
from workflow.calibration import Unit, calibration_results
from workflow.models import CalibrationAttempt, CalibrationRetake, TrainingItem
from workflow.services.calibration import (
    calibration_finish,
    calibration_retake_allow,
    calibration_retake_withdraw,
    calibration_start,
)
from workflow.services.training import (
    coding_mark_gold,
    coding_unmark_gold,
    training_set_save,
)

pytestmark = pytest.mark.django_db


def _unit(transcript, utterance, gold, coder):
    return Unit(
        transcript=transcript,
        utterance=utterance,
        dimension="behaviour",
        gold=frozenset(gold),
        coder=frozenset(coder),
    )


def test_results_compare_each_code_with_the_gold():
    units = [
        _unit(1, 1, ["Q"], ["Q"]),
        _unit(1, 2, ["SR"], ["SR"]),
        _unit(1, 3, ["Q"], ["SR"]),
        _unit(1, 4, [], []),
        _unit(2, 5, ["Q"], ["Q"]),
        _unit(2, 6, ["SR"], ["SR"]),
        _unit(2, 7, [], ["Q"]),
        _unit(2, 8, ["Q"], ["Q"]),
    ]
    results = calibration_results(
        units=units, codes={"behaviour": ["Q", "SR", "CR"]}, transcripts=[1, 2], pass_mark=0.65
    )
    per_code = {row["code"]: row for row in results["codes"]}
    # Q: gold yes on 1,3,5,8; coder yes on 1,5,7,8 → 2x2 [[3,1],[1,3]]: po .75, kappa .5
    assert per_code["Q"]["agreement"] == pytest.approx(0.75)
    assert per_code["Q"]["kappa"] == pytest.approx(0.5)
    assert (per_code["Q"]["gold"], per_code["Q"]["coder"]) == (4, 4)
    # SR: gold 2,6; coder 2,3,6 → [[5,1],[0,2]]: po 7/8, pe (6*5+2*3)/64, kappa 5/7
    assert per_code["SR"]["kappa"] == pytest.approx(5 / 7)
    assert per_code["CR"]["kappa"] is None
    assert "neither coder used CR" in per_code["CR"]["note"]
    assert results["mean_kappa"] == pytest.approx((0.5 + 5 / 7) / 2)
    assert results["passed"] is False
    assert results["pass_mark"] == 0.65
    assert results["percent_agreement"] == pytest.approx(6 / 8)
    assert results["per_transcript"] == {1: pytest.approx(0.75), 2: pytest.approx(0.75)}
    assert per_code["Q"]["icc"] is None
    assert "at least 3 training transcripts" in per_code["Q"]["note"]


def test_count_icc_compares_code_counts_per_transcript():
    gold_counts, coder_counts = {1: 2, 2: 1, 3: 4}, {1: 2, 2: 2, 3: 3}
    units = []
    for t in (1, 2, 3):
        for i in range(5):
            units.append(
                _unit(
                    t,
                    t * 10 + i,
                    ["Q"] if i < gold_counts[t] else [],
                    ["Q"] if i < coder_counts[t] else [],
                )
            )
    results = calibration_results(
        units=units, codes={"behaviour": ["Q"]}, transcripts=[1, 2, 3], pass_mark=0.6
    )
    frame = pd.DataFrame({"gold": [2, 1, 4], "coder": [2, 2, 3]}, index=[1, 2, 3])
    expected = stats.icc(frame).forms["ICC2"].value
    assert results["codes"][0]["icc"] == pytest.approx(expected)
    assert expected is not None


def test_a_perfect_coder_passes():
    units = [_unit(t, t * 10 + i, [c], [c]) for t in (1, 2) for i, c in enumerate(["Q", "SR", "Q"])]
    units += [_unit(2, 99, ["Q"], ["Q"])]
    results = calibration_results(
        units=units, codes={"behaviour": ["Q", "SR"]}, transcripts=[1, 2], pass_mark=0.6
    )
    assert results["mean_kappa"] == pytest.approx(1.0)
    assert results["passed"] is True


@pytest.fixture
def gold(agency, practitioner, supervisor):
    transcript = factories.make_transcript(agency, practitioner, utterances=8)
    coding = factories.make_coding(
        transcript,
        supervisor,
        codes={1: ["Q"], 3: ["SR"], 5: ["CR"], 7: ["Q"]},
        globals_=ALL_GLOBALS,
        submitted=True,
    )
    return coding_mark_gold(coding=coding, actor=supervisor)


def test_marking_gold_changes_the_kind_and_is_audited(gold, supervisor):
    assert Coding.objects.get(pk=gold.pk).kind == CodingKind.GOLD
    assert AuditEvent.objects.filter(action="coding.gold", actor=supervisor).exists()
    record = codings_of_record(Coding.objects.filter(pk=gold.pk))
    assert record == [gold]


def test_only_submitted_codings_become_gold_and_one_per_transcript(
    agency, practitioner, coder, coder2, supervisor, gold
):
    draft = factories.make_coding(factories.make_transcript(agency, practitioner), coder)
    with pytest.raises(ValidationError, match="submitted"):
        coding_mark_gold(coding=draft, actor=supervisor)
    second = factories.make_coding(
        gold.transcript, coder2, kind=CodingKind.DOUBLE, globals_=ALL_GLOBALS, submitted=True
    )
    with pytest.raises(ValidationError, match="already has a gold standard"):
        coding_mark_gold(coding=second, actor=supervisor)


def test_unmarking_restores_the_kind_unless_training_uses_it(agency, gold, supervisor):
    training = training_set_save(
        agency=agency, name="Basics", scheme=gold.scheme, golds=[gold], actor=supervisor
    )
    with pytest.raises(ValidationError, match="training sets"):
        coding_unmark_gold(coding=gold, actor=supervisor)
    TrainingItem.objects.filter(training_set=training).delete()
    coding_unmark_gold(coding=gold, actor=supervisor)
    assert Coding.objects.get(pk=gold.pk).kind == CodingKind.PRIMARY


def test_training_sets_hold_only_this_agencys_gold(agency, other_agency, gold, supervisor):
    foreign = factories.make_coding(
        factories.make_transcript(other_agency),
        factories.make_user(other_agency, Role.SUPERVISOR),
        kind=CodingKind.GOLD,
        globals_=ALL_GLOBALS,
        submitted=True,
    )
    with pytest.raises(ValidationError, match="only gold standards of this agency"):
        training_set_save(
            agency=agency, name="Mixed", scheme=gold.scheme, golds=[gold, foreign], actor=supervisor
        )


def test_supervisor_manages_gold_and_training_through_the_pages(
    agency, practitioner, coder, supervisor, client_for
):
    coding = factories.make_coding(
        factories.make_transcript(agency, practitioner), coder, globals_=ALL_GLOBALS, submitted=True
    )
    client = client_for(supervisor)
    assert coding in client.get(reverse("workflow:gold")).context["page"].object_list
    client.post(reverse("workflow:gold_mark", args=[coding.pk]))
    assert Coding.objects.get(pk=coding.pk).kind == CodingKind.GOLD
    response = client.post(
        reverse("workflow:training"),
        {"name": "Reflections", "scheme": coding.scheme_id, "golds": [coding.pk]},
    )
    assert response.status_code == 302
    training = agency.training_sets.get()
    assert list(training.items.values_list("gold_id", flat=True)) == [coding.pk]
    assert client_for(coder).get(reverse("workflow:gold")).status_code == 403
    assert (
        client_for(coder).post(reverse("workflow:gold_mark", args=[coding.pk])).status_code == 403
    )


def test_forged_gold_of_another_agency_is_refused(
    agency, other_agency, supervisor, client_for, gold
):
    foreign = factories.make_coding(
        factories.make_transcript(other_agency),
        factories.make_user(other_agency, Role.CODER),
        globals_=ALL_GLOBALS,
        submitted=True,
    )
    client = client_for(supervisor)
    assert client.post(reverse("workflow:gold_mark", args=[foreign.pk])).status_code == 404
    response = client.post(
        reverse("workflow:training"), {"name": "X", "scheme": gold.scheme_id, "golds": [foreign.pk]}
    )
    assert response.status_code == 200
    assert not agency.training_sets.exists()
    assert Coding.objects.get(pk=foreign.pk).kind == CodingKind.PRIMARY


@pytest.fixture
def training(agency, gold, supervisor):
    return training_set_save(
        agency=agency, name="Basics", scheme=gold.scheme, golds=[gold], actor=supervisor
    )


def _code_and_submit(coding, codes, coder):
    factories.apply_codes(coding, codes, ALL_GLOBALS)
    coding_submit(coding=coding, actor=coder)


def test_a_coder_calibrates_and_sees_results_against_the_gold(
    agency, training, gold, coder, client_for
):
    client = client_for(coder)
    page = client.get(reverse("workflow:calibration")).content.decode()
    assert "Basics" in page
    response = client.post(reverse("workflow:calibrate", args=[training.pk]))
    attempt = CalibrationAttempt.objects.get(coder=coder)
    assert response["Location"] == reverse("workflow:attempt", args=[attempt.pk])
    practice = attempt.items.get().coding
    assert (practice.kind, practice.transcript_id) == (CodingKind.CALIBRATION, gold.transcript_id)
    assert set(visibility.codings_visible_to(coder)) == {practice}
    _code_and_submit(practice, {1: ["Q"], 3: ["CR"], 5: ["CR"], 7: ["Q"]}, coder)
    client.post(reverse("workflow:attempt_finish", args=[attempt.pk]))
    attempt.refresh_from_db()
    assert attempt.is_finished
    per_code = {row["code"]: row for row in attempt.results["codes"]}
    assert per_code["Q"]["kappa"] == pytest.approx(1.0)
    assert per_code["SR"]["coder"] == 0
    assert attempt.items.get().agreement == pytest.approx(3 / 4)  # #3 SR vs CR
    assert attempt.pass_mark == agency.calibration_pass_kappa
    assert attempt.passed is (attempt.mean_kappa >= attempt.pass_mark)
    event = AuditEvent.objects.get(action="calibration.result")
    assert event.details["passed"] == attempt.passed
    page = client.get(reverse("workflow:attempt", args=[attempt.pk])).content.decode()
    assert "Results against the gold standard" in page
    assert "Passed" in page or "Not passed" in page
    # practice never counts as a score of record
    assert practice not in codings_of_record(Coding.objects.all())


def test_the_pass_mark_is_the_agencys_setting(
    agency, admin_user, training, gold, coder, client_for
):
    response = client_for(admin_user).post(
        reverse("accounts:agency"),
        {"name": agency.name, "calibration_pass_kappa": "0.95"},
    )
    assert response.status_code == 302
    attempt = calibration_start(training_set=training, coder=coder)
    _code_and_submit(attempt.items.get().coding, {1: ["Q"], 3: ["SR"], 5: ["SR"], 7: ["Q"]}, coder)
    attempt = calibration_finish(attempt=CalibrationAttempt.objects.get(pk=attempt.pk), actor=coder)
    assert attempt.pass_mark == 0.95
    assert attempt.mean_kappa < 0.95
    assert attempt.passed is False


def test_finishing_needs_every_training_coding_submitted(training, coder):
    attempt = calibration_start(training_set=training, coder=coder)
    with pytest.raises(ValidationError, match="submit every training transcript"):
        calibration_finish(attempt=attempt, actor=coder)
    assert not CalibrationAttempt.objects.get(pk=attempt.pk).is_finished


def test_a_coder_who_coded_the_transcript_cannot_calibrate_on_it(training, gold, coder):
    factories.make_coding(gold.transcript, coder, kind=CodingKind.DOUBLE)
    with pytest.raises(ValidationError, match="cannot test you"):
        calibration_start(training_set=training, coder=coder)
    assert not CalibrationAttempt.objects.exists()


def test_a_calibrating_coder_cannot_also_code_the_transcript_as_their_own(
    agency, training, gold, coder, client_for
):
    # Submitting a coding of their own could open the gold where coders are unblinded.
    agency.coders_see_others_after_submission = True
    agency.save()
    calibration_start(training_set=training, coder=coder)
    client = client_for(coder)
    start = reverse("coding:start", args=[gold.transcript_id])
    response = client.post(start, {"scheme": gold.scheme.slug}, follow=True)
    assert "practises on this transcript in calibration" in response.content.decode()
    assert not Coding.objects.filter(coder=coder).exclude(kind=CodingKind.CALIBRATION).exists()
    with pytest.raises(ValidationError, match="practises on this transcript"):
        coding_create(transcript=gold.transcript, scheme=gold.scheme, coder=coder)
    assert client.get(reverse("coding:workspace", args=[gold.pk])).status_code == 404


def test_history_shows_drift_and_only_supervisors_see_everyone(
    agency, training, coder, coder2, supervisor, client_for
):
    for user, codes in ((coder, {1: ["Q"], 3: ["SR"], 5: ["CR"], 7: ["Q"]}), (coder2, {1: ["Q"]})):
        attempt = calibration_start(training_set=training, coder=user)
        _code_and_submit(attempt.items.get().coding, codes, user)
        calibration_finish(attempt=attempt, actor=user)
    calibration_retake_allow(training_set=training, coder=coder, actor=supervisor)
    second = calibration_start(training_set=training, coder=coder)
    _code_and_submit(second.items.get().coding, {1: ["Q"], 3: ["SR"]}, coder)
    calibration_finish(attempt=second, actor=coder)
    drift = client_for(supervisor).get(reverse("workflow:calibration")).context["drift"]
    assert [u.username for u in drift] == ["ana", "ben"]
    points = drift[coder]
    assert len(points) == 2
    assert points[0].change is None
    assert points[1].change == pytest.approx(
        points[1].attempt.mean_kappa - points[0].attempt.mean_kappa
    )
    page = client_for(supervisor).get(reverse("workflow:calibration"))
    figure = page.context["drift_figure"]
    assert [trace["name"] for trace in figure["data"]] == ["ana", "ben"]
    assert list(figure["data"][0]["y"]) == [p.attempt.mean_kappa for p in points]
    symbols = ["circle" if p.attempt.passed else "x" for p in points]
    symbols[1] += "-open"  # the second attempt is a retake
    assert list(figure["data"][0]["marker"]["symbol"]) == symbols
    assert list(figure["data"][0]["text"]) == ["Basics", "Basics (retake)"]
    # Coders differ by dash pattern as well as colour, and the pass mark is drawn.
    assert figure["data"][0]["line"]["dash"] != figure["data"][1]["line"]["dash"]
    assert figure["layout"]["shapes"][0]["y0"] == agency.calibration_pass_kappa
    assert 'data-chart="drift-figure"' in page.content.decode()
    mine_page = client_for(coder2).get(reverse("workflow:calibration"))
    mine = mine_page.context["drift"]
    assert list(mine) == [coder2]
    assert [trace["name"] for trace in mine_page.context["drift_figure"]["data"]] == ["ben"]
    others = CalibrationAttempt.objects.filter(coder=coder).first()
    assert client_for(coder2).get(reverse("workflow:attempt", args=[others.pk])).status_code == 404
    assert (
        client_for(supervisor).get(reverse("workflow:attempt", args=[others.pk])).status_code == 200
    )


def test_calibration_codings_do_not_reveal_the_gold_to_the_coder(
    agency, training, gold, coder, client_for
):
    agency.coders_see_others_after_submission = True
    agency.save()
    attempt = calibration_start(training_set=training, coder=coder)
    client = client_for(coder)
    assert client.get(reverse("coding:workspace", args=[gold.pk])).status_code == 404
    page = client.get(reverse("transcripts:detail", args=[gold.transcript_id])).content.decode()
    assert reverse("coding:workspace", args=[gold.pk]) not in page
    assert reverse("coding:workspace", args=[attempt.items.get().coding_id]) in page
    assert Coding.objects.get(pk=gold.pk).status == CodingStatus.SUBMITTED


def test_calibration_gold_and_training_pages_use_a_fixed_number_of_queries(
    agency,
    practitioner,
    training,
    coder,
    coder2,
    supervisor,
    client_for,
    django_assert_max_num_queries,
):
    for user in (coder, coder2):
        attempt = calibration_start(training_set=training, coder=user)
        _code_and_submit(attempt.items.get().coding, {1: ["Q"]}, user)
        calibration_finish(attempt=attempt, actor=user)
    for _ in range(5):
        factories.make_coding(
            factories.make_transcript(agency, practitioner, utterances=2),
            coder,
            globals_=ALL_GLOBALS,
            submitted=True,
        )
    client = client_for(supervisor)
    attempt = CalibrationAttempt.objects.first()
    for url in (
        reverse("workflow:calibration"),
        reverse("workflow:gold"),
        reverse("workflow:training"),
        reverse("workflow:attempt", args=[attempt.pk]),
    ):
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200


def test_calibration_page_without_finished_attempts_draws_no_chart(agency, coder, client_for):
    page = client_for(coder).get(reverse("workflow:calibration"))
    assert page.context["drift_figure"] is None
    html = page.content.decode()
    assert "No finished calibration yet." in html
    assert "plotly.min.js" not in html


def test_drift_chart_of_attempts_on_one_day_spans_a_week():
    from types import SimpleNamespace

    from workflow.charts import drift_figure
    from workflow.selectors.calibration import DriftPoint

    finished = datetime.datetime(2026, 3, 4, 10, tzinfo=datetime.UTC)
    attempts = [
        SimpleNamespace(
            finished_at=finished + datetime.timedelta(hours=hours),
            mean_kappa=kappa,
            passed=passed,
            retake=False,
            training_set=SimpleNamespace(name="Starter"),
        )
        for hours, kappa, passed in ((0, 0.4, False), (2, None, False), (5, 0.7, True))
    ]
    figure = drift_figure({"ana": [DriftPoint(a, None) for a in attempts]}, 0.6)
    low, high = (datetime.datetime.fromisoformat(t) for t in figure["layout"]["xaxis"]["range"])
    assert high - low == datetime.timedelta(days=7)
    assert low < finished and high > finished + datetime.timedelta(hours=5)
    trace = figure["data"][0]
    assert list(trace["y"]) == [0.4, None, 0.7]  # no kappa leaves a gap
    assert list(trace["marker"]["symbol"]) == ["x", "x", "circle"]
    # The coder's name sits at the latest point with a kappa.
    label = next(a for a in figure["layout"]["annotations"] if a["text"] == "ana")
    assert label["y"] == 0.7


# ------------------------------------------------------------------ retakes


def _finish_once(training, coder, codes=None):
    attempt = calibration_start(training_set=training, coder=coder)
    _code_and_submit(attempt.items.get().coding, codes or {1: ["Q"], 3: ["SR"]}, coder)
    return calibration_finish(attempt=attempt, actor=coder)


def test_a_finished_set_is_not_taken_again_without_a_supervisors_permission(training, coder):
    _finish_once(training, coder)
    with pytest.raises(ValidationError, match="ask a supervisor to allow a retake"):
        calibration_start(training_set=training, coder=coder)
    assert CalibrationAttempt.objects.filter(coder=coder).count() == 1


def test_one_permission_allows_one_retake_marked_in_the_history_and_the_audit_log(
    training, coder, supervisor
):
    first = _finish_once(training, coder)
    permission = calibration_retake_allow(training_set=training, coder=coder, actor=supervisor)
    allowed = AuditEvent.objects.get(action="calibration.retake_allow")
    assert (allowed.actor, allowed.details) == (
        supervisor,
        {"coder": "ana", "training_set": "Basics"},
    )
    retake = _finish_once(training, coder, {1: ["Q"], 3: ["SR"], 5: ["CR"], 7: ["Q"]})
    assert (first.retake, retake.retake) == (False, True)
    permission.refresh_from_db()
    assert permission.attempt == retake
    starts = AuditEvent.objects.filter(action="calibration.start").order_by("pk")
    assert [e.details.get("retake", False) for e in starts] == [False, True]
    assert starts.last().details["allowed_by"] == "sofia"
    results = AuditEvent.objects.filter(action="calibration.result").order_by("pk")
    assert [e.details["retake"] for e in results] == [False, True]
    with pytest.raises(ValidationError, match="ask a supervisor to allow a retake"):
        calibration_start(training_set=training, coder=coder)


def test_a_retake_is_allowed_only_after_a_finished_attempt_and_once_at_a_time(
    training, coder, supervisor
):
    def allow():
        return calibration_retake_allow(training_set=training, coder=coder, actor=supervisor)

    with pytest.raises(ValidationError, match="has not finished Basics"):
        allow()
    attempt = calibration_start(training_set=training, coder=coder)
    with pytest.raises(ValidationError, match="has not finished Basics"):
        allow()
    _code_and_submit(attempt.items.get().coding, {1: ["Q"]}, coder)
    calibration_finish(attempt=attempt, actor=coder)
    allow()
    with pytest.raises(ValidationError, match="may already retake Basics once"):
        allow()
    calibration_start(training_set=training, coder=coder)
    with pytest.raises(ValidationError, match="is taking Basics now"):
        allow()
    assert AuditEvent.objects.filter(action="calibration.retake_allow").count() == 1


def test_an_unused_permission_can_be_withdrawn_a_used_one_stays(training, coder, supervisor):
    _finish_once(training, coder)
    permission = calibration_retake_allow(training_set=training, coder=coder, actor=supervisor)
    calibration_retake_withdraw(permission=permission, actor=supervisor)
    assert not CalibrationRetake.objects.exists()
    assert AuditEvent.objects.filter(action="calibration.retake_withdraw").count() == 1
    with pytest.raises(ValidationError, match="ask a supervisor"):
        calibration_start(training_set=training, coder=coder)
    permission = calibration_retake_allow(training_set=training, coder=coder, actor=supervisor)
    calibration_start(training_set=training, coder=coder)
    with pytest.raises(ValidationError, match="has started the retake"):
        calibration_retake_withdraw(permission=permission, actor=supervisor)
    assert CalibrationRetake.objects.filter(attempt__isnull=False).count() == 1


def test_finishing_twice_from_two_tabs_keeps_one_verdict(training, coder):
    attempt = calibration_start(training_set=training, coder=coder)
    _code_and_submit(attempt.items.get().coding, {1: ["Q"]}, coder)
    first, second = (CalibrationAttempt.objects.get(pk=attempt.pk) for _ in range(2))
    calibration_finish(attempt=first, actor=coder)
    with pytest.raises(ValidationError, match="already finished"):
        calibration_finish(attempt=second, actor=coder)
    assert AuditEvent.objects.filter(action="calibration.result").count() == 1


def test_coders_see_whether_a_retake_is_allowed_and_supervisors_allow_it_from_the_attempt(
    agency, training, coder, supervisor, client_for
):
    attempt = _finish_once(training, coder)
    client = client_for(coder)
    page = client.get(reverse("workflow:calibration")).content.decode()
    assert "Ask a supervisor to allow a retake" in page
    refused = client.post(reverse("workflow:calibrate", args=[training.pk]), follow=True)
    assert "ask a supervisor to allow a retake" in refused.content.decode()
    assert CalibrationAttempt.objects.count() == 1
    own = client.get(reverse("workflow:attempt", args=[attempt.pk])).content.decode()
    assert "ask a supervisor to allow a retake" in own
    allow = reverse("workflow:retake_allow", args=[attempt.pk])
    assert client.post(allow).status_code == 403
    assert not CalibrationRetake.objects.exists()

    boss = client_for(supervisor)
    assert (
        "Allow ana to retake Basics"
        in boss.get(reverse("workflow:attempt", args=[attempt.pk])).content.decode()
    )
    assert boss.post(allow).status_code == 302
    overview = boss.get(reverse("workflow:calibration")).content.decode()
    assert 'id="retakes"' in overview and "Withdraw" in overview

    page = client.get(reverse("workflow:calibration")).content.decode()
    assert "Retake allowed by sofia" in page
    response = client.post(reverse("workflow:calibrate", args=[training.pk]))
    retake = CalibrationAttempt.objects.get(retake=True)
    assert response["Location"] == reverse("workflow:attempt", args=[retake.pk])
    assert 'class="badge text-bg-info retake"' in client.get(response["Location"]).content.decode()
    history = client.get(reverse("workflow:calibration")).content.decode()
    assert history.count('class="badge text-bg-info retake"') == 1  # my attempts table
    assert "No retake waiting" in boss.get(reverse("workflow:calibration")).content.decode()


def test_a_supervisor_of_another_agency_cannot_allow_a_retake(
    training, coder, outsider, client_for
):
    attempt = _finish_once(training, coder)
    response = client_for(outsider).post(reverse("workflow:retake_allow", args=[attempt.pk]))
    assert response.status_code == 404
    assert not CalibrationRetake.objects.exists()
