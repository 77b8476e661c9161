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
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils import timezone

from forecasts.models import Prediction, Profile, Question, ReminderRecord, ReviewAssignment
from forecasts.services import digests

log = logging.getLogger(__name__)
Stage = ReminderRecord.Stage
REVIEWER_STAGES = (Stage.DUE, Stage.DAY3, Stage.DAY7)
ADMIN_STAGES = (Stage.ESCALATION, Stage.DISPUTE)
PENDING = ReviewAssignment.State.PENDING
# A typed NULL: an untyped one in a SELECT DISTINCT is text to PostgreSQL.
NO_ASSIGNMENT = Cast(Value(None), output_field=BigIntegerField())


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


# --- claims -----------------------------------------------------------------------------------
# Each kind of claim is one query that selects the rows owed (question, recipient, assignment,
# stage, cycle) and one INSERT … SELECT that writes them, skipping those that exist: nothing is
# built row by row in Python, however many reminders are owed.


@transaction.atomic
def claim_reminders(*, now: dt.datetime) -> int:
    """Claim every reminder owed at `now`; returns how many rows were new."""
    admins = admin_ids()
    claimed = _insert_claims(_reviewer_claims(now), now)
    if admins:
        claimed += sum(_insert_claims(_escalation_claims(now, admin), now) for admin in admins)
        claimed += sum(_insert_claims(_dispute_claims(admin), now) for admin in admins)
    claimed += _insert_claims(_heads_up_claims(now), now)
    return claimed


def claim_dispute_escalation(*, question: Question, now: dt.datetime) -> list[int]:
    """Claim the admins' dispute notice for one question; returns the admins to tell."""
    admins = admin_ids()
    rows = _admin_rows([question], admins, Stage.DISPUTE, now)
    ReminderRecord.objects.bulk_create(rows, ignore_conflicts=True)
    if not admins:
        log.warning("Question %s is disputed and there is no admin to tell.", question.pk)
    return admins


# The columns every claim query selects, as annotations of these names, in this order.
CLAIM_COLUMNS = {
    "claim_question": "question_id",
    "claim_recipient": "recipient_id",
    "claim_assignment": "assignment_id",
    "claim_stage": "stage",
    "claim_cycle": "cycle",
}


def _reviewer_claims(now: dt.datetime) -> QuerySet:
    """Pending assignments of due questions, each with the latest stage reached at `now`.

    (now - due_at).days >= n exactly when due_at <= now - n days, so the stage is a CASE on
    due_at; the latest stage is tried first (what reviewer_stage computes).
    """
    reached = sorted(
        ((days, stage) for stage, days in settings.REMINDER_STAGE_DAYS.items()), reverse=True
    )
    stage = Case(
        *(
            When(question__due_at__lte=now - dt.timedelta(days=days), then=Value(stage))
            for days, stage in reached
        ),
        default=Value(None),
        output_field=CharField(),
    )
    return (
        ReviewAssignment.objects.filter(
            state=ReviewAssignment.State.PENDING,
            question__status=Question.Status.DUE,
            question__due_at__isnull=False,
            question__due_at__lte=now - dt.timedelta(days=min(d for d, _ in reached)),
            round=F("question__review_round"),
        )
        .annotate(
            claim_question=F("question_id"),
            claim_recipient=F("reviewer_id"),
            claim_assignment=F("pk"),
            claim_stage=stage,
            claim_cycle=F("question__reminder_cycle"),
        )
        .values(*CLAIM_COLUMNS)
    )


def _escalation_claims(now: dt.datetime, admin: int) -> QuerySet:
    """Due questions overdue past ESCALATION_AFTER_DAYS, or with nobody left to review them."""
    cutoff = now - dt.timedelta(days=settings.ESCALATION_AFTER_DAYS)
    pending = ReviewAssignment.objects.filter(
        question=OuterRef("pk"),
        state=ReviewAssignment.State.PENDING,
        round=OuterRef("review_round"),
    )
    stuck = Question.objects.filter(status=Question.Status.DUE, due_at__isnull=False).filter(
        Q(due_at__lte=cutoff) | ~Exists(pending)
    )
    return _admin_claims(stuck, admin, Stage.ESCALATION)


