from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.access import (
    Cap,
    agencies_for,
    current_agency_with,
    get_object_or_404_in,
)
from accounts.forms import (
    AgencySettingsForm,
    InvitationForm,
    MembershipRoleForm,
    PractitionerForm,
    TeamForm,
)
from accounts.invitations import (
    invitation_create,
    invitation_email_send,
    invitation_revoke,
    invitations_pending,
)
from accounts.lockouts import locked_usernames, login_lockout_clear
from accounts.models import AuditEvent, Membership, Practitioner, Team
from accounts.services import (
    agency_settings_update,
    membership_remove,
    membership_set,
    practitioner_save,
    team_create,
    team_delete,
    team_rename,
)
from mi_coding.errors import validation_message
from mi_coding.pagination import paginate


@require_POST
def agency_switch(request: HttpRequest) -> HttpResponse:
    agency = get_object_or_404_in(agencies_for(request.user), request.POST.get("agency"))
    request.session["agency_id"] = agency.pk
    messages.info(request, f"You are now working in {agency.name}.")
    target = request.POST.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("home")
    return redirect(target)


def agency_overview(request: HttpRequest) -> HttpResponse:
    agency = current_agency_with(request, Cap.MANAGE_AGENCY)
    form = AgencySettingsForm(request.POST or None, initial=AgencySettingsForm.initial_for(agency))
    if request.method == "POST" and form.is_valid():
        agency_settings_update(agency=agency, actor=request.user, **form.cleaned_data)
        messages.success(request, "Agency settings saved.")
        return redirect("accounts:agency")
    return render(
        request,
        "accounts/agency.html",
        {
            "agency": agency,
            "form": form,
            "member_count": Membership.objects.filter(agency=agency).count(),
            "team_count": Team.objects.filter(agency=agency).count(),
            "practitioner_count": Practitioner.objects.filter(agency=agency).count(),
        },
    )


def member_list(request: HttpRequest) -> HttpResponse:
    """Members, open invitations, and a form to invite someone. A new link is shown once,
    on the page that answers the form, and never again."""
    agency = current_agency_with(request, Cap.MANAGE_AGENCY)
    form = InvitationForm(request.POST or None)
    new_link = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        invitation, token = invitation_create(
            agency=agency,
            role=data["role"],
            note=data["note"],
            email=data["email"],
            actor=request.user,
        )
        new_link = request.build_absolute_uri(reverse("invitation", args=[token]))
        if invitation.email:
            invitation_email_send(invitation=invitation, link=new_link)
        form = InvitationForm()
    memberships = (
        Membership.objects.filter(agency=agency).select_related("user").order_by("user__username")
    )
    page = paginate(request, memberships)
    return render(
        request,
        "accounts/members.html",
        {
            "agency": agency,
            "form": form,
            "page": page,
            "locked": locked_usernames(m.user.username for m in page),
            "invitations": invitations_pending(agency),
            "new_link": new_link,
            "now": timezone.now(),
            "invitation_days": settings.MI_INVITATION_DAYS,
        },
    )


@require_POST
def member_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    """Lift a member's sign-in lockout, from every address."""
    agency = current_agency_with(request, Cap.MANAGE_AGENCY)
    membership = get_object_or_404_in(
        Membership.objects.filter(agency=agency).select_related("user"), pk
    )
    login_lockout_clear(username=membership.user.username, actor=request.user, agency=agency)
    messages.success(request, f"{membership.user.username} can sign in again.")
    return redirect("accounts:members")


def invitation_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    agency = current_agency_with(request, Cap.MANAGE_AGENCY)
    invitation = get_object_or_404_in(invitations_pending(agency), pk)
    if request.method == "POST":
        try:
            invitation_revoke(invitation=invitation, actor=request.user)
        except ValidationError as exc:
            messages.error(request, validation_message(exc))
        else:
            messages.success(request, "Invitation withdrawn; its link no longer works.")
        return redirect("accounts:members")
    label = f" for {invitation.note}" if invitation.note else ""
    return render(
        request,
        "confirm.html",
        {
            "title": f"Withdraw the invitation{label}?",
            "message": f"Its link ({invitation.get_role_display().lower()}) stops working.",
            "confirm_label": "Withdraw invitation",
            "cancel_url": reverse("accounts:members"),
        },
    )


