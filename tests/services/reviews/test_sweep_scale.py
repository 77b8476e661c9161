"""The due sweep and the reminder pass at scale: set-based, batched, same decisions as before.

The sweep moves questions in batches (one transaction each) and balances reviewers with a
heap; the reminder pass claims with INSERT … SELECT and reads each recipient's digest in one
query. These tests pin what that must not change: the same picks as `pick_reviewers` made one
question at a time, a fixed number of queries however much work there is, whole batches after
a crash, and (PostgreSQL) overlapping sweeps that split the work rather than repeat it.
"""

import datetime as dt
import random
import threading

import pytest
from django.core import mail, signing
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forecasts.models import Question, ReminderRecord, ReviewAssignment
from forecasts.services.reviews import assignments, digests
from forecasts.services.reviews.assignments import Balancer, mark_due_questions
from forecasts.services.reviews.reminder_claims import claim_reminders
from forecasts.services.reviews.reminders import send_review_reminders
from forecasts.services.roles import ensure_roles
from tests.builders import make_user, past_question, pick_reviewers, predict

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def _reviewers(n: int, prefix: str = "reviewer") -> list:
    return [make_user(f"{prefix}{i}", "Reviewers") for i in range(n)]


def _pending(question: Question) -> set[int]:
    rows = ReviewAssignment.objects.filter(question=question, state="pending")
    return set(rows.values_list("reviewer_id", flat=True))


# --- the balancer -------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(20))
def test_the_heap_picks_what_pick_reviewers_picks_one_question_at_a_time(seed):
    rng = random.Random(seed)
    reviewers = list(range(1, rng.randint(1, 8) + 1))
    loads = {pk: rng.randint(0, 4) for pk in reviewers}
    reference = dict(loads)
    balancer = Balancer(dict(loads))
    for _ in range(60):
        needed_total = rng.randint(1, 3)
        already = set(rng.sample(reviewers, rng.randint(0, min(2, len(reviewers)))))
        recorders = set(rng.sample(reviewers, rng.randint(0, len(reviewers))))
        if rng.random() < 0.2:
            recorders.add(999)  # a recorder who is no reviewer
        needed = needed_total - len(already)
        expected = pick_reviewers(
            candidates={pk: load for pk, load in reference.items() if pk not in already},
            needed=needed,
            involved=recorders,
            already=already,
        )
        for pk in expected:
            reference[pk] += 1
        assert balancer.pick(needed=needed, involved=recorders, already=already) == expected
        assert balancer.loads == reference


# --- the sweep ----------------------------------------------------------------------------


def _sweep_queries(count: int, offset: int) -> int:
    for i in range(offset, offset + count):
        question = past_question(f"Scale question {i}?", days_ago=1 + i % 5)
        predict(question, p=0.4)
    with CaptureQueriesContext(connection) as captured:
        sweep = mark_due_questions()
    assert sweep.marked_due == count
    return len(captured)


def test_the_sweep_runs_the_same_queries_for_few_and_many_questions(bob, dave):
    few = _sweep_queries(2, offset=0)
    many = _sweep_queries(60, offset=100)
    assert many == few
    assert not Question.objects.filter(status="open").exists()


def test_a_sweep_in_small_batches_marks_and_assigns_everything_balanced(
    monkeypatch, settings, bob, dave
):
    monkeypatch.setattr(assignments, "SQLITE_BATCH_SIZE", 3)
    monkeypatch.setattr(assignments, "BATCH_SIZE", 3)
    settings.REVIEWS_REQUIRED = 2
    erin = make_user("erin", "Reviewers")
    questions = [past_question(f"Batched {i}?", days_ago=1 + i % 4) for i in range(10)]
    predict(questions[0], recorded_by=bob)
    sweep = mark_due_questions()
    assert (sweep.marked_due, sweep.assigned) == (10, 20)
    loads = {
        user.username: ReviewAssignment.objects.filter(reviewer=user).count()
        for user in (bob, dave, erin)
    }
    assert sorted(loads.values()) == [6, 7, 7]
    for question in questions:
        assert len(_pending(question)) == 2


