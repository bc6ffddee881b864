"""One log line per request, without session text, and the metrics page for operators only."""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.test import Client
from django.urls import reverse

from coding.models import UtteranceCode
from tests import factories

pytestmark = pytest.mark.django_db

SECRET_TEXT = "my husband drinks every night"
LINE = re.compile(
    r"request id=(?P<id>\S+) user=(?P<user>\S+) agency=(?P<agency>\S+) method=(?P<method>\S+) "
    r"view=(?P<view>\S+) status=(?P<status>\d+) ms=(?P<ms>[0-9.]+)$"
)


@pytest.fixture
def coding(agency, practitioner, coder):
    transcript = factories.make_transcript(agency, practitioner, utterances=4)
    transcript.utterances.filter(position=1).update(text=SECRET_TEXT)
    return factories.make_coding(transcript, coder)


def request_lines(caplog) -> list[re.Match]:
    records = [r for r in caplog.records if r.name == "mi_coding.requests"]
    return [LINE.match(r.getMessage()) for r in records]


def test_a_save_logs_one_line_with_ids_view_and_time_and_no_text(
    coding, coder, agency, client_for, caplog
):
    client = client_for(coder)
    utterance = coding.transcript.utterances.get(position=1)
    caplog.set_level(logging.INFO, logger="mi_coding.requests")
    response = client.post(
        reverse("coding:api_code", args=[coding.pk]) + f"?note={SECRET_TEXT.replace(' ', '+')}",
        json.dumps({"utterance": utterance.pk, "code": factories.code("Q").pk, "action": "set"}),
        content_type="application/json",
        HTTP_X_REQUEST_ID="proxy-id-123",
    )
    assert response.status_code == 200
    assert UtteranceCode.objects.filter(coding=coding).count() == 1
    (line,) = request_lines(caplog)
    assert line is not None, caplog.text
    assert line["id"] == "proxy-id-123" == response["X-Request-ID"]
    assert line["user"] == str(coder.pk)
    assert line["agency"] == str(agency.pk)
    assert (line["method"], line["view"], line["status"]) == ("POST", "coding:api_code", "200")
    assert float(line["ms"]) > 0
    assert "husband" not in caplog.text and "note=" not in caplog.text


def test_a_page_with_text_in_it_logs_none_of_it(coding, coder, client_for, caplog):
    caplog.set_level(logging.INFO, logger="mi_coding.requests")
    response = client_for(coder).get(reverse("coding:workspace", args=[coding.pk]))
    assert response.status_code == 200
    assert SECRET_TEXT in response.content.decode()
    (line,) = request_lines(caplog)
    assert line["view"] == "coding:workspace"
    assert "husband" not in caplog.text


def test_an_anonymous_request_gets_a_new_id_and_no_user(client, caplog):
    caplog.set_level(logging.INFO, logger="mi_coding.requests")
    response = client.get("/healthz", HTTP_X_REQUEST_ID="bad id; with spaces")
    (line,) = request_lines(caplog)
    assert re.fullmatch(r"[0-9a-f]{32}", line["id"]) and line["id"] == response["X-Request-ID"]
    assert (line["user"], line["agency"], line["view"]) == ("-", "-", "healthz")


def test_metrics_answer_localhost_with_save_latency_by_view_and_queue(
    coding, coder, client_for, settings
):
    settings.CELERY_BROKER_URL = ""
    utterance = coding.transcript.utterances.get(position=2)
    client_for(coder).post(
        reverse("coding:api_code", args=[coding.pk]),
        json.dumps({"utterance": utterance.pk, "code": factories.code("Q").pk, "action": "set"}),
        content_type="application/json",
    )
    response = Client().get("/metrics")
    assert response.status_code == 200
    text = response.content.decode()
    assert "mi_code_save_seconds_count" in text
    assert re.search(r'view="coding:api_code"', text)
    assert "django_http_requests_latency_seconds_by_view_method" in text
    assert "mi_job_queue_depth" in text
    assert "mi_job_seconds" in text


def test_metrics_are_hidden_from_other_addresses_and_proxied_requests(settings):
    settings.MI_METRICS_TOKEN = ""
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 404
    assert Client().get("/metrics", HTTP_X_FORWARDED_FOR="10.1.2.3").status_code == 404


def test_metrics_answer_anyone_with_the_token(settings):
    settings.MI_METRICS_TOKEN = "s3cret-token-for-prometheus"
    remote = Client(REMOTE_ADDR="10.1.2.3")
    assert remote.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    good = remote.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token-for-prometheus")
    assert good.status_code == 200


def test_queue_depth_is_read_from_the_broker(settings):
    import os

    import redis

    url = os.environ.get("MI_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
    queue = f"mi_coding_depth_{os.getpid()}"
    client = redis.Redis.from_url(url)
    settings.CELERY_BROKER_URL = url
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    client.delete(queue)
    try:
        client.rpush(queue, "a", "b", "c")
        text = Client().get("/metrics").content.decode()
        assert f'mi_job_queue_depth{{queue="{queue}"}} 3.0' in text
    finally:
        client.delete(queue)
