"""Due questions and their reviewers.

The sweep works in batches of open questions past their deadline, oldest deadline first. Each
batch is one transaction: lock the questions (FOR UPDATE SKIP LOCKED), move them open → due,
assign their reviewers, commit. Nobody ever sees a due question without its reviewers, a sweep
killed mid-way leaves whole batches behind it and the next run carries on, and two sweeps that
overlap split the work instead of doing it twice (each skips the rows the other holds).

Reviewers are balanced by open load: the loads are read once per sweep (one GROUP BY) and kept
up to date in a heap as the sweep assigns, so each pick costs a few heap operations rather than
a query. A batch costs a fixed handful of queries whatever its size.
"""

import datetime as dt
import heapq
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from forecasts.models import Question, ReviewAssignment
from forecasts.models.lookups import int_array
from forecasts.services.bulk import commit_asynchronously
from forecasts.services.reviews.verdicts import involved_user_ids
from forecasts.services.roles import REVIEWERS_GROUP

log = logging.getLogger(__name__)
PENDING, DONE, CANCELLED = (
    ReviewAssignment.State.PENDING,
    ReviewAssignment.State.DONE,
    ReviewAssignment.State.CANCELLED,
)
# Questions per transaction. SQLite caps the parameters of one statement (999 in old builds).
BATCH_SIZE = 5_000
SQLITE_BATCH_SIZE = 400


@dataclass
class DueSweep:
    marked_due: int = 0
    assigned: int = 0
    # Due questions still short of reviewers (nobody eligible); the reminder pass escalates them.
    short_of_reviewers: list[int] = field(default_factory=list)


def reviewer_loads() -> dict[int, int]:
    """Every active reviewer's open load: how many verdicts they owe right now."""
    users = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=REVIEWERS_GROUP)
        .annotate(load=Count("review_assignments", filter=Q(review_assignments__state=PENDING)))
    )
    return dict(users.values_list("pk", "load"))


def _batch_size() -> int:
    return SQLITE_BATCH_SIZE if connection.vendor == "sqlite" else BATCH_SIZE


