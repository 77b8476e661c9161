"""RabbitMQ as the broker (CELERY_BROKER_URL=amqp://...): a worker SIGKILLed mid-task has its
message back on the queue the moment its connection closes, not after a visibility timeout,
and the other worker finishes the work, each digest once.

The workers run on a queue of this test's own (EMAIL_QUEUE), deleted afterwards, on the
machine's RabbitMQ; Redis stays the cache. Every wait polls a condition with a deadline.
"""

import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from config.celery import app as celery_app
from forecasts import tasks
from forecasts.models import ReminderRecord
from forecasts.services.reviews.assignments import mark_due_questions
from forecasts.services.roles import ensure_roles
from tests.builders import make_user, past_question
from tests.fault_support import RABBITMQ_URL, SmtpServer, Worker, celery_broker, wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.rabbitmq,
    pytest.mark.real_worker,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def queue(transactional_db: None) -> Iterator[str]:
    ensure_roles()
    name = f"test-email-{uuid.uuid4().hex[:10]}"
    with celery_broker(RABBITMQ_URL):
        yield name
        with celery_app.connection_for_write() as conn:
            conn.default_channel.queue_delete(name)


def test_a_killed_workers_message_goes_to_the_other_worker_at_once(queue):
    reviewers = [make_user(f"reviewer{i}", "Reviewers") for i in range(3)]
    for i in range(6):
        past_question(f"Will milestone {i} be reached?")
    mark_due_questions()
    smtp = SmtpServer(hold_at=2)  # the second digest hangs at the SMTP server
    logs = Path(tempfile.mkdtemp(prefix="celery-rabbitmq-"))
    env = {"CELERY_BROKER_URL": RABBITMQ_URL, "EMAIL_QUEUE": queue, **smtp.env()}
    workers = [
        Worker(broker_url=settings.REDIS_URL, log=logs / f"{i}.log", env=env, queue=queue)
        for i in range(2)
    ]
    try:
        for worker in workers:
            worker.wait_ready()
        sent = tasks.send_review_reminders.apply_async(queue=queue)
        wait_for(smtp.sink.holding.is_set, "the second digest to reach the SMTP server")
        [holder] = [w for w in workers if w.events(sent.id)]
        [other] = [w for w in workers if w is not holder]
        holder.kill()
        killed_at = time.monotonic()
        smtp.sink.release.set()  # too late: the killed worker's SMTP session is gone
        wait_for(lambda: other.events(sent.id), "the other worker to get the message")
        redelivered = time.monotonic() - killed_at
        wait_for(lambda: other.succeeded(sent.id), "the redelivered pass to finish")
    finally:
        for worker in workers:
            worker.kill()  # a warm shutdown on amqp takes ~10 s, and nothing is left to ack
        smtp.stop()
        for worker in workers:
            print(worker.text()[-3000:])
    print(f"SIGKILL to redelivery on RabbitMQ: {redelivered:.2f} s")
    assert redelivered < settings.VISIBILITY_TIMEOUT  # no visibility timeout to wait out
    assert smtp.sink.recipients() == sorted(r.email for r in reviewers)
    assert ReminderRecord.objects.count() == 6
