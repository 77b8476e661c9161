"""Redis stops while the service runs: writes still succeed, and the follow-up work is done
once it is back, none of it lost and none of it twice.

The test owns its redis-server (tests/fault_support.py): the web side (this process: Celery
publishing, the Django cache) and a real worker process both use it, and the test stops it with
SIGTERM and starts it again, empty, on the same port. What carries the work across the outage
is PostgreSQL: StaleTrackRecord rows written in the resolving transaction, and ReminderRecord
claims. The beat is simulated by enqueueing what it would enqueue.
"""

import datetime as dt
import time
from collections.abc import Iterator

import pytest
from kombu.exceptions import OperationalError as BrokerUnreachable
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from forecasts import tasks
from forecasts.models import (
    PredictionScore,
    ReminderRecord,
    ReviewAssignment,
    StaleTrackRecord,
    TrackRecord,
)
from forecasts.services import create_expert
from forecasts.services.reviews.assignments import mark_due_questions
from forecasts.services.reviews.verdicts import submit_verdict
from forecasts.services.roles import ensure_roles
from forecasts.services.track_records.rebuild import recompute_track_records
from tests.builders import due_question, make_user, past_question, predict
from tests.fault_support import FaultRig, running_rig, track_record_figures, wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.real_worker,
    pytest.mark.django_db(transaction=True),
]
EVIDENCE = "https://example.org/council-minutes"
# Publishing gives up after CELERY_TASK_PUBLISH_RETRY_POLICY (one retry, <= 0.5 s apart) and
# the broker's 2 s connect timeout; a request that takes longer than this is hanging on Redis.
REQUEST_BOUND = 5.0


@pytest.fixture
def rig(transactional_db: None, settings) -> Iterator[FaultRig]:
    """A private Redis used for everything Redis does here: broker and cache."""
    ensure_roles()
    with running_rig() as rig:
        settings.REDIS_URL = rig.redis.url
        settings.CACHES = {
            "default": {
                "BACKEND": "config.cache.ResilientRedisCache",
                "LOCATION": rig.redis.url,
            }
        }
        yield rig


def _updated_at() -> dict[int, dt.datetime]:
    overall = TrackRecord.objects.filter(prospective_only=False, topic=None)
    return dict(overall.values_list("expert_id", "updated_at"))


def _timed(call, *args, **kwargs) -> tuple[object, float]:  # noqa: ANN001
    started = time.monotonic()
    result = call(*args, **kwargs)
    return result, time.monotonic() - started


