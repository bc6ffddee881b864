"""A person's own pages, beside Django's password pages under /accounts/: signing in (with the
second factor), their account and its security, the invitations they opened."""

from django.urls import path

from accounts import account_views, signin

urlpatterns = [
    path("login/", signin.SignInView.as_view(), name="login"),
    path("login/code/", signin.login_code, name="login_code"),
    path("", account_views.account, name="account"),
    path("two-factor/", account_views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/off/", account_views.two_factor_remove, name="two_factor_remove"),
    path("two-factor/recovery-codes/", account_views.recovery_codes_view, name="recovery_codes"),
    path("invitations/<int:pk>/", account_views.invitation_respond, name="invitation_respond"),
]
