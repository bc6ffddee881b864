"""The database itself refuses what the named constraints forbid."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from accounts.models import Agency, Membership, Practitioner, Role, Team
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
)
from tests import factories
from transcripts.models import Transcript, Utterance
from workflow.models import Assignment, ReliabilitySet

pytestmark = pytest.mark.django_db


def refused(create, constraint: str | None = None) -> None:
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        create()
    if constraint:
        # SQLite names the columns, PostgreSQL the constraint; accept either.
        message = str(excinfo.value)
        assert constraint in message or "UNIQUE" in message or "CHECK" in message


@pytest.fixture
def transcript(agency, practitioner):
    return factories.make_transcript(agency, practitioner, utterances=4)


@pytest.fixture
def coding(transcript, coder):
    return Coding.objects.create(transcript=transcript, scheme=factories.miti(), coder=coder)


def test_membership_one_per_agency_and_valid_role(agency, coder):
    refused(lambda: Membership.objects.create(user=coder, agency=agency, role=Role.ADMIN))
    other = factories.make_agency()
    refused(lambda: Membership.objects.create(user=coder, agency=other, role="boss"))


def test_team_and_practitioner_names_unique_in_agency(agency, practitioner):
    Team.objects.create(agency=agency, name="A")
    refused(lambda: Team.objects.create(agency=agency, name="A"))
    refused(lambda: Practitioner.objects.create(agency=agency, display_name="Dana Reyes"))
    Practitioner.objects.create(agency=factories.make_agency(), display_name="Dana Reyes")


def test_one_practitioner_per_user_in_agency(agency, practitioner, practitioner_user):
    refused(
        lambda: Practitioner.objects.create(
            agency=agency, display_name="Other", user=practitioner_user
        )
    )


def test_agency_pass_kappa_in_range():
    refused(lambda: Agency.objects.create(slug="x", name="X", calibration_pass_kappa=1.5))


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

    refused(lambda: make(speaker_role="narrator"))
    refused(lambda: make(start_seconds=-1))
    refused(lambda: make(start_seconds=10, end_seconds=5))


def test_transcript_segment_checked(agency, practitioner):
    def make(**kw):
        return Transcript.objects.create(agency=agency, practitioner=practitioner, **kw)

    refused(lambda: make(segment_start=-5))
    refused(lambda: make(segment_start=100, segment_end=50))
    refused(lambda: make(source_format="pdf"))


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
        )
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
        )
    )
    refused(
        lambda: Coding.objects.create(
            transcript=transcript, scheme=factories.miti(), coder=coder2, kind="triple"
        )
    )


def test_one_note_per_utterance(coding, transcript):
    utterance = transcript.utterances.get(position=1)
    UtteranceNote.objects.create(coding=coding, utterance=utterance, text="a")
    refused(lambda: UtteranceNote.objects.create(coding=coding, utterance=utterance, text="b"))


def test_scheme_parts_unique_and_sane():
    scheme = CodingScheme.objects.create(slug="custom", name="Custom")
    dimension = Dimension.objects.create(scheme=scheme, slug="d", name="D", speaker="client")
    refused(lambda: Dimension.objects.create(scheme=scheme, slug="d", name="D2", speaker="client"))
    refused(lambda: Dimension.objects.create(scheme=scheme, slug="e", name="E", speaker="robot"))
    Code.objects.create(scheme=scheme, dimension=dimension, abbreviation="X", name="X", key="x")
    refused(
        lambda: Code.objects.create(
            scheme=scheme, dimension=dimension, abbreviation="X", name="Other"
        )
    )
    refused(
        lambda: Code.objects.create(
            scheme=scheme, dimension=dimension, abbreviation="Y", name="Y", key="x"
        )
    )
    # Codes without a key do not collide.
    Code.objects.create(scheme=scheme, dimension=dimension, abbreviation="Z1", name="Z1")
    Code.objects.create(scheme=scheme, dimension=dimension, abbreviation="Z2", name="Z2")
    refused(
        lambda: GlobalScale.objects.create(
            scheme=scheme, slug="g", name="G", min_value=5, max_value=5
        )
    )
    refused(lambda: SummaryScore.objects.create(scheme=scheme, slug="s", name="S", type="median"))
    refused(
        lambda: SummaryScore.objects.create(
            scheme=scheme, slug="t", name="T", type="sum", fair=4, good=3
        )
    )


def test_threshold_override_one_per_agency_and_ordered(agency):
    summary = SummaryScore.objects.get(scheme=factories.miti(), slug="r_q")
    ThresholdOverride.objects.create(agency=agency, summary_score=summary, fair=1, good=2)
    refused(lambda: ThresholdOverride.objects.create(agency=agency, summary_score=summary))
    refused(
        lambda: ThresholdOverride.objects.create(
            agency=factories.make_agency(), summary_score=summary, fair=3, good=2
        )
    )


def test_assignment_and_reliability_set_constraints(agency, transcript, coder):
    Assignment.objects.create(
        agency=agency, transcript=transcript, coder=coder, scheme=factories.miti()
    )
    refused(
        lambda: Assignment.objects.create(
            agency=agency, transcript=transcript, coder=coder, scheme=factories.miti()
        )
    )
    refused(
        lambda: Assignment.objects.create(
            agency=agency,
            transcript=transcript,
            coder=factories.make_user(agency),
            scheme=factories.miti(),
            kind="consensus",
        )
    )
    ReliabilitySet.objects.create(agency=agency, name="Sample", scheme=factories.miti())
    refused(
        lambda: ReliabilitySet.objects.create(agency=agency, name="Sample", scheme=factories.miti())
    )
    refused(
        lambda: ReliabilitySet.objects.create(
            agency=agency, name="Big", percent=150, scheme=factories.miti()
        )
    )
