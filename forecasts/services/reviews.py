"""Verdicts and resolution: reviewers' verdicts, quorum, disputes, admin re-resolution.

Every verdict path locks the question row first, so verdicts on one question are applied one
after another: two reviewers submitting at the same moment see each other's result, never a
mix. The rules:

- A reviewer's verdict counts toward the quorum (settings.REVIEWS_REQUIRED) of the question's
  current round. Agreeing verdicts reaching the quorum settle it; any disagreement marks it
  disputed and escalates to the admins.
- An admin's verdict is authoritative: it settles a due or disputed question, and re-resolves a
  settled one when a reason is given (a new round; every earlier verdict is kept).
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone

from forecasts.models import Question, Review, ReviewAssignment
from forecasts.services import ledger, reminder_claims

REVIEWERS_GROUP = "Reviewers"


class VerdictConflict(Exception):
    """The question's state does not take this verdict (API: 409); the message says why."""


def is_reviewer(user: AbstractBaseUser | None) -> bool:
    """Members of the Reviewers group, and admins (superusers), may give verdicts."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=REVIEWERS_GROUP).exists()


def _check_verdict(outcome: str, evidence_url: str) -> None:
    if outcome not in Question.Outcome.values:
        raise ValidationError(
            {"outcome": f"{outcome!r} is not an outcome: use yes, no or annulled."}
        )
    if outcome == Question.Outcome.ANNULLED and not evidence_url:
        return
    if not evidence_url:
        raise ValidationError({"evidence_url": "A YES or NO verdict needs an evidence URL."})
    try:
        URLValidator(schemes=["http", "https"])(evidence_url)
    except ValidationError:
        raise ValidationError(
            {"evidence_url": f"{evidence_url!r} is not a web address (http:// or https://)."}
        ) from None


def _settle(question: Question, outcome: str, now: dt.datetime) -> None:
    """Resolve (or annul) a locked question, close its open assignments and rescore it."""
    question.outcome = outcome
    question.status = (
        Question.Status.ANNULLED
        if outcome == Question.Outcome.ANNULLED
        else Question.Status.RESOLVED
    )
    question.resolved_at = now
    question.save(update_fields=["outcome", "status", "resolved_at"])
    question.assignments.filter(state=ReviewAssignment.State.PENDING).update(
        state=ReviewAssignment.State.CANCELLED
    )
    from forecasts.services.track_records import score_question

    score_question(question_id=question.pk)


def _record_review(
    question: Question,
    reviewer: AbstractBaseUser,
    outcome: str,
    evidence_url: str,
    note: str,
    reason: str,
    now: dt.datetime,
) -> Review:
    try:
        # A savepoint, so the unique-per-round violation leaves the outer transaction usable.
        with transaction.atomic():
            review = Review.objects.create(
                question=question,
                reviewer=reviewer,
                round=question.review_round,
                outcome=outcome,
                evidence_url=evidence_url,
                note=note.strip(),
                reason=reason.strip(),
                created_at=now,
            )
    except IntegrityError:
        raise VerdictConflict(
            "You already gave a verdict on this question in this round; "
            "an admin can re-resolve it with a reason."
        ) from None
    ledger.append_reviews([review])  # a verdict is part of the record from the moment it is given
    ReviewAssignment.objects.filter(
        question=question, reviewer=reviewer, round=question.review_round
    ).update(state=ReviewAssignment.State.DONE, completed_at=now)
    return review


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
    outcome, evidence_url = outcome.strip().lower(), evidence_url.strip()
    _check_verdict(outcome, evidence_url)
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.is_settled:
        if not reason.strip():
            raise ValidationError({"reason": "Re-resolving needs a reason; it is kept."})
        question.review_round += 1
        question.save(update_fields=["review_round"])
    now = timezone.now()
    review = _record_review(question, resolved_by, outcome, evidence_url, note, reason, now)
    _settle(question, outcome, now)
    return review


def submit_verdict(
    *,
    question: Question,
    reviewer: AbstractBaseUser,
    outcome: str,
    evidence_url: str = "",
    note: str = "",
    reason: str = "",
) -> Review:
    """A verdict from the review queue or the API.

    Raises PermissionDenied (403) for non-reviewers, ValidationError with a field dict (400)
    for a bad outcome, a missing evidence URL or a re-resolution without a reason, and
    VerdictConflict (409) when the question's state does not take this verdict.
    """
    if not is_reviewer(reviewer):
        raise PermissionDenied("Only reviewers can give verdicts on questions.")
    outcome, evidence_url = (outcome or "").strip().lower(), (evidence_url or "").strip()
    _check_verdict(outcome, evidence_url)
    if reviewer.is_superuser:
        return _admin_verdict(question, reviewer, outcome, evidence_url, note, reason)
    return _reviewer_verdict(question, reviewer, outcome, evidence_url, note)


@transaction.atomic
def _admin_verdict(
    question: Question,
    admin: AbstractBaseUser,
    outcome: str,
    evidence_url: str,
    note: str,
    reason: str,
) -> Review:
    locked = Question.objects.select_for_update().get(pk=question.pk)
    if locked.status == Question.Status.OPEN:
        raise VerdictConflict(_not_due_message(locked))
    return resolve_question(
        question=locked,
        outcome=outcome,
        resolved_by=admin,
        evidence_url=evidence_url,
        note=note,
        reason=reason,
    )


@transaction.atomic
def _reviewer_verdict(
    question: Question,
    reviewer: AbstractBaseUser,
    outcome: str,
    evidence_url: str,
    note: str,
) -> Review:
    # The lock is the first read, so a verdict that waited for another sees its result.
    question = Question.objects.select_for_update().get(pk=question.pk)
    _check_takes_reviewer_verdict(question)
    now = timezone.now()
    review = _record_review(question, reviewer, outcome, evidence_url, note, "", now)
    outcomes = list(
        question.reviews.filter(round=question.review_round).values_list("outcome", flat=True)
    )
    if len(set(outcomes)) > 1:
        _mark_disputed(question, now)
    elif len(outcomes) >= settings.REVIEWS_REQUIRED:
        _settle(question, outcome, now)
    return review


def _check_takes_reviewer_verdict(question: Question) -> None:
    status = question.status
    if status == Question.Status.DUE:
        return
    if status == Question.Status.OPEN:
        raise VerdictConflict(_not_due_message(question))
    if status == Question.Status.DISPUTED:
        raise VerdictConflict(
            "This question is disputed: reviewers disagreed, and an admin settles it."
        )
    raise VerdictConflict(_settled_message(question))


def _not_due_message(question: Question) -> str:
    deadline = question.deadline.isoformat()
    return f"This question is not due for review yet: its deadline is {deadline}."


def _settled_message(question: Question) -> str:
    last = question.reviews.filter(round=question.review_round).select_related("reviewer").last()
    by = f" by {last.reviewer.get_username()}" if last else ""
    when = f" on {question.resolved_at:%Y-%m-%d %H:%M} UTC" if question.resolved_at else ""
    return (
        f"This question was already resolved as {question.outcome.upper()}{by}{when}; "
        "an admin can re-resolve it with a reason."
    )


def _mark_disputed(question: Question, now: dt.datetime) -> None:
    """Reviewers disagree: the question waits for an admin, who is told once."""
    question.status = Question.Status.DISPUTED
    question.save(update_fields=["status"])
    # The escalation is claimed in this transaction, so it is never lost: if the delivery
    # enqueued after commit does not happen, the next reminder pass sends it.
    recipient_ids = reminder_claims.claim_dispute_escalation(question=question, now=now)
    if recipient_ids:
        from forecasts.tasks import deliver_review_reminders

        # robust: with the broker down the verdict still stands; the claimed notice waits in
        # ReminderRecord and the next reminder pass sends it.
        transaction.on_commit(lambda: deliver_review_reminders.delay(recipient_ids), robust=True)
