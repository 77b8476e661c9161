"""Mark open questions past their deadline as due and assign reviewers, now."""

from django.core.management.base import BaseCommand

from forecasts.services.reviews.assignments import mark_due_questions


class Command(BaseCommand):
    help = "Open questions past their deadline become due; due questions get reviewers."

    def handle(self, *args: object, **options: object) -> None:
        sweep = mark_due_questions()
        self.stdout.write(
            f"{sweep.marked_due} question(s) fell due; {sweep.assigned} assignment(s) made."
        )
        if sweep.short_of_reviewers:
            self.stderr.write(
                "Due questions without enough eligible reviewers (admins are told): "
                + ", ".join(str(pk) for pk in sweep.short_of_reviewers)
            )
