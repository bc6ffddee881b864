from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Agency, AuditEvent, Membership, Practitioner, Role, Team
from coding.models import Coding, CodingStatus, GlobalRating, UtteranceCode
from transcripts.models import Transcript, Utterance
from workflow.models import Assignment, CalibrationAttempt, TrainingSet

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Agency,
            Membership,
            Team,
            Practitioner,
            Transcript,
            Utterance,
            Coding,
            UtteranceCode,
            GlobalRating,
        )
    }


def test_seed_demo_fills_every_role_and_codes_sessions_twice() -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    agency = Agency.objects.get(slug="demo")
    assert set(Membership.objects.filter(agency=agency).values_list("role", flat=True)) == set(
        Role.values
    )
    assert Team.objects.filter(agency=agency).count() == 2
    assert Practitioner.objects.filter(agency=agency).count() == 4
    assert Transcript.objects.filter(agency=agency).count() >= 12
    submitted = Coding.objects.filter(status=CodingStatus.SUBMITTED)
    double_coded = {
        t
        for t in Transcript.objects.filter(agency=agency)
        if submitted.filter(transcript=t).values("coder").distinct().count() == 2
    }
    assert len(double_coded) >= 4
    kinds = set(Coding.objects.values_list("kind", flat=True))
    assert {"primary", "double", "consensus", "gold", "calibration"} <= kinds
    assert CalibrationAttempt.objects.filter(finished_at__isnull=False).exists()
    assert TrainingSet.objects.filter(agency=agency).count() == 1
    # Everything went through the services, so the audit log tells the demo's story.
    assigned = AuditEvent.objects.filter(agency=agency, action="assignment.create").count()
    assert assigned == Assignment.objects.filter(agency=agency).count() > 0
    assert AuditEvent.objects.filter(agency=agency, action="coding.submit").exists()
    assert "demo-password" in out.getvalue()
    assert "supervisor" in out.getvalue()


def test_the_demo_holds_a_recording_alone_being_coded_from_the_audio() -> None:
    call_command("seed_demo", stdout=StringIO())
    session = Transcript.objects.get(agency__slug="demo", source_format="audio")
    assert session.audio.name.endswith(".ogg")
    assert 140 < session.audio_seconds < 150
    assert not session.utterances.exists()
    coding = Coding.objects.get(transcript=session)
    assert (coding.coder.username, coding.coded_from, coding.status) == (
        "ana",
        "audio",
        CodingStatus.IN_PROGRESS,
    )
    volleys = list(coding.volleys.in_order().values_list("start_ms", "speaker_role"))
    assert len(volleys) == 15 and volleys[0] == (1000, "practitioner")
    assert all(a < b for (a, _), (b, _) in zip(volleys, volleys[1:], strict=False))
    # Coded as the dialogue says: its first practitioner turn is a question.
    first = coding.volleys.in_order().first()
    assert list(first.codes.values_list("code__abbreviation", flat=True)) == ["Q"]


def test_seed_demo_twice_changes_nothing() -> None:
    call_command("seed_demo", stdout=StringIO())
    before = counts()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert counts() == before
    assert "nothing changed" in out.getvalue()


def test_seed_demo_if_empty_leaves_a_database_with_other_agencies_alone() -> None:
    Agency.objects.create(slug="real", name="Real Agency")
    call_command("seed_demo", "--if-empty", stdout=StringIO())
    assert not Agency.objects.filter(slug="demo").exists()
