"""Rate limits per token (MI_API_RATE for every request, MI_API_WRITE_RATE for writes), kept in
Django's cache so that every app server counts together where the cache is shared."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from api.models import AccessToken

if TYPE_CHECKING:
    from rest_framework.views import APIView


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"
    setting = "MI_API_RATE"

    def get_rate(self) -> str:
        # Read on each request rather than once at import, so a changed setting applies.
        return getattr(settings, self.setting)

    def applies(self, request: Request) -> bool:
        return True

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        token = request.auth
        if not isinstance(token, AccessToken) or not self.applies(request):
            return None
        # The digest, not the id: ids are reused by rolled-back test transactions and restores.
        return self.cache_format % {"scope": self.scope, "ident": token.digest[:32]}


class TokenWriteRateThrottle(TokenRateThrottle):
    scope = "token_write"
    setting = "MI_API_WRITE_RATE"

    def applies(self, request: Request) -> bool:
        return request.method not in SAFE_METHODS
