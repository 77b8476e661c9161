"""Verdicts, review assignments, reminder claims and e-mail preferences."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from forecasts.models.questions import Question


class Review(models.Model):
    """A reviewer's verdict on a due question. Never edited; each round keeps its verdicts."""

    # Indexed by review_once_per_reviewer_round, which leads with it.
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="reviews", db_index=False
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews"
    )
    round = models.PositiveIntegerField(default=1)
    outcome = models.CharField(max_length=10, choices=Question.Outcome.choices)
    evidence_url = models.URLField(max_length=1000, blank=True)
    note = models.TextField(blank=True)
    reason = models.TextField(blank=True, help_text="Why a resolved question was re-resolved.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["question", "round", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "reviewer", "round"], name="review_once_per_reviewer_round"
            ),
            models.CheckConstraint(
                condition=Q(outcome="annulled") | ~Q(evidence_url=""),
                name="review_evidence_for_yes_no",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outcome} on question {self.question_id}, round {self.round}"


class ReviewAssignment(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Waiting for a verdict"
        DONE = "done", "Verdict given"
        CANCELLED = "cancelled", "Cancelled"

    # No single-column indexes: assignment_once_per_round and assignment_reviewer_state lead
    # with these columns, and every extra index costs the due sweep on each insert.
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="assignments", db_index=False
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="review_assignments",
        db_index=False,
    )
    round = models.PositiveIntegerField(default=1)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    assigned_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["reviewer", "state"], name="assignment_reviewer_state"),
            models.Index(fields=["state", "assigned_at"], name="assignment_state_assigned"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "reviewer", "round"], name="assignment_once_per_round"
            ),
        ]

    def __str__(self) -> str:
        return f"question {self.question_id} for user {self.reviewer_id}: {self.state}"


class ReminderRecord(models.Model):
    """One row per (question, recipient, stage, cycle): the claim that makes a reminder go once.

    The row is inserted (claimed) before anything is sent; `sent_at` is set after the digest
    went out, so a run that died in between is finished by the next one, not repeated.
    """

    class Stage(models.TextChoices):
        HEADS_UP = "heads_up", "Heads-up before the deadline"
        DUE = "due", "Due"
        DAY3 = "day3", "3 days overdue"
        DAY7 = "day7", "7 days overdue"
        ESCALATION = "escalation", "Escalated to admins"
        DISPUTE = "dispute", "Dispute escalated to admins"

    # Indexed by reminder_once_per_stage, which leads with it.
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="reminders", db_index=False
    )
    # No index of their own on recipient and assignment: only unsent rows are looked up by
    # recipient (reminder_unsent), never by assignment, and every index costs each of the
    # ~100,000 rows a large reminder pass writes (docs/benchmarks.md, row d). Deleting a user
    # or an assignment (never done by the service) scans instead.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders", db_index=False
    )
    assignment = models.ForeignKey(
        ReviewAssignment,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminders",
        db_index=False,
    )
    stage = models.CharField(max_length=20, choices=Stage.choices)
    cycle = models.PositiveIntegerField(default=1)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # Only unsent rows are ever looked up by recipient; sent ones are history.
            models.Index(
                fields=["recipient"], condition=Q(sent_at__isnull=True), name="reminder_unsent"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "recipient", "stage", "cycle"], name="reminder_once_per_stage"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stage} to user {self.recipient_id} on question {self.question_id}"


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ledger_profile"
    )
    email_opt_out = models.BooleanField(
        default=False, help_text="No non-essential email (heads-ups). Review reminders still go."
    )
    heads_up = models.BooleanField(
        default=False, help_text="A heads-up digest a week before deadlines of my questions."
    )

    def __str__(self) -> str:
        return f"profile of user {self.user_id}"
