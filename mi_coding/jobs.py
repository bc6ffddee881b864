"""Background jobs: run in the task worker when a broker is configured, here otherwise.

A job is a function named by its dotted path (``"app.jobs.function"``) that the worker knows
under that same name (``mi_coding.celery`` finds each app's ``jobs`` module). Its arguments
are plain values (ids, strings), and it records its own progress and outcome in the database,
so a page can show them whichever process ran it.

Without ``CELERY_BROKER_URL`` the job runs at once, in this process, so a local set-up needs
no service. With a broker it is sent once the current transaction commits, so the worker
never looks for a row that is not there yet. Celery itself is imported only then: the web
processes that never start a job never load it.
"""

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string


def enqueue(name: str, *args: object) -> None:
    """Start the job ``name`` with ``args``."""
    if not settings.CELERY_BROKER_URL:
        import_string(name)(*args)
        return

    def send() -> None:
        from mi_coding.celery import app

        app.send_task(name, args=list(args))

    transaction.on_commit(send)
