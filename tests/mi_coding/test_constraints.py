"""The database itself refuses what the named constraints forbid."""

import ast
import datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import UniqueConstraint

from accounts.models import Agency, Invitation, Membership, Practitioner, Role, Team
from api.models import AccessToken
from coding.models import (
    Code,
    Coding,
    CodingKind,
    CodingScheme,
    CodingStatus,
    Dimension,
    GlobalRating,
    GlobalScale,
    SummaryScore,
    ThresholdOverride,
    UtteranceCode,
    UtteranceNote,
    Volley,
)
from tests import factories
from transcripts.models import Transcript, Utterance
from workflow.models import (
    AdjudicationDecision,
    Assignment,
    CalibrationAttempt,
    CalibrationCoding,
    CalibrationRetake,
    DecisionSource,
    GoldStandard,
    ReliabilitySet,
    TrainingItem,
    TrainingSet,
)

pytestmark = pytest.mark.django_db


def constraint_name(exc: IntegrityError) -> str:
    """The name of the constraint that refused a write. PostgreSQL names it; SQLite names a
    CHECK constraint, and for a UNIQUE one only its columns, which name the constraint of
    those columns. Anything else comes back as the database's message."""
    diag = getattr(exc.__cause__, "diag", None)
    if diag is not None and diag.constraint_name:
        return diag.constraint_name
    message = str(exc)
    if message.startswith("CHECK constraint failed: "):
        return message.removeprefix("CHECK constraint failed: ")
    if message.startswith("UNIQUE constraint failed: "):
        table_columns = [c.split(".", 1) for c in message.split(": ", 1)[1].split(", ")]
        tables, columns = {t for t, _ in table_columns}, {c for _, c in table_columns}
        names = [
            constraint.name
            for model in apps.get_models()
            if model._meta.db_table in tables
            for constraint in model._meta.constraints
            if isinstance(constraint, UniqueConstraint)
            and {model._meta.get_field(f).column for f in constraint.fields} == columns
        ]
        if len(names) == 1:
            return names[0]
    return message


def refused(create, constraint: str) -> None:
    """``create`` fails, and on the named constraint: another one firing fails the test."""
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        create()
    assert constraint_name(excinfo.value) == constraint


@pytest.fixture
def transcript(agency, practitioner):
    return factories.make_transcript(agency, practitioner, utterances=4)


@pytest.fixture
def coding(transcript, coder):
    return Coding.objects.create(transcript=transcript, scheme=factories.miti(), coder=coder)


def test_membership_one_per_agency_and_valid_role(agency, coder):
    refused(
        lambda: Membership.objects.create(user=coder, agency=agency, role=Role.ADMIN),
        "one_membership_per_agency",
    )
    other = factories.make_agency()
    refused(
        lambda: Membership.objects.create(user=coder, agency=other, role="boss"),
        "membership_role_valid",
    )


def test_team_and_practitioner_names_unique_in_agency(agency, practitioner):
    Team.objects.create(agency=agency, name="A")
    refused(lambda: Team.objects.create(agency=agency, name="A"), "team_name_unique_in_agency")
    refused(
        lambda: Practitioner.objects.create(agency=agency, display_name="Dana Reyes"),
        "practitioner_name_unique_in_agency",
    )
    Practitioner.objects.create(agency=factories.make_agency(), display_name="Dana Reyes")


def test_one_practitioner_per_user_in_agency(agency, practitioner, practitioner_user):
    refused(
        lambda: Practitioner.objects.create(
            agency=agency, display_name="Other", user=practitioner_user
        ),
        "one_practitioner_per_user_in_agency",
    )


def test_agency_pass_kappa_in_range():
    refused(
        lambda: Agency.objects.create(slug="x", name="X", calibration_pass_kappa=1.5),
        "agency_pass_kappa_in_range",
    )


