"""Every task can be killed and redelivered safely: acknowledged late, requeued when its
process dies, bounded by time limits, and never redelivered by Redis while it still runs."""

import pytest
from django.conf import settings

import forecasts.tasks  # noqa: F401 - registers the tasks
from config.celery import app
from config.deploy_check import task_hold_seconds

TASKS = sorted(name for name in app.tasks if name.startswith("forecasts."))


def _hard_limit(name: str) -> float:
    return app.tasks[name].time_limit or app.conf.task_time_limit


def test_every_task_is_registered():
    assert {
        "forecasts.tasks.update_track_records",
        "forecasts.tasks.refresh_stale_track_records",
        "forecasts.tasks.recompute_track_records",
        "forecasts.tasks.mark_due_questions",
        "forecasts.tasks.send_review_reminders",
        "forecasts.tasks.deliver_review_reminders",
        "forecasts.tasks.write_ledger_head",
        "forecasts.tasks.publish_audit_dump",
    } <= set(TASKS)


@pytest.mark.parametrize("name", TASKS)
def test_every_task_is_acknowledged_late_and_requeued_when_its_worker_dies(name):
    task = app.tasks[name]
    assert task.acks_late is True
    assert task.reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


@pytest.mark.parametrize("name", TASKS)
def test_every_task_has_a_soft_and_a_hard_time_limit(name):
    task = app.tasks[name]
    soft = task.soft_time_limit or app.conf.task_soft_time_limit
    hard = _hard_limit(name)
    assert soft, f"{name} has no soft time limit"
    assert hard, f"{name} could run forever"
    assert soft < hard, f"{name}: the soft limit must come first, so the task can clean up"


@pytest.mark.redis
@pytest.mark.parametrize("name", TASKS)
def test_no_task_outlives_the_visibility_timeout(name):
    """Redis hands a message nobody acknowledged to another worker after visibility_timeout:
    a task (and the retry countdown it waits out) must end before that, or it runs twice."""
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert task_hold_seconds(app, name) < visibility