def _dispute_claims(admin: int) -> QuerySet:
    disputed = Question.objects.filter(status=Question.Status.DISPUTED)
    return _admin_claims(disputed, admin, Stage.DISPUTE)


def _admin_claims(questions: QuerySet, admin: int, stage: str) -> QuerySet:
    """One claim per question for this admin: every admin hears of it, each once per cycle."""
    return questions.annotate(
        claim_question=F("pk"),
        claim_recipient=Value(admin, output_field=IntegerField()),
        claim_assignment=NO_ASSIGNMENT,
        claim_stage=Value(stage, output_field=CharField()),
        claim_cycle=F("reminder_cycle"),
    ).values(*CLAIM_COLUMNS)


def _heads_up_claims(now: dt.datetime) -> QuerySet:
    """A week's notice to people who asked for it, on questions whose predictions they logged."""
    today = timezone.localdate(now)
    return (
        Prediction.objects.current()
        .filter(
            question__status=Question.Status.OPEN,
            question__deadline__range=(today, today + dt.timedelta(days=settings.HEADS_UP_DAYS)),
            recorded_by__is_active=True,
            recorded_by__ledger_profile__heads_up=True,
            recorded_by__ledger_profile__email_opt_out=False,
        )
        .exclude(recorded_by__email="")
        .annotate(
            claim_question=F("question_id"),
            claim_recipient=F("recorded_by_id"),
            claim_assignment=NO_ASSIGNMENT,
            claim_stage=Value(Stage.HEADS_UP.value, output_field=CharField()),
            claim_cycle=F("question__reminder_cycle"),
        )
        .values(*CLAIM_COLUMNS)
        .distinct()
    )


def _insert_claims(claims: QuerySet, now: dt.datetime) -> int:
    """INSERT … SELECT the claim rows, leaving alone those that exist (the unique key).

    Existing rows are left alone: that is what makes a rerun, or an overlapping pass, claim
    nothing twice.
    """
    select, params = claims.order_by().query.sql_with_params()
    table = connection.ops.quote_name(ReminderRecord._meta.db_table)
    quote = connection.ops.quote_name
    targets = ", ".join(quote(column) for column in [*CLAIM_COLUMNS.values(), "claimed_at"])
    picked = ", ".join(f"claims.{quote(alias)}" for alias in CLAIM_COLUMNS)
    stage = f"claims.{quote('claim_stage')}"
    # Only identifiers (quoted) and the ORM's own SQL are interpolated; values are parameters.
    body = f"SELECT {picked}, %s FROM ({select}) claims WHERE {stage} IS NOT NULL"  # noqa: S608
    claimed_at = ReminderRecord._meta.get_field("claimed_at").get_db_prep_value(
        now, connection, prepared=False
    )
    if connection.vendor == "postgresql":
        sql = f"INSERT INTO {table} ({targets}) {body} ON CONFLICT DO NOTHING"
    elif connection.vendor == "sqlite":
        sql = f"INSERT OR IGNORE INTO {table} ({targets}) {body}"
    else:  # pragma: no cover - PostgreSQL in production, SQLite in development
        return _bulk_insert_claims(claims, now)
    with connection.cursor() as cursor:
        cursor.execute(sql, [claimed_at, *params])
        return cursor.rowcount


def _bulk_insert_claims(claims: QuerySet, now: dt.datetime) -> int:
    rows = [
        ReminderRecord(
            question_id=row["claim_question"],
            recipient_id=row["claim_recipient"],
            assignment_id=row["claim_assignment"],
            stage=row["claim_stage"],
            cycle=row["claim_cycle"],
            claimed_at=now,
        )
        for row in claims.iterator(chunk_size=2_000)
        if row["claim_stage"]
    ]
    return len(ReminderRecord.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500))


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


