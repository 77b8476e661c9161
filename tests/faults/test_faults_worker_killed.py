"""A worker killed mid-task: the task comes back and its effect happens once.

Two ways a worker dies, and the setting that covers each (config/settings.py):

- The whole worker (its host, its container) is SIGKILLed. It never acknowledged the message
  (task_acks_late), so Redis still holds it among the unacknowledged; once the visibility
  timeout has passed, another worker's restore sweep puts it back on the queue. Production
  waits CELERY_VISIBILITY_TIMEOUT (an hour); the workers here are given 2 s.
- Only the pool process running the task dies (the OOM killer). The worker's main process
  sees it go and, with task_reject_on_worker_lost, rejects the message with requeue: it runs
  again at once. This worker keeps the hour-long visibility timeout, so nothing else can be
  what brought the message back.

Tasks are held mid-run by what the test controls: a row lock it takes on an expert, or an SMTP
server that holds a message. Every wait polls a condition with a deadline.
"""

import os
import signal
from collections.abc import Iterator

import pytest
import redis

from forecasts import tasks
from forecasts.models import Expert, ReminderRecord, StaleTrackRecord, TrackRecord
from forecasts.services import create_expert
from forecasts.services.reviews.assignments import mark_due_questions
from forecasts.services.reviews.verdicts import submit_verdict
from forecasts.services.roles import ensure_roles
from forecasts.services.track_records.rebuild import recompute_track_records
from tests.builders import due_question, make_user, past_question, predict
from tests.fault_support import (
    FaultRig,
    backends_waiting_on_locks,
    other_backends,
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
EVIDENCE = "https://example.org/council-minutes"
UPDATE = "forecasts.tasks.update_track_records"
REMINDERS = "forecasts.tasks.send_review_reminders"


@pytest.fixture
def rig(transactional_db: None) -> Iterator[FaultRig]:
    ensure_roles()
    with running_rig() as rig:
        yield rig


def _unacknowledged(rig: FaultRig) -> int:
    """Messages a worker took and never acknowledged (kombu's Redis `unacked` hash)."""
    return redis.Redis(port=rig.redis.port).hlen("unacked")


def test_a_worker_killed_mid_task_gets_its_message_back_and_builds_the_records_once(rig):
    bob = make_user("bob", "Reviewers")
    vera, oleg = create_expert(name="Vera Ostrova"), create_expert(name="Oleg Marr")
    question = due_question("Will the harbour toll be abolished?", reviewers=[bob])
    predict(question, expert=vera, p=0.8)
    predict(question, expert=oleg, p=0.3)
    first = rig.worker(CELERY_VISIBILITY_TIMEOUT="2")

    with row_lock(Expert._meta.db_table, vera.pk):
        # On commit the resolution enqueues update_track_records; the worker takes it and
        # waits for the expert's row lock, its stale marks deleted but not committed.
        submit_verdict(question=question, reviewer=bob, outcome="yes", evidence_url=EVIDENCE)
        wait_for(lambda: first.first_received(UPDATE), "the worker to take the update")
        wait_for(lambda: backends_waiting_on_locks() == 1, "the update to wait on the lock")
        task_id = first.first_received(UPDATE)
        first.kill()
    wait_for(lambda: other_backends() == 0, "the killed worker's session to end")

    assert sorted(StaleTrackRecord.objects.values_list("expert_id", flat=True)) == sorted(
        [vera.pk, oleg.pk]
    )  # the killed transaction rolled back: the marks are there again
    assert not TrackRecord.objects.exists()
    assert _unacknowledged(rig) == 1

    second = rig.worker(CELERY_VISIBILITY_TIMEOUT="2")
    wait_for(lambda: second.succeeded(task_id), "the same message to run on the new worker")
    assert second.succeeded(task_id) == "2"
    assert [e[2] for e in second.events(task_id)] == ["received", "succeeded"]
    assert _unacknowledged(rig) == 0
    assert not StaleTrackRecord.objects.exists()
    assert TrackRecord.objects.filter(prospective_only=False, topic=None).count() == 2
    incremental = track_record_figures()
    recompute_track_records()
    assert incremental == track_record_figures()


def test_a_pool_process_killed_mid_pass_is_requeued_and_each_digest_goes_out_once(rig):
    reviewers = [make_user(f"reviewer{i}", "Reviewers") for i in range(3)]
    for i in range(6):
        past_question(f"Will milestone {i} be reached?")
    mark_due_questions()  # two due questions per reviewer
    sink, mail = rig.smtp_sink(hold_at=2)  # the second digest hangs at the SMTP server
    worker = rig.worker(pool="prefork", **mail)

    reminders = tasks.send_review_reminders.delay()
    wait_for(sink.holding.is_set, "the second digest to reach the SMTP server")
    [child] = worker.pool_children()
    os.kill(child, signal.SIGKILL)
    wait_for(lambda: "WorkerLostError" in worker.text(), "the worker to see its process go")
    sink.release.set()  # too late: the killed process's SMTP session is gone

    wait_for(lambda: worker.succeeded(reminders.id), "the requeued pass to finish")
    # One message, delivered twice: the second time because the first delivery was rejected
    # with requeue when its process died.
    assert [e[2] for e in worker.events(reminders.id)] == ["received", "received", "succeeded"]
    assert "WorkerLostError('Worker exited prematurely: signal 9" in worker.text()
    # The requeued pass finds the killed one's rows locked until PostgreSQL has noticed the
    # dead session; any it skipped, the beat's next pass sends. Either way: once each.
    follow_up = tasks.send_review_reminders.delay()
    wait_for(lambda: worker.succeeded(follow_up.id), "the beat's next pass")
    print("requeued pass:", worker.succeeded(reminders.id), "next:", worker.succeeded(follow_up.id))
    assert sink.recipients() == sorted(r.email for r in reviewers)
    assert ReminderRecord.objects.filter(sent_at__isnull=True).count() == 0
    assert ReminderRecord.objects.count() == 6
