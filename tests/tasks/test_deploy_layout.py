"""docs/deploy.md's layout, started on loopback: two gunicorn web processes, a worker per queue
(each told its queue by CELERY_WORKER_QUEUES, no -Q), one beat, a real SMTP server, one Redis;
every process configured from the environment the guide lists, with DEBUG off.

It checks that each task runs on its own queue, that a SIGKILLed scoring worker's work is done
within the guide's bound (STALE_SWEEP_SECONDS, made 1 s here, plus the rebuild itself) while no
scoring worker runs, that its message is kept for the next one, and that the track records
then equal a full rebuild. Every wait polls a condition with a deadline.
"""

import http.client
import json
import sys
import time
from collections.abc import Iterator

import pytest
import redis
from rest_framework.authtoken.models import Token

from config.celery import app as celery_app
from config.deploy_check import OK, WARN, check_consumers
from forecasts import tasks
from forecasts.models import Expert, Question, StaleTrackRecord, TrackRecord
from forecasts.services import create_expert
from forecasts.services.roles import ensure_roles
from forecasts.services.track_records.rebuild import recompute_track_records
from tests.builders import due_question, make_user, past_question, predict
from tests.fault_support import (
    FaultRig,
    Service,
    Worker,
    backends_waiting_on_locks,
    free_port,
    row_lock,
    running_rig,
    track_record_figures,
    wait_for,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.real_worker,
    pytest.mark.django_db(transaction=True),
]
SITE_URL = "https://ledger.example.test"
STALE_SWEEP_SECONDS = 1
# The guide's bound for a lost worker's track-record work is STALE_SWEEP_SECONDS after
# PostgreSQL has ended the dead session (at once when only the process died) plus the sweep's
# own run: beat's tick, the sweeps worker taking the message, the rebuild of a few experts.
SWEEP_RUN_SECONDS = 2
# Every host: the variables docs/deploy.md lists, with the recovery times made small.
EVERY_HOST = {
    "DEBUG": "false",
    "SECRET_KEY": "layout-test-secret-key-not-for-production-0123456789",
    "ALLOWED_HOSTS": "ledger.example.test,127.0.0.1",
    "CSRF_TRUSTED_ORIGINS": SITE_URL,
    "SITE_URL": SITE_URL,
    "NUM_PROXIES": "1",
    "RUN_BEAT": "false",
    "CELERY_VISIBILITY_TIMEOUT": "2",
    "CELERY_UNACKED_RESTORE_SECONDS": "1",
    "STALE_SWEEP_SECONDS": str(STALE_SWEEP_SECONDS),
    "REMINDER_DELIVERY_CHUNK": "1",
}
QUEUES = {
    "scoring": {"forecasts.tasks.update_track_records", "forecasts.tasks.recompute_track_records"},
    "email": {"forecasts.tasks.send_review_reminders", "forecasts.tasks.deliver_review_reminders"},
    "sweeps": {
        "forecasts.tasks.mark_due_questions",
        "forecasts.tasks.refresh_stale_track_records",
        "forecasts.tasks.write_ledger_head",
        "forecasts.tasks.publish_audit_dump",
    },
}
UPDATE = "forecasts.tasks.update_track_records"


