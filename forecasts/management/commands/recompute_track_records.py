"""Rebuild every score and track record from scratch (the nightly safety net, by hand)."""

import time
from typing import Any

from django.core.management.base import BaseCommand

from forecasts.models import PredictionScore, Question
from forecasts.services.track_records.rebuild import recompute_track_records


class Command(BaseCommand):
    help = "Rescore every resolved question and rebuild every track record from scratch."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        records = recompute_track_records()
        questions = Question.objects.filter(status=Question.Status.RESOLVED).count()
        scores = PredictionScore.objects.count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Rebuilt {records} track records from {scores} scores on {questions} resolved "
                f"questions in {time.monotonic() - started:.1f}s."
            )
        )
