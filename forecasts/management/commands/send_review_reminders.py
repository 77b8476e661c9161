"""One reminder pass, now, in this process: for operators and for cron without Celery."""

from django.core.management.base import BaseCommand, CommandError

from forecasts.services.reviews.reminders import ReminderDeliveryFailed, send_review_reminders


class Command(BaseCommand):
    help = "Send due review reminders: at most one digest per recipient; each stage once."

    def handle(self, *args: object, **options: object) -> None:
        try:
            report = send_review_reminders()
        except ReminderDeliveryFailed as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Sent {report.digests_sent} digest(s) covering {report.rows_sent} reminder(s); "
            f"closed {report.rows_lapsed} no longer owed."
        )
