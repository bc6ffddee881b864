"""What a running server tells its operators: one log line per request and Prometheus metrics.

The log line names the request by an id (the proxy's ``X-Request-ID`` when it sends a sane
one, else a new one, echoed in the response), the user and agency by their ids, the view by
its URL name, and the time taken. It never holds session text, form fields or a query string.

Metrics (``/metrics``): django-prometheus counts and times every request by view; this module
adds the time of a code save, the number of jobs waiting in the task queue (read from Redis
when scraped) and the time each job takes in the task worker. Under gunicorn and Celery,
``PROMETHEUS_MULTIPROC_DIR`` makes every process write its figures to that directory, and the
page adds them up.
"""

from __future__ import annotations

import logging
import os
import re
import time
import uuid
from collections.abc import Callable, Iterator

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger("mi_coding.requests")

# The views that set or clear one code: their time is the save latency.
SAVE_VIEWS = frozenset({"coding:api_code"})
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

SAVE_SECONDS = Histogram(
    "mi_code_save_seconds",
    "Time to set or clear one code, from the request reaching Django to the response.",
    buckets=_LATENCY_BUCKETS,
)
JOB_SECONDS = Histogram(
    "mi_job_seconds",
    "Time a background job took in the task worker, by job and outcome.",
    ["job", "outcome"],
    buckets=(0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 900),
)

_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def request_id_of(request: HttpRequest) -> str:
    """The proxy's request id when it is a plain token, else a new one."""
    given = request.META.get("HTTP_X_REQUEST_ID", "")
    return given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def _agency_id(request: HttpRequest) -> object:
    # The agency the view worked in (a view may name it as ``mi_agency_id``; accounts.access
    # keeps the current one on the request), else the one chosen in the session, else the
    # user's default; never a query of its own.
    named = getattr(request, "mi_agency_id", None)
    if named is not None:
        return named
    agency = getattr(request, "_mi_agency", None)
    if agency is not None:
        return agency.pk
    session = getattr(request, "session", None)
    if session is not None and getattr(session, "_session_cache", None) is not None:
        chosen = session.get("agency_id")
        if chosen:
            return chosen
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return getattr(user, "default_agency_id", None) or "-"
    return "-"


class RequestLogMiddleware:
    """One ``INFO`` line per request on the ``mi_coding.requests`` logger, and the save time."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        request.request_id = request_id_of(request)
        response = self.get_response(request)
        seconds = time.perf_counter() - started
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match is not None else "-"
        if view in SAVE_VIEWS and request.method == "POST":
            SAVE_SECONDS.observe(seconds)
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else "-"
        response["X-Request-ID"] = request.request_id
        logger.info(
            "request id=%s user=%s agency=%s method=%s view=%s status=%s ms=%.1f",
            request.request_id,
            user_id,
            _agency_id(request),
            request.method,
            view,
            response.status_code,
            seconds * 1000,
        )
        return response


class QueueDepthCollector:
    """The number of jobs waiting in the task queue, read from the broker at each scrape."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        gauge = GaugeMetricFamily(
            "mi_job_queue_depth", "Jobs waiting in the task queue (Redis LLEN).", labels=["queue"]
        )
        url = settings.CELERY_BROKER_URL
        queue = settings.CELERY_TASK_DEFAULT_QUEUE
        if url.startswith(("redis://", "rediss://")):
            import redis

            client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
            try:
                gauge.add_metric([queue], client.llen(queue))
            except redis.exceptions.RedisError:
                pass
            finally:
                client.close()
        yield gauge


def metrics_text() -> bytes:
    """Every process's figures under gunicorn and Celery, else this process's, plus the queue."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        processes = CollectorRegistry()
        multiprocess.MultiProcessCollector(processes)
    else:
        processes = REGISTRY
    queue = CollectorRegistry()
    queue.register(QueueDepthCollector())
    return generate_latest(processes) + generate_latest(queue)


def metrics_allowed(request: HttpRequest) -> bool:
    token = settings.MI_METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        if given.startswith("Bearer ") and constant_time_compare(given[7:], token):
            return True
    # Behind a proxy every request comes from the proxy's address: only the token then.
    forwarded = "HTTP_X_FORWARDED_FOR" in request.META
    return not forwarded and request.META.get("REMOTE_ADDR") in settings.MI_METRICS_ADDRESSES


@login_not_required
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus's text format, for the allowed addresses or the token; 404 to anyone else."""
    if not metrics_allowed(request):
        raise Http404
    return HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)


def job_timed(name: str, seconds: float, outcome: str) -> None:
    JOB_SECONDS.labels(job=name, outcome=outcome).observe(seconds)
