from django.core.management.base import BaseCommand, CommandError

from forecasts.services.ledger.verify import verify_ledger


class Command(BaseCommand):
    help = "Recompute the hash chain of published predictions and verdicts; name the first problem."

    def handle(self, *args: object, **options: object) -> None:
        checked, problem = verify_ledger()
        if problem:
            raise CommandError(f"Ledger check FAILED after {checked} good entries: {problem}")
        self.stdout.write(self.style.SUCCESS(f"Ledger intact: {checked} entries verified."))
