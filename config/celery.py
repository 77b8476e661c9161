"""The Celery app and the whole beat schedule, in one place.

Every task is safe to run twice and to overlap itself (see forecasts/tasks.py), so the
schedule below can be generous: a late or doubled run costs nothing but a few queries.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("forecast_ledger")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _beat_schedule() -> dict:
    from django.conf import settings

    return {
        # Every DUE_SWEEP_MINUTES: open questions past their deadline become due and get reviewers.
        "mark-due-questions": {
            "task": "forecasts.tasks.mark_due_questions",
            "schedule": settings.DUE_SWEEP_MINUTES * 60,
        },
        # Every REMINDER_PASS_MINUTES: at most one digest per reviewer, each stage sent once.
        "send-review-reminders": {
            "task": "forecasts.tasks.send_review_reminders",
            "schedule": settings.REMINDER_PASS_MINUTES * 60,
        },
        # Every minute: track records marked stale and not yet rebuilt (the broker was down
        # when their question resolved, or a worker died). Usually finds nothing.
        "refresh-stale-track-records": {
            "task": "forecasts.tasks.refresh_stale_track_records",
            "schedule": 60,
        },
        # Daily at 00:05 UTC: the ledger's chain head, appended to LEDGER_HEAD_FILE.
        "write-ledger-head": {
            "task": "forecasts.tasks.write_ledger_head",
            "schedule": crontab(hour=0, minute=5),
        },
        # Nightly at 03:15 UTC: rebuild every track record from scratch, the safety net under
        # the incremental updates.
        "recompute-track-records": {
            "task": "forecasts.tasks.recompute_track_records",
            "schedule": crontab(hour=3, minute=15),
        },
    }


@app.on_after_configure.connect
def _install_beat_schedule(sender: Celery, **kwargs: object) -> None:
    sender.conf.beat_schedule = _beat_schedule()
