"""Reminder digests: each (question, recipient, stage, cycle) goes out exactly once.

A pass has two steps.

1. Claim (reminder_claims.py). Every reminder now owed is inserted as a
   ReminderRecord row, ignoring rows that exist: the unique key (question, recipient, stage,
   cycle) makes a second or overlapping pass claim nothing new. Claims commit before anything
   is sent.
2. Deliver. Per recipient, one transaction locks that recipient's unsent rows
   (FOR UPDATE SKIP LOCKED), sends ONE digest of them, sets `sent_at` and commits. The row
   lock is the "sending" claim: an overlapping pass skips the locked rows, and when a worker
   dies mid-send the database drops its lock and rolls `sent_at` back, so the next pass sends
   those rows — rows claimed by a crashed run included — with no stale-lease timeout to tune.
   The one window left is a worker killed after the SMTP server accepted the message but
   before the commit (microseconds); the digest's Message-ID is derived from its rows, so a
   resend in that case carries the same Message-ID.

A pass with more recipients than REMINDER_DELIVERY_CHUNK shares the delivery out
(tasks.send_review_reminders): it sends the first chunk's digests itself and hands each other
chunk to a deliver_review_reminders task, so email workers on several hosts split a large pass
and a failing mail server costs a retry of one chunk, not of the pass. The row locks above make
any overlap of those tasks harmless.

Rows whose reason lapsed before delivery (the question was resolved, its deadline moved, the
reader opted out of heads-ups) are closed with `sent_at` set and nothing sent.
"""

import contextlib
import datetime as dt
import logging
from dataclasses import dataclass, field
from smtplib import SMTPException

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from forecasts.models import Profile, Question, ReminderRecord, ReviewAssignment
from forecasts.models.lookups import int_array
from forecasts.services.reviews import digests
from forecasts.services.reviews.reminder_claims import REVIEWER_STAGES, Stage, claim_reminders

log = logging.getLogger(__name__)
PENDING = ReviewAssignment.State.PENDING


class ReminderDeliveryFailed(Exception):
    """Some digests could not be sent; their rows stay unsent for the retry."""


@dataclass
class ReminderPass:
    digests_sent: int = 0
    rows_sent: int = 0
    rows_lapsed: int = 0
    failed_recipients: list[int] = field(default_factory=list)


def send_review_reminders(*, now: dt.datetime | None = None) -> ReminderPass:
    """One reminder pass: claim what is owed, then send each recipient one digest."""
    now = now or timezone.now()
    claim_reminders(now=now)
    return deliver_reminders(now=now)


def plan_reminder_pass(*, now: dt.datetime, chunk: int) -> list[list[int]]:
    """Claim what is owed at `now`; return everyone with unsent rows, in chunks of `chunk`
    recipients (by id), for delivery tasks to share (tasks.send_review_reminders).

    Unsent rows of earlier passes are included: a chunk whose task never ran is planned again
    by the next pass, and a chunk delivered twice sends nothing twice (deliver_reminders)."""
    claim_reminders(now=now)
    recipients = list(_recipients_with_unsent())
    return [recipients[start : start + chunk] for start in range(0, len(recipients), chunk)]


def _recipients_with_unsent(recipient_ids: list[int] | None = None) -> QuerySet:
    unsent = ReminderRecord.objects.filter(sent_at__isnull=True)
    if recipient_ids is not None:
        unsent = unsent.filter(recipient_id__in=recipient_ids)
    return unsent.values_list("recipient_id", flat=True).distinct().order_by("recipient_id")


# --- delivery ---------------------------------------------------------------------------------


def deliver_reminders(
    *, now: dt.datetime | None = None, recipient_ids: list[int] | None = None
) -> ReminderPass:
    """Send every claimed-but-unsent row, one digest per recipient.

    Raises ReminderDeliveryFailed after trying everyone if any digest could not be sent.
    """
    now = now or timezone.now()
    report = ReminderPass()
    with _Mailer() as mailer:
        for recipient_id in list(_recipients_with_unsent(recipient_ids)):
            try:
                _deliver_to(recipient_id, now, report, mailer)
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


# What delivery reads of each unsent row: the row, and what says whether it is still owed.
# The titles and dates of the questions a digest shows are read afterwards, for those only.
_ROW_FIELDS = (
    "pk",
    "stage",
    "cycle",
    "question_id",
    "question__status",
    "question__reminder_cycle",
    "assignment__state",
)


class _Mailer:
    """One mail connection for a whole pass, opened at the first digest.

    Django opens and closes a connection per message sent on its own: against a real SMTP
    server that is a TCP (and TLS, and AUTH) handshake per digest, which for a pass with
    hundreds of recipients costs more than everything else it does. After a failure the
    connection is dropped and the next digest opens a fresh one."""

    def __init__(self) -> None:
        self.connection = None

    def __enter__(self) -> "_Mailer":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def send(self, message: EmailMessage) -> None:
        if self.connection is None:
            self.connection = mail.get_connection()
            self.connection.open()
        message.connection = self.connection
        try:
            message.send()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.connection is not None:
            connection, self.connection = self.connection, None
            with contextlib.suppress(SMTPException, OSError):
                connection.close()


@transaction.atomic
def _deliver_to(recipient_id: int, now: dt.datetime, report: ReminderPass, mailer: _Mailer) -> None:
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
        items = [digests.DigestRow(row.pk, row.stage, row.question_id) for row in live]
        digest = digests.build_digest(
            recipient=recipient, rows=items, now=now, questions=_question_details
        )
        mailer.send(digest)
        report.digests_sent += 1
    report.rows_sent += _mark_sent([row.pk for row in live], now)
    report.rows_lapsed += _mark_sent(lapsed, now)


def _question_details(ids: list[int]) -> dict[int, dict]:
    questions = Question.objects.filter(pk__any=ids).values("pk", "title", "deadline", "due_at")
    return {question["pk"]: question for question in questions}


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
                f"UPDATE {table} SET sent_at = %s WHERE id = ANY(%s::bigint[])",  # noqa: S608
                [sent_at, int_array(pks)],
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
