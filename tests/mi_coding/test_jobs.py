"""Background jobs run here without a broker and go to the broker after commit with one."""

from __future__ import annotations

import json
import os

import pytest
from django.db import transaction

from mi_coding.jobs import enqueue

RAN: list[tuple] = []


def record(*args):
    RAN.append(args)


@pytest.fixture(autouse=True)
def _empty():
    RAN.clear()


def test_without_a_broker_a_job_runs_at_once_in_this_process(settings):
    settings.CELERY_BROKER_URL = ""
    enqueue("tests.mi_coding.test_jobs.record", 7, "train")
    assert RAN == [(7, "train")]


def test_an_unknown_job_fails_loudly_rather_than_doing_nothing(settings):
    settings.CELERY_BROKER_URL = ""
    with pytest.raises(ImportError):
        enqueue("tests.mi_coding.test_jobs.no_such_job")


@pytest.mark.django_db(transaction=True)
def test_with_a_broker_the_job_is_queued_once_the_transaction_commits(settings):
    import redis

    url = os.environ.get("MI_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.fail(f"no Redis at {url}: the broker tests need one (set MI_TEST_REDIS_URL)")
    queue = f"mi_coding_test_{os.getpid()}"
    settings.CELERY_BROKER_URL = url
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    from mi_coding.celery import app

    app.conf.broker_url = url
    app.conf.task_default_queue = queue
    client.delete(queue)
    try:
        with transaction.atomic():
            enqueue("tests.mi_coding.test_jobs.record", 3)
            assert client.llen(queue) == 0, "sent before the row it names was committed"
        assert client.llen(queue) == 1
        message = json.loads(client.lpop(queue))
        assert message["headers"]["task"] == "tests.mi_coding.test_jobs.record"
        assert RAN == [], "with a broker the job must not also run here"
    finally:
        client.delete(queue)
