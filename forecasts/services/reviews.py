"""Verdicts and resolution: reviewers' verdicts, quorum, disputes, admin re-resolution."""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from forecasts.models import Question, Review, ReviewAssignment


class VerdictConflict(Exception):
    """The question was settled by someone else first (API: 409)."""


def _check_verdict(outcome: str, evidence_url: str) -> None:
    if outcome not in Question.Outcome.values:
        raise ValidationError(
            {"outcome": f"{outcome!r} is not an outcome: use yes, no or annulled."}
        )
    if outcome != Question.Outcome.ANNULLED and not evidence_url.strip():
        raise ValidationError({"evidence_url": "A YES or NO verdict needs an evidence URL."})


def _settle(question: Question, outcome: str, now: dt.datetime) -> None:
    question.outcome = outcome
    question.status = (
        Question.Status.ANNULLED
        if outcome == Question.Outcome.ANNULLED
        else Question.Status.RESOLVED
    )
    question.resolved_at = now
    question.save(update_fields=["outcome", "status", "resolved_at"])
    question.assignments.filter(round=question.review_round, state="pending").update(
        state="cancelled"
    )
    from forecasts.services.track_records import score_question

    score_question(question_id=question.pk)


@transaction.atomic
def resolve_question(
    *,
    question: Question,
    outcome: str,
    resolved_by: AbstractBaseUser,
    evidence_url: str = "",
    note: str = "",
    reason: str = "",
) -> Review:
    """An admin's (or the seed loader's) direct resolution, or a re-resolution with a reason.

    A settled question re-resolved opens a new review round; every earlier verdict is kept.
    """
    _check_verdict(outcome, evidence_url)
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.is_settled:
        if not reason.strip():
            raise ValidationError({"reason": "Re-resolving needs a reason; it is kept."})
        question.review_round += 1
        question.save(update_fields=["review_round"])
    now = timezone.now()
    try:
        with transaction.atomic():
            review = Review.objects.create(
                question=question,
                reviewer=resolved_by,
                round=question.review_round,
                outcome=outcome,
                evidence_url=evidence_url.strip(),
                note=note.strip(),
                reason=reason.strip(),
                created_at=now,
            )
    except IntegrityError:
        raise VerdictConflict(
            "You already gave a verdict in this round; re-resolve with a reason instead."
        ) from None
    ReviewAssignment.objects.filter(
        question=question, reviewer=resolved_by, round=question.review_round
    ).update(state="done", completed_at=now)
    _settle(question, outcome, now)
    return review
