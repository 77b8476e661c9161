"""`make bench`: the performance suite on PostgreSQL; prints one table, writes the report."""

import json
import os
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres"
NOTES = Path(__file__).resolve().parents[3] / "benchmarks" / "NOTES.md"


class Command(BaseCommand):
    help = (
        "Run the benchmark suite in dedicated PostgreSQL databases (forecast_ledger_bench and "
        "forecast_ledger_bench_sweep, dropped and created by the run; BENCH_DATABASE_PREFIX "
        "renames them) and write docs/benchmarks.md. The server is BENCH_DATABASE_URL (any "
        f"database on it; default {DEFAULT_URL})."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=["full", "small"], default="full")
        parser.add_argument("--only", default="", help="Comma-separated rows, e.g. a,b,c.")
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="Markdown report (default docs/benchmarks.md; '-' for none).",
        )
        parser.add_argument("--stage", help=None)  # internal: one measurement, JSON out

    def handle(self, *args: Any, **options: Any) -> None:
        if options["stage"]:
            self._stage(options["stage"])
            return
        from benchmarks.report import render_markdown, table
        from benchmarks.suite import run_suite

        base_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
        if not base_url.startswith(("postgres://", "postgresql://")):
            raise CommandError("BENCH_DATABASE_URL must be a postgres:// URL.")
        prefix = os.environ.get("BENCH_DATABASE_PREFIX", "")
        if prefix and not re.fullmatch(r"[a-z_][a-z0-9_]{0,40}", prefix):
            raise CommandError(
                "BENCH_DATABASE_PREFIX must be lowercase letters, digits and _ (at most 41)."
            )
        only = {r.strip() for r in options["only"].split(",") if r.strip()} or None
        run = run_suite(
            base_url=base_url,
            scale_name=options["scale"],
            say=lambda text: self.stderr.write(text),
            only=only,
            **({"db_prefix": prefix} if prefix else {}),
        )
        self.stdout.write(table(run.rows))
        output = options["output"] or Path(settings.BASE_DIR) / "docs" / "benchmarks.md"
        if str(output) != "-":
            notes = NOTES.read_text(encoding="utf-8") if NOTES.exists() else ""
            output.write_text(render_markdown(run, run.details["machine"], notes), "utf-8")
            self.stderr.write(f"Wrote {output}")

    def _stage(self, name: str) -> None:
        from benchmarks.stages import STAGES

        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            raise CommandError("Benchmark stages run on PostgreSQL only.")
        self.stdout.write(json.dumps(STAGES[name]()))
