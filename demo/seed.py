"""The demo agency: people in every role, two teams, four practitioners and coded sessions,
one of them also as its recording alone, being coded from the audio.

Everything is created through the same services the web pages use, so the demo exercises the
real rules. Seeding is idempotent: if the demo agency exists, nothing changes.
"""

from __future__ import annotations

import datetime
import json
import random
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction

from accounts.models import Agency, Practitioner, Role, User
from accounts.services import agency_create, practitioner_save, team_create, user_create_or_update
from coding.models import Code, CodingKind, CodingScheme, GlobalScale
from coding.services.codes import utterance_codes_add, volley_codes_write
from coding.services.codings import coding_submit, global_rating_set
from coding.services.volleys import volley_add
from transcripts.models import SourceFormat, SpeakerRole, Transcript
from transcripts.parsers.base import Turn
from transcripts.services import audio_session_create, transcript_create
from workflow.models import Assignment
from workflow.selectors.adjudication import adjudication_for
from workflow.services.adjudication import (
    adjudication_decide,
    adjudication_finish,
    adjudication_start,
)
from workflow.services.assignments import assignment_plan, assignment_start, assignments_create
from workflow.services.calibration import calibration_finish, calibration_start
from workflow.services.training import coding_mark_gold, training_set_save

DEMO_DIR = Path(__file__).resolve().parent / "sessions"
RECORDINGS_DIR = Path(__file__).resolve().parent / "recordings"
DEMO_SLUG = "demo"
DEMO_PASSWORD = "demo-password"  # noqa: S105 - printed for the local demo on purpose


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    first_name: str
    last_name: str


DEMO_LOGINS = [
    DemoLogin("admin", Role.ADMIN, "Alex", "Morgan"),
    DemoLogin("supervisor", Role.SUPERVISOR, "Sofia", "Lindqvist"),
    DemoLogin("ana", Role.CODER, "Ana", "Castillo"),
    DemoLogin("ben", Role.CODER, "Ben", "Adeyemi"),
    DemoLogin("researcher", Role.RESEARCHER, "Rita", "Hoffmann"),
    DemoLogin("dana", Role.PRACTITIONER, "Dana", "Reyes"),
]

TEAMS = {
    "Outpatient": ["Dana Reyes", "Sam Okafor"],
    "Community outreach": ["Priya Natarajan", "Lee Whitman"],
}

# Which dialogues get which codings: ana codes most, ben double-codes a sample, one coding
# is left in progress and a few sessions wait for a coder. The supervisor adjudicates the
# first double-coded session, and two of ana's sessions become gold standards that ben
# calibrates against.
ANA_SUBMITTED = 10
BEN_DOUBLE = 6
ADJUDICATED = 0
GOLD = (6, 7)
# One dialogue is also held as its recording alone (two synthetic voices, made by
# demo/make_recording.py), which ana is coding from the audio: half its volleys done.
RECORDED = "alcohol-session"


def demo_dialogues() -> list[dict]:
    dialogues = [
        json.loads(path.read_text(encoding="utf-8")) for path in sorted(DEMO_DIR.glob("*.json"))
    ]
    return sorted(dialogues, key=lambda d: (d["session_date"], d["slug"]))


def _turns_and_roles(dialogue: dict) -> tuple[list[Turn], dict[str, str]]:
    practitioner_labels = {t["speaker"] for t in dialogue["turns"] if "codes" in t}
    roles = {
        t["speaker"]: SpeakerRole.PRACTITIONER
        if t["speaker"] in practitioner_labels
        else SpeakerRole.CLIENT
        for t in dialogue["turns"]
    }
    turns = [
        Turn(speaker=t["speaker"], text=t["text"], start=t.get("start"), end=t.get("end"))
        for t in dialogue["turns"]
    ]
    return turns, roles


def _second_opinion(codes: list[str], rng: random.Random) -> list[str]:
    """A second coder who mostly agrees: now and then the other reflection type, a missed
    code or an extra question, always within the MITI rules."""
    result = list(codes)
    swap = {"SR": "CR", "CR": "SR", "Persuade": "Persuade with", "Persuade with": "Persuade"}
    for index, code in enumerate(result):
        if code in swap and rng.random() < 0.25:
            result[index] = swap[code]
    if result and rng.random() < 0.12:
        result.pop(rng.randrange(len(result)))
    if "Q" not in result and rng.random() < 0.08:
        result.append("Q")
    return result