def test_a_sweep_assigns_in_deadline_order_like_one_question_at_a_time(monkeypatch, bob, dave):
    monkeypatch.setattr(assignments, "SQLITE_BATCH_SIZE", 2)
    monkeypatch.setattr(assignments, "BATCH_SIZE", 2)
    oldest = past_question("Oldest", days_ago=9)
    middle = past_question("Middle", days_ago=5)
    newest = past_question("Newest", days_ago=1)
    predict(oldest, recorded_by=bob)
    mark_due_questions()
    # oldest: bob recorded it, so dave; middle: bob (least loaded); newest: tie, lower pk.
    assert _pending(oldest) == {dave.pk}
    assert _pending(middle) == {bob.pk}
    assert _pending(newest) == {min(bob.pk, dave.pk)}


def test_a_sweep_that_dies_mid_way_leaves_whole_batches_and_the_rerun_finishes(
    monkeypatch, bob, dave
):
    monkeypatch.setattr(assignments, "SQLITE_BATCH_SIZE", 2)
    monkeypatch.setattr(assignments, "BATCH_SIZE", 2)
    for i in range(5):
        past_question(f"Crash {i}?", days_ago=5 - i)
    real = assignments._assign_batch
    calls = []

    def dies_on_the_second_batch(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(assignments, "_assign_batch", dies_on_the_second_batch)
    with pytest.raises(RuntimeError):
        mark_due_questions()
    due = Question.objects.filter(status="due")
    assert due.count() == 2  # the first batch committed, the second rolled back
    assert all(_pending(question) for question in due)
    assert not ReviewAssignment.objects.filter(question__status="open").exists()

    monkeypatch.setattr(assignments, "_assign_batch", real)
    sweep = mark_due_questions()
    assert (sweep.marked_due, sweep.assigned) == (3, 3)
    assert ReviewAssignment.objects.count() == 5
    assert not Question.objects.filter(status="open").exists()


def test_a_cancelled_assignment_in_the_same_round_is_reopened_not_duplicated(bob):
    question = past_question("Moved and back")
    mark_due_questions()
    ReviewAssignment.objects.filter(question=question).update(state="cancelled")
    Question.objects.filter(pk=question.pk).update(status="open", due_at=None)
    sweep = mark_due_questions()
    assert (sweep.marked_due, sweep.assigned) == (1, 1)
    (row,) = ReviewAssignment.objects.filter(question=question)
    assert row.state == "pending"


def test_questions_left_short_are_listed_in_due_order(bob):
    first = past_question("First short", days_ago=3)
    second = past_question("Second short", days_ago=1)
    predict(first, recorded_by=bob)
    predict(second, recorded_by=bob)
    now = timezone.now()
    assert mark_due_questions(now=now).short_of_reviewers == [first.pk, second.pk]
    Question.objects.filter(pk=first.pk).update(due_at=now + DAY)
    assert mark_due_questions(now=now).short_of_reviewers == [second.pk, first.pk]


# --- the reminder pass --------------------------------------------------------------------


def _pass_queries(count: int, offset: int, now: dt.datetime) -> int:
    for i in range(offset, offset + count):
        past_question(f"Reminder scale {i}?")
    mark_due_questions(now=now)
    mail.outbox.clear()
    with CaptureQueriesContext(connection) as captured:
        report = send_review_reminders(now=now)
    assert report.rows_sent == count
    return len(captured)


def test_the_reminder_pass_runs_the_same_queries_for_few_and_many_rows(bob, dave, carol):
    now = timezone.now()
    few = _pass_queries(2, offset=0, now=now)
    many = _pass_queries(40, offset=100, now=now)
    assert many == few
    assert len(mail.outbox) == 2
    assert sum(m.body.count("Review it: ") for m in mail.outbox) == 40


def test_claims_follow_the_stage_boundaries_to_the_second(bob):
    now = timezone.now()
    ages = {
        "2 days": 2 * DAY,
        "3 days": 3 * DAY,
        "3 days less 1s": 3 * DAY - dt.timedelta(seconds=1),
    }
    ages |= {"7 days": 7 * DAY, "just now": dt.timedelta(0), "in 1s": -dt.timedelta(seconds=1)}
    for title, age in ages.items():
        question = past_question(title)
        Question.objects.filter(pk=question.pk).update(status="due", due_at=now - age)
        ReviewAssignment.objects.create(question=question, reviewer=bob)
    claim_reminders(now=now)
    stages = dict(ReminderRecord.objects.values_list("question__title", "stage"))
    assert stages == {
        "2 days": "due",
        "3 days": "day3",
        "3 days less 1s": "due",
        "7 days": "day7",
        "just now": "due",
    }


def test_escalations_and_disputes_go_to_every_admin_once(bob, carol):
    admin2 = make_user("root2", None, is_superuser=True, is_staff=True)
    old = past_question("Long overdue")
    nobody = past_question("Nobody on it")
    disputed = past_question("Disputed")
    now = timezone.now()
    Question.objects.filter(pk=old.pk).update(status="due", due_at=now - 20 * DAY)
    ReviewAssignment.objects.create(question=old, reviewer=bob)
    Question.objects.filter(pk=nobody.pk).update(status="due", due_at=now)
    Question.objects.filter(pk=disputed.pk).update(status="disputed", due_at=now)
    assert claim_reminders(now=now) == 1 + 2 * 3
    assert claim_reminders(now=now) == 0
    admin_rows = ReminderRecord.objects.exclude(recipient=bob)
    assert set(admin_rows.values_list("recipient_id", "question_id", "stage")) == {
        (admin, question.pk, stage)
        for admin in (carol.pk, admin2.pk)
        for question, stage in ((old, "escalation"), (nobody, "escalation"), (disputed, "dispute"))
    }


def test_digest_links_are_the_review_links_and_open_the_item(bob, monkeypatch):
    monkeypatch.setattr(signing.time, "time", lambda: 1_800_000_000.5)  # one signing second
    links = digests._ReviewLinks(bob.pk)
    link = links(42)
    assert link == digests.review_link(question_id=42, user_id=bob.pk)
    token = link.removeprefix(digests.absolute("/review/")).removesuffix("/")
    signer = signing.TimestampSigner(salt=digests.REVIEW_LINK_SALT)
    assert signer.sign_object({"q": 42, "u": bob.pk}) == token
    assert links(10**12) == digests.review_link(question_id=10**12, user_id=bob.pk)
    monkeypatch.undo()
    assert digests.read_review_token(links(7).split("/")[-2]) == (7, bob.pk)


def test_a_long_digest_lists_the_oldest_items_and_counts_the_rest(bob, settings):
    settings.DIGEST_MAX_ITEMS = 3
    now = timezone.now()
    titles = [f"Long digest {i}?" for i in range(5)]
    for i, title in enumerate(titles):
        past_question(title, days_ago=10 - i)  # the first title fell due first
    mark_due_questions(now=now)
    report = send_review_reminders(now=now)
    assert report.rows_sent == 5  # every item reported once, listed or counted
    assert not ReminderRecord.objects.filter(sent_at__isnull=True).exists()
    (message,) = mail.outbox
    assert message.subject == "Forecast Ledger: 5 questions waiting for your verdict"
    html = message.alternatives[0][0]
    for body in (message.body, html):
        assert "Waiting for your verdict (5)" in body
        assert [t for t in titles if t in body] == titles[:3]
        assert "and 2 more, oldest first, in your review queue." in body
    assert message.body.count("Review it: ") == 3
    assert html.count("<li>") == 4


def test_a_resent_digest_keeps_its_message_id(bob):
    now = timezone.now()
    for i in range(3):
        past_question(f"Resent {i}?")
    mark_due_questions(now=now)
    send_review_reminders(now=now)
    first = mail.outbox[0].extra_headers["Message-ID"]
    ReminderRecord.objects.update(sent_at=None)  # as if the commit never happened
    send_review_reminders(now=now)
    assert mail.outbox[1].extra_headers["Message-ID"] == first
    assert mail.outbox[1].body == mail.outbox[0].body


def test_digest_links_are_signed_at_the_pass_time_and_open_until_they_expire(bob):
    # A resent digest is the first byte for byte because its links carry the pass's time,
    # not the clock's (which could tick between the two sends).
    signed_at = timezone.now() - dt.timedelta(days=2)
    link = digests._ReviewLinks(bob.pk, signed_at=signed_at)(7)
    token = link.split("/")[-2]
    assert token.split(":")[1] == signing.b62_encode(int(signed_at.timestamp()))
    assert digests.read_review_token(token) == (7, bob.pk)


# --- PostgreSQL: two sweeps at once -------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_overlapping_sweeps_split_the_work_and_assign_each_question_once(monkeypatch):
    ensure_roles()
    monkeypatch.setattr(assignments, "BATCH_SIZE", 4)
    reviewers = _reviewers(3)
    for i in range(40):
        past_question(f"Overlap {i}?", days_ago=1 + i % 7)
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def sweep(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = mark_due_questions()
        except Exception as exc:  # the test inspects what each thread got
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(isinstance(r, assignments.DueSweep) for r in results), results
    assert sum(r.marked_due for r in results) == 40
    assert sum(r.assigned for r in results) == 40
    assert not Question.objects.filter(status="open").exists()
    assert ReviewAssignment.objects.count() == 40
    per_question = ReviewAssignment.objects.values_list("question_id", flat=True)
    assert len(set(per_question)) == 40
    loads = [ReviewAssignment.objects.filter(reviewer=r).count() for r in reviewers]
    assert max(loads) - min(loads) <= 2, loads


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_pass_skips_a_recipient_whose_digest_is_going_out_and_sends_it_later():
    """While one pass is sending bob's digest (its transaction open, e.g. on a slow mail
    server), an overlapping pass neither waits for it nor sends bob anything; when the first
    pass fails and rolls back, the next pass sends bob's rows once."""
    ensure_roles()
    bob, dave = _reviewers(2, prefix="overlap")
    now = timezone.now()
    for i in range(6):
        past_question(f"Overlapping pass {i}?")
    mark_due_questions(now=now)
    claim_reminders(now=now)
    holding, release = threading.Event(), threading.Event()
    taken: list = []

    def slow_delivery() -> None:
        try:
            with transaction.atomic():  # what a pass holds while bob's digest goes out
                unsent = ReminderRecord.objects.filter(recipient=bob, sent_at__isnull=True)
                taken.extend(unsent.select_for_update())
                holding.set()
                release.wait(timeout=30)
                raise RuntimeError("the mail server went away")
        except RuntimeError:
            pass
        finally:
            holding.set()
            connection.close()

    thread = threading.Thread(target=slow_delivery)
    thread.start()
    assert holding.wait(timeout=30)
    assert len(taken) == 3
    try:
        report = send_review_reminders(now=now)  # returns at once: bob is skipped, not awaited
    finally:
        release.set()
        thread.join(timeout=30)
    assert report.digests_sent == 1
    assert report.rows_sent == 3
    assert [m.to for m in mail.outbox] == [[dave.email]]
    again = send_review_reminders(now=now)
    assert again.digests_sent == 1
    assert again.rows_sent == 3
    assert [m.to for m in mail.outbox] == [[dave.email], [bob.email]]
    assert not ReminderRecord.objects.filter(sent_at__isnull=True).exists()
