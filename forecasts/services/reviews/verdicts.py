"""Verdicts and resolution: reviewers' verdicts, quorum, disputes, admin re-resolution.

Every verdict path locks the question row first, so verdicts on one question are applied one
after another: two reviewers submitting at the same moment see each other's result, never a
mix. The rules:

- Verdicts are independent: nobody who recorded, corrected or revised anything on a question
  (its predictions or the question itself) gives a verdict on it, admins included
  (`involvement` says why not; PermissionDenied, a 403). The due sweep never assigns them.
- A reviewer gives verdicts on the questions assigned to them. A due question that fewer
  eligible reviewers hold than the quorum needs can be taken from the queue (`take_question`:
  an assignment, recorded like the sweep's).
- A reviewer's verdict counts toward the quorum (settings.REVIEWS_REQUIRED) of the question's
  current round. Agreeing verdicts reaching the quorum settle it; any disagreement marks it
  disputed and escalates to the admins.
- An admin's verdict is authoritative: it settles a due or disputed question, and re-resolves a
  settled one when a reason is given (a new round; every earlier verdict is kept). The outcome
  it already has again changes nothing (VerdictConflict, 409), unless the verdict brings
  evidence not on record for that outcome: then it is kept as a round of its own, and the
  settlement (outcome, resolution time, scores) stands as it was.
- Every settlement (resolution, re-resolution, annulment) is chained in the ledger, keyed by
  the verdict that brought it about.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from forecasts.models import Prediction, Question, QuestionRevision, Review, ReviewAssignment
from forecasts.services.enqueue import enqueue_after_commit
from forecasts.services.ledger import chain as ledger
from forecasts.services.reviews import reminder_claims
from forecasts.services.roles import REVIEWERS_GROUP
from forecasts.services.track_records.scores import score_question


class VerdictConflict(Exception):
    """The question's state does not take this verdict (API: 409); the message says why."""


def is_reviewer(user: AbstractBaseUser | None) -> bool:
    """Members of the Reviewers group, and admins (superusers), may give verdicts."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=REVIEWERS_GROUP).exists()


def involved_user_ids(question_ids: list[int]) -> dict[int, set[int]]:
    """Per question, the users who recorded, corrected or revised anything on it: its
    predictions (a correction moving one away included), its creation, its revisions."""
    involved: dict[int, set[int]] = {pk: set() for pk in question_ids}
    predictions = Prediction.objects.exclude(recorded_by=None).order_by()
    pairs = [
        predictions.filter(question_id__any=question_ids).values_list("question_id", "recorded_by"),
        predictions.filter(supersedes__question_id__any=question_ids).values_list(
            "supersedes__question_id", "recorded_by"
        ),
        Question.objects.filter(pk__any=question_ids)
        .exclude(created_by=None)
        .values_list("pk", "created_by"),
        QuestionRevision.objects.filter(question_id__any=question_ids)
        .exclude(changed_by=None)
        .values_list("question_id", "changed_by"),
    ]
    for query in pairs:
        for question_id, user_id in query.distinct():
            involved[question_id].add(user_id)
    return involved


def involvement(question: Question, user: AbstractBaseUser) -> str | None:
    """Why this user may not judge this question, or None when they may."""
    recorded = (
        Prediction.objects.filter(recorded_by=user)
        .filter(Q(question=question) | Q(supersedes__question=question))
        .order_by("created_at")
        .first()
    )
    if recorded is not None:
        what = "corrected" if recorded.supersedes_id else "recorded"
        return (
            f"You {what} a prediction on this question (prediction {recorded.pk}, "
            f"{recorded.created_at:%Y-%m-%d}); verdicts must come from someone who recorded, "
            "corrected and revised nothing on it."
        )
    if question.created_by_id == user.pk:
        return (
            "You created this question; verdicts must come from someone who recorded, "
            "corrected and revised nothing on it."
        )
    revision = question.revisions.filter(changed_by=user).order_by("version").first()
    if revision is not None:
        return (
            f"You revised this question (version {revision.version}); verdicts must come from "
            "someone who recorded, corrected and revised nothing on it."
        )
    return None


def check_independent(question: Question, user: AbstractBaseUser) -> None:
    reason = involvement(question, user)
    if reason:
        raise PermissionDenied(reason)


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


def _settle(question: Question, review: Review, now: dt.datetime) -> None:
    """Resolve (or annul) a locked question as this verdict says, chain the settlement, close
    its open assignments and rescore it."""
    question.outcome = review.outcome
    question.status = (
        Question.Status.ANNULLED
        if review.outcome == Question.Outcome.ANNULLED
        else Question.Status.RESOLVED
    )
    question.resolved_at = now
    question.first_resolved_at = question.first_resolved_at or now
    question.save(update_fields=["outcome", "status", "resolved_at", "first_resolved_at"])
    ledger.append_resolution(question_id=question.pk, review_id=review.pk)
    question.assignments.filter(state=ReviewAssignment.State.PENDING).update(
        state=ReviewAssignment.State.CANCELLED
    )
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
    The outcome it already has is a VerdictConflict, unless the verdict adds evidence: that
    verdict gets its round, and the settlement stands (its time, and so its scores' dates).
    """
    outcome, evidence_url = outcome.strip().lower(), evidence_url.strip()
    _check_verdict(outcome, evidence_url)
    question = Question.objects.select_for_update().get(pk=question.pk)
    check_independent(question, resolved_by)
    adds_evidence = False
    if question.is_settled:
        adds_evidence = outcome == question.outcome
        if adds_evidence and not _new_evidence(question, outcome, evidence_url):
            raise VerdictConflict(_same_outcome_message(question))
        if not reason.strip():
            raise ValidationError({"reason": "Re-resolving needs a reason; it is kept."})
        question.review_round += 1
        question.save(update_fields=["review_round"])
    now = timezone.now()
    review = _record_review(question, resolved_by, outcome, evidence_url, note, reason, now)
    if not adds_evidence:
        _settle(question, review, now)
    return review