class Web:
    """A gunicorn web process, reached as the load balancer reaches it: TLS ended in front
    (X-Forwarded-Proto), the client's address in X-Forwarded-For."""

    def __init__(self, rig: FaultRig, name: str, env: dict[str, str]) -> None:
        self.port = free_port()
        command = [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
        command += ["--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--timeout", "30"]
        command += ["--forwarded-allow-ips", "127.0.0.1", "--access-logfile", "-"]
        self.process: Service = rig.service(name, command, **env)

    def request(self, method: str, path: str, *, token: str = "", body: dict | None = None):
        headers = {"Host": "ledger.example.test", "X-Forwarded-Proto": "https"}
        headers |= {"X-Forwarded-For": "203.0.113.7", "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Token {token}"
        if body is not None:
            headers["Content-Type"] = "application/json"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, json.dumps(body) if body else None, headers)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def ready(self) -> bool:
        assert self.process.process.poll() is None, self.process.text()[-3000:]
        try:
            return self.request("GET", "/health/ready")[0] == 200
        except OSError:
            return False


class Layout:
    """The guide's processes, all started at once, then waited for."""

    def __init__(self, rig: FaultRig, smtp_env: dict[str, str]) -> None:
        hosts = {**EVERY_HOST, **smtp_env}
        self.web = [Web(rig, f"web-{i}", hosts) for i in (1, 2)]
        self.beat = rig.service(
            "beat", [sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "INFO"],
            **{**hosts, "RUN_BEAT": "true"},
        )  # fmt: skip
        self.workers: dict[str, Worker] = {
            queue: rig.worker(pool="prefork", ready=False, CELERY_WORKER_QUEUES=queue, **hosts)
            for queue in QUEUES
        }
        for worker in self.workers.values():
            worker.wait_ready()
        for web in self.web:
            wait_for(web.ready, f"web process on port {web.port} to be ready")

    def received(self, queue: str, name: str) -> list[str]:
        events = self.workers[queue].events()
        return [
            task_id for task, task_id, event, _ in events if task == name and event == "received"
        ]

    def done(self, queue: str, name: str) -> list[str]:
        """The return values logged for every run of this task on this queue's worker."""
        events = self.workers[queue].events()
        return [rest for task, _, event, rest in events if task == name and event == "succeeded"]

    def wait_done(self, queue: str, name: str, runs: int = 1) -> list[str]:
        wait_for(lambda: len(self.done(queue, name)) >= runs, f"{name} to run on {queue}")
        return self.done(queue, name)


@pytest.fixture
def rig(transactional_db: None) -> Iterator[FaultRig]:
    ensure_roles()
    with running_rig() as rig:
        yield rig


def _resolve(web: Web, question: Question, token: str) -> None:
    body = {"outcome": "yes", "evidence_url": "https://example.org/gazette", "note": "Done."}
    status, answer = web.request(
        "POST", f"/api/questions/{question.pk}/resolve/", token=token, body=body
    )
    assert status == 201, answer[:500]


def _record_settled(expert: Expert, resolved: int) -> bool:
    """The expert's record counts `resolved` forecasts and nothing is left marked stale."""
    record = TrackRecord.objects.filter(expert=expert, topic=None, prospective_only=False).first()
    stale = StaleTrackRecord.objects.exists()
    return not stale and record is not None and record.resolved_count == resolved


def _queued_task_ids(rig: FaultRig, queue: str) -> list[str]:
    raw = redis.Redis(port=rig.redis.port).lrange(queue, 0, -1)
    return [json.loads(message)["headers"]["id"] for message in raw]


def test_the_guides_layout_routes_each_task_to_its_queue_and_survives_a_killed_worker(rig):
    bob = make_user("bob", "Reviewers")
    make_user("dave", "Reviewers")
    token = Token.objects.create(user=bob).key
    vera, oleg = create_expert(name="Vera Ostrova"), create_expert(name="Oleg Marr")
    # bob judges these three; the pass's own sweep gives the fresh ones to dave, less loaded.
    first, held, later = (
        due_question(f"Will toll {i} be abolished?", reviewers=[bob]) for i in range(3)
    )
    predict(first, expert=vera, p=0.8)
    predict(first, expert=oleg, p=0.3)
    predict(held, expert=vera, p=0.6)
    predict(later, expert=oleg, p=0.7)
    fresh = [past_question(f"Will bridge {i} open?") for i in range(2)]  # not yet swept
    sink, smtp_env = rig.smtp_sink()
    layout = Layout(rig, smtp_env)

    # Each task on its own queue, sent by whoever sends it in production: a web process (the
    # update after a verdict), beat (the stale sweep), the pass (its handed-off chunks), and
    # here the test in beat's place for the rest.
    _resolve(layout.web[0], first, token)
    layout.wait_done("scoring", UPDATE)
    tasks.send_review_reminders.delay()
    [report] = layout.wait_done("email", "forecasts.tasks.send_review_reminders")
    assert "'handed_off': 1" in report  # REMINDER_DELIVERY_CHUNK=1, two recipients
    layout.wait_done("email", "forecasts.tasks.deliver_review_reminders")
    wait_for(lambda: len(sink.messages) == 2, "both digests")
    assert sink.recipients() == ["bob@example.org", "dave@example.org"]
    for message in sink.messages:  # links built from SITE_URL, not from a default port
        assert f"{SITE_URL}/" in message.get_payload()[0].get_payload(decode=True).decode()
    # The pass ran the due sweep first: the questions that fell due are in its digests.
    swept = Question.objects.filter(pk__in=[q.pk for q in fresh], status=Question.Status.DUE)
    assert swept.count() == len(fresh)
    tasks.mark_due_questions.delay()
    tasks.write_ledger_head.delay()
    tasks.publish_audit_dump.delay()
    tasks.recompute_track_records.delay()
    for queue, names in QUEUES.items():
        for name in names:
            layout.wait_done(queue, name)
    for queue, worker in layout.workers.items():
        assert {event[0] for event in worker.events()} == QUEUES[queue], queue
    assert (rig.dir / "var" / "ledger" / "heads.txt").exists()  # on the sweeps worker's host
    assert list((rig.dir / "var" / "media" / "audit").glob("audit-*.jsonl.gz"))  # and the dump

    # The scoring worker is SIGKILLed in the middle of an update; with no scoring worker left,
    # the stale sweep on the sweeps worker does its work.
    with row_lock(Expert._meta.db_table, vera.pk):
        _resolve(layout.web[1], held, token)
        wait_for(lambda: len(layout.received("scoring", UPDATE)) == 2, "the second update")
        wait_for(lambda: backends_waiting_on_locks() == 1, "the update to wait on the lock")
        killed = layout.received("scoring", UPDATE)[1]
        layout.workers["scoring"].kill()
        killed_at = time.monotonic()
    wait_for(lambda: _record_settled(vera, 2), "the killed worker's update to be done")
    recovered = time.monotonic() - killed_at
    # And a verdict given while no scoring worker runs reaches the records the same way.
    _resolve(layout.web[0], later, token)
    given_at = time.monotonic()
    wait_for(lambda: _record_settled(oleg, 2), "the update of a verdict given meanwhile")
    meanwhile = time.monotonic() - given_at
    print(
        f"SIGKILL to done: {recovered:.2f} s; verdict to done, no scoring worker: {meanwhile:.2f} s"
    )
    assert recovered <= STALE_SWEEP_SECONDS + SWEEP_RUN_SECONDS
    assert meanwhile <= STALE_SWEEP_SECONDS + SWEEP_RUN_SECONDS
    # The killed worker's message is not lost: restored to its queue for the next scoring worker.
    wait_for(lambda: killed in _queued_task_ids(rig, "scoring"), "the message to be restored")
    # deploy_check tells the operator which queue lost its worker.
    consumers = {f.detail.partition(":")[0]: f.status for f in check_consumers(celery_app)}
    assert consumers == {"scoring": WARN, "email": OK, "sweeps": OK}

    incremental = track_record_figures()
    recompute_track_records()
    assert incremental == track_record_figures()
