"""Rules on memberships, held by the services whatever page or command calls them."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import AuditEvent, Membership, Role
from accounts.services import membership_remove
from tests import factories

pytestmark = pytest.mark.django_db


def test_an_admin_cannot_remove_their_own_membership_even_with_other_admins(agency, admin_user):
    factories.make_user(agency, Role.ADMIN, username="second-admin")
    own = Membership.objects.get(user=admin_user, agency=agency)
    with pytest.raises(ValidationError, match="nobody can remove their own membership"):
        membership_remove(membership=own, actor=admin_user)
    assert Membership.objects.filter(pk=own.pk).exists()
    assert not AuditEvent.objects.filter(action="membership.remove").exists()


def test_a_member_cannot_remove_themselves_whatever_their_role(agency, coder):
    own = Membership.objects.get(user=coder, agency=agency)
    with pytest.raises(ValidationError, match="nobody can remove their own membership"):
        membership_remove(membership=own, actor=coder)
    assert Membership.objects.filter(pk=own.pk).exists()


def test_another_admin_removes_a_member_and_it_is_audited(agency, admin_user, coder):
    membership = Membership.objects.get(user=coder, agency=agency)
    membership_remove(membership=membership, actor=admin_user)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    event = AuditEvent.objects.get(action="membership.remove")
    assert (event.actor, event.agency, event.details["username"]) == (admin_user, agency, "ana")


def test_the_last_admin_cannot_be_removed(agency, admin_user):
    membership = Membership.objects.get(user=admin_user, agency=agency)
    with pytest.raises(ValidationError, match="at least one admin"):
        membership_remove(membership=membership, actor=None)
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_removing_a_membership_already_gone_changes_nothing(agency, admin_user, coder):
    membership = Membership.objects.get(user=coder, agency=agency)
    Membership.objects.filter(pk=membership.pk).delete()
    with pytest.raises(ValidationError, match="no longer a member"):
        membership_remove(membership=membership, actor=admin_user)
    assert not AuditEvent.objects.filter(action="membership.remove").exists()


def test_nobody_changes_their_own_role(agency, admin_user):
    from accounts.services import membership_set

    with pytest.raises(ValidationError, match="nobody can change their own role"):
        membership_set(user=admin_user, agency=agency, role=Role.CODER, actor=admin_user)
    assert Membership.objects.get(user=admin_user, agency=agency).role == Role.ADMIN
