"""Named personas shared by every test: one home agency with a person in every role, and an
outsider who is admin of another agency."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.test import Client

from accounts.models import Agency, Practitioner, Role, User
from tests import factories


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: object) -> None:
    # Real hashing is deliberately slow; tests only need passwords to check.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _media_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Recordings stored by tests (the demo's among them) never land in the checkout's var/.
    Set for the whole session, before any module's fixtures store a file."""
    from django.test import override_settings

    override = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media")))
    override.enable()
    yield
    override.disable()


@pytest.fixture(autouse=True)
def _fresh_login_throttle(request: pytest.FixtureRequest) -> Iterator[None]:
    """Failed sign-ins counted in one test never lock anyone out in another."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if marker is None and not names & {"db", "transactional_db", "live_server"}:
        yield
        return
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        names & {"transactional_db", "live_server"}
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from axes.utils import reset

    reset()
    yield
    reset()


@pytest.fixture
def agency(db: None) -> Agency:
    return factories.make_agency(slug="home", name="Home Agency")


@pytest.fixture
def other_agency(db: None) -> Agency:
    return factories.make_agency(slug="elsewhere", name="Elsewhere Agency")


@pytest.fixture
def admin_user(agency: Agency) -> User:
    return factories.make_user(agency, Role.ADMIN, username="adele")


@pytest.fixture
def supervisor(agency: Agency) -> User:
    return factories.make_user(agency, Role.SUPERVISOR, username="sofia")


@pytest.fixture
def coder(agency: Agency) -> User:
    return factories.make_user(agency, Role.CODER, username="ana")


@pytest.fixture
def coder2(agency: Agency) -> User:
    return factories.make_user(agency, Role.CODER, username="ben")


@pytest.fixture
def researcher(agency: Agency) -> User:
    return factories.make_user(agency, Role.RESEARCHER, username="rita")


@pytest.fixture
def practitioner_user(agency: Agency) -> User:
    return factories.make_user(agency, Role.PRACTITIONER, username="dana")


@pytest.fixture
def practitioner(agency: Agency, practitioner_user: User) -> Practitioner:
    return factories.make_practitioner(agency, "Dana Reyes", user=practitioner_user)


@pytest.fixture
def other_practitioner(agency: Agency) -> Practitioner:
    return factories.make_practitioner(agency, "Sam Okafor")


@pytest.fixture
def outsider(other_agency: Agency) -> User:
    return factories.make_user(other_agency, Role.ADMIN, username="otto")


@pytest.fixture
def client_for(db: None) -> Callable[[User], Client]:
    """A test client signed in as the given user."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
