from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin

from accounts.lockouts import login_lockout_clear
from accounts.models import (
    Agency,
    AuditEvent,
    Invitation,
    Membership,
    Practitioner,
    Team,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(User)
class MIUserAdmin(UserAdmin):
    inlines = [MembershipInline]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "role"]
    list_filter = ["role", "agency"]
    search_fields = ["user__username", "agency__name"]
    autocomplete_fields = ["user", "agency"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "agency"]
    list_filter = ["agency"]
    search_fields = ["name"]


@admin.register(Practitioner)
class PractitionerAdmin(admin.ModelAdmin):
    list_display = ["display_name", "agency", "team", "user", "active"]
    list_filter = ["agency", "active"]
    search_fields = ["display_name"]
    autocomplete_fields = ["user"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "agency", "actor", "action", "object_repr"]
    list_filter = ["action", "agency"]
    search_fields = ["object_repr", "actor__username"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read only: invitations are made and answered through their services, which audit."""

    list_display = ["created_at", "agency", "role", "note", "status", "expires_at", "member"]
    list_filter = ["status", "role", "agency"]
    search_fields = ["note", "email", "agency__name"]
    exclude = ["token_hash"]
    readonly_fields = [f.name for f in Invitation._meta.fields if f.name != "token_hash"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(AccessAttempt)
class AccessAttemptAdmin(admin.ModelAdmin):
    """Failed sign-ins per user name and address. Unlocking goes through the audited
    service, so rows are never deleted here directly."""

    list_display = ["attempt_time", "username", "ip_address", "failures_since_start"]
    search_fields = ["username", "ip_address"]
    fields = ["username", "ip_address", "user_agent", "attempt_time", "failures_since_start"]
    readonly_fields = fields
    actions = ["unlock"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False

    @admin.action(description="Unlock these user names (written to the audit log)")
    def unlock(self, request: object, queryset: object) -> None:
        usernames = sorted(set(queryset.values_list("username", flat=True)))
        for username in usernames:
            login_lockout_clear(username=username, actor=request.user, agency=None)
        self.message_user(request, f"Unlocked {', '.join(usernames)}.", level=messages.SUCCESS)
