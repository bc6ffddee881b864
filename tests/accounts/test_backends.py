"""Finding the signed-in user again on each request: roles and agencies come in the same
query, and a deactivated account or a removed membership counts at once."""

import pytest
from django.urls import reverse

from accounts.access import current_agency, known_agency, roles_by_agency
from accounts.backends import MembershipBackend
from accounts.models import Membership, Role
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_user_comes_with_roles_and_agencies_in_one_query(
    coder, agency, other_agency, django_assert_num_queries
):
    Membership.objects.create(user=coder, agency=other_agency, role=Role.RESEARCHER)
    with django_assert_num_queries(1):
        user = MembershipBackend().get_user(coder.pk)
        roles = roles_by_agency(user)
        found = known_agency(user, other_agency.pk)
    assert user == coder
    assert roles == {agency.pk: Role.CODER, other_agency.pk: Role.RESEARCHER}
    assert found == other_agency


def test_a_user_without_memberships_is_found_too(agency):
    loner = factories.make_user(agency, Role.CODER, username="loner")
    Membership.objects.filter(user=loner).delete()
    user = MembershipBackend().get_user(loner.pk)
    assert user == loner
    assert roles_by_agency(user) == {}


def test_a_deactivated_account_is_not_found(coder):
    coder.is_active = False
    coder.save()
    assert MembershipBackend().get_user(coder.pk) is None


def test_nonsense_user_ids_find_nobody(db):
    assert MembershipBackend().get_user("x") is None
    assert MembershipBackend().get_user(2**70) is None


def test_a_removed_membership_counts_from_the_next_request(coder, agency, client_for):
    client = client_for(coder)
    assert client.get(reverse("home")).status_code == 200
    Membership.objects.filter(user=coder, agency=agency).delete()
    response = client.get(reverse("home"))
    assert response.wsgi_request.user == coder
    assert current_agency(response.wsgi_request) is None
