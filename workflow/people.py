"""Who in an agency may be given coding work, and which schemes it may use."""

from django.db.models import QuerySet

from accounts.access import ROLE_CAPS, Cap
from accounts.models import Agency, User

CODING_ROLES = [role for role, caps in ROLE_CAPS.items() if Cap.CODE in caps]


def coders_of(agency: Agency) -> QuerySet[User]:
    """Members who may code in the agency (coders, supervisors, admins)."""
    return User.objects.filter(
        memberships__agency=agency, memberships__role__in=CODING_ROLES
    ).order_by("username")