def _adjudicate(transcript: Transcript, scheme: CodingScheme, supervisor: User) -> None:
    """Resolve every disagreement the way the first coder answered, as a supervisor might."""
    consensus = adjudication_start(transcript=transcript, scheme=scheme, actor=supervisor)
    case = adjudication_for(transcript, scheme)
    first = case.sources[0]
    for item in case.undecided:
        adjudication_decide(
            consensus=consensus,
            actor=supervisor,
            utterance=item.utterance,
            scale=item.scale,
            source=first,
            reason="first coder's reading matches the manual",
        )
    adjudication_finish(consensus=consensus, actor=supervisor)


def _calibrate(
    *,
    golds: list,
    dialogues: dict[int, dict],
    scheme: CodingScheme,
    coder: User,
    supervisor: User,
) -> None:
    """A training set of the gold standards, and one finished calibration attempt."""
    training_set = training_set_save(
        agency=golds[0].transcript.agency,
        name="MITI 4.2.1 starter set",
        scheme=scheme,
        golds=golds,
        actor=supervisor,
        description="Two gold-standard sessions for new coders.",
    )
    attempt = calibration_start(training_set=training_set, coder=coder)
    codes = {
        code.abbreviation: code
        for code in Code.objects.filter(scheme=scheme).select_related("dimension")
    }
    scales = list(GlobalScale.objects.filter(scheme=scheme))
    rng = random.Random("demo-calibration")
    for item in attempt.items.select_related("coding__transcript", "gold"):
        coding = item.coding
        dialogue = dialogues[item.gold.transcript_id]
        utterance_codes_add(
            coding=coding,
            pairs=[
                (utterance, codes[abbreviation])
                for utterance, turn in zip(
                    coding.transcript.utterances.in_order(), dialogue["turns"], strict=False
                )
                for abbreviation in _second_opinion(turn.get("codes", []), rng)
            ],
        )
        for scale in scales:
            global_rating_set(coding=coding, scale=scale, value=dialogue["globals"][scale.slug])
        coding_submit(coding=coding, actor=coder)
    calibration_finish(attempt=attempt, actor=coder)


def _assign(
    transcript: Transcript,
    coder: User,
    scheme: CodingScheme,
    supervisor: User,
    due_date: datetime.date | None = None,
) -> list[Assignment]:
    """Assign as a supervisor does from the web, audit log included."""
    plan = assignment_plan(
        agency=transcript.agency, transcripts=[transcript], coders=[coder], scheme=scheme
    )
    return assignments_create(
        agency=transcript.agency, plan=plan, scheme=scheme, actor=supervisor, due_date=due_date
    )


def _code_session(
    *,
    transcript: Transcript,
    dialogue: dict,
    coder: User,
    kind: str,
    scheme: CodingScheme,
    assigned_by: User,
    rng: random.Random | None,
    submit: bool,
) -> None:
    (assignment,) = _assign(transcript, coder, scheme, assigned_by)
    coding = assignment_start(assignment=assignment, actor=coder)
    if coding.kind != kind:
        raise RuntimeError(f"demo coding of {transcript.label} is {coding.kind}, not {kind}")
    codes = {
        code.abbreviation: code
        for code in Code.objects.filter(scheme=scheme).select_related("dimension")
    }
    utterances = list(transcript.utterances.in_order())
    limit = len(utterances) if submit else len(utterances) // 2
    pairs = []
    for utterance, turn in zip(utterances[:limit], dialogue["turns"], strict=False):
        if "codes" not in turn:
            continue
        wanted = turn["codes"]
        if rng is not None:
            wanted = _second_opinion(wanted, rng)
        pairs += [(utterance, codes[abbreviation]) for abbreviation in wanted]
    utterance_codes_add(coding=coding, pairs=pairs)
    if not submit:
        return
    for scale in GlobalScale.objects.filter(scheme=scheme):
        value = dialogue["globals"][scale.slug]
        if rng is not None:
            value = min(scale.max_value, max(scale.min_value, value + rng.choice([-1, 0, 0, 1])))
        global_rating_set(coding=coding, scale=scale, value=value)
    coding_submit(coding=coding, actor=coder)