def test_utterance_positions_unique_per_transcript(transcript):
    refused(
        lambda: Utterance.objects.create(
            transcript=transcript, position=1, speaker_label="C", speaker_role="client", text="x"
        ),
        "utterance_position_unique_in_transcript",
    )


def test_utterance_role_and_times_checked(transcript):
    def make(**kw):
        base = {
            "transcript": transcript,
            "position": 99,
            "speaker_label": "C",
            "speaker_role": "client",
            "text": "x",
        }
        base.update(kw)
        return Utterance.objects.create(**base)

    refused(lambda: make(speaker_role="narrator"), "utterance_speaker_role_valid")
    refused(lambda: make(start_seconds=-1), "utterance_start_not_negative")
    refused(lambda: make(start_seconds=10, end_seconds=5), "utterance_end_not_before_start")


def test_transcript_segment_checked(agency, practitioner):
    def make(**kw):
        return Transcript.objects.create(agency=agency, practitioner=practitioner, **kw)

    refused(lambda: make(segment_start=-5), "transcript_segment_start_not_negative")
    refused(lambda: make(segment_start=100, segment_end=50), "transcript_segment_end_after_start")
    refused(lambda: make(source_format="pdf"), "transcript_source_format_valid")


def test_one_code_once_per_utterance_per_coding(coding, transcript):
    q = factories.code("Q")
    utterance = transcript.utterances.get(position=1)
    UtteranceCode.objects.create(coding=coding, utterance=utterance, code=q, dimension=q.dimension)
    refused(
        lambda: UtteranceCode.objects.create(
            coding=coding, utterance=utterance, code=q, dimension=q.dimension
        ),
        "one_code_per_utterance",
    )


def test_single_code_dimension_holds_one_code(coding, transcript):
    dimension = Dimension.objects.create(
        scheme=coding.scheme, slug="single", name="Single", speaker="any", multiple=False
    )
    a = Code.objects.create(scheme=coding.scheme, dimension=dimension, abbreviation="A1", name="A")
    b = Code.objects.create(scheme=coding.scheme, dimension=dimension, abbreviation="B1", name="B")
    utterance = transcript.utterances.get(position=1)
    UtteranceCode.objects.create(
        coding=coding, utterance=utterance, code=a, dimension=dimension, exclusive=True
    )
    refused(
        lambda: UtteranceCode.objects.create(
            coding=coding, utterance=utterance, code=b, dimension=dimension, exclusive=True
        ),
        "one_code_per_single_code_dimension",
    )


def test_global_value_inside_its_scale_range(coding):
    scale = GlobalScale.objects.get(scheme=coding.scheme, slug="empathy")
    refused(
        lambda: GlobalRating.objects.create(
            coding=coding, scale=scale, value=6, scale_min=1, scale_max=5
        ),
        "global_value_in_scale_range",
    )
    refused(
        lambda: GlobalRating.objects.create(
            coding=coding, scale=scale, value=0, scale_min=1, scale_max=5
        ),
        "global_value_in_scale_range",
    )
    GlobalRating.objects.create(coding=coding, scale=scale, value=5, scale_min=1, scale_max=5)
    refused(
        lambda: GlobalRating.objects.create(
            coding=coding, scale=scale, value=4, scale_min=1, scale_max=5
        ),
        "one_rating_per_global",
    )


def test_one_personal_coding_per_coder_and_one_consensus(coding, transcript, coder, supervisor):
    refused(
        lambda: Coding.objects.create(
            transcript=transcript, scheme=coding.scheme, coder=coder, kind=CodingKind.DOUBLE
        ),
        "one_personal_coding_per_coder",
    )
    Coding.objects.create(
        transcript=transcript, scheme=coding.scheme, coder=supervisor, kind=CodingKind.CONSENSUS
    )
    refused(
        lambda: Coding.objects.create(
            transcript=transcript, scheme=coding.scheme, coder=coder, kind=CodingKind.CONSENSUS
        ),
        "one_consensus_per_transcript",
    )
    # Calibration codings may repeat: coders retake training transcripts.
    for _ in range(2):
        Coding.objects.create(
            transcript=transcript, scheme=coding.scheme, coder=coder, kind=CodingKind.CALIBRATION
        )


