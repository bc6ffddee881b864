"""Running writes at the same moment from real threads, each with its own database
connection, for tests marked ``django_db(transaction=True)``."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import OperationalError, connection


def patiently(action: Callable[[], object]) -> bool:
    """Run one write as a client would; True if it was done, False if a rule refused it.

    A busy database is retried: SQLite's shared in-memory test database answers "locked" at
    once where a database file would wait.
    """
    for _ in range(500):
        try:
            action()
        except ValidationError:
            return False
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            time.sleep(0.002)
        else:
            return True
    raise AssertionError("the database stayed locked")


def run_together(*targets: Callable[[], None]) -> None:
    """Start every target in a thread of its own at the same moment (a barrier) and wait;
    re-raise the first error a thread met."""
    barrier = threading.Barrier(len(targets))
    errors: list[BaseException] = []

    def body(target: Callable[[], None]) -> None:
        try:
            barrier.wait(timeout=30)
            target()
        except BaseException as exc:  # noqa: BLE001 (re-raised in the calling thread)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=body, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