def _new_evidence(question: Question, outcome: str, evidence_url: str) -> bool:
    """Whether this evidence is not on record yet for this outcome of the question."""
    if not evidence_url:
        return False
    return not question.reviews.filter(outcome=outcome, evidence_url=evidence_url).exists()


def _same_outcome_message(question: Question) -> str:
    outcome = question.outcome.upper()
    others = " or ".join(o.upper() for o in Question.Outcome.values if o != question.outcome)
    state = "annulled" if question.status == Question.Status.ANNULLED else f"resolved {outcome}"
    return (
        f"This question is already {state} (round {question.review_round}); a verdict of "
        f"{outcome} again changes nothing, so no new round is opened. To change the outcome, "
        f"re-resolve it as {others} with a reason; to add evidence for {outcome}, send an "
        "evidence_url not on record yet, with a reason."
    )


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
    check_independent(locked, admin)
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
    check_independent(question, reviewer)
    _check_takes_reviewer_verdict(question)
    _check_assigned(question, reviewer)
    now = timezone.now()
    review = _record_review(question, reviewer, outcome, evidence_url, note, "", now)
    outcomes = list(
        question.reviews.filter(round=question.review_round).values_list("outcome", flat=True)
    )
    if len(set(outcomes)) > 1:
        _mark_disputed(question, now)
    elif len(outcomes) >= settings.REVIEWS_REQUIRED:
        _settle(question, review, now)
    return review


def _check_assigned(question: Question, reviewer: AbstractBaseUser) -> None:
    # DONE too: a second verdict of the round is then the unique constraint's 409.
    holds = question.assignments.filter(
        reviewer=reviewer,
        round=question.review_round,
        state__in=[ReviewAssignment.State.PENDING, ReviewAssignment.State.DONE],
    ).exists()
    if holds:
        return
    if _open_places(question) > 0:
        raise PermissionDenied(
            "This question is not assigned to you. Nobody eligible holds it yet: take it from "
            "the review queue (or POST /api/questions/{id}/take/), then give your verdict."
        )
    raise PermissionDenied(
        "This question is assigned to other reviewers; verdicts come from the reviewers it "
        "is assigned to."
    )


def _open_places(question: Question) -> int:
    """How many more eligible reviewers the current round needs (locked question)."""
    holders = set(
        question.assignments.filter(
            round=question.review_round,
            state__in=[ReviewAssignment.State.PENDING, ReviewAssignment.State.DONE],
        ).values_list("reviewer_id", flat=True)
    )
    eligible = holders - involved_user_ids([question.pk])[question.pk]
    return settings.REVIEWS_REQUIRED - len(eligible)


@transaction.atomic
def take_question(
    *, question: Question, reviewer: AbstractBaseUser
) -> tuple[ReviewAssignment, bool]:
    """Assign a due question to this reviewer from the queue, when fewer eligible reviewers
    hold it than the quorum needs (nobody eligible was found, or they were involved since);
    and whether the assignment is new. One the reviewer already holds this round (waiting
    for their verdict, or given it) comes back as it is.

    PermissionDenied when the reviewer may not judge it; VerdictConflict when it is not due or
    needs nobody more.
    """
    if not is_reviewer(reviewer):
        raise PermissionDenied("Only reviewers can take questions to review.")
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.status != Question.Status.DUE:
        _check_takes_reviewer_verdict(question)  # says why (open, disputed, settled)
    check_independent(question, reviewer)
    mine = question.assignments.filter(reviewer=reviewer, round=question.review_round).first()
    if mine and mine.state != ReviewAssignment.State.CANCELLED:
        return mine, False
    if _open_places(question) <= 0:
        raise VerdictConflict(
            "Enough eligible reviewers already hold this question; it is not yours to take."
        )
    now = timezone.now()
    if mine:  # cancelled earlier (a deadline moved): reopen rather than add a second row
        ReviewAssignment.objects.filter(pk=mine.pk).update(
            state=ReviewAssignment.State.PENDING, assigned_at=now, completed_at=None
        )
        mine.refresh_from_db()
        return mine, True
    assignment = ReviewAssignment.objects.create(
        question=question, reviewer=reviewer, round=question.review_round, assigned_at=now
    )
    return assignment, True


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
        # With the broker down the verdict still stands; the claimed notice waits in
        # ReminderRecord and the next reminder pass sends it.
        enqueue_after_commit("forecasts.tasks.deliver_review_reminders", recipient_ids)
