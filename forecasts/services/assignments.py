"""Due questions and their reviewers.

The sweep is safe to run twice and to overlap itself: open → due is a conditional UPDATE, and
each question is assigned under its row lock, counting what an earlier run already assigned.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from forecasts.models import Question, ReviewAssignment
from forecasts.services.reviews import REVIEWERS_GROUP

log = logging.getLogger(__name__)
PENDING, DONE, CANCELLED = (
    ReviewAssignment.State.PENDING,
    ReviewAssignment.State.DONE,
    ReviewAssignment.State.CANCELLED,
)


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


def mark_due_questions(*, now: dt.datetime | None = None) -> DueSweep:
    """Open questions whose deadline has passed become due; due questions get reviewers."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sweep = DueSweep()
    loads = reviewer_loads()
    overdue = Question.objects.filter(status=Question.Status.OPEN, deadline__lt=today)
    for question_id in overdue.order_by("deadline", "pk").values_list("pk", flat=True):
        moved, added = _fall_due(question_id, today, loads, now)
        sweep.marked_due += moved
        sweep.assigned += added
    # Due questions still short (a reviewer left, or one was added since): try again.
    for question_id in _questions_short_of_reviewers():
        sweep.assigned += assign_reviewers(question_id=question_id, loads=loads, now=now)
    sweep.short_of_reviewers = _questions_short_of_reviewers()
    if sweep.short_of_reviewers:
        log.warning("Due questions without enough reviewers: %s", sweep.short_of_reviewers)
    return sweep


@transaction.atomic
def _fall_due(
    question_id: int, today: dt.date, loads: dict[int, int], now: dt.datetime
) -> tuple[int, int]:
    # The status filter is the claim: of two overlapping sweeps, one moves the question. Its
    # reviewers are assigned in the same transaction, so nobody sees it due and unassigned.
    moved = Question.objects.filter(
        pk=question_id, status=Question.Status.OPEN, deadline__lt=today
    ).update(status=Question.Status.DUE, due_at=now)
    if not moved:
        return 0, 0
    return moved, assign_reviewers(question_id=question_id, loads=loads, now=now)


def _questions_short_of_reviewers() -> list[int]:
    active = Q(assignments__state__in=[PENDING, DONE], assignments__round=F("review_round"))
    return list(
        Question.objects.filter(status=Question.Status.DUE)
        .annotate(active=Count("assignments", filter=active))
        .filter(active__lt=settings.REVIEWS_REQUIRED)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def assign_reviewers(*, question_id: int, loads: dict[int, int], now: dt.datetime) -> int:
    """Bring one due question up to REVIEWS_REQUIRED reviewers; returns how many were added.

    `loads` (reviewer id → pending count) is updated in place so one sweep spreads its work.
    """
    question = Question.objects.select_for_update().get(pk=question_id)
    if question.status != Question.Status.DUE:
        return 0
    round_rows = ReviewAssignment.objects.filter(question=question, round=question.review_round)
    active = set(round_rows.filter(state__in=[PENDING, DONE]).values_list("reviewer_id", flat=True))
    picks = pick_reviewers(
        candidates={pk: load for pk, load in loads.items() if pk not in active},
        needed=settings.REVIEWS_REQUIRED - len(active),
        recorders=_recorders(question),
        already=active,
    )
    for reviewer_id in picks:
        _assign(question, reviewer_id, now)
        loads[reviewer_id] = loads.get(reviewer_id, 0) + 1
    return len(picks)


def pick_reviewers(
    *, candidates: dict[int, int], needed: int, recorders: set[int], already: set[int]
) -> list[int]:
    """The `needed` least-loaded candidates, preferring people who recorded no prediction.

    Someone who recorded the question's predictions is never its only reviewer: a pick made
    only of recorders (with nobody else already on the question) is no pick at all.
    """
    if needed <= 0:
        return []
    ranked = sorted(candidates, key=lambda pk: (pk in recorders, candidates[pk], pk))
    picks = ranked[:needed]
    if picks and (already | set(picks)) <= recorders:
        return []
    return picks


def _recorders(question: Question) -> set[int]:
    ids = question.predictions.exclude(recorded_by=None).values_list("recorded_by", flat=True)
    return set(ids)


def _assign(question: Question, reviewer_id: int, now: dt.datetime) -> None:
    # A deadline moved later cancels assignments in the same round; reopen such a row rather
    # than trip over the (question, reviewer, round) unique constraint.
    reopened = ReviewAssignment.objects.filter(
        question=question, reviewer_id=reviewer_id, round=question.review_round, state=CANCELLED
    ).update(state=PENDING, assigned_at=now, completed_at=None)
    if not reopened:
        ReviewAssignment.objects.bulk_create(
            [
                ReviewAssignment(
                    question=question,
                    reviewer_id=reviewer_id,
                    round=question.review_round,
                    assigned_at=now,
                )
            ],
            ignore_conflicts=True,
        )
