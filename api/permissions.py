"""What a token may do: read always, write only with the write scope; and, within its agency,
what the owner's role allows (accounts/access.py), asked for in the owner's words."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from accounts.access import ROLE_CAPS, Cap, can, role_in
from accounts.models import Agency, Role
from api.models import AccessToken

if TYPE_CHECKING:
    from rest_framework.views import APIView

DOING = {
    Cap.MANAGE_TRANSCRIPTS: "add transcripts or their audio",
    Cap.RELIABILITY: "compute reliability",
    Cap.DASHBOARDS: "read practitioners' dashboards and the fidelity overview",
    Cap.EXPORT: "export the agency's scores and codes",
}


class TokenScope(BasePermission):
    """A request needs a token; a write needs the write scope."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        token = request.auth
        if not isinstance(token, AccessToken):
            return False
        if request.method in SAFE_METHODS or token.can_write:
            return True
        raise PermissionDenied(
            "This token may only read. Create a token with the write scope to change anything.",
            code="read_only_token",
        )


def token_of(request: Request) -> AccessToken:
    return request.auth


def agency_with(request: Request, cap: Cap) -> Agency:
    """The token's agency, if the owner's role there grants ``cap``; 403 naming the role and
    the roles that may, otherwise."""
    agency = token_of(request).agency
    if not can(request.user, agency.pk, cap):
        role = role_in(request.user, agency.pk)
        allowed = [Role(r).label.lower() for r, caps in ROLE_CAPS.items() if cap in caps]
        raise PermissionDenied(
            f"As {Role(role).label.lower()} in {agency.name} you cannot "
            f"{DOING.get(cap, cap.value.replace('_', ' '))}; that needs the role of "
            f"{' or '.join(allowed)}.",
            code="role",
        )
    return agency
