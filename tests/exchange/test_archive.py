"""export_archive / import_archive: one agency, whole, moved between databases."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.apps import apps
from django.core.management.base import CommandError
from django.db import connection

from accounts.models import Agency, AuditEvent, Membership, User
from accounts.services import audit_record, membership_remove
from coding.models import Code, Coding, CodingKind, CodingScheme, SummaryScore, UtteranceNote
from coding.services.schemes import scheme_load, threshold_set
from coding.services.volleys import volley_note_set
from exchange.archive.columns import columns
from exchange.archive.registry import ENTRIES, ENTRY_BY_LABEL, NOT_ARCHIVED
from tests import factories
from tests.exchange.conftest import TALK_SCHEME, run
from tests.factories import ALL_GLOBALS
from transcripts.models import SpeakerRole, Transcript
from transcripts.parsers import Source, parse_source
from transcripts.services import transcript_attach
from workflow.models import Assignment, ReliabilitySet

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PROJECT_APPS = {"accounts", "transcripts", "coding", "workflow", "reliability", "dashboards"}
PROJECT_APPS.add("exchange")
PROJECT_APPS.add("suggestions")


@pytest.fixture
def rich(
    agency,
    other_agency,
    admin_user,
    supervisor,
    coder,
    coder2,
    researcher,
    practitioner,
    other_practitioner,
    outsider,
    talk_scheme,
):
    """An agency using every model the archive holds, and a neighbour that must stay out."""
    miti = factories.miti()
    team = factories.make_team(agency, "Outpatient")
    practitioner.team = team
    practitioner.save()
    own_scheme, _ = scheme_load(definition={**TALK_SCHEME, "slug": "home-talk"}, agency=agency)
    first = factories.make_transcript(agency, practitioner, title="Quit date — “first”")
    first.audio.name = f"audio/{agency.pk}/quit-date.mp3"
    first.segment_start, first.segment_end = 1.25, 600.5
    first.save()
    untitled = factories.make_transcript(agency, other_practitioner, with_times=False)
    primary = factories.make_coding(
        first, coder, codes={1: ["Q"], 3: ["CR", "AF"]}, globals_=ALL_GLOBALS, submitted=True
    )
    double = factories.make_coding(first, coder2, kind=CodingKind.DOUBLE, codes={1: ["SR"]})
    factories.make_coding(untitled, coder, scheme=talk_scheme, codes={2: ["CT"]}, assign=False)
    factories.make_coding(untitled, coder2, scheme=own_scheme, codes={1: ["AF"]}, assign=False)
    UtteranceNote.objects.create(
        coding=primary, utterance=first.utterances.get(position=3), text="Reflection ✓\nsecond"
    )
    threshold_set(
        agency=agency,
        summary_score=SummaryScore.objects.get(scheme=miti, slug="r_q"),
        fair=0.8,
        good=1.5,
    )
    sample = ReliabilitySet.objects.create(
        agency=agency, name="Q1 sample", scheme=miti, seed=42, percent=20.0, created_by=supervisor
    )
    sample.transcripts.set([first, untitled])
    Assignment.objects.filter(coding=double).update(
        reliability_set=sample, due_date=datetime.date(2026, 4, 1), assigned_by=supervisor
    )
    audit_record(actor=supervisor, action="coding.reopen", agency=agency, target=primary)
    audit_record(actor=admin_user, action="member.note", agency=agency, target=coder)
    gone = factories.make_team(agency, "Gone")
    audit_record(actor=admin_user, action="team.delete", agency=agency, target=gone)
    gone.delete()
    # A coder who left keeps their coding, so their account travels with the agency.
    leaver = factories.make_user(agency, username="lena")
    factories.make_coding(untitled, leaver, kind=CodingKind.DOUBLE, assign=False)
    membership_remove(membership=Membership.objects.get(user=leaver), actor=admin_user)
    neighbour = factories.make_transcript(other_agency, title="Neighbour session")
    factories.make_coding(neighbour, outsider)
    return agency


def archive_of(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def table(archive: dict, label: str) -> list[dict]:
    (found,) = [t for t in archive["models"] if t["model"] == label]
    return [dict(zip(found["fields"], row, strict=True)) for row in found["rows"]]


def test_every_model_of_the_project_is_archived_or_named_as_shared():
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS or model._meta.auto_created:
            continue
        label = model._meta.label_lower
        assert label in ENTRY_BY_LABEL or label in NOT_ARCHIVED, (
            f"{label} is agency data the archive does not hold: add an Entry for it in "
            "exchange/archive/registry.py (or name it in NOT_ARCHIVED with the reason)"
        )
    for entry in ENTRIES:
        assert columns(entry.model)


def test_archive_holds_the_agency_whole_and_nothing_of_other_agencies(rich, tmp_path):
    path = tmp_path / "home.json"
    out = run("export_archive", "--agency", "home", "--output", str(path))
    assert out.startswith("agency home: archive written to")
    archive = archive_of(path)
    assert archive["format"] == "mi-coding-agency-archive" and archive["version"] == 1
    assert archive["agency"]["slug"] == "home"
    users = {row[0]: dict(zip(archive["users"]["fields"], row, strict=True)) for row in
             archive["users"]["rows"]}  # fmt: skip
    assert set(users) == {"adele", "sofia", "ana", "ben", "rita", "dana", "lena"}
    assert users["ana"]["password"] == User.objects.get(username="ana").password
    assert {m["user"] for m in table(archive, "accounts.membership")} == set(users) - {"lena"}
    assert {s["slug"]: s["owner"] for s in archive["schemes"]} == {
        "home-talk": "agency",
        "mi-talk": "shared",
        "miti-4.2.1": "shared",
    }
    titles = [t["title"] for t in table(archive, "transcripts.transcript")]
    assert titles == ["Quit date — “first”", ""]
    assert table(archive, "transcripts.transcript")[0]["audio"].endswith("quit-date.mp3")
    assert table(archive, "workflow.reliabilityset")[0]["transcripts"] == [1, 2]
    assert table(archive, "coding.thresholdoverride") == [
        {"summary_score": ["miti-4.2.1", "r_q"], "fair": 0.8, "good": 1.5}
    ]
    assert "Neighbour session" not in path.read_text(encoding="utf-8")
    assert "otto" not in users
    # The export is recorded after the file is written, so the file does not hold it.
    assert AuditEvent.objects.filter(action="export.archive", agency=rich).count() == 1
    assert "export.archive" not in path.read_text(encoding="utf-8")


def test_audit_references_do_not_depend_on_database_ids(rich, tmp_path):
    path = tmp_path / "home.json"
    run("export_archive", "--agency", "home", "--output", str(path))
    events = {e["action"]: e for e in table(archive_of(path), "accounts.auditevent")}
    assert events["coding.reopen"]["object_id"] == ["row", 1]
    assert events["coding.reopen"]["actor"] == "sofia"
    assert events["member.note"]["object_id"] == ["user", "ana"]
    # A deleted object keeps the id it had, as the log recorded it.
    gone = AuditEvent.objects.get(action="team.delete")
    assert events["team.delete"]["object_id"] == gone.object_id


def test_import_refuses_a_database_that_has_the_agency(rich, tmp_path):
    path = tmp_path / "home.json"
    run("export_archive", "--agency", "home", "--output", str(path))
    with pytest.raises(CommandError, match="this database already has an agency 'home'"):
        run("import_archive", str(path))


def test_a_failing_restore_leaves_the_database_as_it_was(rich, tmp_path):
    path = tmp_path / "home.json"
    run("export_archive", "--agency", "home", "--output", str(path))
    archive = archive_of(path)
    archive["agency"]["slug"] = "copy"
    for scheme in archive["schemes"]:
        if scheme["owner"] == "agency":
            scheme["slug"] = scheme["definition"]["slug"] = "copy-talk"
    text = json.dumps(archive).replace('["home-talk"', '["copy-talk"')
    broken = json.loads(text)
    events = next(t for t in broken["models"] if t["model"] == "accounts.auditevent")
    events["rows"][-1][0] = "ghost"
    broken_path = tmp_path / "broken.json"
    broken_path.write_text(json.dumps(broken), encoding="utf-8")
    counts = (Agency.objects.count(), Transcript.objects.count(), Coding.objects.count())
    with pytest.raises(CommandError, match="user 'ghost' is not in the archive's users"):
        run("import_archive", str(broken_path))
    assert (Agency.objects.count(), Transcript.objects.count(), Coding.objects.count()) == counts
    assert not Agency.objects.filter(slug="copy").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", r"bad\.json: line 1: not valid JSON"),
        (b'{"format": "something else"}', r"bad\.json is not an agency archive"),
        (
            b'{"format": "mi-coding-agency-archive", "version": 99}',
            r"bad\.json is archive version 99; this version of the application reads version 1",
        ),
        (b"\xff\xfe\x00", r"bad\.json is not UTF-8 text"),
    ],
)
def test_import_refuses_files_that_are_not_archives(db, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run("import_archive", str(path))
    with pytest.raises(CommandError, match="missing.json: no such file"):
        run("import_archive", str(tmp_path / "missing.json"))


# ---------------------------------------------------------------- across databases


def _postgres_admin_url() -> str:
    """The server the suite runs on, else MI_TEST_POSTGRES_URL's, else the local one."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = os.environ.get("MI_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/x")
    return url.rsplit("/", 1)[0] + "/postgres"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A new, empty PostgreSQL database of this suite's own, dropped afterwards."""
    name = f"mi_exchange_archive_{uuid.uuid4().hex[:10]}"
    admin = _postgres_admin_url()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _environment(database_url: str, var_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "MI_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "mi_coding.settings",
    }


