"""manage.py deploy_check: what an operator learns about a host before trusting it."""

import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

import forecasts.tasks  # noqa: F401 - registers the tasks
from config.celery import app
from config.deploy_check import (
    FAIL,
    OK,
    WARN,
    celery_processes,
    check_beat,
    check_broker,
    check_site,
    check_smtp,
    check_worker,
    task_hold_seconds,
)
from tests.fault_support import SmtpServer, free_port


def _by_topic(findings) -> dict[str, list[tuple[str, str]]]:
    seen: dict[str, list[tuple[str, str]]] = {}
    for finding in findings:
        seen.setdefault(finding.topic, []).append((finding.status, finding.detail))
    return seen


def test_it_says_what_this_hosts_worker_consumes_and_where_every_task_goes(settings):
    settings.WORKER_QUEUES = ["scoring"]
    seen = _by_topic(check_worker(app, running=[]))
    assert seen["worker"][0][1].startswith("a worker here consumes scoring")
    routes = dict(detail.split(" (") for _, detail in seen["route"])
    assert routes["update_track_records -> scoring"] == "consumed here)"
    assert routes["send_review_reminders -> email"] == "not consumed here)"
    assert len(routes) == 9


@pytest.mark.parametrize(
    ("run_beat", "running", "status"),
    [(True, [41], OK), (True, [], WARN), (False, [41], FAIL), (False, [], OK)],
)
def test_beat_here_is_checked_against_run_beat(settings, run_beat, running, status):
    settings.RUN_BEAT = run_beat
    [finding] = check_beat(running)
    assert finding.status == status


def test_a_celery_process_is_found_by_its_command_line_and_its_pool_is_not(tmp_path):
    def process(pid: int, parent: int, *argv: str) -> None:
        (tmp_path / str(pid)).mkdir()
        (tmp_path / str(pid) / "cmdline").write_bytes(b"\0".join(a.encode() for a in argv))
        (tmp_path / str(pid) / "stat").write_text(f"{pid} (celery beat) S {parent} 1 1")

    process(10, 1, "/srv/.venv/bin/python", "/srv/.venv/bin/celery", "-A", "config", "beat")
    process(20, 1, "python", "-m", "celery", "-A", "config", "worker", "-c", "2")
    process(21, 20, "python", "-m", "celery", "-A", "config", "worker", "-c", "2")  # pool
    process(30, 1, "vim", "notes-on-celery-beat")
    assert celery_processes("beat", proc=tmp_path) == [10]
    assert celery_processes("worker", proc=tmp_path) == [20]


def test_site_url_unreachable_and_not_admitted_by_allowed_hosts_fails(settings, monkeypatch):
    monkeypatch.setenv("SITE_URL", "https://ledger.example.test")
    monkeypatch.setenv("ALLOWED_HOSTS", "other.example.test")
    settings.SITE_URL = f"http://127.0.0.1:{free_port()}"
    settings.ALLOWED_HOSTS = ["other.example.test"]
    settings.CSRF_TRUSTED_ORIGINS = []
    settings.DEBUG = False
    seen = _by_topic(check_site())
    assert [status for status, _ in seen["SITE_URL"]] == [WARN, FAIL]  # not https; no answer
    assert seen["ALLOWED_HOSTS"][0][0] == FAIL
    assert seen["CSRF_TRUSTED_ORIGINS"] == [(WARN, f"unset: add {settings.SITE_URL} (admin forms)")]


def test_a_site_url_that_answers_passes(settings, monkeypatch, live_server):
    for name in ("SITE_URL", "ALLOWED_HOSTS"):
        monkeypatch.setenv(name, "set")
    settings.SITE_URL = live_server.url
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    settings.CSRF_TRUSTED_ORIGINS = [live_server.url]
    settings.DEBUG = True  # a local run: http is fine
    seen = _by_topic(check_site())
    assert seen["SITE_URL"][1] == (OK, f"{live_server.url}/health/live answers 200")
    assert {status for topic in seen.values() for status, _ in topic} == {OK}


def test_smtp_is_reached_and_a_dead_one_fails(settings):
    server = SmtpServer()
    try:
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        [finding] = check_smtp()
        assert finding.status == OK
    finally:
        server.stop()
    settings.EMAIL_PORT = free_port()
    [finding] = check_smtp()
    assert (finding.status, finding.topic) == (FAIL, "SMTP")
    assert "unreachable" in finding.detail


def test_no_smtp_with_debug_off_fails(settings):
    settings.EMAIL_HOST, settings.DEBUG = "", False
    [finding] = check_smtp()
    assert finding.status == FAIL


@pytest.mark.redis
def test_the_broker_is_reached_and_a_visibility_timeout_shorter_than_a_task_warns(settings):
    assert [f.status for f in check_broker(app)] == [OK, OK]
    longest = max(task_hold_seconds(app, name) for name in app.tasks if "forecasts" in name)
    settings.VISIBILITY_TIMEOUT = int(longest) - 1
    broker, visibility = check_broker(app)
    assert broker.status == OK
    assert visibility.status == WARN
    assert "recompute_track_records" in visibility.detail


def test_an_unreachable_broker_fails_the_command_with_a_nonzero_exit():
    dead = f"redis://127.0.0.1:{free_port()}/0"
    env = {**os.environ, "REDIS_URL": dead, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("DATABASE_URL", None)  # SQLite: the command itself needs no server
    result = subprocess.run(
        [sys.executable, "manage.py", "deploy_check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "FAIL  broker: redis://127.0.0.1" in result.stdout
    assert "check(s) failed" in result.stderr
    assert "route: update_track_records -> scoring" in result.stdout


def test_the_command_reports_failures_as_an_error(settings, capsys):
    settings.EMAIL_HOST, settings.DEBUG = "", False
    with pytest.raises(CommandError, match="SMTP"):
        call_command("deploy_check")
    assert "route: write_ledger_head -> sweeps" in capsys.readouterr().out
