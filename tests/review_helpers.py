"""Builders for the review workflow tests: due questions, predictions recorded by someone."""

import datetime as dt

from django.utils import timezone

from forecasts.models import Question
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


def due_question(title: str, *, now: dt.datetime | None = None) -> Question:
    """A question that fell due `now` (no reviewers assigned: the sweep does that)."""
    question = past_question(title)
    Question.objects.filter(pk=question.pk).update(
        status=Question.Status.DUE, due_at=now or timezone.now()
    )
    question.refresh_from_db()
    return question


def ensure_groups() -> None:
    """The groups come from a data migration, which a transactional test's flush erases."""
    from django.contrib.auth.models import Group

    for name in ("Editors", "Reviewers"):
        Group.objects.get_or_create(name=name)
