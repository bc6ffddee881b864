"""A person's own pages, beside Django's sign-in and password pages under /accounts/."""

from django.urls import path

from accounts import account_views

urlpatterns = [
    path("", account_views.account, name="account"),
    path("invitations/<int:pk>/", account_views.invitation_respond, name="invitation_respond"),
]
