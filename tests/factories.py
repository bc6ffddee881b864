"""Small factory functions for tests. Each creates valid rows through plain ORM calls or the
project's services and returns them; every argument has a sensible default."""

from __future__ import annotations

import datetime
import itertools

from accounts.models import Agency, Membership, Practitioner, Role, Team, User
from coding.models import (
    Code,
    CodedFrom,
    Coding,
    CodingKind,
    CodingScheme,
    CodingStatus,
    GlobalScale,
)
from coding.services.codes import utterance_codes_add
from coding.services.codings import global_rating_set
from coding.services.consensus import consensus_codes_add, consensus_global_set
from transcripts.models import SourceFormat, SpeakerRole, Transcript, Utterance
from workflow.models import Assignment

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)


def _n() -> int:
    return next(_seq)


def make_agency(slug: str | None = None, name: str | None = None, **fields: object) -> Agency:
    number = _n()
    return Agency.objects.create(
        slug=slug or f"agency-{number}", name=name or f"Agency {number}", **fields
    )


def make_user(
    agency: Agency | None = None,
    role: str = Role.CODER,
    username: str | None = None,
    password: str | None = PASSWORD,
) -> User:
    user = User.objects.create_user(username=username or f"user{_n()}", password=password)
    if agency is not None:
        Membership.objects.create(user=user, agency=agency, role=role)
    return user


def make_team(agency: Agency, name: str | None = None) -> Team:
    return Team.objects.create(agency=agency, name=name or f"Team {_n()}")


def make_practitioner(
    agency: Agency,
    display_name: str | None = None,
    team: Team | None = None,
    user: User | None = None,
) -> Practitioner:
    return Practitioner.objects.create(
        agency=agency, display_name=display_name or f"Practitioner {_n()}", team=team, user=user
    )


def make_transcript(
    agency: Agency,
    practitioner: Practitioner | None = None,
    utterances: int = 6,
    session_date: datetime.date | None = None,
    title: str = "",
    with_times: bool = True,
) -> Transcript:
    """A transcript alternating practitioner and client, practitioner first."""
    practitioner = practitioner or make_practitioner(agency)
    transcript = Transcript.objects.create(
        agency=agency,
        practitioner=practitioner,
        title=title,
        session_date=session_date or datetime.date(2026, 3, 1),
        target_change="reduce drinking",
    )
    Utterance.objects.bulk_create(
        [
            Utterance(
                transcript=transcript,
                position=position,
                speaker_label="Counselor" if position % 2 else "Client",
                speaker_role=SpeakerRole.PRACTITIONER if position % 2 else SpeakerRole.CLIENT,
                text=f"Utterance number {position}.",
                start_seconds=position * 5.0 if with_times else None,
                end_seconds=position * 5.0 + 4 if with_times else None,
            )
            for position in range(1, utterances + 1)
        ]
    )
    return transcript


def miti() -> CodingScheme:
    return CodingScheme.objects.get(slug="miti-4.2.1")


def code(abbreviation: str, scheme: CodingScheme | None = None) -> Code:
    return Code.objects.select_related("dimension").get(
        scheme=scheme or miti(), abbreviation=abbreviation
    )


def make_coding(
    transcript: Transcript,
    coder: User,
    scheme: CodingScheme | None = None,
    kind: str = CodingKind.PRIMARY,
    codes: dict[int, list[str]] | None = None,
    globals_: dict[str, int] | None = None,
    submitted: bool = False,
    assign: bool = True,
) -> Coding:
    """A coding with ``codes`` ({utterance position: [abbreviations]}) and ``globals_``."""
    scheme = scheme or miti()
    coding = Coding.objects.create(
        transcript=transcript,
        scheme=scheme,
        coder=coder,
        kind=kind,
        coded_from=CodedFrom.AUDIO if transcript.is_audio_only else CodedFrom.TRANSCRIPT,
    )
    if assign and kind in (CodingKind.PRIMARY, CodingKind.DOUBLE):
        Assignment.objects.get_or_create(
            transcript=transcript,
            coder=coder,
            scheme=scheme,
            defaults={"agency": transcript.agency, "kind": kind, "coding": coding},
        )
    apply_codes(coding, codes or {}, globals_)
    if submitted:
        coding.status = CodingStatus.SUBMITTED
        coding.submitted_at = datetime.datetime(2026, 3, 2, tzinfo=datetime.UTC)
        coding.save()
    return coding


ALL_GLOBALS = {"cct": 3, "sst": 4, "partnership": 4, "empathy": 5}


