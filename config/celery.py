"""The Celery app and the whole beat schedule, in one place; each task's queue is in settings
(CELERY_TASK_ROUTES).

Every task is safe to run twice and to overlap itself (see forecasts/tasks.py), so the
schedule below can be generous: a late or doubled run costs nothing but a few queries.
"""

import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import beat_init, celeryd_init

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
        # The pass runs the due sweep first, so what fell due this tick is in its digests.
        "send-review-reminders": {
            "task": "forecasts.tasks.send_review_reminders",
            "schedule": settings.REMINDER_PASS_MINUTES * 60,
        },
        # Every STALE_SWEEP_SECONDS (60): track records marked stale and not yet rebuilt (the
        # broker was down when their question resolved, or the worker updating them died).
        # Usually finds nothing.
        "refresh-stale-track-records": {
            "task": "forecasts.tasks.refresh_stale_track_records",
            "schedule": settings.STALE_SWEEP_SECONDS,
        },
        # Daily at 00:05 UTC: the ledger's chain head, appended to LEDGER_HEAD_FILE.
        "write-ledger-head": {
            "task": "forecasts.tasks.write_ledger_head",
            "schedule": crontab(hour=0, minute=5),
        },
        # Hourly at :40: API Idempotency-Keys past IDEMPOTENCY_KEY_HOURS are forgotten.
        "purge-idempotency-keys": {
            "task": "forecasts.tasks.purge_idempotency_keys",
            "schedule": crontab(minute=40),
        },
        # Nightly at 03:15 UTC: rebuild every track record from scratch, the safety net under
        # the incremental updates.
        "recompute-track-records": {
            "task": "forecasts.tasks.recompute_track_records",
            "schedule": crontab(hour=3, minute=15),
        },
        # Nightly at 04:30 UTC, after the rebuild: the public audit dump (docs/audit.md).
        "publish-audit-dump": {
            "task": "forecasts.tasks.publish_audit_dump",
            "schedule": crontab(hour=4, minute=30),
        },
    }


@app.on_after_configure.connect
def _install_beat_schedule(sender: Celery, **kwargs: object) -> None:
    sender.conf.beat_schedule = _beat_schedule()


@celeryd_init.connect
def _consume_configured_queues(
    sender: str, instance: object, options: dict, **kwargs: object
) -> None:
    """A worker started without -Q consumes CELERY_WORKER_QUEUES (default: every queue)."""
    from django.conf import settings

    if not options.get("queues"):
        instance.app.amqp.queues.select(settings.WORKER_QUEUES)


@beat_init.connect
def _refuse_beat_unless_allowed(sender: object, **kwargs: object) -> None:
    """Exactly one beat per deployment: the host that says RUN_BEAT=true."""
    from django.conf import settings

    if not settings.RUN_BEAT:
        raise SystemExit("celery beat: RUN_BEAT is false on this host; beat runs elsewhere.")
