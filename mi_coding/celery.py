"""The task worker's application: ``celery -A mi_coding.celery worker``.

It reads every ``CELERY_*`` setting from Django's settings and registers the ``jobs`` module
of each installed app. Jobs are sent by name through ``mi_coding.jobs.enqueue``. The time each
job takes goes to the ``mi_job_seconds`` metric (``mi_coding.observability``).
"""

import os
import time

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mi_coding.settings")

app = Celery("mi_coding")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(related_name="jobs")


_started: dict[str, float] = {}


@signals.task_prerun.connect
def _job_started(task_id: str, **kwargs: object) -> None:
    _started[task_id] = time.perf_counter()


@signals.task_postrun.connect
def _job_finished(task_id: str, task: object, state: str | None = None, **kwargs: object) -> None:
    started = _started.pop(task_id, None)
    if started is not None:
        from mi_coding.observability import job_timed

        job_timed(getattr(task, "name", "?"), time.perf_counter() - started, state or "UNKNOWN")
