import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Agency, Membership, Practitioner, Role, Team, User
from accounts.services import agency_create

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_create_agency_creates_it_and_prints_it() -> None:
    out = run("create_agency", "north", "--name", "North Clinic")
    assert Agency.objects.get(slug="north").name == "North Clinic"
    assert "north" in out


def test_create_agency_refuses_a_duplicate_slug_with_one_line() -> None:
    run("create_agency", "north", "--name", "North Clinic")
    with pytest.raises(CommandError, match="already exists") as excinfo:
        run("create_agency", "north", "--name", "Another")
    assert "\n" not in str(excinfo.value)
    assert Agency.objects.get(slug="north").name == "North Clinic"


def test_create_user_reads_password_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    run("create_agency", "north", "--name", "North Clinic")
    monkeypatch.setenv("MI_PASSWORD", "a-long-secret-phrase")
    run("create_user", "maria", "--agency", "north", "--role", "supervisor", "--email", "m@x.org")
    user = User.objects.get(username="maria")
    assert user.check_password("a-long-secret-phrase")
    assert user.email == "m@x.org"
    assert Membership.objects.get(user=user).role == Role.SUPERVISOR


def test_create_user_without_password_gets_no_usable_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MI_PASSWORD", raising=False)
    run("create_agency", "north", "--name", "North Clinic")
    run("create_user", "carl", "--agency", "north", "--role", "coder")
    assert not User.objects.get(username="carl").has_usable_password()


def test_a_user_may_hold_roles_in_several_agencies() -> None:
    run("create_agency", "north", "--name", "North Clinic")
    run("create_agency", "south", "--name", "South Clinic")
    run("create_user", "carl", "--agency", "north", "--role", "coder")
    run("create_user", "carl", "--agency", "south", "--role", "researcher")
    roles = dict(
        Membership.objects.filter(user__username="carl").values_list("agency__slug", "role")
    )
    assert roles == {"north": "coder", "south": "researcher"}


def test_create_user_refuses_unknown_role_and_agency() -> None:
    run("create_agency", "north", "--name", "North Clinic")
    with pytest.raises(CommandError):
        run("create_user", "carl", "--agency", "north", "--role", "boss")
    with pytest.raises(CommandError, match="no agency with slug 'nowhere'"):
        run("create_user", "carl", "--agency", "nowhere", "--role", "coder")
    assert not User.objects.filter(username="carl").exists()


def test_create_practitioner_prints_id_and_name_and_links_user_and_team() -> None:
    run("create_agency", "north", "--name", "North Clinic")
    run("create_user", "dana", "--agency", "north", "--role", "practitioner")
    out = run(
        "create_practitioner",
        "Dana Reyes",
        "--agency",
        "north",
        "--user",
        "dana",
        "--team",
        "Outpatient",
    )
    practitioner = Practitioner.objects.get(display_name="Dana Reyes")
    assert out.strip() == f"practitioner {practitioner.pk}: Dana Reyes"
    assert practitioner.user.username == "dana"
    assert practitioner.team == Team.objects.get(agency__slug="north", name="Outpatient")


def test_create_practitioner_refuses_a_user_outside_the_agency_and_leaves_no_team() -> None:
    run("create_agency", "north", "--name", "North Clinic")
    run("create_agency", "south", "--name", "South Clinic")
    run("create_user", "sam", "--agency", "south", "--role", "practitioner")
    with pytest.raises(CommandError, match="not a member of north"):
        run("create_practitioner", "Sam", "--agency", "north", "--user", "sam", "--team", "New")
    assert not Practitioner.objects.exists()
    assert not Team.objects.exists()


def test_create_practitioner_refuses_a_duplicate_name() -> None:
    run("create_agency", "north", "--name", "North Clinic")
    run("create_practitioner", "Dana Reyes", "--agency", "north")
    with pytest.raises(CommandError, match="already exists"):
        run("create_practitioner", "Dana Reyes", "--agency", "north")
    assert Practitioner.objects.count() == 1


@pytest.mark.parametrize(
    ("slug", "name", "message"),
    [
        ("", "North Clinic", "an agency needs a slug"),
        ("north/east", "North Clinic", "agency slug 'north/east' may hold only letters"),
        ("north east", "North Clinic", "agency slug 'north east' may hold only letters"),
        ("north", "", "an agency needs a name"),
        ("north", "   ", "an agency needs a name"),
    ],
)
def test_create_agency_refuses_a_bad_slug_or_name_with_one_line(
    slug: str, name: str, message: str
) -> None:
    with pytest.raises(CommandError, match=re.escape(message)) as excinfo:
        run("create_agency", slug, "--name", name)
    assert "\n" not in str(excinfo.value)
    assert not Agency.objects.exists()


def test_agency_create_refuses_a_bad_slug_for_every_caller() -> None:
    with pytest.raises(ValidationError, match="agency slug 'a b'"):
        agency_create(slug="a b", name="Clinic")
    assert not Agency.objects.exists()


def test_create_user_refuses_an_invalid_username_with_one_line() -> None:
    run("create_agency", "north", "--name", "North Clinic")
    with pytest.raises(CommandError, match=re.escape("username 'bad user!' is not valid")) as exc:
        run("create_user", "bad user!", "--agency", "north", "--role", "coder")
    assert "\n" not in str(exc.value)
    assert not User.objects.exists()
    assert not Membership.objects.exists()


def test_create_user_refuses_a_weak_password_with_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run("create_agency", "north", "--name", "North Clinic")
    monkeypatch.setenv("MI_PASSWORD", "1")
    with pytest.raises(CommandError, match="^password refused: .*too short") as excinfo:
        run("create_user", "carl", "--agency", "north", "--role", "coder")
    assert "\n" not in str(excinfo.value)
    assert not User.objects.filter(username="carl").exists()


def test_create_user_keeps_an_existing_password_when_the_new_one_is_weak(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run("create_agency", "north", "--name", "North Clinic")
    monkeypatch.setenv("MI_PASSWORD", "a-long-secret-phrase")
    run("create_user", "carl", "--agency", "north", "--role", "coder")
    monkeypatch.setenv("MI_PASSWORD", "carl")
    with pytest.raises(CommandError, match="password refused"):
        run("create_user", "carl", "--agency", "north", "--role", "admin")
    user = User.objects.get(username="carl")
    assert user.check_password("a-long-secret-phrase")
    assert Membership.objects.get(user=user).role == Role.CODER
