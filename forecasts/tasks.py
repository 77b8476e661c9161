"""Celery tasks: ids in, one service call. Each is safe to run twice and to overlap itself."""

from functools import partial
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from forecasts.services import idempotency
from forecasts.services.audit import publish as audit
from forecasts.services.ledger import chain as ledger
from forecasts.services.reviews import assignments, reminders
from forecasts.services.reviews.reminders import ReminderDeliveryFailed
from forecasts.services.track_records import rebuild
from forecasts.services.track_records import records as track_records


@shared_task(
    bind=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=10,
)
def update_track_records(self, expert_ids: list[int]) -> int:
    """Rebuild these experts' records if still marked stale (a rebuild, so reruns agree)."""
    return track_records.refresh_track_records(expert_ids=expert_ids)


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def refresh_stale_track_records(self) -> int:
    """Sweep: rebuild every record still marked stale, e.g. after the broker was down."""
    refreshed = 0
    while count := track_records.refresh_track_records():
        refreshed += count
    return refreshed


@shared_task(
    bind=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=3000,
    # Below Redis's visibility timeout (CELERY_VISIBILITY_TIMEOUT, 3600 s), retry countdown
    # included: a rebuild still running past it would be handed to a second worker.
    time_limit=3300,
)
def recompute_track_records(self) -> int:
    """Nightly safety net: every score and track record from scratch."""
    return rebuild.recompute_track_records()


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def write_ledger_head(self) -> str:
    """Daily: append the chain head to a file that can be timestamped outside the service."""
    return ledger.write_head_file()


@shared_task(
    bind=True,
    autoretry_for=(audit.AuditDumpNotReady, OperationalError, InterfaceError, OSError),
    retry_backoff=30,
    retry_backoff_max=240,
    max_retries=5,
    soft_time_limit=2700,
    # With its longest retry countdown, below the nightly rebuild's hold and so below Redis's
    # visibility timeout (3600 s); at 1,000,000 predictions a build takes minutes (row f).
    time_limit=3000,
)
def publish_audit_dump(self) -> str:
    """Nightly: build the public audit dump and serve it; the same data changes nothing, and
    a failed build leaves the last good dump served."""
    return audit.publish_audit_dump().path


@shared_task(
    bind=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=3
)
def purge_idempotency_keys(self) -> int:
    """Hourly: forget API Idempotency-Keys older than IDEMPOTENCY_KEY_HOURS. A plain DELETE of
    old rows: a second or overlapping run finds fewer or none."""
    return idempotency.purge_idempotency_keys()


# --- Review workflow: the beat schedule in config/celery.py runs the first two. ---------------
# Transient failures (database hiccup, SMTP down) retry with backoff; the services guard state,
# so a retried or doubled run claims nothing twice and sends nothing twice.
_TRANSIENT = (OperationalError, InterfaceError, SMTPException, OSError, ReminderDeliveryFailed)


@shared_task(
    bind=True, autoretry_for=_TRANSIENT, retry_backoff=True, retry_backoff_max=600, max_retries=8
)
def mark_due_questions(self) -> dict:
    """Open questions past their deadline become due and get reviewers."""
    sweep = assignments.mark_due_questions()
    return {"marked_due": sweep.marked_due, "assigned": sweep.assigned}


@shared_task(
    bind=True, autoretry_for=_TRANSIENT, retry_backoff=True, retry_backoff_max=600, max_retries=8
)
def send_review_reminders(self) -> dict:
    """One reminder pass: at most one digest per recipient. It runs the due sweep first, so
    questions that fell due since the last sweep are in this pass's digests, not the next's.
    Past REMINDER_DELIVERY_CHUNK recipients, the other chunks go to deliver_review_reminders
    tasks on this task's queue, enqueued before this one starts sending so that other email
    workers start at once.

    Only the first attempt hands chunks off: a retry (the first chunk's mail server refused)
    redelivers the first chunk, and the handed-off tasks retry on their own; handing off
    again on every retry queued up to one more copy of each chunk per retry."""
    now = timezone.now()
    assignments.mark_due_questions(now=now)
    chunks = reminders.plan_reminder_pass(now=now, chunk=settings.REMINDER_DELIVERY_CHUNK)
    queue = (self.request.delivery_info or {}).get("routing_key")
    handed_off = chunks[1:] if not self.request.retries else []
    for chunk in handed_off:
        transaction.on_commit(partial(deliver_review_reminders.apply_async, [chunk], queue=queue))
    report = reminders.deliver_reminders(now=now, recipient_ids=chunks[0] if chunks else [])
    return {
        "digests": report.digests_sent,
        "rows": report.rows_sent,
        "handed_off": sum(len(chunk) for chunk in handed_off),
    }


@shared_task(
    bind=True, autoretry_for=_TRANSIENT, retry_backoff=True, retry_backoff_max=600, max_retries=8
)
def deliver_review_reminders(self, recipient_ids: list[int]) -> int:
    """Send what is already claimed for these users (e.g. admins told of a dispute)."""
    return reminders.deliver_reminders(recipient_ids=recipient_ids).digests_sent
