"""Worlds for the URL matrices, built once per test module inside a transaction that is rolled
back when the module is done; each test runs in a savepoint of its own within it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import override_settings

from tests.urlconf.world import World, build_world

FAST_HASHING = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def module_db(django_db_setup: None, django_db_blocker, tmp_path_factory) -> Iterator[None]:
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=FAST_HASHING),
        transaction.atomic(),
    ):
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def worlds(module_db: None) -> tuple[World, World]:
    """Two complete agencies: "home" and "elsewhere"."""
    return build_world("home", "zqhomemark"), build_world("elsewhere", "zqelsewheremark")
