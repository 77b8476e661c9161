"""Handing work to Celery: once the transaction that made it commits, never inside it.

Every service that gives a worker something to do calls `enqueue_after_commit`. The work is
always written down in the database first (stale track records, claimed reminders), so a
broker that is down when the transaction commits delays it until a beat sweep finds it, and
loses nothing: the failure is one log line, never an error for a caller whose write has
already committed. Tasks are named, not imported: services sit below tasks.py, which calls
them (docs/design.md, the direction of imports); routing comes from settings.
"""

import logging
from functools import partial

from django.db import transaction
from kombu.exceptions import OperationalError as KombuOperationalError

from config.celery import app

logger = logging.getLogger(__name__)
BROKER_DOWN = (KombuOperationalError, ConnectionError, OSError)


def enqueue_after_commit(task: str, *args: object) -> None:
    """Send the task named `task` (e.g. "forecasts.tasks.update_track_records") with `args`
    when the current transaction commits (at once outside one)."""
    transaction.on_commit(partial(send_now, task, *args))


def send_now(task: str, *args: object) -> bool:
    """Send it now; False (and one warning) when the broker cannot take it."""
    try:
        if task not in app.tasks:  # a web process: tasks.py is discovered on first use
            app.loader.import_default_modules()
        app.tasks[task].apply_async(args=args)
    except BROKER_DOWN as exc:
        logger.warning("Broker unreachable; %s waits for its sweep: %s", task, exc)
        return False
    return True
