"""Reminder passes run by a real Celery worker process, on Redis, against a real SMTP server.

The worker is a subprocess on a queue of its own (so stale messages from elsewhere cannot
interfere); it reads the pytest test database, and mails an aiosmtpd server started here.
Every wait polls a condition with a deadline.
"""

import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DatabaseError, transaction

from config.celery import app as celery_app
from forecasts import tasks
from forecasts.models import ReminderRecord
from forecasts.services.reviews.assignments import mark_due_questions
from forecasts.services.roles import ensure_roles
from tests.builders import make_user, past_question
from tests.fault_support import WAIT, SmtpServer, SmtpSink, Worker, smtp_env, wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.real_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("groups"),
]


@pytest.fixture
def groups(transactional_db: None) -> None:
    ensure_roles()


@pytest.fixture
def smtp() -> Iterator[Callable[..., tuple[SmtpSink, int]]]:
    servers: list[SmtpServer] = []

    def start(**options: object) -> tuple[SmtpSink, int]:
        servers.append(SmtpServer(**options))
        return servers[-1].sink, servers[-1].port

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def worker_factory() -> Iterator[Callable[..., Worker]]:
    """Workers of the project's own app (no fast restore sweep) on the shared Redis, on a
    queue of this test's own; all log to one file."""
    queue = f"test-reminders-{uuid.uuid4().hex[:10]}"
    log = Path(tempfile.mkstemp(prefix="celery-worker-", suffix=".log")[1])
    workers: list[Worker] = []
    _purge(queue)

    def start(smtp_port: int, **env: str) -> Worker:
        mail = smtp_env(smtp_port)
        worker = Worker(
            broker_url=settings.REDIS_URL,
            log=log,
            env={**mail, **env},
            queue=queue,
            fast_restore=False,
        )
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
    _purge(queue)
    print(log.read_text(errors="replace")[-4000:])  # shown by pytest when a test fails


def _purge(queue: str) -> None:
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)


def _pass(worker: Worker, timeout: float = WAIT) -> dict:
    """Enqueue one reminder pass for this worker's queue and wait for its result."""
    result = tasks.send_review_reminders.apply_async(queue=worker.queue, ignore_result=False)
    return result.get(timeout=timeout)


def _reviewers(m: int) -> list:
    return [make_user(f"reviewer{i}", "Reviewers") for i in range(m)]


def _due_questions(n: int) -> None:
    for i in range(n):
        past_question(f"Will milestone {i} be reached?")
    mark_due_questions()


def test_n_due_questions_over_m_reviewers_give_m_messages_once(smtp, worker_factory):
    reviewers = _reviewers(3)
    _due_questions(7)
    sink, port = smtp()
    worker = worker_factory(port)
    assert _pass(worker) == {"digests": 3, "rows": 7, "handed_off": 0}
    assert sink.recipients() == sorted(r.email for r in reviewers)
    assert _pass(worker) == {"digests": 0, "rows": 0, "handed_off": 0}
    assert len(sink.messages) == 3
    assert not ReminderRecord.objects.filter(sent_at=None).exists()


def _unsent_rows_unlocked() -> bool:
    """The killed worker's transaction is gone once its rows can be locked again."""
    try:
        with transaction.atomic():
            list(ReminderRecord.objects.select_for_update(nowait=True).filter(sent_at=None))
    except DatabaseError:
        return False
    return True


def test_worker_killed_mid_pass_leaves_no_duplicate_and_nothing_missing(smtp, worker_factory):
    reviewers = _reviewers(3)
    _due_questions(6)
    sink, port = smtp(hold_at=2)  # the second digest hangs at the SMTP server
    first = worker_factory(port)
    tasks.send_review_reminders.apply_async(queue=first.queue)
    wait_for(sink.holding.is_set, "the second digest to reach the SMTP server")
    first.kill()
    sink.release.set()
    assert len(sink.messages) == 1
    wait_for(_unsent_rows_unlocked, "the killed worker's transaction to roll back")
    assert ReminderRecord.objects.filter(sent_at=None).count() == 4

    second = worker_factory(port)
    assert _pass(second) == {"digests": 2, "rows": 4, "handed_off": 0}
    assert sink.recipients() == sorted(r.email for r in reviewers)
    assert _pass(second) == {"digests": 0, "rows": 0, "handed_off": 0}
    assert len(sink.messages) == 3
    stages = ReminderRecord.objects.values_list("question_id", "recipient_id", "stage")
    assert len(set(stages)) == ReminderRecord.objects.filter(sent_at__isnull=False).count() == 6


def test_a_large_pass_is_shared_out_and_still_sends_each_digest_once(smtp, worker_factory):
    reviewers = _reviewers(3)
    _due_questions(6)
    sink, port = smtp()
    worker = worker_factory(port, REMINDER_DELIVERY_CHUNK="1")
    first = _pass(worker)
    assert (first["digests"], first["handed_off"]) == (1, 2)
    # The two other digests come from deliver_review_reminders tasks on the same queue.
    unsent = ReminderRecord.objects.filter(sent_at=None)
    # Committed, not only accepted by the mail server: the next pass plans from the rows.
    wait_for(lambda: not unsent.exists(), "the handed-off digests to be marked sent")
    assert sink.recipients() == sorted(r.email for r in reviewers)
    assert _pass(worker) == {"digests": 0, "rows": 0, "handed_off": 0}
    assert len(sink.messages) == 3
    assert not ReminderRecord.objects.filter(sent_at=None).exists()
