from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and agencies"

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from accounts.lockouts import on_user_locked_out

        user_locked_out.connect(on_user_locked_out, dispatch_uid="accounts.lockout_audit")
