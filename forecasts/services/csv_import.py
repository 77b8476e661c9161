"""Import predictions from CSV rows: validated one by one, written in batches with bulk inserts.

Each batch (5,000 rows by default) is one transaction: experts, sources, topics and questions
it needs are looked up or created, its new predictions inserted, the questions it gives an
outcome for settled (a Review by the inactive "csv-import" user) and their scores stored. Track
records of every expert whose scores changed are rebuilt once at the end. A file that stops
half-way leaves whole batches behind, and running it again completes it.

Speed and memory (docs/benchmarks.md, row e): the rows are streamed, a batch at a time; each
batch costs a fixed number of queries, whatever its size (one lookup per kind of row, one
write per table: COPY on PostgreSQL, with the ledger chained from the values written).

Idempotent: a row is "unchanged" when the same prediction (expert, question, made_on,
probability, quote) is already recorded. Rows are a multiset: the n-th copy of a row in the
file matches the n-th such prediction, so a file that repeats a row keeps both on the first run
and adds nothing on the second. Superseded versions count as present too, so re-importing a
file after an editor corrected one of its predictions does not bring the old version back.

This module runs the import. The state a run carries is in csv_import_state; the stages of a
batch are mixins over it, one module each: csv_import_questions (rows checked against their
question, new questions created), csv_import_matching (experts, sources and predictions looked
up, matched, created) and csv_import_settling (outcomes and scores); csv_import_writing holds
the bulk inserts and ledger chaining they share. Their public names are re-exported here.
"""

from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from django.db import transaction
from django.utils import timezone

from forecasts.models import LedgerEntry
from forecasts.services.bulk import commit_asynchronously, wait_for_disk
from forecasts.services.csv_import_matching import _MatchingStage, allocate_slugs
from forecasts.services.csv_import_questions import _QuestionStage
from forecasts.services.csv_import_settling import (
    PLACEHOLDER_EVIDENCE,
    _SettlingStage,
    counting_predictions_of,
)
from forecasts.services.csv_import_state import (
    IMPORT_USERNAME,
    OPEN_STATES,
    SETTLED_STATES,
    ImportReport,
    PredictionKey,
    QuestionKey,
    RowError,
    _IdRanges,
    get_or_create_import_user,
)
from forecasts.services.csv_import_writing import (
    LEDGER_COLUMNS,
    PREDICTION_COLUMNS,
    QUESTION_COLUMNS,
    REVIEW_COLUMNS,
    REVISION_COLUMNS,
    SCORE_ROW_COLUMNS,
    SOURCE_COLUMNS,
    PredictionRecord,
    ReviewRecord,
    chain,
    insert_rows,
)
from forecasts.services.csv_io import RowProblem, SourceRow, parse_ledger_row
from forecasts.services.track_records import update_track_records

__all__ = [
    "IMPORT_USERNAME",
    "LEDGER_COLUMNS",
    "OPEN_STATES",
    "PLACEHOLDER_EVIDENCE",
    "PREDICTION_COLUMNS",
    "QUESTION_COLUMNS",
    "REVIEW_COLUMNS",
    "REVISION_COLUMNS",
    "SCORE_ROW_COLUMNS",
    "SETTLED_STATES",
    "SOURCE_COLUMNS",
    "ImportReport",
    "PredictionKey",
    "PredictionRecord",
    "QuestionKey",
    "ReviewRecord",
    "RowError",
    "_IdRanges",
    "allocate_slugs",
    "chain",
    "counting_predictions_of",
    "get_or_create_import_user",
    "import_rows",
    "insert_rows",
]


def _batches(rows: Iterable[SourceRow], size: int) -> Iterator[list[SourceRow]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def import_rows(
    rows: Iterable[SourceRow],
    *,
    file_label: str,
    batch_size: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import rows of our format (csv_io); see the module docstring for the rules."""
    importer = _Importer(file_label)
    for batch in _batches(rows, batch_size):
        importer.import_batch(batch)
        if progress:
            progress(len(batch))
    if importer.touched_experts:
        importer.report.track_records = update_track_records(expert_ids=importer.touched_experts)
    wait_for_disk()  # the batches committed asynchronously: nothing is reported before this
    return importer.report


class _Importer(_QuestionStage, _MatchingStage, _SettlingStage):
    """One import run: its state (csv_import_state._ImportRun) and the stages of a batch."""

    def import_batch(self, batch: list[SourceRow]) -> None:
        rows = []
        for row in batch:
            if row.skip:
                self.report.skipped.append(RowError(row.number, row.skip, dict(row.values)))
                continue
            if row.problem:
                self._error(row.number, row.problem, row.values)
                continue
            try:
                rows.append((parse_ledger_row(row), row))
            except RowProblem as exc:
                self._error(row.number, str(exc), row.values)
        self.now = timezone.now()  # one resolution time per batch, so settling groups well
        with transaction.atomic():
            # A batch lost to a server crash before the end is simply imported again by the
            # next run (the import is idempotent); the run reports only after wait_for_disk.
            commit_asynchronously()
            self._load_questions({parsed.question_key for parsed, _ in rows})
            good = [parsed for parsed, raw in rows if self._check_question(parsed, raw.values)]
            self._resolve_experts(good)
            self._resolve_sources(good)
            self._create_questions(good)
            predictions = self._insert_predictions(good)
            settled, reviews = self._settle(good)
            self._score({*(p.question_id for p in predictions), *settled})
            # Published, in file order: chained last, so that the ledger head (one row every
            # append locks) stays locked only from here to the commit.
            chain(LedgerEntry.Kind.QUESTION_REVISION, self.new_revisions)
            chain(LedgerEntry.Kind.PREDICTION, predictions)
            chain(LedgerEntry.Kind.REVIEW, reviews)
            chain(LedgerEntry.Kind.RESOLUTION, self.settlements)
            self.new_revisions, self.settlements = [], []
