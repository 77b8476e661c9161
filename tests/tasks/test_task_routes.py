"""Every task's queue is in settings, so web hosts, beat and workers route alike; queue names,
a worker's queues and its concurrency come from the environment, never from a code edit."""

import json
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
from django.conf import settings

import forecasts.tasks  # noqa: F401 - registers the tasks
from config.celery import _consume_configured_queues, _refuse_beat_unless_allowed, app
from tests.paths import ROOT

ROUTES = {
    "forecasts.tasks.update_track_records": "scoring",
    "forecasts.tasks.recompute_track_records": "scoring",
    "forecasts.tasks.send_review_reminders": "email",
    "forecasts.tasks.deliver_review_reminders": "email",
    "forecasts.tasks.mark_due_questions": "sweeps",
    "forecasts.tasks.refresh_stale_track_records": "sweeps",
    "forecasts.tasks.write_ledger_head": "sweeps",
    "forecasts.tasks.publish_audit_dump": "sweeps",
    "forecasts.tasks.purge_idempotency_keys": "sweeps",
}


def _queue_of(name: str) -> str:
    """The queue Celery's router picks for a task sent with no options, as any sender does."""
    return app.amqp.router.route({}, name)["queue"].name


def test_every_task_routes_to_its_queue():
    ours = sorted(name for name in app.tasks if name.startswith("forecasts."))
    assert ours == sorted(ROUTES), "a new task needs its queue in settings.TASK_KINDS"
    assert {name: _queue_of(name) for name in ours} == ROUTES


def test_the_default_worker_consumes_every_queue():
    # make run's single worker, and any worker not told otherwise.
    assert sorted(settings.WORKER_QUEUES) == ["email", "scoring", "sweeps"]


def test_a_task_without_a_route_lands_on_a_queue_every_layout_consumes():
    assert _queue_of("forecasts.tasks.some_future_task") == "sweeps"


def _settings_in_a_fresh_process(**env: str) -> subprocess.CompletedProcess:
    script = (
        "import json, django; django.setup()\n"
        "from django.conf import settings as s\n"
        "from config.celery import app\n"
        "print(json.dumps({'routes': s.CELERY_TASK_ROUTES, 'worker': s.WORKER_QUEUES,"
        " 'concurrency': app.conf.worker_concurrency, 'broker': s.BROKER_KIND,"
        " 'transport': app.conf.broker_transport_options, 'beat': s.RUN_BEAT,"
        " 'stale': app.conf.beat_schedule['refresh-stale-track-records']['schedule']}))"
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_queue_names_worker_queues_concurrency_and_broker_come_from_the_environment():
    result = _settings_in_a_fresh_process(
        SCORING_QUEUE="eu-scoring",
        LEDGER_QUEUE="ledger-host",
        CELERY_WORKER_QUEUES="eu-scoring, ledger-host",
        CELERY_WORKER_CONCURRENCY="3",
        CELERY_BROKER_URL="amqp://guest:guest@127.0.0.1:5672//",
        RUN_BEAT="false",
        STALE_SWEEP_SECONDS="5",
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["routes"]["forecasts.tasks.update_track_records"] == {"queue": "eu-scoring"}
    assert seen["routes"]["forecasts.tasks.write_ledger_head"] == {"queue": "ledger-host"}
    assert seen["routes"]["forecasts.tasks.mark_due_questions"] == {"queue": "sweeps"}
    assert seen["worker"] == ["eu-scoring", "ledger-host"]
    assert seen["concurrency"] == 3
    assert seen["broker"] == "rabbitmq"
    assert seen["transport"]["confirm_publish"] is True
    assert "visibility_timeout" not in seen["transport"]
    assert seen["beat"] is False
    assert seen["stale"] == 5


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"EMAIL_QUEUE": "email,sms"}, "EMAIL_QUEUE"),
        ({"CELERY_BROKER_URL": "http://broker"}, "CELERY_BROKER_URL"),
        ({"CELERY_WORKER_CONCURRENCY": "many"}, "CELERY_WORKER_CONCURRENCY"),
    ],
)
def test_a_bad_queue_or_broker_setting_refuses_to_start(env, named):
    result = _settings_in_a_fresh_process(**env)
    assert result.returncode != 0
    assert named in result.stderr


def test_a_worker_started_without_q_consumes_the_configured_queues(settings):
    settings.WORKER_QUEUES = ["scoring"]
    selected: list = []
    worker = SimpleNamespace(
        app=SimpleNamespace(amqp=SimpleNamespace(queues=SimpleNamespace(select=selected.append)))
    )
    _consume_configured_queues(sender="w@host", instance=worker, options={"queues": None})
    _consume_configured_queues(sender="w@host", instance=worker, options={"queues": "email"})
    assert selected == [["scoring"]]  # -Q on the command line wins


def test_beat_refuses_to_start_where_run_beat_is_false(settings):
    settings.RUN_BEAT = True
    _refuse_beat_unless_allowed(sender=None)
    settings.RUN_BEAT = False
    with pytest.raises(SystemExit, match="RUN_BEAT"):
        _refuse_beat_unless_allowed(sender=None)
