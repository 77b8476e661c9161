"""Export every current prediction as CSV, in the columns import_predictions reads."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from forecasts.services.transfer.csv_export import write_predictions_csv


class Command(BaseCommand):
    help = (
        "Write every current prediction as CSV in import_predictions' columns (plus phrase, "
        "evidence_url, resolved_on, consensus_probability), to FILE or standard output."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", type=Path, help="File to write (default: stdout).")

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path | None = options["output"]
        if output is None:
            # The wrapped stream itself: csv writes whole lines, which OutputWrapper would re-end.
            write_predictions_csv(self.stdout._out)
            return
        with output.open("w", encoding="utf-8", newline="") as stream:
            count = write_predictions_csv(stream)
        self.stderr.write(f"Wrote {count} predictions to {output}.")
