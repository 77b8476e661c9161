"""Questions: created with their first revision, changed only by a numbered, chained revision.

A question's terms (title, criteria, deadline) and its context (topics, consensus figure)
feed published figures, so every change is kept with who and why and chained in the ledger.
"""

import datetime as dt
import zlib
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from forecasts.models import Question, QuestionRevision, ReviewAssignment, Topic
from forecasts.services.ledger import chain as ledger
from forecasts.services.records import plausibility
from forecasts.services.reviews.assignments import withdraw_involved
from forecasts.services.track_records.scores import mark_stale, score_question

User = AbstractBaseUser | None


def check_question_text(title: str, criteria: str) -> None:
    errors = {}
    if not title.strip():
        errors["title"] = "A question needs a title that can resolve YES or NO."
    if not criteria.strip():
        errors["resolution_criteria"] = "Say what counts as YES, what as NO, what annuls it."
    if errors:
        raise ValidationError(errors)


def _revision(question: Question, *, reason: str, changed_by: User) -> QuestionRevision:
    """Record and chain the question's terms and context as they now are, as its version."""
    revision = QuestionRevision.objects.create(
        question=question,
        version=question.version,
        title=question.title,
        resolution_criteria=question.resolution_criteria,
        deadline=question.deadline,
        topic_ids=sorted(question.topics.values_list("pk", flat=True)),
        consensus_probability=question.consensus_probability,
        consensus_source=question.consensus_source,
        reason=reason,
        changed_by=changed_by,
    )
    ledger.append_revisions([revision])
    return revision


def _check_consensus(value: float | None) -> None:
    if value is not None and not 0 <= value <= 1:
        raise ValidationError({"consensus_probability": "Give a probability between 0 and 1."})


class DuplicateQuestion(ValidationError):
    """The same question (title, case and spacing aside, and deadline) is already on record.
    The API answers 409 with a link to it; the admin shows the message."""

    def __init__(self, existing: Question) -> None:
        self.existing = existing
        super().__init__(
            f"This question is already on record, with the same title and deadline (question "
            f"{existing.pk}, \u201c{existing.title}\u201d, {existing.deadline}): record the "
            "prediction on it instead of creating another.",
            code="duplicate",
        )


def find_same_question(title: str, deadline: dt.date) -> Question | None:
    """A question with this title (case and spacing aside) and deadline: the key the CSV
    import and extraction already share questions by. Two creators at once queue on it."""
    title = " ".join(title.split())
    if connection.vendor == "postgresql":
        key = zlib.crc32(title.lower().encode()) - 2**31  # the lock takes signed 32-bit keys
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [key, deadline.toordinal()])
    return Question.objects.filter(title__iexact=title, deadline=deadline).order_by("pk").first()


@transaction.atomic
def create_question(
    *,
    title: str,
    resolution_criteria: str,
    deadline: dt.date,
    topics: Iterable[Topic] = (),
    created_by: User = None,
    consensus_probability: float | None = None,
    consensus_source: str = "",
) -> Question:
    check_question_text(title, resolution_criteria)
    plausibility.check_question(title=title, deadline=deadline)
    _check_consensus(consensus_probability)
    if existing := find_same_question(title, deadline):
        raise DuplicateQuestion(existing)
    question = Question.objects.create(
        title=" ".join(title.split()),
        resolution_criteria=resolution_criteria.strip(),
        deadline=deadline,
        created_by=created_by,
        consensus_probability=consensus_probability,
        consensus_source=consensus_source,
    )
    question.topics.set(list(topics))
    _revision(question, reason="Created.", changed_by=created_by)
    return question


UNCHANGED: Any = object()  # update_question: leave this part of the question as it is


