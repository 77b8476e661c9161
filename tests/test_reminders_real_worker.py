"""Reminder passes run by a real Celery worker process, on Redis, against a real SMTP server.

The worker is a subprocess on a queue of its own (so stale messages from elsewhere cannot
interfere); it reads the pytest test database, and mails an aiosmtpd server started here.
Every wait polls a condition with a deadline.
"""

import asyncio
import email
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import DatabaseError, connection, transaction

from config.celery import app as celery_app
from forecasts import tasks
from forecasts.models import ReminderRecord
from forecasts.services.assignments import mark_due_questions
from tests.conftest import _user
from tests.review_helpers import ensure_groups, past_question

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.real_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("groups"),
]
ROOT = Path(__file__).resolve().parent.parent
WAIT = 60.0


@pytest.fixture
def groups(transactional_db: None) -> None:
    ensure_groups()


class SmtpSink:
    """Collects accepted messages. With `hold_at=k`, the k-th message is held until released,
    then refused: the client never got a 250, so it was not delivered."""

    def __init__(self, hold_at: int | None = None) -> None:
        self.messages: list[email.message.Message] = []
        self.hold_at = hold_at
        self.seen = 0
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802
        self.seen += 1
        if self.seen == self.hold_at:
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, WAIT)
            return "451 4.3.0 The test dropped this message"
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def recipients(self) -> list[str]:
        return sorted(m["To"] for m in self.messages)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def smtp() -> Iterator[Callable[..., tuple[SmtpSink, int]]]:
    controllers = []

    def start(**options: object) -> tuple[SmtpSink, int]:
        sink, port = SmtpSink(**options), _free_port()
        controller = Controller(sink, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append((controller, sink))
        return sink, port

    yield start
    for controller, sink in controllers:
        sink.release.set()
        controller.stop()


class Worker:
    def __init__(self, queue: str, smtp_port: int, log: Path) -> None:
        db = connection.settings_dict
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:"
            f"{db['PORT'] or 5432}/{db['NAME']}",
            "REDIS_URL": settings.REDIS_URL,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "CELERY_TASK_ALWAYS_EAGER": "false",
        }
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo"]
        command += ["--concurrency=1", "-Q", queue, "--without-gossip", "--without-mingle"]
        command += ["--without-heartbeat", "--loglevel=INFO"]
        self.log = log
        with log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                command,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> None:
        """SIGKILL: no cleanup, no ack, no rollback but the database's own."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=WAIT)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def worker_factory() -> Iterator[Callable[[int], Worker]]:
    queue = f"test-reminders-{uuid.uuid4().hex[:10]}"
    log = Path(tempfile.mkstemp(prefix="celery-worker-", suffix=".log")[1])
    workers: list[Worker] = []
    _purge(queue)

    def start(smtp_port: int) -> Worker:
        worker = Worker(queue, smtp_port, log)
        worker.queue = queue
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
    return [_user(f"reviewer{i}", "Reviewers") for i in range(m)]


def _due_questions(n: int) -> None:
    for i in range(n):
        past_question(f"Will milestone {i} be reached?")
    mark_due_questions()


def test_n_due_questions_over_m_reviewers_give_m_messages_once(smtp, worker_factory):
    reviewers = _reviewers(3)
    _due_questions(7)
    sink, port = smtp()
    worker = worker_factory(port)
    assert _pass(worker) == {"digests": 3, "rows": 7}
    assert sink.recipients() == sorted(r.email for r in reviewers)
    assert _pass(worker) == {"digests": 0, "rows": 0}
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
    _wait_for(sink.holding.is_set, "the second digest to reach the SMTP server")
    first.kill()
    sink.release.set()
    assert len(sink.messages) == 1
    _wait_for(_unsent_rows_unlocked, "the killed worker's transaction to roll back")
    assert ReminderRecord.objects.filter(sent_at=None).count() == 4

    second = worker_factory(port)
    assert _pass(second) == {"digests": 2, "rows": 4}
    assert sink.recipients() == sorted(r.email for r in reviewers)
    assert _pass(second) == {"digests": 0, "rows": 0}
    assert len(sink.messages) == 3
    stages = ReminderRecord.objects.values_list("question_id", "recipient_id", "stage")
    assert len(set(stages)) == ReminderRecord.objects.filter(sent_at__isnull=False).count() == 6
