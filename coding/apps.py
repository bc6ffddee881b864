from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _install_shipped_schemes(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    # The shipped schemes are reference data that must exist after every migrate (and after
    # a test flush), like Django's own content types.
    from coding.services.schemes import scheme_install_shipped

    if using == "default":
        scheme_install_shipped()


class CodingConfig(AppConfig):
    name = "coding"
    verbose_name = "Coding"

    def ready(self) -> None:
        post_migrate.connect(_install_shipped_schemes, sender=self)