@transaction.atomic
def update_question(
    *,
    question: Question,
    reason: str,
    changed_by: User = None,
    title: str = UNCHANGED,
    resolution_criteria: str = UNCHANGED,
    deadline: dt.date = UNCHANGED,
    topics: Iterable[Topic] = UNCHANGED,
    consensus_probability: float | None = UNCHANGED,
    consensus_source: str = UNCHANGED,
) -> Question:
    """Change a question's terms (title, criteria, deadline) or its context (topics, consensus);
    every change is a numbered, chained revision with its reason.

    The terms of a settled question stay (re-resolve it instead); its context may change, and
    its scores follow. A deadline moved later sends a due question back to open and restarts
    its reminder stages.
    """
    question = Question.objects.select_for_update().get(pk=question.pk)
    old_terms = (question.title, question.resolution_criteria, question.deadline)
    title = old_terms[0] if title is UNCHANGED else " ".join(title.split())
    criteria = old_terms[1] if resolution_criteria is UNCHANGED else resolution_criteria.strip()
    deadline = old_terms[2] if deadline is UNCHANGED else deadline
    check_question_text(title, criteria)
    if (title, deadline) != old_terms[::2]:
        plausibility.check_question(title=title, deadline=deadline)
    old_topics = sorted(question.topics.values_list("pk", flat=True))
    new_topics = old_topics if topics is UNCHANGED else sorted({t.pk for t in topics})
    context = {
        "consensus_probability": consensus_probability,
        "consensus_source": consensus_source,
    }
    context = {k: v for k, v in context.items() if v is not UNCHANGED and v != getattr(question, k)}
    terms_changed = (title, criteria, deadline) != old_terms
    if not (terms_changed or context or new_topics != old_topics):
        return question
    if not reason.strip():
        raise ValidationError({"reason": "Say why the question changes; the reason is kept."})
    if terms_changed:
        _check_new_terms(question, deadline)
    _check_consensus(context.get("consensus_probability"))
    if context and not question.is_prospective_at(timezone.now()):
        _check_late_consensus(changed_by)
    rescore = question.is_settled and (context or new_topics != old_topics)
    if rescore:
        # Out with the old scores while the old topics still hold: the per-topic sums subtract
        # them under the topics they were added under.
        expert_ids = list(question.scores.values_list("expert_id", flat=True))
        question.scores.all().delete()
    if terms_changed:
        _apply_terms(question, title, criteria, deadline)
    for field, value in context.items():
        setattr(question, field, value)
    question.version += 1
    question.save()
    if new_topics != old_topics:
        question.topics.set(new_topics)
    _revision(question, reason=reason.strip(), changed_by=changed_by)
    withdraw_involved(changed_by, question)
    if rescore:
        mark_stale(expert_ids)
        score_question(question_id=question.pk)
    return question


def _check_late_consensus(changed_by: AbstractBaseUser | None) -> None:
    """A consensus set once the deadline (or the resolution) has passed moves the consensus-
    relative and yield scores with the outcome known: only an admin may, as with a late
    correction of a prediction (services.records.predictions), and the revision keeps it."""
    if changed_by is None or not getattr(changed_by, "is_superuser", False):
        raise PermissionDenied(
            "This question's deadline (or its resolution) has passed: its consensus figure "
            "now changes scores with the outcome known, so only an admin can change it, with "
            "a reason."
        )


def _check_new_terms(question: Question, deadline: dt.date) -> None:
    if question.is_settled:
        raise ValidationError(
            "This question is already resolved; re-resolve it instead of editing its terms."
        )
    latest_made_on = (
        question.predictions.order_by("-made_on").values_list("made_on", flat=True).first()
    )
    if latest_made_on and deadline < latest_made_on:
        raise ValidationError(
            {
                "deadline": f"A prediction on this question was made on {latest_made_on}; "
                "the deadline cannot be earlier than that."
            }
        )


def _apply_terms(question: Question, title: str, criteria: str, deadline: dt.date) -> None:
    moved_later = deadline > question.deadline
    question.title, question.resolution_criteria = title, criteria
    question.deadline = deadline
    if moved_later:
        question.reminder_cycle += 1
        if question.status == Question.Status.DUE and deadline >= timezone.localdate():
            question.status = Question.Status.OPEN
            question.due_at = None
            question.assignments.filter(state=ReviewAssignment.State.PENDING).update(
                state=ReviewAssignment.State.CANCELLED
            )
