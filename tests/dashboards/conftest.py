"""Coded sessions with varied scores for the dashboard tests."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from accounts.models import Agency, Practitioner, Role, Team, User
from coding.models import Coding, CodingKind, CodingScheme
from coding.services.schemes import scheme_load
from tests import factories

START = datetime.date(2026, 1, 5)


def varied(i: int) -> tuple[dict[int, list[str]], dict[str, int]]:
    """Codes and globals for the i-th session: scores rise and fall, some ratios undefined."""
    questions = [] if i % 5 == 4 else ["Q"]
    codes = {
        1: questions + ["SR"],
        3: ["CR"] if i % 2 else ["SR"],
        5: (["Q"] if i % 3 == 0 else []) + ["AF"],
        7: ["CR", "Seek"] if i % 4 == 1 else ["Persuade"],
    }
    globals_ = {
        "cct": 1 + i % 5,
        "sst": 1 + (i * 2) % 5,
        "partnership": 2 + i % 4,
        "empathy": 1 + (i * 3) % 5,
    }
    return codes, globals_


def add_sessions(
    agency: Agency,
    practitioner: Practitioner,
    coder: User,
    count: int,
    offset: int = 0,
    scheme: CodingScheme | None = None,
) -> list[Coding]:
    """``count`` submitted sessions two weeks apart, keeping the codes and globals ``scheme``
    has (all of them for MITI)."""
    scheme = scheme or factories.miti()
    known = set(scheme.codes.values_list("abbreviation", flat=True))
    known |= set(scheme.globals.values_list("slug", flat=True))
    codings = []
    for i in range(offset, offset + count):
        codes, globals_ = varied(i)
        codes = {pos: [c for c in abbrs if c in known] for pos, abbrs in codes.items()}
        globals_ = {slug: value for slug, value in globals_.items() if slug in known}
        codings.append(
            factories.make_coded_session(
                agency,
                practitioner,
                coder,
                session_date=START + datetime.timedelta(days=14 * i),
                codes=codes,
                globals_=globals_,
                scheme=scheme,
            )
        )
    return codings


def tiny_scheme() -> CodingScheme:
    """A second scheme whose scores must never mix with MITI's."""
    scheme, _ = scheme_load(
        definition={
            "slug": "tiny-1",
            "name": "Tiny 1",
            "version": "1",
            "dimensions": [
                {
                    "slug": "behaviour",
                    "name": "Behaviour",
                    "speaker": "practitioner",
                    "multiple": True,
                    "codes": [
                        {"abbreviation": "Q", "name": "Question"},
                        {"abbreviation": "SR", "name": "Simple Reflection"},
                        {"abbreviation": "CR", "name": "Complex Reflection"},
                    ],
                }
            ],
            "globals": [{"slug": "empathy", "name": "Empathy", "min": 1, "max": 5}],
            "summary_scores": [
                {
                    "slug": "relational",
                    "name": "Relational",
                    "type": "mean",
                    "of": ["empathy"],
                    "fair": 3,
                    "good": 4,
                },
                {
                    "slug": "r_q",
                    "name": "R:Q",
                    "type": "ratio",
                    "numerator": ["SR", "CR"],
                    "denominator": ["Q"],
                    "fair": 1,
                    "good": 2,
                },
            ],
        }
    )
    return scheme


@dataclass
class World:
    agency: Agency
    outpatient: Team
    outreach: Team
    dana: Practitioner  # linked to the practitioner user, outpatient team
    sam: Practitioner  # outpatient team
    lee: Practitioner  # outreach team
    idle: Practitioner  # no sessions yet
    other_practitioner: Practitioner  # in the other agency
    codings: list[Coding]


@pytest.fixture
def world(
    agency: Agency,
    other_agency: Agency,
    practitioner: Practitioner,
    coder: User,
    coder2: User,
    supervisor: User,
) -> World:
    outpatient = factories.make_team(agency, "Outpatient")
    outreach = factories.make_team(agency, "Community outreach")
    practitioner.team = outpatient
    practitioner.save()
    sam = factories.make_practitioner(agency, "Sam Okafor", team=outpatient)
    lee = factories.make_practitioner(agency, "Lee Whitman", team=outreach)
    idle = factories.make_practitioner(agency, "Ida Newcomer", team=outreach)
    codings = (
        add_sessions(agency, practitioner, coder, 5)
        + add_sessions(agency, sam, coder, 3, offset=5)
        + add_sessions(agency, lee, coder2, 2, offset=8)
    )
    # A double coding never outranks the primary; a consensus coding does.
    first = codings[0].transcript
    factories.make_coding(
        first,
        coder2,
        kind=CodingKind.DOUBLE,
        codes={1: ["Q"], 3: ["Q"]},
        globals_={"cct": 1, "sst": 1, "partnership": 1, "empathy": 1},
        submitted=True,
    )
    factories.make_coding(
        codings[1].transcript,
        supervisor,
        kind=CodingKind.CONSENSUS,
        codes={1: ["SR"], 3: ["CR"], 5: ["CR"], 7: ["Q"]},
        globals_={"cct": 5, "sst": 5, "partnership": 5, "empathy": 5},
        submitted=True,
    )
    # Work in progress and calibration never count.
    factories.make_coding(
        factories.make_transcript(agency, sam, session_date=datetime.date(2026, 12, 1)),
        coder2,
        globals_={"cct": 1, "sst": 1, "partnership": 1, "empathy": 1},
    )
    factories.make_coding(
        codings[2].transcript,
        coder2,
        kind=CodingKind.CALIBRATION,
        globals_={"cct": 1, "sst": 1, "partnership": 1, "empathy": 1},
        submitted=True,
        assign=False,
    )
    other_practitioner = factories.make_practitioner(other_agency, "Far Away")
    other_coder = factories.make_user(other_agency, Role.CODER)
    add_sessions(other_agency, other_practitioner, other_coder, 2)
    return World(
        agency=agency,
        outpatient=outpatient,
        outreach=outreach,
        dana=practitioner,
        sam=sam,
        lee=lee,
        idle=idle,
        other_practitioner=other_practitioner,
        codings=codings,
    )
