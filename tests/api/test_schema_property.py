"""The API against its own published schema, property-based (schemathesis): generated calls of
every operation, valid and invalid, with a valid token on a seeded database, through the WSGI
application. No answer is a server error, and every answer matches what the schema says of its
status, content type and body."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import Role
from api.services import token_create
from coding.models import CodingKind
from tests import factories
from tests.factories import ALL_GLOBALS

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@dataclass
class Seeded:
    secret: str


@pytest.fixture
def seeded(db: None, settings: object, tmp_path: object) -> Iterator[Seeded]:
    settings.MI_API_RATE = "100000/minute"
    settings.MI_API_WRITE_RATE = "100000/minute"
    settings.MEDIA_ROOT = tmp_path
    agency = factories.make_agency(slug="seeded", name="Seeded agency")
    admin = factories.make_user(agency, Role.ADMIN, username="seed-admin")
    ana = factories.make_user(agency, Role.CODER, username="seed-ana")
    ben = factories.make_user(agency, Role.CODER, username="seed-ben")
    team = factories.make_team(agency, "Seeded team")
    practitioner = factories.make_practitioner(agency, "Seeded Practitioner", team=team)
    for number in range(3):
        transcript = factories.make_transcript(
            agency,
            practitioner,
            session_date=datetime.date(2026, 2, 1) + datetime.timedelta(days=number),
            title=f"Seeded {number}",
        )
        factories.make_coding(
            transcript, ana, codes={1: ["Q"], 3: ["SR"]}, globals_=ALL_GLOBALS, submitted=True
        )
        factories.make_coding(
            transcript,
            ben,
            kind=CodingKind.DOUBLE,
            codes={1: ["Q"], 3: ["CR"]},
            globals_=ALL_GLOBALS,
            submitted=True,
        )
    _, secret = token_create(user=admin, agency=agency, name="fuzz", scope="write", days=5)
    # Outside the test client, Django would close the test's database connection between
    # requests; the generated calls run inside the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield Seeded(secret=secret)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _application() -> object:
    from mi_coding.wsgi import application

    return application


# The published schema, read through the application as a client reads it (it needs no token
# and no database).
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", _application())


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_answer_matches_the_schema(case: schemathesis.Case, seeded: Seeded) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {seeded.secret}"}, checks=CHECKS)
