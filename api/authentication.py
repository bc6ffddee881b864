"""Personal access tokens sent as ``Authorization: Bearer <token>``.

A request acts as the token's owner, confined to the token's agency and to the role the owner
holds there *now*: a removed membership or a lowered role takes effect on the next request.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from accounts.access import confine_to_agency, roles_by_agency
from accounts.models import User
from api.models import AccessToken
from api.services import token_touch
from api.tokens import TOKEN_MARK, looks_like_token, token_digest

KEYWORD = "Bearer"


def _failed(message: str, code: str) -> AuthenticationFailed:
    return AuthenticationFailed(
        f"{message} Create a token under API tokens in the user menu ({reverse('api:tokens')}).",
        code=code,
    )


class BearerTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[User, AccessToken] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        scheme, _, value = header.strip().partition(" ")
        value = value.strip()
        if scheme.lower() != KEYWORD.lower() or not value:
            raise _failed(
                f"Send the token as 'Authorization: {KEYWORD} <token>'.", "malformed_authorization"
            )
        if not looks_like_token(value):
            raise _failed(
                f"That is not a token of this service (they begin {TOKEN_MARK}).", "token_invalid"
            )
        token = (
            AccessToken.objects.select_related("user", "agency")
            .filter(digest=token_digest(value))
            .first()
        )
        if token is None:
            raise _failed(
                "This token is not known: mistyped, or deleted with its owner.", "token_invalid"
            )
        now = timezone.now()
        if token.revoked_at is not None:
            raise _failed(
                f"This token was revoked on {token.revoked_at:%Y-%m-%d}.", "token_revoked"
            )
        if token.expires_at <= now:
            raise _failed(f"This token expired on {token.expires_at:%Y-%m-%d}.", "token_expired")
        user = token.user
        if not user.is_active:
            raise _failed("The account this token belongs to is deactivated.", "account_inactive")
        confine_to_agency(user, token.agency_id)
        if not roles_by_agency(user):
            raise _failed(
                f"The owner of this token is no longer a member of {token.agency.name}.",
                "not_a_member",
            )
        token_touch(token=token, now=now)
        return user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{KEYWORD} realm="api"'
