"""Import predictions from a CSV file (docs/design.md, "CSV") or PredictionBook's dump."""

import csv
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from forecasts.services.imports.run import import_rows
from forecasts.services.imports.state import ImportReport, RowError
from forecasts.services.imports.suggestions import suggest_questions
from forecasts.services.transfer.csv_io import (
    COLUMNS,
    OPTIONAL_COLUMNS,
    read_ledger_rows,
    read_predictionbook_rows,
    read_predictionbook_titles,
)
from forecasts.services.transfer.csv_rows import CsvFormatError

SHOWN_SKIPS = 10


class Command(BaseCommand):
    help = (
        "Import predictions from FILE.csv with columns "
        f"{', '.join(COLUMNS)} (see docs/design.md). Bad rows are reported as 'row N: reason' "
        "(N counts the header as row 1) and good rows are kept; re-running the same file "
        "changes nothing. Exits 0 when the file was read, even if some rows failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--format",
            choices=["ledger", "predictionbook"],
            default="ledger",
            help="ledger (default): our columns. predictionbook: PredictionBook's public.csv; "
            "see docs/predictionbook.md.",
        )
        parser.add_argument(
            "--questions",
            type=Path,
            help="With --format predictionbook: questions.csv, for the questions' titles.",
        )
        parser.add_argument("--errors", type=Path, help="Also write failed rows to this CSV.")
        parser.add_argument(
            "--batch-size", type=int, default=5000, help="Rows per transaction (default 5000)."
        )
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")
        parser.add_argument(
            "--suggest",
            action="store_true",
            help="Import nothing: list the questions the file would create that look like "
            "open questions in the ledger, with those questions, so rows can be retitled.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        if options["questions"] and options["format"] != "predictionbook":
            raise CommandError("--questions goes with --format predictionbook; it was not read.")
        if options["suggest"]:
            self._suggest(path, options)
            return
        started = time.monotonic()
        try:
            with path.open(encoding="utf-8-sig", newline="") as stream:
                rows = self._reader(stream, options)
                with tqdm(
                    total=_count_rows(path),
                    unit="row",
                    disable=options["quiet"],
                    file=self.stderr._out,
                ) as bar:
                    report = import_rows(
                        rows,
                        file_label=path.name,
                        batch_size=options["batch_size"],
                        progress=bar.update,
                    )
        except UnicodeDecodeError as exc:
            raise CommandError(_not_utf8(path, exc)) from None
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        except CsvFormatError as exc:
            raise CommandError(f"{path}: {exc}{_format_hint(path, options)}") from None
        self._summarise(report, time.monotonic() - started)
        if ignored := _ignored_columns(path, options):
            self.stdout.write(f"Columns not read (no such column in this format): {ignored}")
        if options["errors"]:
            _write_errors(options["errors"], report)

    def _suggest(self, path: Path, options: dict[str, Any]) -> None:
        try:
            with path.open(encoding="utf-8-sig", newline="") as stream:
                found = suggest_questions(self._reader(stream, options))
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        except CsvFormatError as exc:
            raise CommandError(f"{path}: {exc}") from None
        for item in found:
            self.stdout.write(
                f"row {item.row}: new question \u201c{item.title}\u201d ({item.deadline}) "
                "looks like open questions:"
            )
            for similar in item.similar:
                question = similar.question
                self.stdout.write(
                    f"    #{question.pk} \u201c{question.title}\u201d ({question.deadline}), "
                    f"title likeness {similar.title_similarity:.2f} (0 to 1)"
                )
        self.stdout.write(
            f"{len(found)} new questions look like open ones; nothing was imported. Use an "
            "existing question's exact title and deadline to add the rows to it."
        )

    def _reader(self, stream, options: dict[str, Any]):
        if options["format"] == "ledger":
            return read_ledger_rows(stream)
        titles = {}
        if options["questions"]:
            with options["questions"].open(encoding="utf-8-sig", newline="") as questions:
                titles = read_predictionbook_titles(questions)
        return read_predictionbook_rows(stream, titles=titles)

    def _summarise(self, report: ImportReport, seconds: float) -> None:
        for error in sorted(report.errors, key=lambda e: e.row):
            self.stdout.write(f"row {error.row}: {error.reason}")
        for skip in report.skipped[:SHOWN_SKIPS]:
            self.stdout.write(f"row {skip.row}: skipped: {skip.reason}")
        if len(report.skipped) > SHOWN_SKIPS:
            more = len(report.skipped) - SHOWN_SKIPS
            self.stdout.write(f"... and {more} more skipped rows (--errors FILE lists them all)")
        total = report.created + report.unchanged + len(report.errors) + len(report.skipped)
        summary = (
            f"{total} rows in {seconds:.1f}s: {report.created} created, "
            f"{report.unchanged} unchanged, {len(report.errors)} errors, "
            f"{len(report.skipped)} skipped. {report.experts_created} new experts, "
            f"{report.questions_created} new questions, {report.questions_settled} settled, "
            f"{report.questions_scored} scored, {report.track_records} track records rebuilt."
        )
        style = self.style.WARNING if report.errors else self.style.SUCCESS
        self.stdout.write(style(summary))
        if report.errors:
            self.stdout.write(
                f"{len(report.errors)} rows failed and were not imported; the other rows were. "
                "Fix the failed rows and run the same file again: imported rows are not repeated."
            )


def _count_rows(path: Path) -> int:
    """Lines after the header: the progress bar's total (a quoted multi-line cell overcounts)."""
    with path.open("rb") as stream:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b""))
    return max(lines - 1, 0)


