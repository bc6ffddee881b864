"""Tokens and clients for the API tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.test import Client

from accounts.models import Agency, Membership, User
from api.services import token_create


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    # Rate limits are counted in the cache, which outlives a test's database transaction.
    cache.clear()


@pytest.fixture
def token_for(db: None) -> Callable[..., str]:
    """A new token's secret for ``user`` in ``agency`` (default: their first agency)."""

    def make(user: User, agency: Agency | None = None, scope: str = "read", days: int = 30) -> str:
        if agency is None:
            agency = Membership.objects.filter(user=user).order_by("pk").first().agency
        _, secret = token_create(
            user=user, agency=agency, name="test token", scope=scope, days=days
        )
        return secret

    return make


@pytest.fixture
def api_client() -> Callable[[str], Client]:
    """A client sending ``Authorization: Bearer <secret>`` with every request."""

    def make(secret: str) -> Client:
        return Client(headers={"Authorization": f"Bearer {secret}"})

    return make


@pytest.fixture
def api_as(token_for: Callable[..., str], api_client: Callable[[str], Client]) -> Callable:
    def make(user: User, scope: str = "read", agency: Agency | None = None) -> Client:
        return api_client(token_for(user, agency=agency, scope=scope))

    return make