# --- delivery ---------------------------------------------------------------------------------


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
    recipients = unsent.values_list("recipient_id", flat=True).distinct().order_by("recipient_id")
    for recipient_id in list(recipients):
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


# What delivery reads of each unsent row: the row, its question, its assignment's state.
_ROW_FIELDS = (
    "pk",
    "stage",
    "cycle",
    "question_id",
    "question__title",
    "question__deadline",
    "question__due_at",
    "question__status",
    "question__reminder_cycle",
    "assignment__state",
)


@transaction.atomic
def _deliver_to(recipient_id: int, now: dt.datetime, report: ReminderPass) -> None:
    # The row locks are the "sending" claim: an overlapping pass skips these rows, and if this
    # process dies before the commit the locks go and `sent_at` rolls back.
    rows = list(
        ReminderRecord.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(recipient_id=recipient_id, sent_at__isnull=True)
        .order_by("question__due_at", "question__deadline", "question_id", "stage")
        .values_list(*_ROW_FIELDS, named=True)
    )
    if not rows:
        return
    recipient = (
        get_user_model().objects.select_related("ledger_profile").filter(pk=recipient_id).first()
    )
    live = [row for row in rows if _still_owed(row, recipient)]
    owed = {row.pk for row in live}
    lapsed = [row.pk for row in rows if row.pk not in owed]
    if live:
        items = [
            digests.DigestRow(
                pk=row.pk,
                stage=row.stage,
                question={
                    "pk": row.question_id,
                    "title": row.question__title,
                    "deadline": row.question__deadline,
                    "due_at": row.question__due_at,
                },
            )
            for row in live
        ]
        digests.build_digest(recipient=recipient, rows=items, now=now).send()
        report.digests_sent += 1
    report.rows_sent += _mark_sent([row.pk for row in live], now)
    report.rows_lapsed += _mark_sent(lapsed, now)


def _mark_sent(pks: list[int], now: dt.datetime) -> int:
    """Set sent_at on rows this transaction holds locked (so they are unsent: no need to say
    `sent_at IS NULL`, which would steer PostgreSQL to scan every unsent row in the table
    through reminder_unsent instead of looking these up by primary key)."""
    if not pks:
        return 0
    if connection.vendor == "postgresql":
        # One array parameter: an IN list of thousands of placeholders costs more to build
        # and parse than the update itself.
        table = connection.ops.quote_name(ReminderRecord._meta.db_table)
        sent_at = ReminderRecord._meta.get_field("sent_at").get_db_prep_value(
            now, connection, prepared=False
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET sent_at = %s WHERE id = ANY(%s)",  # noqa: S608 - quoted name
                [sent_at, pks],
            )
            return cursor.rowcount
    chunks = (pks[start : start + 500] for start in range(0, len(pks), 500))
    return sum(ReminderRecord.objects.filter(pk__in=chunk).update(sent_at=now) for chunk in chunks)


def _still_owed(row, recipient) -> bool:
    """Whether the reason for the reminder still holds (`row`: a _ROW_FIELDS tuple)."""
    if recipient is None or not (recipient.is_active and recipient.email):
        return False
    if row.cycle != row.question__reminder_cycle:
        return False
    status = row.question__status
    if row.stage in REVIEWER_STAGES:
        return status == Question.Status.DUE and row.assignment__state == PENDING
    if row.stage == Stage.ESCALATION:
        return status == Question.Status.DUE
    if row.stage == Stage.DISPUTE:
        return status == Question.Status.DISPUTED
    profile = getattr(recipient, "ledger_profile", None)
    opted_out = profile is None or profile.email_opt_out or not profile.heads_up
    return status == Question.Status.OPEN and not opted_out


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