def _write_errors(path: Path, report: ImportReport) -> None:
    failed: list[tuple[str, RowError]] = [("error", e) for e in report.errors]
    failed += [("skipped", s) for s in report.skipped]
    columns = list(dict.fromkeys(k for _, e in failed for k in e.values))
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["row", "kind", "reason", *columns])
        for kind, e in sorted(failed, key=lambda item: item[1].row):
            writer.writerow([e.row, kind, e.reason, *(e.values.get(c, "") for c in columns)])


def _not_utf8(path: Path, exc: UnicodeDecodeError) -> str:
    """Where the file stops being UTF-8, by line, and how to save it so. Rows before that
    line were imported (batches commit as they go) and are not repeated by a second run."""
    line = "?"
    try:
        with path.open("rb") as raw:
            for number, data in enumerate(raw, start=1):
                try:
                    data.decode("utf-8")
                except UnicodeDecodeError:
                    line = str(number)
                    break
    except OSError:
        pass
    return (
        f"{path} is not UTF-8 text: line {line} has a byte UTF-8 does not allow "
        f"({exc.object[exc.start : exc.start + 1]!r}; Latin-1 or Windows-1252, as spreadsheets "
        'save by default?). Save the file as "CSV UTF-8" and run the import again: rows '
        "already imported are not repeated."
    )


def _header(path: Path) -> list[str]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            return [name.strip().lower() for name in next(csv.reader(stream), [])]
    except (OSError, UnicodeDecodeError, csv.Error):
        return []


def _format_hint(path: Path, options: dict[str, Any]) -> str:
    """A PredictionBook file read as ours: say which option reads it."""
    header = _header(path)
    if options["format"] == "ledger" and {"question_id", "user_id"} <= set(header):
        return " This looks like PredictionBook's public.csv: add --format predictionbook."
    return ""


def _ignored_columns(path: Path, options: dict[str, Any]) -> str:
    """Named columns of the file that the format does not read (a "notes" column, a typo of
    an optional one): said once, so nobody believes they were imported."""
    if options["format"] != "ledger":
        return ""
    known = {*COLUMNS, *OPTIONAL_COLUMNS}
    return ", ".join(name for name in _header(path) if name and name not in known)
