"""Fill the database with a synthetic ledger of a given size (demos, benchmarks)."""

import datetime as dt
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from forecasts.demo.generator import DemoSpec, generate_demo_data
from forecasts.services.track_records.rebuild import recompute_track_records


class Command(BaseCommand):
    help = (
        "Generate experts, questions, predictions (chained in the ledger), verdicts, scores and "
        "track records in bulk. Deterministic: the same --seed, sizes and --anchor give the "
        "same data. Adds to what is there; run it on a database of its own."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--experts", type=int, default=200, help="Experts to make (200).")
        parser.add_argument(
            "--questions", type=int, default=2_000, help="Questions to make (2,000)."
        )
        parser.add_argument(
            "--predictions", type=int, default=10_000, help="Predictions to make (10,000)."
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="The same seed makes the same data (1)."
        )
        parser.add_argument("--topics", type=int, default=40, help="At most 120.")
        parser.add_argument(
            "--reviewers", type=int, default=20, help="Reviewer accounts to make (20)."
        )
        parser.add_argument(
            "--overdue",
            type=int,
            default=0,
            help="Open questions whose deadline has passed (work for the due sweep).",
        )
        parser.add_argument(
            "--anchor",
            type=dt.date.fromisoformat,
            default=None,
            help="The 'today' of the data (YYYY-MM-DD); default today.",
        )
        parser.add_argument(
            "--no-scores", action="store_true", help="Skip scoring and track records."
        )
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        spec = DemoSpec(
            experts=options["experts"],
            questions=options["questions"],
            predictions=options["predictions"],
            seed=options["seed"],
            topics=options["topics"],
            reviewers=options["reviewers"],
            overdue=options["overdue"],
            anchor=options["anchor"] or dt.date.today(),
        )
        self._check(spec)
        call_command("migrate", verbosity=0, interactive=False)  # groups come from a migration
        started = time.monotonic()
        total = spec.experts + spec.questions * 3 + spec.predictions * 2 + spec.questions * 2
        with tqdm(total=total, unit="row", disable=options["quiet"], file=self.stderr._out) as bar:
            report = generate_demo_data(spec, progress=bar.update)
        written = time.monotonic() - started
        summary = ", ".join(f"{count:,} {name}" for name, count in report.rows.items())
        self.stdout.write(f"Wrote {summary} in {written:.1f}s.")
        if not options["no_scores"]:
            started = time.monotonic()
            records = recompute_track_records()
            self.stdout.write(
                f"Scored and built {records:,} track records in {time.monotonic() - started:.1f}s."
            )

    @staticmethod
    def _check(spec: DemoSpec) -> None:
        if min(spec.experts, spec.questions) < 1 or spec.predictions < 0:
            raise CommandError("--experts and --questions must be at least 1.")
        if not 0 <= spec.overdue <= spec.questions:
            raise CommandError("--overdue must be between 0 and --questions.")
        if not 1 <= spec.topics <= 120:
            raise CommandError("--topics must be between 1 and 120.")
