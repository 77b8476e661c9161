"""Reminder digests: each (question, recipient, stage, cycle) goes out exactly once.

A pass has two steps.

1. Claim. Every reminder now owed is inserted as a ReminderRecord row, ignoring rows that
   exist: the unique key (question, recipient, stage, cycle) makes a second or overlapping
   pass claim nothing new. Claims commit before anything is sent.
2. Deliver. Per recipient, one transaction locks that recipient's unsent rows
   (FOR UPDATE SKIP LOCKED), sends ONE digest of them, sets `sent_at` and commits. The row
   lock is the "sending" claim: an overlapping pass skips the locked rows, and when a worker
   dies mid-send the database drops its lock and rolls `sent_at` back, so the next pass sends
   those rows — rows claimed by a crashed run included — with no stale-lease timeout to tune.
   The one window left is a worker killed after the SMTP server accepted the message but
   before the commit (microseconds); the digest's Message-ID is derived from its rows, so a
   resend in that case carries the same Message-ID.

Rows whose reason lapsed before delivery (the question was resolved, its deadline moved, the
reader opted out of heads-ups) are closed with `sent_at` set and nothing sent.
"""

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from smtplib import SMTPException

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from forecasts.models import Prediction, Profile, Question, ReminderRecord, ReviewAssignment
from forecasts.services import digests

log = logging.getLogger(__name__)
Stage = ReminderRecord.Stage
REVIEWER_STAGES = (Stage.DUE, Stage.DAY3, Stage.DAY7)
ADMIN_STAGES = (Stage.ESCALATION, Stage.DISPUTE)


class ReminderDeliveryFailed(Exception):
    """Some digests could not be sent; their rows stay unsent for the retry."""


@dataclass
class ReminderPass:
    digests_sent: int = 0
    rows_sent: int = 0
    rows_lapsed: int = 0
    failed_recipients: list[int] = field(default_factory=list)


def reviewer_stage(days_overdue: int) -> str | None:
    """The latest reviewer stage reached `days_overdue` days after a question fell due.

    Only the latest is claimed: a reviewer first told on day 8 gets "7 days overdue", not
    three reminders at once.
    """
    reached = [
        (days, stage)
        for stage, days in settings.REMINDER_STAGE_DAYS.items()
        if days_overdue >= days
    ]
    return max(reached)[1] if reached else None


def admin_ids() -> list[int]:
    """Who escalations go to: active superusers with an email address."""
    admins = get_user_model().objects.filter(is_active=True, is_superuser=True).exclude(email="")
    return list(admins.order_by("pk").values_list("pk", flat=True))


def send_review_reminders(*, now: dt.datetime | None = None) -> ReminderPass:
    """One reminder pass: claim what is owed, then send each recipient one digest."""
    now = now or timezone.now()
    claim_reminders(now=now)
    return deliver_reminders(now=now)


def claim_reminders(*, now: dt.datetime) -> None:
    admins = admin_ids()
    disputed = Question.objects.filter(status=Question.Status.DISPUTED)
    rows = [
        *_reviewer_rows(now),
        *_escalation_rows(now, admins),
        *_admin_rows(disputed, admins, Stage.DISPUTE, now),
        *_heads_up_rows(now),
    ]
    # Existing rows are left alone: that is what makes a rerun claim nothing twice.
    ReminderRecord.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)


def claim_dispute_escalation(*, question: Question, now: dt.datetime) -> list[int]:
    """Claim the admins' dispute notice for one question; returns the admins to tell."""
    admins = admin_ids()
    rows = _admin_rows([question], admins, Stage.DISPUTE, now)
    ReminderRecord.objects.bulk_create(rows, ignore_conflicts=True)
    if not admins:
        log.warning("Question %s is disputed and there is no admin to tell.", question.pk)
    return admins


def _reviewer_rows(now: dt.datetime) -> list[ReminderRecord]:
    assignments = ReviewAssignment.objects.filter(
        state=ReviewAssignment.State.PENDING,
        question__status=Question.Status.DUE,
        question__due_at__isnull=False,
        round=F("question__review_round"),
    ).select_related("question")
    rows = []
    for assignment in assignments:
        question = assignment.question
        stage = reviewer_stage((now - question.due_at).days)
        if stage:
            rows.append(
                ReminderRecord(
                    question=question,
                    recipient_id=assignment.reviewer_id,
                    assignment=assignment,
                    stage=stage,
                    cycle=question.reminder_cycle,
                    claimed_at=now,
                )
            )
    return rows


def _escalation_rows(now: dt.datetime, admins: list[int]) -> list[ReminderRecord]:
    """Due questions overdue past ESCALATION_AFTER_DAYS, or with nobody left to review them."""
    cutoff = now - dt.timedelta(days=settings.ESCALATION_AFTER_DAYS)
    pending = Q(
        assignments__state=ReviewAssignment.State.PENDING,
        assignments__round=F("review_round"),
    )
    stuck = (
        Question.objects.filter(status=Question.Status.DUE, due_at__isnull=False)
        .annotate(pending_count=Count("assignments", filter=pending))
        .filter(Q(due_at__lte=cutoff) | Q(pending_count=0))
    )
    return _admin_rows(stuck, admins, Stage.ESCALATION, now)


