"""The dashboards' session records are exactly the project's scores of record."""

from __future__ import annotations

import datetime
import random

import pytest

from coding.models import Coding, CodingKind, CodingStatus
from coding.selectors import codings_of_record, session_records
from tests import factories
from tests.dashboards.conftest import tiny_scheme
from workflow import visibility

pytestmark = pytest.mark.django_db

PERSONAL = [CodingKind.PRIMARY, CodingKind.DOUBLE, CodingKind.GOLD]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_session_records_choose_what_codings_of_record_chooses(
    seed, agency, practitioner, other_practitioner, coder, coder2, supervisor, admin_user
):
    rng = random.Random(seed)
    schemes = [factories.miti(), tiny_scheme()]
    coders = [coder, coder2, supervisor, admin_user]
    moment = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    for n in range(14):
        transcript = factories.make_transcript(
            agency,
            rng.choice([practitioner, other_practitioner]),
            utterances=2,
            session_date=None if n % 7 == 6 else datetime.date(2026, 1, 1 + rng.randrange(5)),
        )
        for scheme in schemes:
            kinds = [rng.choice([*PERSONAL, None]) for _ in coders]
            if rng.random() < 0.4:
                kinds.append(CodingKind.CONSENSUS)
            if rng.random() < 0.3:
                kinds.append(CodingKind.CALIBRATION)
            for who, kind in zip(coders + [supervisor, coder], kinds, strict=False):
                if kind is None:
                    continue
                submitted = rng.random() < 0.8
                Coding.objects.create(
                    transcript=transcript,
                    scheme=scheme,
                    coder=who,
                    kind=kind,
                    status=CodingStatus.SUBMITTED if submitted else CodingStatus.IN_PROGRESS,
                    submitted_at=moment + datetime.timedelta(minutes=rng.randrange(10))
                    if submitted
                    else None,
                )
    for codings in (
        Coding.objects.all(),
        Coding.objects.filter(scheme=schemes[1]),
        visibility.codings_visible_to(coder),
        visibility.codings_visible_to(supervisor).filter(transcript__practitioner=practitioner),
    ):
        expected = codings_of_record(codings)
        records = session_records(codings)
        assert [r.pk for r in records] == [c.pk for c in expected]
        for record, coding in zip(records, expected, strict=True):
            assert record.kind == coding.kind
            assert record.scheme_id == coding.scheme_id
            assert record.practitioner_id == coding.transcript.practitioner_id
            assert record.session_date == coding.transcript.session_date
            assert record.coder == coding.coder.username
    assert len(codings_of_record(Coding.objects.all())) > 10


def test_session_records_cost_one_query(agency, practitioner, coder, django_assert_num_queries):
    for _ in range(3):
        factories.make_coded_session(agency, practitioner, coder)
    with django_assert_num_queries(1):
        assert len(session_records(Coding.objects.all())) == 3