def test_writes_succeed_while_redis_is_down_and_the_work_is_done_once_it_is_back(api_as, rig):
    alice = make_user("alice", "Editors", is_staff=True)
    bob = make_user("bob", "Reviewers")
    make_user("dave", "Reviewers")  # a second reviewer: the two due questions go to one each
    sink, mail = rig.smtp_sink()
    worker = rig.worker(**mail)  # up before the outage, and through it, as in production
    vera, oleg, ines = (create_expert(name=n) for n in ("Vera Ostrova", "Oleg Marr", "Ines Quay"))

    # Before the outage: a question resolves and the worker builds its experts' records.
    settled = due_question("Will the harbour toll be abolished?", reviewers=[bob])
    predict(settled, expert=vera, p=0.8)
    predict(settled, expert=oleg, p=0.3)
    submit_verdict(question=settled, reviewer=bob, outcome="yes", evidence_url=EVIDENCE)
    wait_for(lambda: len(_updated_at()) == 2 and not StaleTrackRecord.objects.exists(), "records")
    built_before = _updated_at()
    bridge = past_question("Will the bridge reopen by spring?")
    predict(bridge, expert=vera, p=0.6)
    ferry = past_question("Will the ferry resume?")
    mark_due_questions()  # both fall due; a reviewer is owed a reminder for each
    ferry_reviewer = ReviewAssignment.objects.get(question=ferry).reviewer

    rig.redis.stop()

    # Record a late-logged prediction on the settled question (it is rescored), a prediction on
    # a due one, then resolve that one: each a request that must answer 2xx without hanging.
    made_on = str(bridge.deadline - dt.timedelta(days=20))
    late, late_s = _timed(
        api_as(alice).post,
        "/api/predictions/",
        {"expert": ines.slug, "question": settled.pk, "probability": 0.6, "made_on": made_on},
        format="json",
    )
    new, new_s = _timed(
        api_as(alice).post,
        "/api/predictions/",
        {"expert": oleg.slug, "question": bridge.pk, "probability": 0.2, "made_on": made_on},
        format="json",
    )
    resolved, resolve_s = _timed(
        api_as(bob).post,
        f"/api/questions/{bridge.pk}/resolve/",
        {"outcome": "no", "evidence_url": EVIDENCE, "note": "Still closed."},
        format="json",
    )
    print(f"requests with Redis down: {late_s:.3f} s, {new_s:.3f} s, {resolve_s:.3f} s")
    assert (late.status_code, new.status_code, resolved.status_code) == (201, 201, 201)
    assert max(late_s, new_s, resolve_s) < REQUEST_BOUND
    assert resolved.json()["status"] == "resolved"
    scored = PredictionScore.objects.values_list("question_id", "expert_id")
    assert sorted(scored) == sorted(
        [(settled.pk, vera.pk), (settled.pk, oleg.pk), (settled.pk, ines.pk)]
        + [(bridge.pk, vera.pk), (bridge.pk, oleg.pk)]
    )
    stale = StaleTrackRecord.objects.values_list("expert_id", flat=True)
    assert sorted(stale) == sorted([vera.pk, oleg.pk, ines.pk])
    assert _updated_at() == built_before  # nothing could be rebuilt yet
    ready = APIClient().get("/health/ready")
    assert (ready.status_code, ready.json()["failing"]) == (503, ["broker"])

    # The beat's passes during the outage fail to enqueue, quickly; beat tries again next time.
    for task in (tasks.refresh_stale_track_records, tasks.send_review_reminders):
        started = time.monotonic()
        with pytest.raises(BrokerUnreachable):
            task.delay()
        assert time.monotonic() - started < REQUEST_BOUND

    rig.redis.start()  # same port, empty: every message from before the outage is gone

    # The beat's next passes. The worker reconnects by itself.
    sweep, reminders = (
        tasks.refresh_stale_track_records.delay(),
        tasks.send_review_reminders.delay(),
    )
    wait_for(lambda: worker.succeeded(sweep.id) and worker.succeeded(reminders.id), "the passes")
    assert worker.succeeded(sweep.id) == "3"
    assert worker.succeeded(reminders.id) == "{'digests': 1, 'rows': 1, 'handed_off': 0}"
    assert not StaleTrackRecord.objects.exists()
    rebuilt = _updated_at()
    assert sorted(rebuilt) == sorted([vera.pk, oleg.pk, ines.pk])
    assert all(rebuilt[pk] > built_before[pk] for pk in built_before)
    assert sink.recipients() == [ferry_reviewer.email]

    # And again, as the beat will: nothing is left to do, and nothing is done twice.
    sweep, reminders = (
        tasks.refresh_stale_track_records.delay(),
        tasks.send_review_reminders.delay(),
    )
    wait_for(lambda: worker.succeeded(sweep.id) and worker.succeeded(reminders.id), "the passes")
    assert worker.succeeded(sweep.id) == "0"
    assert worker.succeeded(reminders.id) == "{'digests': 0, 'rows': 0, 'handed_off': 0}"
    assert len(sink.messages) == 1
    assert ReminderRecord.objects.filter(sent_at__isnull=False).count() == 1

    # What the worker built is what a rebuild from scratch gives.
    incremental = track_record_figures()
    recompute_track_records()
    assert incremental == track_record_figures()


@pytest.mark.parametrize(
    ("path", "throttled"),
    [
        ("/api/experts/", True),
        ("/api/leaderboard/", False),
        ("/", False),
        ("/api/experts/", False),
        ("/experts/vera-ostrova/", False),
    ],
)
def test_public_reads_are_answered_while_the_cache_is_down(rig, monkeypatch, path, throttled):
    create_expert(name="Vera Ostrova")
    if throttled:  # as in production; the test suite turns throttling off elsewhere
        monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "120/min")
        monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", "600/min")
    assert APIClient().get(path).status_code == 200
    rig.redis.stop()
    response, seconds = _timed(APIClient().get, path)
    assert response.status_code == 200
    assert seconds < REQUEST_BOUND


def test_a_dispute_while_redis_is_down_answers_201_and_the_admin_is_told_once(
    api_as, rig, settings
):
    settings.REVIEWS_REQUIRED = 2
    bob, dave = make_user("bob", "Reviewers"), make_user("dave", "Reviewers")
    carol = make_user("carol", None, is_staff=True, is_superuser=True)
    question = due_question("Will the toll go?", reviewers=[bob, dave])
    predict(question, p=0.7)
    submit_verdict(question=question, reviewer=bob, outcome="yes", evidence_url=EVIDENCE)
    rig.redis.stop()
    verdict = {"outcome": "no", "evidence_url": EVIDENCE}
    response, seconds = _timed(
        api_as(dave).post, f"/api/questions/{question.pk}/resolve/", verdict, format="json"
    )
    assert response.status_code == 201
    assert response.json()["status"] == "disputed"
    assert seconds < REQUEST_BOUND

    rig.redis.start()
    sink, mail = rig.smtp_sink()
    worker = rig.worker(**mail)
    for _ in range(2):  # the beat's next two passes: the notice goes out on the first only
        reminders = tasks.send_review_reminders.delay()
        wait_for(lambda r=reminders: worker.succeeded(r.id), "a reminder pass")
    assert sink.recipients() == [carol.email]
