"""A complete agency for the URL matrices: a person in every role and an object of every kind
the pages reach (transcripts with audio, codings of every kind and status, assignments, a
consensus with decisions, a gold standard in a training set, an open calibration attempt,
saved reliability sets, threshold overrides, waiting upload and import previews).

Every name and text the agency holds carries its ``marker``, so a test can tell that no page
of one agency shows anything of another.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.invitations import invitation_create, invitation_revoke
from accounts.models import Agency, AuditEvent, Membership, Practitioner, Role, User
from api.services import token_create
from coding.models import Coding, CodingKind, CodingScheme, GlobalRating, ThresholdOverride
from coding.services.schemes import scheme_load
from coding.services.volleys import volley_note_set
from coding.services.workspace import coding_notes_set, utterance_note_set
from suggestions.models import Suggester, SuggesterStatus
from tests import factories
from tests.factories import ALL_GLOBALS
from transcripts.models import Transcript, Utterance
from workflow.models import (
    AdjudicationDecision,
    Assignment,
    CalibrationAttempt,
    CalibrationRetake,
    ReliabilitySet,
    TrainingSet,
)
from workflow.services.adjudication import adjudication_start
from workflow.services.calibration import calibration_start
from workflow.services.training import coding_mark_gold, training_set_save

ROLES = ("admin", "supervisor", "coder", "coder2", "researcher", "practitioner")
ROLE_OF = {
    "admin": Role.ADMIN,
    "supervisor": Role.SUPERVISOR,
    "coder": Role.CODER,
    "coder2": Role.CODER,
    "researcher": Role.RESEARCHER,
    "practitioner": Role.PRACTITIONER,
}
AUDIO = b"ID3" + bytes(range(256)) * 8


@dataclass
class World:
    agency: Agency
    marker: str
    people: dict[str, User]
    sessions: dict[str, str] = field(default_factory=dict)
    objects: dict[str, Model] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Model:
        try:
            return self.__dict__["objects"][name]
        except KeyError as exc:
            raise AttributeError(name) from exc

    def client(self, role: str) -> Client:
        """A client in the signed-in session of ``role`` (a fresh client each time, so a
        request that signs out cannot spoil the next one)."""
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[role]
        return client

    def aliased(self, coding: Coding) -> World:
        """This world with every coding the registry names standing for ``coding``, so that
        any URL about a coding can be built for it."""
        objects = {
            **self.objects,
            **dict.fromkeys(CODING_NAMES, coding),
            "transcript": coding.transcript,
            # None for a session known by its recording alone: URLs about an utterance are
            # then not built for it (tests/urlconf/test_blinding_matrix.py).
            "utterance": coding.transcript.utterances.filter(position=1).first(),
        }
        return World(
            agency=self.agency,
            marker=self.marker,
            people=self.people,
            sessions=self.sessions,
            objects=objects,
            tokens=self.tokens,
        )


CODING_NAMES = (
    "primary",
    "double",
    "consensus",
    "open_primary",
    "open_double",
    "gold",
    "calibration",
)


def coding_marker(coding: Coding) -> str:
    """The text planted in a coding's notes, unique to it."""
    return f"zqnote{coding.pk}x"


