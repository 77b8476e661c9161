"""Builders for the review workflow tests: due questions, predictions recorded by someone."""

import datetime as dt

from django.utils import timezone

from forecasts.models import Question, ReviewAssignment
from forecasts.services import create_expert, create_question, record_prediction


def past_question(title: str, *, days_ago: int = 1) -> Question:
    return create_question(
        title=title,
        resolution_criteria="YES if it happened by the deadline; NO otherwise.",
        deadline=timezone.localdate() - dt.timedelta(days=days_ago),
    )


def predict(question: Question, *, recorded_by=None, p: float = 0.7, expert=None):
    expert = expert or create_expert(name=f"Expert on {question.pk}")
    return record_prediction(
        expert=expert,
        question=question,
        probability=p,
        made_on=question.deadline - dt.timedelta(days=30),
        recorded_by=recorded_by,
    )


def due_question(title: str, *, now: dt.datetime | None = None, reviewers=()) -> Question:
    """A question that fell due `now`, assigned to `reviewers` (none: the sweep assigns)."""
    question = past_question(title)
    Question.objects.filter(pk=question.pk).update(
        status=Question.Status.DUE, due_at=now or timezone.now()
    )
    question.refresh_from_db()
    assign(question, *reviewers)
    return question


def assign(question: Question, *reviewers) -> None:
    """Assign the question's current round to these reviewers, as the sweep or a take does."""
    for reviewer in reviewers:
        ReviewAssignment.objects.get_or_create(
            question=question, reviewer=reviewer, round=question.review_round
        )


def ensure_groups() -> None:
    """The groups come from a data migration, which a transactional test's flush erases."""
    from django.contrib.auth.models import Group

    for name in ("Editors", "Reviewers"):
        Group.objects.get_or_create(name=name)


def pick_reviewers(
    *, candidates: dict[int, int], needed: int, involved: set[int], already: set[int]
) -> list[int]:
    """The reviewers the sweep's Balancer must pick, written the plain way: the `needed`
    least-loaded candidates not involved in the question nor already on it."""
    if needed <= 0:
        return []
    eligible = [pk for pk in candidates if pk not in involved and pk not in already]
    return sorted(eligible, key=lambda pk: (candidates[pk], pk))[:needed]
