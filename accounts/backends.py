"""Signing in with a user name and password, and finding the signed-in user again on each
request together with their roles and agencies, in one query.

Nearly every request asks what the user may do where (accounts/access.py), so reading the
memberships with the user saves a query on every page and on every keystroke's save.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from accounts.access import remember_memberships
from accounts.models import Membership, User
from mi_coding.ids import parse_id


class MembershipBackend(ModelBackend):
    def get_user(self, user_id: object) -> User | None:
        pk = parse_id(user_id)
        if pk is None:
            return None
        memberships = list(
            Membership.objects.filter(user_id=pk).select_related("user", "agency").order_by()
        )
        if not memberships:
            return super().get_user(pk)
        user = memberships[0].user
        if not self.user_can_authenticate(user):
            return None
        remember_memberships(user, memberships)
        return user
