"""PostgreSQL restarts during a run: a task caught by it retries and completes, and the web
side's first request afterwards is answered.

Why terminating backends is the stand-in for a restart: the PostgreSQL server is shared with
other test runs, so this test must not restart it. Seen from a client, a restart is exactly two
things: every open connection is dropped (the server ends each backend, with the same
"terminating connection due to administrator command" that pg_terminate_backend sends), and
new connections are refused until the server is back. `pg_terminate_backend` on every session
of the test database gives the first; `ALTER DATABASE ... ALLOW_CONNECTIONS false` gives the
second (the refusal's wording differs, "not currently accepting connections" instead of
"the database system is starting up", but the client gets the same OperationalError on
connect). Only the test database is touched.

Between tasks there is nothing to survive: Celery's Django fixup closes the worker's
connections after every task, so each task opens a fresh one.
"""

from collections.abc import Iterator

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory

from forecasts.models import Expert, StaleTrackRecord
from forecasts.services import create_expert
from forecasts.services.reviews.verdicts import submit_verdict
from forecasts.services.roles import ensure_roles
from forecasts.services.track_records.rebuild import recompute_track_records
from tests.builders import due_question, make_user, predict
from tests.fault_support import (
    FaultRig,
    allow_connections,
    backends_waiting_on_locks,
    connect_to_test_server,
    row_lock,
    running_rig,
    terminate_other_backends,
    track_record_figures,
    wait_for,
)

EVIDENCE = "https://example.org/council-minutes"
UPDATE = "forecasts.tasks.update_track_records"


@pytest.fixture
def rig(transactional_db: None) -> Iterator[FaultRig]:
    ensure_roles()
    with running_rig(before_close=lambda: allow_connections(True)) as rig:
        yield rig


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.real_worker
@pytest.mark.django_db(transaction=True)
def test_a_task_caught_by_a_postgresql_restart_retries_and_completes(rig):
    bob = make_user("bob", "Reviewers")
    vera, oleg = create_expert(name="Vera Ostrova"), create_expert(name="Oleg Marr")
    question = due_question("Will the harbour toll be abolished?", reviewers=[bob])
    predict(question, expert=vera, p=0.8)
    predict(question, expert=oleg, p=0.3)
    worker = rig.worker()

    def retries() -> list[str]:
        return [e[3] for e in worker.events(task_id) if e[2] == "retry"]

    with row_lock(Expert._meta.db_table, vera.pk):  # holds the task mid-run, in a query
        submit_verdict(question=question, reviewer=bob, outcome="yes", evidence_url=EVIDENCE)
        wait_for(lambda: backends_waiting_on_locks() == 1, "the update to be mid-run")
        task_id = worker.first_received(UPDATE)
        # The restart: new connections refused, then every session dropped (the lock's too).
        allow_connections(False)
        assert terminate_other_backends() == 2
        wait_for(lambda: len(retries()) >= 2, "a retry to find the database still down")
    allow_connections(True)  # the server is back

    wait_for(lambda: worker.succeeded(task_id), "the retried update to complete")
    # Each failed attempt (the one cut off mid-query, the ones refused a connection) was an
    # OperationalError that autoretry_for turned into a retry of the same task.
    assert all("OperationalError" in retry for retry in retries())
    assert any("not currently accepting connections" in retry for retry in retries())
    assert worker.succeeded(task_id) == "2"
    assert not StaleTrackRecord.objects.exists()
    incremental = track_record_figures()
    recompute_track_records()
    assert incremental == track_record_figures()


def _get(path: str) -> int:
    """A request through Django's WSGI handler, with the request signals a server sends (the
    test client leaves out the connection housekeeping this test is about)."""
    statuses = []
    environ = RequestFactory().get(path).environ
    response = WSGIHandler()(
        environ, lambda status, headers, exc_info=None: statuses.append(status)
    )
    response.close()
    return int(statuses[0].split()[0])


def _drop_this_process_connection() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    with connect_to_test_server(autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_first_request_after_a_postgresql_restart_is_answered(caplog):
    """CONN_MAX_AGE keeps a web process's connection between requests, so after a restart
    the next request starts on a dead one; CONN_HEALTH_CHECKS makes it check and reconnect."""
    create_expert(name="Vera Ostrova")
    assert _get("/api/experts/") == 200

    connection.health_check_enabled = False  # what the first request would meet without it
    _drop_this_process_connection()
    assert _get("/api/experts/") == 500

    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True  # config/settings.py
    _get("/api/experts/")  # reconnected, with the setting, by the failed request's cleanup
    _drop_this_process_connection()
    assert _get("/api/experts/") == 200


@pytest.mark.postgres
@pytest.mark.django_db
def test_every_session_asks_postgresql_to_end_it_when_its_client_host_vanishes():
    # A lost worker host cannot close its connections; these make the server find out within
    # DATABASE_DEAD_PEER_SECONDS (60), so the rows it held locked go back to the sweeps.
    with connection.cursor() as cursor:
        seen = {}
        for name in (
            "tcp_keepalives_idle",
            "tcp_keepalives_interval",
            "tcp_keepalives_count",
            "tcp_user_timeout",
            "client_connection_check_interval",
        ):
            cursor.execute(f"SHOW {name}")
            seen[name] = cursor.fetchone()[0]
    assert seen == {
        "tcp_keepalives_idle": "30",
        "tcp_keepalives_interval": "10",
        "tcp_keepalives_count": "3",
        "tcp_user_timeout": "60000",
        "client_connection_check_interval": "10s",
    }