def sign_in(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def plant_notes(coding: Coding) -> None:
    """The coding's own words in its notes, on an utterance and on a global: what another
    coder must never read while the coding is blind."""
    # The agency's marker too, so the tenancy matrix catches notes shown to another agency.
    marker = f"{coding_marker(coding)} in {coding.transcript.agency.name}"
    # A coding made from the recording notes its own volleys, not the utterances.
    unit = (
        {"volley": coding.volleys.first()}
        if coding.is_from_audio
        else {"utterance": coding.transcript.utterances.first()}
    )
    if coding.is_submitted or coding.kind == CodingKind.CONSENSUS:
        # What the services refuse (a submitted coding; a consensus, which changes only
        # through its adjudication) is written as stored data.
        Coding.objects.filter(pk=coding.pk).update(notes=f"Overall {marker}.")
        coding.utterance_notes.create(text=marker, **unit)
    else:
        coding_notes_set(coding=coding, text=f"Overall {marker}.")
        if coding.is_from_audio:
            volley_note_set(coding=coding, volley_id=unit["volley"].pk, text=marker)
        else:
            utterance_note_set(coding=coding, utterance=unit["utterance"], text=marker)
    GlobalRating.objects.filter(coding=coding).update(note=f"Rated so: {marker}")


def custom_scheme(agency: Agency, marker: str) -> CodingScheme:
    scheme, _ = scheme_load(
        agency=agency,
        definition={
            "slug": f"scheme-{marker}",
            "name": f"Scheme {marker}",
            "version": "1",
            "description": f"The own scheme of {marker}.",
            "dimensions": [
                {
                    "slug": "talk",
                    "name": f"Talk {marker}",
                    "speaker": "any",
                    "multiple": False,
                    "codes": [
                        {"abbreviation": "A", "name": f"Ask {marker}", "key": "a"},
                        {"abbreviation": "B", "name": f"Bid {marker}", "key": "b"},
                    ],
                }
            ],
            "globals": [{"slug": "warmth", "name": f"Warmth {marker}", "min": 1, "max": 5}],
            "summary_scores": [
                {"slug": "asks", "name": f"Asks {marker}", "type": "sum", "of": ["A"]}
            ],
        },
    )
    return scheme


def _people(agency: Agency, marker: str) -> dict[str, User]:
    return {
        role: factories.make_user(agency, ROLE_OF[role], username=f"{role}-{marker}", password=None)
        for role in ROLES
    }


def _transcript(agency: Agency, practitioner: Practitioner, marker: str, what: str) -> Transcript:
    transcript = factories.make_transcript(
        agency, practitioner, utterances=6, title=f"{marker} {what} session"
    )
    Utterance.objects.filter(transcript=transcript, position=2).update(
        text=f"Client words {marker} about {what}."
    )
    return transcript


def build_world(slug: str, marker: str) -> World:
    """Every kind of object, in one new agency named by ``marker``."""
    agency = factories.make_agency(slug=slug, name=f"Agency {marker}")
    people = _people(agency, marker)
    world = World(agency=agency, marker=marker, people=people)
    objects = world.objects
    sup = people["supervisor"]

    team = objects["team"] = factories.make_team(agency, f"Team {marker}")
    practitioner = objects["practitioner"] = factories.make_practitioner(
        agency, f"Pat {marker}", team=team, user=people["practitioner"]
    )
    objects["other_practitioner"] = factories.make_practitioner(agency, f"Sam {marker}")
    objects["scheme"] = custom_scheme(agency, marker)
    summary = objects["scheme"].summary_scores.get()
    objects["threshold"] = ThresholdOverride.objects.create(
        agency=agency, summary_score=summary, fair=1, good=2
    )
    objects["membership"] = Membership.objects.get(user=people["coder"], agency=agency)

    # A double-coded session, both codings submitted, and a consensus being adjudicated.
    coded = objects["transcript"] = _transcript(agency, practitioner, marker, "coded")
    coded.audio.save("session.mp3", ContentFile(AUDIO))
    objects["utterance"] = coded.utterances.get(position=1)
    objects["primary"] = factories.make_coding(
        coded, people["coder"], codes={1: ["Q"], 3: ["SR"]}, globals_=ALL_GLOBALS, submitted=True
    )
    objects["double"] = factories.make_coding(
        coded,
        people["coder2"],
        kind=CodingKind.DOUBLE,
        codes={1: ["Q"], 3: ["CR"]},
        globals_=ALL_GLOBALS,
        submitted=True,
    )
    plant_notes(objects["primary"])
    plant_notes(objects["double"])
    objects["consensus"] = adjudication_start(transcript=coded, scheme=factories.miti(), actor=sup)
    objects["decision"] = AdjudicationDecision.objects.filter(
        consensus=objects["consensus"]
    ).first()

    # A blind double coding still open on both sides.
    open_session = objects["open_transcript"] = _transcript(agency, practitioner, marker, "open")
    objects["open_primary"] = factories.make_coding(open_session, people["coder"], codes={1: ["Q"]})
    objects["open_double"] = factories.make_coding(
        open_session, people["coder2"], kind=CodingKind.DOUBLE, codes={1: ["SR"]}
    )
    plant_notes(objects["open_primary"])
    plant_notes(objects["open_double"])

    # A session known by its recording alone, being coded from the audio.
    audio_session = objects["audio_transcript"] = factories.make_audio_session(
        agency, practitioner, seconds=600
    )
    objects["audio_coding"] = factories.make_audio_coding(
        audio_session, people["coder"], volleys=[(1000, "practitioner", ["Q"])]
    )
    plant_notes(objects["audio_coding"])

    # A gold standard in a training set, and a coder calibrating against it.
    gold_session = objects["gold_transcript"] = _transcript(agency, practitioner, marker, "gold")
    gold = factories.make_coding(
        gold_session, sup, codes={1: ["Q"]}, globals_=ALL_GLOBALS, submitted=True
    )
    plant_notes(gold)
    objects["gold"] = coding_mark_gold(coding=gold, actor=sup)
    objects["training_set"] = training_set_save(
        agency=agency, name=f"Training {marker}", scheme=factories.miti(), golds=[gold], actor=sup
    )
    objects["attempt"] = calibration_start(
        training_set=objects["training_set"], coder=people["coder"]
    )
    objects["calibration"] = objects["attempt"].items.get().coding

    # Work assigned and not started, and a saved reliability sample.
    waiting = objects["assigned_transcript"] = _transcript(agency, practitioner, marker, "waiting")
    objects["assignment"] = factories.make_assignment(waiting, people["coder"], due_date=None)
    objects["reliability_set"] = ReliabilitySet.objects.create(
        agency=agency,
        name=f"Sample {marker}",
        scheme=factories.miti(),
        seed=7,
        percent=20,
        created_by=sup,
    )
    objects["reliability_set"].transcripts.set([coded])

    # Access: a pending invitation, a withdrawn one, a retake permission, an API token.
    objects["invitation"], _ = invitation_create(
        agency=agency, role=Role.CODER, actor=people["admin"], note=f"For {marker}"
    )
    withdrawn, world.tokens["withdrawn_invitation"] = invitation_create(
        agency=agency, role=Role.CODER, actor=people["admin"], note=f"Withdrawn {marker}"
    )
    invitation_revoke(invitation=withdrawn, actor=people["admin"])
    objects["retake"] = CalibrationRetake.objects.create(
        agency=agency,
        training_set=objects["training_set"],
        coder=people["coder2"],
        allowed_by=sup,
    )
    objects["access_token"], _ = token_create(
        user=people["admin"], agency=agency, name=f"Scripts {marker}", scope="read", days=30
    )
    # Two-factor devices of the admin: an authenticator app and recovery codes.
    objects["totp_device"] = TOTPDevice.objects.create(
        user=people["admin"], name=f"Phone {marker}", confirmed=True
    )
    objects["static_device"] = StaticDevice.objects.create(
        user=people["admin"], name=f"Recovery {marker}", confirmed=True
    )

    # A suggester whose training failed (a trained one needs sessions enough to learn from).
    objects["suggester"] = Suggester.objects.create(
        agency=agency,
        scheme=factories.miti(),
        version="1",
        status=SuggesterStatus.FAILED,
        message=f"Training failed for {marker}",
    )
    objects["audit_event"] = AuditEvent.objects.filter(agency=agency).first()
    world.sessions = {role: sign_in(user) for role, user in people.items()}
    _previews(world)
    _check_complete(world)
    return world


def _previews(world: World) -> None:
    """An upload and a coded-data import waiting for confirmation in the admin's session."""
    client = world.client("admin")
    text = f"Counselor: Hello {world.marker}.\nClient: Hi.\n".encode()
    response = client.post(
        reverse("transcripts:upload"),
        {
            "files": SimpleUploadedFile("session.txt", text),
            "practitioner": world.practitioner.pk,
        },
    )
    assert response.status_code == 302, "the upload preview of the world could not be made"
    world.tokens["preview"] = response.url.rstrip("/").rsplit("/", 1)[-1]
    rows = "transcript,utterance,speaker,text,coder,code\n"
    rows += f"{world.marker} import,1,Counselor,Hello {world.marker},{world.marker}-rater,Q\n"
    response = client.post(
        reverse("exchange:import"), {"file": SimpleUploadedFile("coded.csv", rows.encode())}
    )
    assert response.status_code == 302, "the import preview of the world could not be made"
    world.tokens["import"] = response.url.rstrip("/").rsplit("/", 1)[-1]


def _check_complete(world: World) -> None:
    missing = [name for name, value in world.objects.items() if value is None]
    assert not missing, f"the world lacks {missing}"
    assert Assignment.objects.filter(agency=world.agency, coding__isnull=True).exists()
    assert CalibrationAttempt.objects.filter(agency=world.agency).exists()
    assert TrainingSet.objects.filter(agency=world.agency).exists()
    assert world.gold.kind == CodingKind.GOLD


@dataclass
class Situation:
    """Blind double coding in an agency of its own, on one transcript per state: for each
    observing coder, their own codings and the codings they must not see."""

    world: World
    own: dict[str, list[Coding]] = field(default_factory=dict)
    hidden: dict[str, list[Coding]] = field(default_factory=dict)
    shown: dict[str, list[Coding]] = field(default_factory=dict)

    def markers(self, role: str) -> list[str]:
        return [coding_marker(coding) for coding in self.hidden.get(role, [])]

    def add(self, role: str, *, own: Coding | None = None, hidden=(), shown=()) -> None:
        if own is not None:
            self.own.setdefault(role, []).append(own)
        self.hidden.setdefault(role, []).extend(hidden)
        self.shown.setdefault(role, []).extend(shown)


KEEPS_BLIND = "agency keeps coders blind"
UNBLINDS = "agency unblinds coders once all is submitted"
SITUATIONS = (KEEPS_BLIND, UNBLINDS)


def _coded(transcript: Transcript, coder: User, kind: str, *, submitted: bool) -> Coding:
    coding = factories.make_coding(
        transcript, coder, kind=kind, codes={1: ["Q"]}, globals_=ALL_GLOBALS, submitted=submitted
    )
    plant_notes(coding)
    return coding


def _pair(
    transcript: Transcript, people: dict[str, User], *, first: bool, second: bool
) -> tuple[Coding, Coding]:
    """A primary and a double coding of ``transcript``, submitted as asked."""
    return (
        _coded(transcript, people["coder"], CodingKind.PRIMARY, submitted=first),
        _coded(transcript, people["coder2"], CodingKind.DOUBLE, submitted=second),
    )


def _recording_pair(
    agency: Agency,
    practitioner: Practitioner,
    people: dict[str, User],
    marker: str,
    *,
    submitted: bool,
) -> tuple[Coding, Coding]:
    """A primary and a double coding made from one recording, each with volleys of its own."""
    session = factories.make_audio_session(agency, practitioner)
    Transcript.objects.filter(pk=session.pk).update(title=f"{marker} recording session")
    codings = []
    for role, kind, at in (
        ("coder", CodingKind.PRIMARY, 1000),
        ("coder2", CodingKind.DOUBLE, 1500),
    ):
        coding = factories.make_audio_coding(
            session,
            people[role],
            kind=kind,
            volleys=[(at, "practitioner", ["Q"])],
            globals_=ALL_GLOBALS,
            submitted=submitted,
        )
        plant_notes(coding)
        codings.append(coding)
    return codings[0], codings[1]


def _gold(transcript: Transcript, supervisor: User) -> Coding:
    gold = _coded(transcript, supervisor, CodingKind.PRIMARY, submitted=True)
    return coding_mark_gold(coding=gold, actor=supervisor)


def build_situation(name: str) -> Situation:
    """Where the agency keeps coders blind: a double coding open on both sides, one with the
    first side submitted, one submitted on both sides with its consensus being decided, and
    one made from a recording, open on both sides. Where it unblinds them: a double coding
    submitted on both sides, one from a recording likewise, one beside a gold standard, and a
    coder calibrating against another gold standard."""
    marker = "zqblind" if name == KEEPS_BLIND else "zqunblind"
    agency = factories.make_agency(slug=marker, name=f"Agency {marker}")
    agency.coders_see_others_after_submission = name == UNBLINDS
    agency.save()
    people = _people(agency, marker)
    world = World(agency=agency, marker=marker, people=people)
    practitioner = factories.make_practitioner(agency, f"Pat {marker}", user=people["practitioner"])
    situation = Situation(world)
    sup = people["supervisor"]

    def session(what: str) -> Transcript:
        return _transcript(agency, practitioner, marker, what)

    if name == KEEPS_BLIND:
        for what, first, second in (("both open", False, False), ("one submitted", True, False)):
            mine, theirs = _pair(session(what), people, first=first, second=second)
            situation.add("coder", own=mine, hidden=[theirs])
            situation.add("coder2", own=theirs, hidden=[mine])
        transcript = session("adjudicated")
        mine, theirs = _pair(transcript, people, first=True, second=True)
        consensus = adjudication_start(transcript=transcript, scheme=factories.miti(), actor=sup)
        plant_notes(consensus)
        situation.add("coder", own=mine, hidden=[theirs, consensus])
        situation.add("coder2", own=theirs, hidden=[mine, consensus])
        mine, theirs = _recording_pair(agency, practitioner, people, marker, submitted=False)
        situation.add("coder", own=mine, hidden=[theirs])
        situation.add("coder2", own=theirs, hidden=[mine])
    else:
        mine, theirs = _pair(session("unblinded"), people, first=True, second=True)
        situation.add("coder", own=mine, shown=[theirs])
        situation.add("coder2", own=theirs, shown=[mine])
        mine, theirs = _recording_pair(agency, practitioner, people, marker, submitted=True)
        situation.add("coder", own=mine, shown=[theirs])
        situation.add("coder2", own=theirs, shown=[mine])
        transcript = session("beside gold")
        gold = _gold(transcript, sup)
        mine, theirs = _pair(transcript, people, first=True, second=True)
        situation.add("coder", own=mine, hidden=[gold], shown=[theirs])
        situation.add("coder2", own=theirs, hidden=[gold], shown=[mine])
        practice = _gold(session("practice"), sup)
        training_set = training_set_save(
            agency=agency, name="Practice", scheme=factories.miti(), golds=[practice], actor=sup
        )
        attempt = world.objects["attempt"] = calibration_start(
            training_set=training_set, coder=people["coder"]
        )
        calibrating = attempt.items.get().coding
        factories.apply_codes(calibrating, {1: ["SR"]})
        plant_notes(calibrating)
        situation.add("coder", own=calibrating, hidden=[practice])
        situation.add("coder2", hidden=[practice, calibrating])
    world.sessions = {role: sign_in(user) for role, user in people.items()}
    return situation