def _admin_rows(
    questions: Iterable[Question], admins: list[int], stage: str, now: dt.datetime
) -> list[ReminderRecord]:
    """One claim per question and admin: every admin hears of it, each once per cycle."""
    return [
        ReminderRecord(
            question=q, recipient_id=admin, stage=stage, cycle=q.reminder_cycle, claimed_at=now
        )
        for q in questions
        for admin in admins
    ]


def _heads_up_rows(now: dt.datetime) -> list[ReminderRecord]:
    """A week's notice to people who asked for it, on questions whose predictions they logged."""
    today = timezone.localdate(now)
    pairs = (
        Prediction.objects.current()
        .filter(
            question__status=Question.Status.OPEN,
            question__deadline__range=(today, today + dt.timedelta(days=settings.HEADS_UP_DAYS)),
            recorded_by__is_active=True,
            recorded_by__ledger_profile__heads_up=True,
            recorded_by__ledger_profile__email_opt_out=False,
        )
        .exclude(recorded_by__email="")
        .values_list("question_id", "recorded_by_id", "question__reminder_cycle")
        .distinct()
    )
    return [
        ReminderRecord(
            question_id=q, recipient_id=user, stage=Stage.HEADS_UP, cycle=cycle, claimed_at=now
        )
        for q, user, cycle in pairs
    ]


def deliver_reminders(
    *, now: dt.datetime | None = None, recipient_ids: list[int] | None = None
) -> ReminderPass:
    """Send every claimed-but-unsent row, one digest per recipient.

    Raises ReminderDeliveryFailed after trying everyone if any digest could not be sent.
    """
    now = now or timezone.now()
    unsent = ReminderRecord.objects.filter(sent_at__isnull=True)
    if recipient_ids is not None:
        unsent = unsent.filter(recipient_id__in=recipient_ids)
    report = ReminderPass()
    for recipient_id in sorted(set(unsent.values_list("recipient_id", flat=True))):
        try:
            _deliver_to(recipient_id, now, report)
        except (SMTPException, OSError):
            # One unreachable mailbox must not hold back everyone else's digest.
            log.exception("Review digest to user %s failed; it stays queued.", recipient_id)
            report.failed_recipients.append(recipient_id)
    if report.failed_recipients:
        raise ReminderDeliveryFailed(
            f"Digests to users {report.failed_recipients} failed; they stay queued. "
            f"Sent {report.digests_sent}."
        )
    return report


@transaction.atomic
def _deliver_to(recipient_id: int, now: dt.datetime, report: ReminderPass) -> None:
    rows = list(
        ReminderRecord.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(recipient_id=recipient_id, sent_at__isnull=True)
        .select_related("question", "assignment", "recipient__ledger_profile")
        .order_by("question__due_at", "question__deadline", "question_id", "stage")
    )
    live = [row for row in rows if _still_owed(row)]
    lapsed = [row.pk for row in rows if row not in live]
    if live:
        digests.build_digest(recipient=live[0].recipient, rows=live, now=now).send()
        report.digests_sent += 1
    # Conditional on sent_at still null: the lock guarantees it, the filter documents it.
    report.rows_sent += ReminderRecord.objects.filter(
        pk__in=[row.pk for row in live], sent_at__isnull=True
    ).update(sent_at=now)
    report.rows_lapsed += ReminderRecord.objects.filter(pk__in=lapsed).update(sent_at=now)


def _still_owed(row: ReminderRecord) -> bool:
    question, recipient = row.question, row.recipient
    if not (recipient.is_active and recipient.email) or row.cycle != question.reminder_cycle:
        return False
    if row.stage in REVIEWER_STAGES:
        assignment = row.assignment
        return (
            question.status == Question.Status.DUE
            and assignment is not None
            and assignment.state == ReviewAssignment.State.PENDING
        )
    if row.stage == Stage.ESCALATION:
        return question.status == Question.Status.DUE
    if row.stage == Stage.DISPUTE:
        return question.status == Question.Status.DISPUTED
    profile = getattr(recipient, "ledger_profile", None)
    opted_out = profile is None or profile.email_opt_out or not profile.heads_up
    return question.status == Question.Status.OPEN and not opted_out


def email_preferences(*, user_id: int) -> Profile:
    """The user's profile, unsaved defaults when they never set anything."""
    return Profile.objects.filter(user_id=user_id).first() or Profile(user_id=user_id)


def set_email_preferences(
    *, user_id: int, email_opt_out: bool | None = None, heads_up: bool | None = None
) -> bool:
    """Save the given preferences; False when the user does not exist."""
    if not get_user_model().objects.filter(pk=user_id).exists():
        return False
    changes = {
        name: value
        for name, value in (("email_opt_out", email_opt_out), ("heads_up", heads_up))
        if value is not None
    }
    Profile.objects.update_or_create(user_id=user_id, defaults=changes)
    return True