def test_submitted_at_matches_status(transcript, coder2):
    refused(
        lambda: Coding.objects.create(
            transcript=transcript,
            scheme=factories.miti(),
            coder=coder2,
            status=CodingStatus.SUBMITTED,
        ),
        "coding_submitted_at_matches_status",
    )
    refused(
        lambda: Coding.objects.create(
            transcript=transcript,
            scheme=factories.miti(),
            coder=coder2,
            submitted_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        ),
        "coding_submitted_at_matches_status",
    )
    refused(
        lambda: Coding.objects.create(
            transcript=transcript, scheme=factories.miti(), coder=coder2, kind="triple"
        ),
        "coding_kind_valid",
    )


def test_one_note_per_utterance(coding, transcript):
    utterance = transcript.utterances.get(position=1)
    UtteranceNote.objects.create(coding=coding, utterance=utterance, text="a")
    refused(
        lambda: UtteranceNote.objects.create(coding=coding, utterance=utterance, text="b"),
        "one_note_per_utterance",
    )


def test_scheme_parts_unique_and_sane():
    scheme = CodingScheme.objects.create(slug="custom", name="Custom")
    dimension = Dimension.objects.create(scheme=scheme, slug="d", name="D", speaker="client")
    refused(
        lambda: Dimension.objects.create(scheme=scheme, slug="d", name="D2", speaker="client"),
        "dimension_slug_unique",
    )
    refused(
        lambda: Dimension.objects.create(scheme=scheme, slug="e", name="E", speaker="robot"),
        "dimension_speaker_valid",
    )
    Code.objects.create(scheme=scheme, dimension=dimension, abbreviation="X", name="X", key="x")
    refused(
        lambda: Code.objects.create(
            scheme=scheme, dimension=dimension, abbreviation="X", name="Other"
        ),
        "code_abbreviation_unique_in_scheme",
    )
    refused(
        lambda: Code.objects.create(
            scheme=scheme, dimension=dimension, abbreviation="Y", name="Y", key="x"
        ),
        "code_key_unique_in_scheme",
    )
    # Codes without a key do not collide.
    Code.objects.create(scheme=scheme, dimension=dimension, abbreviation="Z1", name="Z1")
    Code.objects.create(scheme=scheme, dimension=dimension, abbreviation="Z2", name="Z2")
    refused(
        lambda: GlobalScale.objects.create(
            scheme=scheme, slug="g", name="G", min_value=5, max_value=5
        ),
        "global_range_not_empty",
    )
    refused(
        lambda: SummaryScore.objects.create(scheme=scheme, slug="s", name="S", type="median"),
        "summary_type_valid",
    )
    refused(
        lambda: SummaryScore.objects.create(
            scheme=scheme, slug="t", name="T", type="sum", fair=4, good=3
        ),
        "summary_good_not_below_fair",
    )


def test_threshold_override_one_per_agency_and_ordered(agency):
    summary = SummaryScore.objects.get(scheme=factories.miti(), slug="r_q")
    ThresholdOverride.objects.create(agency=agency, summary_score=summary, fair=1, good=2)
    refused(
        lambda: ThresholdOverride.objects.create(agency=agency, summary_score=summary),
        "one_threshold_override_per_agency",
    )
    refused(
        lambda: ThresholdOverride.objects.create(
            agency=factories.make_agency(), summary_score=summary, fair=3, good=2
        ),
        "override_good_not_below_fair",
    )


