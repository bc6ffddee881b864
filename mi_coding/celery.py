"""The task worker's application: ``celery -A mi_coding.celery worker``.

It reads every ``CELERY_*`` setting from Django's settings and registers the ``jobs`` module
of each installed app. Jobs are sent by name through ``mi_coding.jobs.enqueue``.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mi_coding.settings")

app = Celery("mi_coding")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(related_name="jobs")