def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agency = current_agency_with(request, Cap.MANAGE_AGENCY)
    membership = get_object_or_404_in(
        Membership.objects.filter(agency=agency).select_related("user"), pk
    )
    form = MembershipRoleForm(request.POST or None, initial={"role": membership.role})
    if request.method == "POST" and form.is_valid():
        new_role = form.cleaned_data["role"]
        try:
            membership_set(user=membership.user, agency=agency, role=new_role, actor=request.user)
        except ValidationError as exc:
            form.add_error("role", validation_message(exc))
        else:
            messages.success(request, f"{membership.user.username} is now {new_role}.")
            return redirect("accounts:members")
    return render(request, "accounts/member_edit.html", {"membership": membership, "form": form})


def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    agency = current_agency_with(request, Cap.MANAGE_AGENCY)
    membership = get_object_or_404_in(
        Membership.objects.filter(agency=agency).select_related("user"), pk
    )
    if request.method == "POST":
        try:
            membership_remove(membership=membership, actor=request.user)
        except ValidationError as exc:
            messages.error(request, validation_message(exc))
        else:
            messages.success(request, f"{membership.user.username} was removed.")
        return redirect("accounts:members")
    return render(
        request,
        "confirm.html",
        {
            "title": f"Remove {membership.user.username}?",
            "message": "They will lose access to this agency. Their codings are kept.",
            "confirm_label": "Remove member",
            "cancel_url": reverse("accounts:members"),
        },
    )


def team_list(request: HttpRequest) -> HttpResponse:
    agency = current_agency_with(request, Cap.MANAGE_AGENCY)
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team_create(agency=agency, name=form.cleaned_data["name"], actor=request.user)
        except ValidationError as exc:
            form.add_error("name", validation_message(exc))
        else:
            messages.success(request, "Team created.")
            return redirect("accounts:teams")
    teams = Team.objects.filter(agency=agency).order_by("name")
    return render(request, "accounts/teams.html", {"form": form, "teams": teams})


def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agency = current_agency_with(request, Cap.MANAGE_AGENCY)
    team = get_object_or_404_in(Team.objects.filter(agency=agency), pk)
    form = TeamForm(request.POST or None, initial={"name": team.name})
    if request.method == "POST" and form.is_valid():
        try:
            team_rename(team=team, name=form.cleaned_data["name"], actor=request.user)
        except ValidationError as exc:
            form.add_error("name", validation_message(exc))
        else:
            messages.success(request, "Team renamed.")
            return redirect("accounts:teams")
    return render(request, "accounts/team_edit.html", {"team": team, "form": form})


def team_remove(request: HttpRequest, pk: int) -> HttpResponse:
    agency = current_agency_with(request, Cap.MANAGE_AGENCY)
    team = get_object_or_404_in(Team.objects.filter(agency=agency), pk)
    if request.method == "POST":
        team_delete(team=team, actor=request.user)
        messages.success(request, f"Team {team.name} deleted.")
        return redirect("accounts:teams")
    return render(
        request,
        "confirm.html",
        {
            "title": f"Delete team {team.name}?",
            "message": "Its practitioners stay, without a team.",
            "confirm_label": "Delete team",
            "cancel_url": reverse("accounts:teams"),
        },
    )


def practitioner_list(request: HttpRequest) -> HttpResponse:
    agency = current_agency_with(request, Cap.MANAGE_AGENCY)
    form = PractitionerForm(request.POST or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        try:
            practitioner_save(agency=agency, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, validation_message(exc))
        else:
            messages.success(request, "Practitioner added.")
            return redirect("accounts:practitioners")
    practitioners = Practitioner.objects.filter(agency=agency).select_related("team", "user")
    return render(
        request,
        "accounts/practitioners.html",
        {"form": form, "page": paginate(request, practitioners)},
    )


def practitioner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agency = current_agency_with(request, Cap.MANAGE_AGENCY)
    practitioner = get_object_or_404_in(Practitioner.objects.filter(agency=agency), pk)
    form = PractitionerForm(
        request.POST or None, agency=agency, initial=PractitionerForm.initial_for(practitioner)
    )
    if request.method == "POST" and form.is_valid():
        try:
            practitioner_save(
                agency=agency, practitioner=practitioner, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, validation_message(exc))
        else:
            messages.success(request, "Practitioner saved.")
            return redirect("accounts:practitioners")
    return render(
        request, "accounts/practitioner_edit.html", {"practitioner": practitioner, "form": form}
    )


def audit_log(request: HttpRequest) -> HttpResponse:
    agency = current_agency_with(request, Cap.AUDIT_LOG)
    events = AuditEvent.objects.filter(agency=agency).select_related("actor")
    action = request.GET.get("action", "").strip()
    if action:
        events = events.filter(action__startswith=action)
    return render(
        request,
        "accounts/audit_log.html",
        {"page": paginate(request, events, per_page=50), "action": action},
    )
