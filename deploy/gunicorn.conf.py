"""gunicorn's settings for ``make serve`` and production (``--config deploy/gunicorn.conf.py``).

The bind address and worker count come from the command line. The application logs one line
per request itself (``mi_coding.requests``), so gunicorn's access log stays off.
"""

import os

timeout = int(os.environ.get("MI_SERVE_TIMEOUT", "120"))
graceful_timeout = 20
# A worker is recycled after this many requests (plus jitter), which bounds slow memory growth.
max_requests = int(os.environ.get("MI_SERVE_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# Threads per worker (gthread): a worker then serves saves while one of its threads waits on
# the database or a long page (reliability, the audit). 1 gives plain synchronous workers.
threads = int(os.environ.get("MI_SERVE_THREADS", "4"))
if threads > 1:
    worker_class = "gthread"
# With threads, connections are kept open between requests. A client (browser, proxy) that
# reuses one just as the server drops it sees "connection reset": keep them open longer than
# coders pause between codes, and set the proxy's upstream keep-alive below this.
keepalive = int(os.environ.get("MI_SERVE_KEEPALIVE", "75"))
accesslog = None
errorlog = "-"
loglevel = "info"


def child_exit(server, worker):
    # A worker's live gauges leave /metrics with it (the multiprocess figures directory).
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
