"""A background job for the fault benchmark only: it sleeps, recording each attempt and its
outcome in a JSON file, so the benchmark can stop the task worker in the middle of it and
check that it finished, or says it failed, afterwards.

The task worker learns it with ``--include bench.fault_job``; it is sent by name through
``mi_coding.jobs.enqueue("bench.fault_job.slow", path, seconds)``.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from mi_coding.celery import app


def _write(path: Path, **state: object) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(state))
    os.replace(temporary, path)


@app.task(name="bench.fault_job.slow")
def slow(path: str, seconds: float, fail: bool = False) -> None:
    record = Path(path)
    previous = json.loads(record.read_text()) if record.exists() else {"attempts": 0}
    attempts = previous["attempts"] + 1
    _write(record, state="running", attempts=attempts, pid=os.getpid())
    try:
        time.sleep(seconds)
        if fail:
            raise RuntimeError("asked to fail")
    except Exception as exc:
        _write(record, state="failed", attempts=attempts, error=str(exc))
        raise
    _write(record, state="finished", attempts=attempts)
