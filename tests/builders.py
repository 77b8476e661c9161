"""Tiny builders for tests: a resolved question with forecasts in one call."""

import datetime as dt

from forecasts.models import Expert, Question
from forecasts.services import create_question, record_prediction
from forecasts.services.reviews import resolve_question

DAY0 = dt.date(2025, 1, 1)


def make_question(title: str, *, deadline: dt.date = DAY0, topics=(), consensus=None) -> Question:
    return create_question(
        title=title,
        resolution_criteria="YES if it happens by the deadline, NO otherwise.",
        deadline=deadline,
        topics=topics,
        consensus_probability=consensus,
    )


def forecast(expert: Expert, question: Question, p: float | str, *, days_before: int = 10):
    return record_prediction(
        expert=expert,
        question=question,
        probability=p,
        made_on=question.deadline - dt.timedelta(days=days_before),
    )


def resolve(question: Question, outcome: str, by, *, reason: str = "") -> Question:
    resolve_question(
        question=question,
        outcome=outcome,
        resolved_by=by,
        evidence_url="https://example.org/evidence",
        reason=reason,
    )
    question.refresh_from_db()
    return question