def test_assignment_and_reliability_set_constraints(agency, transcript, coder):
    Assignment.objects.create(
        agency=agency, transcript=transcript, coder=coder, scheme=factories.miti()
    )
    refused(
        lambda: Assignment.objects.create(
            agency=agency, transcript=transcript, coder=coder, scheme=factories.miti()
        ),
        "one_assignment_per_coder",
    )
    refused(
        lambda: Assignment.objects.create(
            agency=agency,
            transcript=transcript,
            coder=factories.make_user(agency),
            scheme=factories.miti(),
            kind="consensus",
        ),
        "assignment_kind_valid",
    )
    ReliabilitySet.objects.create(agency=agency, name="Sample", scheme=factories.miti())
    refused(
        lambda: ReliabilitySet.objects.create(
            agency=agency, name="Sample", scheme=factories.miti()
        ),
        "reliability_set_name_unique_in_agency",
    )
    refused(
        lambda: ReliabilitySet.objects.create(
            agency=agency, name="Big", percent=150, scheme=factories.miti()
        ),
        "reliability_set_percent_in_range",
    )


def test_coding_status_is_one_of_its_choices(transcript, coder2):
    refused(
        lambda: Coding.objects.create(
            transcript=transcript, scheme=factories.miti(), coder=coder2, status="done"
        ),
        "coding_status_valid",
    )


def test_scheme_slugs_of_globals_and_summaries_unique(agency):
    scheme = CodingScheme.objects.create(slug="slugs", name="Slugs")
    GlobalScale.objects.create(scheme=scheme, slug="g", name="G")
    refused(
        lambda: GlobalScale.objects.create(scheme=scheme, slug="g", name="G2"),
        "global_slug_unique",
    )
    SummaryScore.objects.create(scheme=scheme, slug="s", name="S", type="sum")
    refused(
        lambda: SummaryScore.objects.create(scheme=scheme, slug="s", name="S2", type="sum"),
        "summary_slug_unique",
    )


@pytest.fixture
def gold(transcript, supervisor):
    return factories.make_coding(
        transcript, supervisor, kind=CodingKind.GOLD, globals_=factories.ALL_GLOBALS
    )


def test_gold_remembers_a_kind_a_gold_can_come_from(gold):
    refused(
        lambda: GoldStandard.objects.create(coding=gold, previous_kind=CodingKind.CALIBRATION),
        "gold_previous_kind_valid",
    )


def test_training_sets_and_their_golds(agency, transcript, gold):
    training_set = TrainingSet.objects.create(agency=agency, name="Set", scheme=factories.miti())
    refused(
        lambda: TrainingSet.objects.create(agency=agency, name="Set", scheme=factories.miti()),
        "training_set_name_unique_in_agency",
    )
    TrainingItem.objects.create(training_set=training_set, transcript=transcript, gold=gold)
    refused(
        lambda: TrainingItem.objects.create(
            training_set=training_set, transcript=transcript, gold=gold
        ),
        "one_gold_per_transcript_in_set",
    )


def test_calibration_attempts_open_once_and_finish_with_a_verdict(agency, transcript, gold, coder):
    training_set = TrainingSet.objects.create(agency=agency, name="Set", scheme=factories.miti())
    attempt = CalibrationAttempt.objects.create(
        agency=agency, training_set=training_set, coder=coder
    )
    refused(
        lambda: CalibrationAttempt.objects.create(
            agency=agency, training_set=training_set, coder=coder
        ),
        "one_open_calibration_per_coder",
    )
    refused(
        lambda: CalibrationAttempt.objects.create(
            agency=agency,
            training_set=training_set,
            coder=factories.make_user(agency),
            finished_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        ),
        "calibration_verdict_when_finished",
    )
    first, second = (
        Coding.objects.create(
            transcript=transcript, scheme=gold.scheme, coder=coder, kind=CodingKind.CALIBRATION
        )
        for _ in range(2)
    )
    CalibrationCoding.objects.create(attempt=attempt, coding=first, gold=gold)
    refused(
        lambda: CalibrationCoding.objects.create(attempt=attempt, coding=second, gold=gold),
        "one_coding_per_gold",
    )