def make_assignment(
    transcript: Transcript,
    coder: User,
    kind: str = CodingKind.PRIMARY,
    due_date: datetime.date | None = None,
    scheme: CodingScheme | None = None,
) -> Assignment:
    """An assignment not started yet (no coding)."""
    return Assignment.objects.create(
        agency=transcript.agency,
        transcript=transcript,
        coder=coder,
        scheme=scheme or miti(),
        kind=kind,
        due_date=due_date,
    )


def apply_codes(
    coding: Coding, codes: dict[int, list[str]], globals_: dict[str, int] | None = None
) -> Coding:
    """Put ``codes`` ({utterance position: [abbreviations]}) and ``globals_`` on an open coding
    through the services (a consensus through its adjudication's path)."""
    consensus = coding.kind == CodingKind.CONSENSUS
    utterances = {u.position: u for u in coding.transcript.utterances.all()}
    pairs = [
        (utterances[position], code(abbreviation, coding.scheme))
        for position, abbreviations in codes.items()
        for abbreviation in abbreviations
    ]
    if consensus:
        consensus_codes_add(consensus=coding, pairs=pairs)
    else:
        utterance_codes_add(coding=coding, pairs=pairs)
    for slug, value in (globals_ or {}).items():
        scale = GlobalScale.objects.get(scheme=coding.scheme, slug=slug)
        if consensus:
            consensus_global_set(consensus=coding, scale=scale, value=value)
        else:
            global_rating_set(coding=coding, scale=scale, value=value)
    return coding


def make_coded_session(
    agency: Agency,
    practitioner: Practitioner,
    coder: User,
    session_date: datetime.date | None = None,
    codes: dict[int, list[str]] | None = None,
    globals_: dict[str, int] | None = None,
    scheme: CodingScheme | None = None,
    kind: str = CodingKind.PRIMARY,
) -> Coding:
    """A session of ``practitioner`` (eight utterances) with one submitted coding."""
    transcript = make_transcript(agency, practitioner, utterances=8, session_date=session_date)
    return make_coding(
        transcript,
        coder,
        scheme=scheme,
        kind=kind,
        codes=codes,
        globals_=ALL_GLOBALS if globals_ is None else globals_,
        submitted=True,
    )


def make_coding_with_counts(
    transcript: Transcript,
    coder: User,
    counts: dict[str, int],
    scheme: CodingScheme | None = None,
    kind: str = CodingKind.PRIMARY,
    globals_: dict[str, int] | None = None,
    submitted: bool = True,
) -> Coding:
    """A coding whose practitioner utterances carry ``counts`` ({abbreviation: how many}),
    one code per utterance in transcript order (see ``make_transcript``: odd positions)."""
    positions = iter(range(1, 10**6, 2))
    codes = {
        next(positions): [abbreviation] for abbreviation, n in counts.items() for _ in range(n)
    }
    return make_coding(
        transcript, coder, scheme, kind, codes=codes, globals_=globals_, submitted=submitted
    )


def make_audio_session(
    agency: Agency,
    practitioner: Practitioner | None = None,
    seconds: float = 600.0,
    session_date: datetime.date | None = None,
    segment: tuple[float | None, float | None] = (None, None),
) -> Transcript:
    """A session known only by its recording of ``seconds`` (no file stored)."""
    return Transcript.objects.create(
        agency=agency,
        practitioner=practitioner or make_practitioner(agency),
        session_date=session_date or datetime.date(2026, 3, 1),
        target_change="reduce drinking",
        source_format=SourceFormat.AUDIO,
        audio_seconds=seconds,
        segment_start=segment[0],
        segment_end=segment[1],
    )


def make_audio_coding(
    transcript: Transcript,
    coder: User,
    volleys: list[tuple[int, str, list[str]]] = (),
    globals_: dict[str, int] | None = None,
    submitted: bool = False,
    kind: str = CodingKind.PRIMARY,
    scheme: CodingScheme | None = None,
) -> Coding:
    """A coding from audio with ``volleys`` ((start ms, speaker, [abbreviations])), marked
    and coded through the services."""
    from coding.services.codes import volley_codes_write  # noqa: PLC0415
    from coding.services.volleys import volley_add  # noqa: PLC0415

    coding = make_coding(transcript, coder, scheme=scheme, kind=kind, globals_=globals_)
    wanted = []
    for start_ms, speaker, abbreviations in volleys:
        volley, _ = volley_add(coding=coding, start_ms=start_ms, speaker_role=speaker)
        wanted += [(volley.pk, code(a, coding.scheme).pk, True) for a in abbreviations]
    if wanted:
        volley_codes_write(coding=coding, wanted=wanted)
    if submitted:
        coding.status = CodingStatus.SUBMITTED
        coding.submitted_at = datetime.datetime(2026, 3, 2, tzinfo=datetime.UTC)
        coding.save()
    return coding
