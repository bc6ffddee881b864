from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.agency_overview, name="agency"),
    path("switch/", views.agency_switch, name="switch"),
    path("members/", views.member_list, name="members"),
    path("members/<int:pk>/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("members/<int:pk>/unlock/", views.member_unlock, name="member_unlock"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke_view, name="invitation_revoke"),
    path("teams/", views.team_list, name="teams"),
    path("teams/<int:pk>/", views.team_edit, name="team_edit"),
    path("teams/<int:pk>/delete/", views.team_remove, name="team_delete"),
    path("practitioners/", views.practitioner_list, name="practitioners"),
    path("practitioners/<int:pk>/", views.practitioner_edit, name="practitioner_edit"),
    path("audit/", views.audit_log, name="audit"),
]