def manage(database_url: str, var_dir: Path, *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=_environment(database_url, var_dir),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stderr}"
    return result.stdout


def migrate_all(targets: list[tuple[str, Path]]) -> None:
    """Migrate the empty databases side by side: most of a migrate is waiting on disk."""
    running = [
        subprocess.Popen(  # noqa: S603 - our own manage.py with fixed arguments
            [sys.executable, str(ROOT / "manage.py"), "migrate", "--no-input", "-v", "0"],
            cwd=ROOT,
            env=_environment(url, var_dir),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for url, var_dir in targets
    ]
    for process in running:
        _out, err = process.communicate(timeout=300)
        assert process.returncode == 0, f"migrate failed:\n{err}"


def test_archive_crosses_between_sqlite_and_postgresql_and_comes_back_byte_for_byte(
    rich, tmp_path, postgres_url
):
    original = tmp_path / "original.json"
    run("export_archive", "--agency", "home", "--output", str(original))
    # The archive was written from this suite's database; it goes to the other kind of
    # database first and then back, so both directions are crossed whichever runs the suite.
    sqlite = ("sqlite", f"sqlite:///{tmp_path / 'restored.sqlite3'}")
    postgresql = ("postgresql", postgres_url)
    hops = [sqlite, postgresql] if connection.vendor == "postgresql" else [postgresql, sqlite]
    for name, _url in hops:
        (tmp_path / f"var-{name}").mkdir()
    migrate_all([(url, tmp_path / f"var-{name}") for name, url in hops])
    previous = original
    for name, url in hops:
        var_dir = tmp_path / f"var-{name}"
        out = manage(url, var_dir, "import_archive", str(previous))
        assert out.startswith("agency home: restored (7 users created, 0 reused")
        again = tmp_path / f"{name}.json"
        manage(url, var_dir, "export_archive", "--agency", "home", "--output", str(again))
        assert again.read_bytes() == original.read_bytes(), f"{name} changed the archive"
        previous = again


def test_import_refuses_to_borrow_a_scheme_another_agency_owns(rich, tmp_path):
    path = tmp_path / "home.json"
    run("export_archive", "--agency", "home", "--output", str(path))
    archive = archive_of(path)
    archive["agency"]["slug"] = "copy"
    for scheme in archive["schemes"]:
        scheme["owner"] = "shared"
    path.write_text(json.dumps(archive), encoding="utf-8")
    with pytest.raises(CommandError, match="coding scheme 'home-talk' belongs to an agency"):
        run("import_archive", str(path))
    assert not Agency.objects.filter(slug="copy").exists()


def test_import_names_an_invalid_value(rich, tmp_path):
    path = tmp_path / "home.json"
    run("export_archive", "--agency", "home", "--output", str(path))
    archive = archive_of(path)
    archive["agency"]["slug"] = "copy"
    archive["schemes"] = [s for s in archive["schemes"] if s["owner"] == "shared"]
    archive["agency"]["created_at"] = "last tuesday"
    path.write_text(json.dumps(archive), encoding="utf-8")
    with pytest.raises(CommandError, match="home.json: the archive holds an invalid value"):
        run("import_archive", str(path))


def _copy_with_code_added(path: Path, tmp_path: Path, ghost: bool = False) -> Path:
    """The archive of ``home`` as agency ``copy``, whose shared MITI 4.2.1 has a code (added
    there with load_scheme) that this database's lacks, and a name this database's keeps."""
    archive = archive_of(path)
    archive["agency"]["slug"] = "copy"
    for scheme in archive["schemes"]:
        if scheme["owner"] == "agency":
            scheme["slug"] = scheme["definition"]["slug"] = "copy-talk"
        if scheme["slug"] == "miti-4.2.1":
            codes = scheme["definition"]["dimensions"][0]["codes"]
            codes.append({"abbreviation": "X1", "name": "Self-disclosure", "key": "d"})
            codes[0]["name"] = "Not taken"
    archive = json.loads(json.dumps(archive).replace('["home-talk"', '["copy-talk"'))
    if ghost:
        events = next(t for t in archive["models"] if t["model"] == "accounts.auditevent")
        events["rows"][-1][0] = "ghost"
    copy = tmp_path / "copy.json"
    copy.write_text(json.dumps(archive), encoding="utf-8")
    return copy


def test_import_gives_a_shared_scheme_the_codes_the_archive_adds(rich, tmp_path):
    path = tmp_path / "home.json"
    run("export_archive", "--agency", "home", "--output", str(path))
    scheme = CodingScheme.objects.get(slug="miti-4.2.1")
    before = list(scheme.codes.order_by("pk").values_list("abbreviation", "name", "key"))
    output = run("import_archive", str(_copy_with_code_added(path, tmp_path)))
    assert "coding scheme miti-4.2.1: given the codes the archive adds to it" in output
    after = list(scheme.codes.order_by("pk").values_list("abbreviation", "name", "key"))
    assert after == [*before, ("X1", "Self-disclosure", "d")]


def test_a_failing_restore_adds_no_code_to_a_shared_scheme(rich, tmp_path):
    path = tmp_path / "home.json"
    run("export_archive", "--agency", "home", "--output", str(path))
    with pytest.raises(CommandError, match="user 'ghost'"):
        run("import_archive", str(_copy_with_code_added(path, tmp_path, ghost=True)))
    assert not Code.objects.filter(abbreviation="X1").exists()


def test_the_volleys_of_a_coding_from_audio_travel_with_their_codes(
    agency, practitioner, coder, tmp_path
):
    session = factories.make_audio_session(agency, practitioner, seconds=900)
    coding = factories.make_audio_coding(
        session, coder, volleys=[(1500, "practitioner", ["Q"]), (4000, "client", [])]
    )
    volley_note_set(
        coding=coding, volley_id=coding.volleys.get(start_ms=4000).pk, text="Sustain talk here"
    )
    path = tmp_path / "home.json"
    run("export_archive", "--agency", "home", "--output", str(path))
    archive = archive_of(path)
    (transcript,) = table(archive, "transcripts.transcript")
    assert (transcript["source_format"], transcript["audio_seconds"]) == ("audio", 900.0)
    assert table(archive, "coding.coding")[0]["coded_from"] == "audio"
    volleys = table(archive, "coding.volley")
    assert [(v["start_ms"], v["speaker_role"]) for v in volleys] == [
        (1500, "practitioner"),
        (4000, "client"),
    ]
    (code,) = table(archive, "coding.utterancecode")
    assert code["utterance"] is None and code["volley"] is not None
    (note,) = table(archive, "coding.utterancenote")
    assert (note["utterance"], note["text"]) == (None, "Sustain talk here")
    assert note["volley"] is not None


def test_a_session_given_its_transcript_later_travels_with_both_kinds_of_unit(
    agency, practitioner, coder, coder2, tmp_path
):
    session = factories.make_audio_session(agency, practitioner, seconds=900)
    recorded = factories.make_audio_coding(
        session, coder, volleys=[(1500, "practitioner", ["Q"])], globals_=ALL_GLOBALS
    )
    volley_note_set(coding=recorded, volley_id=recorded.volleys.get().pk, text="Nice question")
    Coding.objects.filter(pk=recorded.pk).update(
        status="submitted", submitted_at=datetime.datetime(2026, 3, 2, tzinfo=datetime.UTC)
    )
    session = transcript_attach(
        transcript=session,
        parsed=parse_source(
            Source(
                name="later.txt",
                data=b"Dana: Why now?\nMarcus: Time.\nDana: Time matters.\nMarcus: Yes.\n",
            )
        ),
        speaker_roles={"Dana": SpeakerRole.PRACTITIONER, "Marcus": SpeakerRole.CLIENT},
    )
    factories.make_coding(session, coder2, codes={1: ["SR"]}, globals_=ALL_GLOBALS, submitted=True)
    path = tmp_path / "home.json"
    run("export_archive", "--agency", "home", "--output", str(path))
    archive = archive_of(path)
    archive["agency"]["slug"] = "copy"
    path.write_text(json.dumps(archive), encoding="utf-8")
    run("import_archive", str(path))
    copied = Transcript.objects.get(agency__slug="copy")
    assert (copied.source_format, copied.audio_seconds) == ("txt", 900.0)
    assert list(copied.utterances.values_list("text", flat=True)) == [
        "Why now?",
        "Time.",
        "Time matters.",
        "Yes.",
    ]
    by_coder = {c.coder.username: c for c in copied.codings.all()}
    from_audio, from_text = by_coder[coder.username], by_coder[coder2.username]
    assert (from_audio.coded_from, from_text.coded_from) == ("audio", "transcript")
    assert [(c.volley.start_ms, c.code.abbreviation) for c in from_audio.utterance_codes.all()] == [
        (1500, "Q")
    ]
    assert [
        (c.utterance.position, c.code.abbreviation) for c in from_text.utterance_codes.all()
    ] == [(1, "SR")]
    (note,) = from_audio.utterance_notes.all()
    assert (note.volley.start_ms, note.utterance, note.text) == (1500, None, "Nice question")