def mark_due_questions(*, now: dt.datetime | None = None) -> DueSweep:
    """Open questions whose deadline has passed become due; due questions get reviewers."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sweep = DueSweep()
    balancer = Balancer(reviewer_loads())
    while True:
        moved, added = _fall_due_batch(today, balancer, now)
        sweep.marked_due += moved
        sweep.assigned += added
        if not moved:
            break
    # Due questions still short (a reviewer left, or one was added since): try again.
    short = _questions_short_of_reviewers()
    still_short: set[int] = set()
    size = _batch_size()
    for start in range(0, len(short), size):
        added, unfilled = _top_up_batch(short[start : start + size], balancer, now)
        sweep.assigned += added
        still_short |= unfilled
    sweep.short_of_reviewers = [pk for pk in short if pk in still_short]
    if sweep.short_of_reviewers:
        log.warning("Due questions without enough reviewers: %s", sweep.short_of_reviewers)
    return sweep


@transaction.atomic
def fall_due_now(*, question_ids: Iterable[int], now: dt.datetime | None = None) -> DueSweep:
    """The sweep's rule for just these questions, at once: those still open whose deadline
    has passed become due and get their reviewers now, not at the next sweep. Every way a
    question is made (admin, API, extraction, CSV import) calls this once its predictions are
    recorded, so that whoever recorded them is already known to be involved; the reminder pass
    then covers the question straight away.

    The conditional UPDATE is the claim: a sweep running at the same time skips the rows
    locked here, and a question already due is left to the sweep's top-up."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    ids = list(question_ids)
    sweep = DueSweep()
    balancer: Balancer | None = None
    for start in range(0, len(ids), _batch_size()):
        overdue = _overdue_open(today).filter(pk__any=ids[start : start + _batch_size()])
        rows = list(
            overdue.order_by("deadline", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", "review_round")
        )
        if not rows:
            continue
        claimed = [pk for pk, _ in rows]
        Question.objects.filter(pk__any=claimed, status=Question.Status.OPEN).update(
            status=Question.Status.DUE, due_at=now
        )
        balancer = balancer or Balancer(reviewer_loads())
        added, short = _assign_batch(rows, balancer, now)
        sweep.marked_due += len(rows)
        sweep.assigned += added
        sweep.short_of_reviewers += [pk for pk in claimed if pk in short]
    return sweep


def _overdue_open(today: dt.date) -> QuerySet:
    """Open questions whose deadline has passed: what the sweep and fall_due_now move to due
    (_CLAIM_SQL says the same in SQL)."""
    return Question.objects.filter(status=Question.Status.OPEN, deadline__lt=today)


@transaction.atomic
def _fall_due_batch(today: dt.date, balancer: "Balancer", now: dt.datetime) -> tuple[int, int]:
    """Move one batch open → due and assign its reviewers; (moved, assigned).

    The row locks are the claim: of two overlapping sweeps, each question moves in exactly one,
    and in the same transaction as its reviewers are assigned.
    """
    commit_asynchronously()  # a lost batch is redone by the next sweep; nobody was told yet
    if connection.vendor == "postgresql":
        rows = _claim_batch_postgresql(today, now)
    else:
        rows = _claim_batch(today, now)
    if not rows:
        return 0, 0
    added, _ = _assign_batch(rows, balancer, now)
    return len(rows), added


def _claim_batch(today: dt.date, now: dt.datetime) -> list[tuple[int, int]]:
    """Lock the next batch of overdue open questions, mark them due; [(pk, review_round)]."""
    overdue = _overdue_open(today)
    rows = list(
        overdue.order_by("deadline", "pk")
        .select_for_update(skip_locked=True)
        .values_list("pk", "review_round")[: _batch_size()]
    )
    ids = [pk for pk, _ in rows]
    Question.objects.filter(pk__in=ids, status=Question.Status.OPEN).update(
        status=Question.Status.DUE, due_at=now
    )
    return rows


# _claim_batch in one statement: lock, update, return.
_CLAIM_SQL = """
UPDATE {table} AS q SET status = %s, due_at = %s
FROM (
    SELECT id FROM {table}
    WHERE status = %s AND deadline < %s
    ORDER BY deadline, id
    LIMIT %s
    FOR UPDATE SKIP LOCKED
) AS batch
WHERE q.id = batch.id
RETURNING q.id, q.review_round, q.deadline
"""


def _claim_batch_postgresql(today: dt.date, now: dt.datetime) -> list[tuple[int, int]]:
    sql = _CLAIM_SQL.format(table=connection.ops.quote_name(Question._meta.db_table))
    params = [Question.Status.DUE.value, now, Question.Status.OPEN.value, today, _batch_size()]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        returned = cursor.fetchall()
    # RETURNING comes in no particular order; reviewers go out oldest deadline first.
    returned.sort(key=lambda row: (row[2], row[0]))
    return [(pk, review_round) for pk, review_round, _ in returned]


@transaction.atomic
def _top_up_batch(
    question_ids: list[int], balancer: "Balancer", now: dt.datetime
) -> tuple[int, set[int]]:
    """Bring due questions up to REVIEWS_REQUIRED; (assigned, questions still short)."""
    commit_asynchronously()
    rows = list(
        Question.objects.filter(pk__any=question_ids, status=Question.Status.DUE)
        .order_by("due_at", "pk")
        .select_for_update()
        .values_list("pk", "review_round")
    )
    return _assign_batch(rows, balancer, now)


def _assign_batch(
    rows: list[tuple[int, int]], balancer: "Balancer", now: dt.datetime
) -> tuple[int, set[int]]:
    """Assign reviewers to locked due questions (pk, review_round), in the given order.

    A few reads (existing assignments, who is involved in the questions) and at most two
    writes for the whole batch.
    """
    if not rows:
        return 0, set()
    ids = [pk for pk, _ in rows]
    rounds = dict(rows)
    active: dict[int, set[int]] = defaultdict(set)
    cancelled: dict[tuple[int, int], int] = {}  # (question, reviewer) → assignment id
    existing = ReviewAssignment.objects.filter(question_id__any=ids).values_list(
        "pk", "question_id", "reviewer_id", "round", "state"
    )
    for pk, question_id, reviewer_id, round_, state in existing:
        if round_ != rounds[question_id]:
            continue
        if state == CANCELLED:
            cancelled[(question_id, reviewer_id)] = pk
        else:
            active[question_id].add(reviewer_id)
    involved = involved_user_ids(ids)  # never their reviewers (services.reviews)

    required = settings.REVIEWS_REQUIRED
    reopen: list[int] = []
    create: list[tuple[int, int, int]] = []
    short: set[int] = set()
    for question_id, round_ in rows:
        already = active.get(question_id, set())
        needed = required - len(already)
        picks = balancer.pick(needed=needed, involved=involved[question_id], already=already)
        if len(picks) < needed:
            short.add(question_id)
        for reviewer_id in picks:
            # A deadline moved later cancels assignments in the same round; reopen such a row
            # rather than trip over the (question, reviewer, round) unique constraint.
            if (question_id, reviewer_id) in cancelled:
                reopen.append(cancelled[(question_id, reviewer_id)])
            else:
                create.append((question_id, reviewer_id, round_))
    if reopen:
        ReviewAssignment.objects.filter(pk__in=reopen, state=CANCELLED).update(
            state=PENDING, assigned_at=now, completed_at=None
        )
    _insert_assignments(create, now)
    return len(reopen) + len(create), short


_INSERT_SQL = """
INSERT INTO {table} (question_id, reviewer_id, round, state, assigned_at)
SELECT q, r, n, %s, %s FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[]) AS t(q, r, n)
ON CONFLICT DO NOTHING
"""


def _insert_assignments(rows: list[tuple[int, int, int]], now: dt.datetime) -> None:
    """Insert pending assignments (question, reviewer, round), skipping any that exist."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        ReviewAssignment.objects.bulk_create(
            [
                ReviewAssignment(question_id=q, reviewer_id=r, round=n, assigned_at=now)
                for q, r, n in rows
            ],
            ignore_conflicts=True,
        )
        return
    # One statement with three array parameters: no model instances, no 6-column VALUES list.
    sql = _INSERT_SQL.format(table=connection.ops.quote_name(ReviewAssignment._meta.db_table))
    questions, reviewers, rounds = (int_array(column) for column in zip(*rows, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(sql, [PENDING.value, now, questions, reviewers, rounds])


class Balancer:
    """Reviewer loads in a heap: the least-loaded reviewers come out first.

    Picks exactly what a plain sort over the same loads would pick (tests/review_helpers.py,
    pick_reviewers), without sorting every reviewer for every question; the loads go up as
    reviewers are picked.
    """

    def __init__(self, loads: dict[int, int]) -> None:
        self.loads = loads
        self.heap = [(load, pk) for pk, load in loads.items()]
        heapq.heapify(self.heap)

    def pick(self, *, needed: int, involved: set[int], already: set[int]) -> list[int]:
        """The `needed` least-loaded reviewers not already on the question and not involved
        in it (they recorded, corrected or revised something on it): never its judges."""
        if needed <= 0 or not self.heap:
            return []
        popped: list[tuple[int, int]] = []
        picks: list[int] = []
        while self.heap and len(picks) < needed:
            entry = heapq.heappop(self.heap)
            popped.append(entry)
            pk = entry[1]
            if pk not in already and pk not in involved:
                picks.append(pk)
        chosen = set(picks)
        for load, pk in popped:
            if pk in chosen:
                load += 1
                self.loads[pk] = load
            heapq.heappush(self.heap, (load, pk))
        return picks


def _questions_short_of_reviewers() -> list[int]:
    active = Q(assignments__state__in=[PENDING, DONE], assignments__round=F("review_round"))
    return list(
        Question.objects.filter(status=Question.Status.DUE)
        .annotate(active=Count("assignments", filter=active))
        .filter(active__lt=settings.REVIEWS_REQUIRED)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)
    )


def withdraw_involved(user: AbstractBaseUser | None, question: Question) -> None:
    """Whoever records, corrects or revises anything on a question can no longer judge it
    (verdicts.involvement): their pending review of it goes back to the sweep."""
    if user is not None and user.pk is not None:
        ReviewAssignment.objects.filter(question=question, reviewer=user, state=PENDING).update(
            state=CANCELLED
        )
