"""Every operation of the published OpenAPI schema, walked for an outsider (a token of another
agency's admin) and a blinded coder (whose double coding of a transcript is open while another
coder's coding of it is submitted): 404 for what is not theirs, 403 where the role lacks the
capability, and never a byte of what they may not see.

The operations come from the schema itself, so an operation added to the API is in this matrix
the day it is added; one without an entry in REGISTRY fails here until it gets one.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from drf_spectacular.generators import SchemaGenerator

from accounts.models import AuditEvent, Role
from api.services import token_create
from coding.models import CodingKind, UtteranceNote
from tests import factories
from tests.factories import ALL_GLOBALS
from transcripts.models import Transcript

pytestmark = pytest.mark.django_db

OUTSIDER, BLIND = "outsider", "blind_coder"
PERSONAS = (OUTSIDER, BLIND)
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(100)

# Planted where only some may look: in the home agency (hidden from the outsider) and in the
# other coder's coding and the transcripts the blinded coder is not assigned (hidden from them).
HOME = ("HOME-AGENCY-c0ffee", "HOME-PRAC-c0ffee", "HOME-TEAM-c0ffee", "HOME-SESSION-c0ffee")
HIDDEN = ("hidden-coder-c0ffee", "HIDDEN-NOTE-c0ffee", "HIDDEN-SESSION-c0ffee")


@dataclass
class World:
    objects: dict[str, Any]
    secrets: dict[str, str]
    forbidden: dict[str, tuple[str, ...]]


@pytest.fixture
def world(db: None, media_root: object) -> World:
    home = factories.make_agency(slug="home-c0ffee", name="HOME-AGENCY-c0ffee")
    far = factories.make_agency(slug="far", name="Far Agency")
    admin = factories.make_user(home, Role.ADMIN, username="home-admin")
    blind = factories.make_user(home, Role.CODER, username="blind-coder")
    hidden = factories.make_user(home, Role.CODER, username="hidden-coder-c0ffee")
    outsider = factories.make_user(far, Role.ADMIN, username="far-admin")
    team = factories.make_team(home, "HOME-TEAM-c0ffee")
    practitioner = factories.make_practitioner(home, "HOME-PRAC-c0ffee", team=team)

    shared = factories.make_transcript(home, practitioner, title="HOME-SESSION-c0ffee shared")
    theirs = factories.make_coding(
        shared, hidden, codes={1: ["Q"], 3: ["CR"]}, globals_=ALL_GLOBALS, submitted=True
    )
    theirs.notes = "HIDDEN-NOTE-c0ffee"
    theirs.save()
    UtteranceNote.objects.create(
        coding=theirs, utterance=shared.utterances.get(position=1), text="HIDDEN-NOTE-c0ffee"
    )
    mine = factories.make_coding(shared, blind, kind=CodingKind.DOUBLE, codes={1: ["SR"]})
    unassigned = factories.make_transcript(home, practitioner, title="HIDDEN-SESSION-c0ffee")
    factories.make_coding(
        unassigned, hidden, codes={1: ["Q"]}, globals_=ALL_GLOBALS, submitted=True
    )
    second = factories.make_transcript(home, practitioner, title="HOME-SESSION-c0ffee second")
    factories.make_coding(second, hidden, codes={3: ["SR"]}, globals_=ALL_GLOBALS, submitted=True)
    factories.make_coding(
        second,
        admin,
        kind=CodingKind.DOUBLE,
        codes={3: ["CR"]},
        globals_=ALL_GLOBALS,
        submitted=True,
    )

    far_practitioner = factories.make_practitioner(far, "Far Practitioner")
    far_transcript = factories.make_transcript(far, far_practitioner, title="Far session")
    far_coder = factories.make_user(far, Role.CODER, username="far-coder")
    factories.make_coding(
        far_transcript, far_coder, codes={1: ["Q"]}, globals_=ALL_GLOBALS, submitted=True
    )

    def secret(user: Any, agency: Any) -> str:
        return token_create(user=user, agency=agency, name="matrix", scope="write", days=5)[1]

    return World(
        objects={
            "shared": shared,
            "unassigned": unassigned,
            "theirs": theirs,
            "mine": mine,
            "practitioner": practitioner,
            "team": team,
            "home": home,
        },
        secrets={OUTSIDER: secret(outsider, far), BLIND: secret(blind, home)},
        forbidden={OUTSIDER: HOME + HIDDEN, BLIND: HIDDEN},
    )


@pytest.fixture
def media_root(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@dataclass
class Call:
    """How to call one operation against the home agency's objects, and what must come back."""

    expect: dict[str, int]
    path: dict[str, int] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    json: dict[str, Any] | None = None
    files: dict[str, Any] | None = None


def _upload(name: str, data: bytes) -> io.BytesIO:
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def _transcript_body(w: World) -> dict[str, Any]:
    return {
        "title": "Planted by the matrix",
        "practitioner": w.objects["practitioner"].pk,
        "utterances": [{"speaker": "T", "text": "Hello?"}, {"speaker": "C", "text": "Hi."}],
    }