def test_adjudication_decisions_one_per_item_with_their_source(transcript, coding, supervisor):
    consensus = Coding.objects.create(
        transcript=transcript, scheme=coding.scheme, coder=supervisor, kind=CodingKind.CONSENSUS
    )
    utterance = transcript.utterances.get(position=1)
    scale = GlobalScale.objects.get(scheme=coding.scheme, slug="empathy")

    def decide(**fields):
        return AdjudicationDecision.objects.create(
            consensus=consensus, **{"source": DecisionSource.OWN, **fields}
        )

    refused(lambda: decide(), "decision_on_one_item")
    refused(lambda: decide(utterance=utterance, scale=scale), "decision_on_one_item")
    decide(utterance=utterance)
    refused(lambda: decide(utterance=utterance), "one_decision_per_utterance")
    decide(scale=scale)
    refused(lambda: decide(scale=scale), "one_decision_per_global")
    other = transcript.utterances.get(position=2)
    refused(lambda: decide(utterance=other, source="guess"), "decision_source_valid")
    refused(
        lambda: decide(utterance=other, source=DecisionSource.CODING),
        "decision_source_coding_when_taken",
    )
    refused(
        lambda: decide(utterance=other, source_coding=coding),
        "decision_source_coding_when_taken",
    )


def _named_constraints() -> set[str]:
    return {
        constraint.name
        for model in apps.get_models()
        for constraint in model._meta.constraints
        if constraint.name
    }


def _asserted_constraints() -> set[str]:
    """Every constraint name this file hands to ``refused``."""
    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    return {
        call.args[1].value
        for call in ast.walk(tree)
        if isinstance(call, ast.Call)
        and getattr(call.func, "id", None) == "refused"
        and len(call.args) == 2
        and isinstance(call.args[1], ast.Constant)
    }


def test_every_named_constraint_has_a_test_here():
    untested = _named_constraints() - _asserted_constraints()
    assert not untested, f"add a test to {Path(__file__).name} for {sorted(untested)}"


def test_sqlite_messages_name_the_constraint_of_their_columns():
    unique = IntegrityError("UNIQUE constraint failed: accounts_team.agency_id, accounts_team.name")
    check = IntegrityError("CHECK constraint failed: membership_role_valid")
    assert constraint_name(unique) == "team_name_unique_in_agency"
    assert constraint_name(check) == "membership_role_valid"
    assert constraint_name(IntegrityError("NOT NULL constraint failed: x.y")).startswith("NOT NULL")


def test_invitations_hold_a_known_role_and_status(agency):
    def invite(**fields):
        return Invitation.objects.create(
            agency=agency,
            expires_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC),
            **{"role": Role.CODER, "token_hash": f"h{Invitation.objects.count()}", **fields},
        )

    invite()
    refused(lambda: invite(role="owner", token_hash="h-role"), "invitation_role_valid")
    refused(lambda: invite(status="lost", token_hash="h-status"), "invitation_status_valid")


def test_access_tokens_hold_a_known_scope_and_expire_after_creation(agency, coder):
    def token(**fields):
        return AccessToken.objects.create(
            user=coder,
            agency=agency,
            name="scripts",
            prefix="abc",
            **{
                "digest": f"d{AccessToken.objects.count()}",
                "expires_at": datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC),
                **fields,
            },
        )

    token()
    refused(lambda: token(scope="admin", digest="d-scope"), "access_token_scope_valid")
    refused(
        lambda: token(
            digest="d-expiry", expires_at=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
        ),
        "access_token_expires_after_creation",
    )


def test_one_unused_retake_per_coder_and_set(agency, coder, supervisor):
    training_set = TrainingSet.objects.create(
        agency=agency, name="Retakes", scheme=factories.miti()
    )

    def allow():
        return CalibrationRetake.objects.create(
            agency=agency, training_set=training_set, coder=coder, allowed_by=supervisor
        )

    allow()
    refused(allow, "one_unused_retake_per_coder")


