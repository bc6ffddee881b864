from typing import Any

from django.http import HttpRequest

from accounts.access import ROLE_CAPS, agencies_for, current_agency, roles_by_agency


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's agency, role and capabilities, for the navigation bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    agency = current_agency(request)
    if agency is None:
        return {"nav_agency": None, "nav_caps": frozenset(), "nav_role": None}
    roles = roles_by_agency(user)
    role = roles[agency.pk]
    return {
        "nav_agency": agency,
        "nav_role": role,
        "nav_caps": {cap.value for cap in ROLE_CAPS[role]},
        "nav_agencies": list(agencies_for(user)) if len(roles) > 1 else [],
    }