# For each operation id: how to build its call. The outsider aims at the home agency's objects
# (404, or a refusal of the home practitioner as a choice); the blinded coder at the other
# coder's coding and at sessions not theirs (404), and at what a coder's role does not allow (403).
REGISTRY: dict[str, Callable[[World], Call]] = {
    "me_read": lambda w: Call(expect={OUTSIDER: 200, BLIND: 200}),
    "schemes_list": lambda w: Call(expect={OUTSIDER: 200, BLIND: 200}),
    "transcripts_list": lambda w: Call(expect={OUTSIDER: 200, BLIND: 200}),
    "transcripts_read": lambda w: Call(
        path={"id": w.objects["unassigned"].pk}, expect={OUTSIDER: 404, BLIND: 404}
    ),
    "transcripts_create": lambda w: Call(
        json=_transcript_body(w), expect={OUTSIDER: 400, BLIND: 403}
    ),
    "transcripts_import": lambda w: Call(
        files={
            "file": _upload("planted.txt", b"T: Hello?\nC: Hi.\n"),
            "practitioner": w.objects["practitioner"].pk,
        },
        expect={OUTSIDER: 400, BLIND: 403},
    ),
    "transcripts_audio_set": lambda w: Call(
        path={"id": w.objects["shared"].pk},
        files={"file": _upload("planted.wav", WAV)},
        expect={OUTSIDER: 404, BLIND: 403},
    ),
    "transcripts_recordings_import": lambda w: Call(
        files={"file": _upload("planted.wav", WAV), "practitioner": w.objects["practitioner"].pk},
        expect={OUTSIDER: 400, BLIND: 403},
    ),
    "transcripts_transcript_attach": lambda w: Call(
        path={"id": w.objects["shared"].pk},
        files={"file": _upload("planted.txt", b"T: Hello?\nC: Hi.\nT: Hi?\nC: Yes.\n")},
        expect={OUTSIDER: 404, BLIND: 403},
    ),
    "codings_list": lambda w: Call(
        query={"transcript": w.objects["shared"].pk}, expect={OUTSIDER: 200, BLIND: 200}
    ),
    "codings_read": lambda w: Call(
        path={"id": w.objects["theirs"].pk}, expect={OUTSIDER: 404, BLIND: 404}
    ),
    "scores_list": lambda w: Call(expect={OUTSIDER: 200, BLIND: 200}),
    "codes_list": lambda w: Call(
        query={"include_text": "true"}, expect={OUTSIDER: 200, BLIND: 200}
    ),
    "reliability_read": lambda w: Call(
        query={"scheme": "miti-4.2.1"}, expect={OUTSIDER: 200, BLIND: 403}
    ),
    "practitioners_list": lambda w: Call(expect={OUTSIDER: 200, BLIND: 200}),
    "practitioners_dashboard": lambda w: Call(
        path={"id": w.objects["practitioner"].pk}, expect={OUTSIDER: 404, BLIND: 404}
    ),
    "fidelity_read": lambda w: Call(
        query={"team": w.objects["team"].pk}, expect={OUTSIDER: 400, BLIND: 403}
    ),
}


def _operations() -> list[tuple[str, str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (operation["operationId"], method.upper(), path)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    )


OPERATIONS = _operations()


def test_the_schema_is_walked_whole():
    assert len(OPERATIONS) >= len(REGISTRY)
    stale = set(REGISTRY) - {operation_id for operation_id, _, _ in OPERATIONS}
    assert not stale, f"REGISTRY names operations the API no longer has: {sorted(stale)}"


def _send(client: Client, method: str, path: str, call: Call) -> Any:
    url = path.format(**call.path)
    if call.files is not None:
        body = encode_multipart(BOUNDARY, call.files)
        return client.generic(method, url, body, content_type=MULTIPART_CONTENT)
    if call.json is not None:
        return client.generic(method, url, json.dumps(call.json), content_type="application/json")
    return client.generic(method, url, query_params=call.query)


def _state(world: World) -> tuple:
    """What a refused write must leave as it was."""
    shared = Transcript.objects.get(pk=world.objects["shared"].pk)
    return (
        Transcript.objects.filter(agency=world.objects["home"]).count(),
        shared.audio.name,
        AuditEvent.objects.filter(action__startswith="transcript.").count(),
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("operation_id", "method", "path"), OPERATIONS)
def test_every_operation_keeps_to_the_agency_and_the_blinding(
    world: World, persona: str, operation_id: str, method: str, path: str
) -> None:
    build = REGISTRY.get(operation_id)
    if build is None:
        pytest.fail(
            f"{method} {path} ({operation_id}) has no entry in REGISTRY: add it to the registry "
            "with the call that aims it at another agency's objects and at a blinded coding."
        )
    call = build(world)
    client = Client(headers={"Authorization": f"Bearer {world.secrets[persona]}"})
    before = _state(world)
    response = _send(client, method, path, call)
    assert response.status_code == call.expect[persona], response.content[:500]
    assert response["Cache-Control"] == "no-store"
    if response.status_code >= 400:
        assert response["Content-Type"] == "application/problem+json"
        assert _state(world) == before
    body = response.content.decode()
    for marker in world.forbidden[persona]:
        assert marker not in body, f"{operation_id} shows {marker!r} to the {persona}"
    if "{id}" in path and response.status_code == 404:
        # The same answer as for an id nobody has: existence does not leak either.
        nobody = _send(client, method, path, Call(expect={}, path={"id": 10**9}, files=call.files))
        assert nobody.status_code == 404


def test_the_blinded_coder_still_sees_their_own_work(world: World) -> None:
    client = Client(headers={"Authorization": f"Bearer {world.secrets[BLIND]}"})
    mine = world.objects["mine"]
    assert client.get(f"/api/v1/codings/{mine.pk}/").status_code == 200
    listed = client.get("/api/v1/codings/").json()["results"]
    assert [row["id"] for row in listed] == [mine.pk]
    shared = client.get(f"/api/v1/transcripts/{world.objects['shared'].pk}/")
    assert shared.status_code == 200