def test_suggesters_settings_and_acceptances(agency, coding, transcript):
    from suggestions.models import AcceptedSuggestion, Suggester, SuggestionSettings

    def suggester(**fields):
        return Suggester.objects.create(
            agency=agency, scheme=factories.miti(), version="1", **fields
        )

    suggester()
    refused(lambda: suggester(status="lost"), "suggester_status_valid")
    refused(lambda: suggester(progress=101), "suggester_progress_max")
    refused(lambda: suggester(status="done"), "suggester_done_has_model")
    refused(
        lambda: SuggestionSettings.objects.create(agency=agency, threshold=0),
        "suggestion_threshold_in_range",
    )
    utterance = transcript.utterances.first()

    def accepted():
        return AcceptedSuggestion.objects.create(
            coding=coding, utterance=utterance, code=factories.code("Q"), probability=0.9
        )

    accepted()
    refused(accepted, "one_acceptance_per_code")


def test_recordings_volleys_and_their_codes_checked(agency, practitioner, coding):
    refused(
        lambda: Transcript.objects.create(
            agency=agency, practitioner=practitioner, audio_seconds=0
        ),
        "transcript_audio_seconds_positive",
    )
    refused(
        lambda: Coding.objects.filter(pk=coding.pk).update(coded_from="video"),
        "coding_coded_from_valid",
    )
    volley = Volley.objects.create(coding=coding, start_ms=1000, speaker_role="practitioner")
    refused(
        lambda: Volley.objects.create(coding=coding, start_ms=1000, speaker_role="client"),
        "one_volley_per_instant",
    )
    refused(
        lambda: Volley.objects.create(coding=coding, start_ms=2000, speaker_role="narrator"),
        "volley_speaker_role_valid",
    )
    refused(
        lambda: Volley.objects.create(
            coding=coding, start_ms=3000, end_ms=2500, speaker_role="client"
        ),
        "volley_end_after_start",
    )
    q = factories.code("Q")
    UtteranceCode.objects.create(coding=coding, volley=volley, code=q, dimension=q.dimension)
    refused(
        lambda: UtteranceCode.objects.create(
            coding=coding, volley=volley, code=q, dimension=q.dimension
        ),
        "one_code_per_volley",
    )
    refused(
        lambda: UtteranceCode.objects.create(coding=coding, code=q, dimension=q.dimension),
        "code_on_utterance_or_volley",
    )
    utterance = coding.transcript.utterances.get(position=1)
    refused(
        lambda: UtteranceCode.objects.create(
            coding=coding, utterance=utterance, volley=volley, code=q, dimension=q.dimension
        ),
        "code_on_utterance_or_volley",
    )
    dimension = Dimension.objects.create(
        scheme=coding.scheme, slug="single", name="Single", speaker="any", multiple=False
    )
    a = Code.objects.create(scheme=coding.scheme, dimension=dimension, abbreviation="A1", name="A")
    b = Code.objects.create(scheme=coding.scheme, dimension=dimension, abbreviation="B1", name="B")
    UtteranceCode.objects.create(
        coding=coding, volley=volley, code=a, dimension=dimension, exclusive=True
    )
    refused(
        lambda: UtteranceCode.objects.create(
            coding=coding, volley=volley, code=b, dimension=dimension, exclusive=True
        ),
        "one_volley_code_per_single_code_dimension",
    )
    UtteranceNote.objects.create(coding=coding, volley=volley, text="a")
    refused(
        lambda: UtteranceNote.objects.create(coding=coding, volley=volley, text="b"),
        "one_note_per_volley",
    )
    refused(
        lambda: UtteranceNote.objects.create(coding=coding, text="on nothing"),
        "note_on_utterance_or_volley",
    )
    refused(
        lambda: UtteranceNote.objects.create(
            coding=coding, utterance=utterance, volley=volley, text="on both"
        ),
        "note_on_utterance_or_volley",
    )
