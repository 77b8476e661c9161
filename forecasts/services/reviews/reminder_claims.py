"""Reminder claims: every reminder owed, written as a ReminderRecord row before anything is sent.

Each kind of claim (reviewer stages, escalations and disputes to every admin, heads-ups) is
one query selecting the rows owed and one INSERT … SELECT writing them, skipping those that
exist: the unique key (question, recipient, stage, cycle) is what makes a second or
overlapping pass claim nothing twice. Delivery is reminders.py.
"""

import datetime as dt
import logging
from collections.abc import Iterable

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

from forecasts.models import Prediction, Question, ReminderRecord, ReviewAssignment
from forecasts.services.bulk import commit_asynchronously

log = logging.getLogger(__name__)
Stage = ReminderRecord.Stage
REVIEWER_STAGES = (Stage.DUE, Stage.DAY3, Stage.DAY7)
# A typed NULL: an untyped one in a SELECT DISTINCT is text to PostgreSQL.
NO_ASSIGNMENT = Cast(Value(None), output_field=BigIntegerField())


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


# Each kind of claim is one query that selects the rows owed (question, recipient, assignment,
# stage, cycle) and one INSERT … SELECT that writes them, skipping those that exist: nothing is
# built row by row in Python, however many reminders are owed.


@transaction.atomic
def claim_reminders(*, now: dt.datetime) -> int:
    """Claim every reminder owed at `now`; returns how many rows were new."""
    commit_asynchronously()  # lost claims are claimed again by the next pass; nothing was sent
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