def _recorded_session(
    *,
    dialogue: dict,
    practitioner: Practitioner,
    coder: User,
    scheme: CodingScheme,
    supervisor: User,
) -> Transcript:
    """The dialogue as a session known by its recording alone, its coding from the audio
    begun: the first half of the turns marked as volleys at the instants they are spoken,
    and coded as the dialogue's codes say."""
    starts = json.loads((RECORDINGS_DIR / f"{RECORDED}.json").read_text(encoding="utf-8"))
    with (RECORDINGS_DIR / f"{RECORDED}.ogg").open("rb") as handle:
        session = audio_session_create(
            agency=practitioner.agency,
            practitioner=practitioner,
            file=File(handle, name=f"{RECORDED}.ogg"),
            title=f"{dialogue['title']} (recording)",
            session_date=datetime.date.fromisoformat(dialogue["session_date"]),
            target_change=dialogue["target_change"],
            client_pseudonym=dialogue["client_pseudonym"],
            actor=supervisor,
        )
    (assignment,) = _assign(session, coder, scheme, supervisor)
    coding = assignment_start(assignment=assignment, actor=coder)
    _, roles = _turns_and_roles(dialogue)
    codes = {code.abbreviation: code.pk for code in Code.objects.filter(scheme=scheme)}
    half = len(dialogue["turns"]) // 2
    wanted = []
    for start, turn in zip(starts["turn_starts_ms"][:half], dialogue["turns"][:half], strict=True):
        volley, _ = volley_add(coding=coding, start_ms=start, speaker_role=roles[turn["speaker"]])
        wanted += [(volley.pk, codes[abbreviation], True) for abbreviation in turn.get("codes", [])]
    volley_codes_write(coding=coding, wanted=wanted)
    return session


@transaction.atomic
def demo_seed() -> Agency | None:
    """Create the demo agency; returns None (and changes nothing) if it already exists."""
    if Agency.objects.filter(slug=DEMO_SLUG).exists():
        return None
    agency = agency_create(slug=DEMO_SLUG, name="Riverside Community Health (demo)")
    users = {
        login.username: user_create_or_update(
            username=login.username,
            agency=agency,
            role=login.role,
            email=f"{login.username}@example.org",
            first_name=login.first_name,
            last_name=login.last_name,
            password=DEMO_PASSWORD,
        )
        for login in DEMO_LOGINS
    }
    practitioners = {}
    for team_name, names in TEAMS.items():
        team = team_create(agency=agency, name=team_name)
        for name in names:
            practitioners[name] = practitioner_save(
                agency=agency,
                display_name=name,
                team=team,
                user=users["dana"] if name == "Dana Reyes" else None,
            )
    scheme = CodingScheme.objects.get(slug=settings.MI_DEFAULT_SCHEME)
    supervisor = users["supervisor"]
    dialogues = demo_dialogues()
    golds = []
    gold_dialogues: dict[int, dict] = {}
    for index, dialogue in enumerate(dialogues):
        turns, roles = _turns_and_roles(dialogue)
        transcript = transcript_create(
            agency=agency,
            practitioner=practitioners[dialogue["practitioner"]],
            turns=turns,
            speaker_roles=roles,
            title=dialogue["title"],
            session_date=datetime.date.fromisoformat(dialogue["session_date"]),
            target_change=dialogue["target_change"],
            client_pseudonym=dialogue["client_pseudonym"],
            source_filename=f"{dialogue['slug']}.json",
            source_format=SourceFormat.JSON,
            actor=supervisor,
        )
        common = {
            "transcript": transcript,
            "dialogue": dialogue,
            "scheme": scheme,
            "assigned_by": supervisor,
        }
        if index < ANA_SUBMITTED:
            _code_session(
                coder=users["ana"], kind=CodingKind.PRIMARY, rng=None, submit=True, **common
            )
        elif index == ANA_SUBMITTED:
            _code_session(
                coder=users["ana"], kind=CodingKind.PRIMARY, rng=None, submit=False, **common
            )
        else:
            _assign(
                transcript,
                users["ben"],
                scheme,
                supervisor,
                due_date=datetime.date.fromisoformat(dialogue["session_date"])
                + datetime.timedelta(days=14),
            )
        if index < BEN_DOUBLE:
            _code_session(
                coder=users["ben"],
                kind=CodingKind.DOUBLE,
                rng=random.Random(f"demo-{dialogue['slug']}"),
                submit=True,
                **common,
            )
        if index == ADJUDICATED:
            _adjudicate(transcript, scheme, supervisor)
        if index in GOLD:
            primary = transcript.codings.get(coder=users["ana"])
            golds.append(coding_mark_gold(coding=primary, actor=supervisor))
            gold_dialogues[transcript.pk] = dialogue
    _calibrate(
        golds=golds,
        dialogues=gold_dialogues,
        scheme=scheme,
        coder=users["ben"],
        supervisor=supervisor,
    )
    recorded = next(d for d in dialogues if d["slug"] == RECORDED)
    _recorded_session(
        dialogue=recorded,
        practitioner=practitioners[recorded["practitioner"]],
        coder=users["ana"],
        scheme=scheme,
        supervisor=supervisor,
    )
    return agency
