"""Import predictions from CSV rows: validated one by one, written in batches with bulk inserts.

Each batch (5,000 rows by default) is one transaction: experts, sources, topics and questions
it needs are looked up or created, its new predictions inserted, the questions it gives an
outcome for settled (a Review by the inactive "csv-import" user) and their scores stored. Track
records of every expert whose scores changed are rebuilt once at the end. A file that stops
half-way leaves whole batches behind, and running it again completes it.

Speed and memory (docs/benchmarks.md, row e): the rows are streamed, a batch at a time; each
batch costs a fixed number of queries, whatever its size (one lookup per kind of row, one
write per table: COPY on PostgreSQL, with the ledger chained from the values written).

A row repeating a claim already on record from the same source is refused and reported
(duplicates.py, the rule of services.records.duplicates).

Idempotent: a row is "unchanged" when the same prediction (expert, question, made_on,
probability, quote) is already recorded. Rows are a multiset: the n-th copy of a row in the
file matches the n-th such prediction, so a file that repeats a row keeps both on the first run
and adds nothing on the second. Superseded versions count as present too, so re-importing a
file after an editor corrected one of its predictions does not bring the old version back.

This module runs the import: `import_rows` keeps one ImportRun (state.py: what the run has
looked up, created and matched) and hands it, batch by batch, to the stages, one module each:
questions (rows checked against their question, new questions created), matching (experts,
sources and predictions looked up, matched, created) and settling (outcomes and scores);
writing holds the bulk inserts and the ledger chaining they share.
"""

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice

from django.db import transaction
from django.utils import timezone

from forecasts.models import LedgerEntry
from forecasts.services.bulk import commit_asynchronously, wait_for_disk
from forecasts.services.imports import duplicates, matching, questions, settling
from forecasts.services.imports.state import ImportReport, ImportRun, RowError
from forecasts.services.imports.writing import chain
from forecasts.services.reviews.assignments import fall_due_now
from forecasts.services.track_records.records import update_track_records
from forecasts.services.transfer.csv_io import RowProblem, SourceRow, parse_ledger_row


def _batches(rows: Iterable[SourceRow], size: int) -> Iterator[list[SourceRow]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


YOUNG_COLLECTION_EVERY = 10  # batches (50,000 rows by default)


@contextmanager
def _young_collections_only() -> Iterator[None]:
    """Python's cyclic collector off during the batches, its two young generations collected
    every YOUNG_COLLECTION_EVERY batches. An import keeps what it has looked up and matched from
    batch to batch (a growing heap of small objects with few cycles), and each full collection
    walked all of it: about 3 s of CPU in 100,000 rows (row e: 12.5 → 9.3 s of CPU, memory the
    same). Young collections after every batch still cost 1.3 s of it (9.8 → 8.5 s)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def import_rows(
    rows: Iterable[SourceRow],
    *,
    file_label: str,
    batch_size: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import rows of our format (csv_io); see the module docstring for the rules."""
    run = ImportRun(file_label)
    with _young_collections_only():
        for number, batch in enumerate(_batches(rows, batch_size), start=1):
            import_batch(run, batch)
            if number % YOUNG_COLLECTION_EVERY == 0:
                gc.collect(1)  # the batches' own cycles, if any: few, so not after each
            if progress:
                progress(len(batch))
        if run.touched_experts:
            run.report.track_records = update_track_records(expert_ids=run.touched_experts)
    wait_for_disk()  # the batches committed asynchronously: nothing is reported before this
    return run.report


def import_batch(run: ImportRun, batch: list[SourceRow]) -> None:
    """One batch, one transaction: its rows checked, then each stage over the good ones."""
    rows, today = [], timezone.localdate()
    for row in batch:
        if row.skip:
            run.report.skipped.append(RowError(row.number, row.skip, dict(row.values)))
            continue
        if row.problem:
            run.error(row.number, row.problem, row.values)
            continue
        try:
            rows.append((parse_ledger_row(row, today=today), row))
        except RowProblem as exc:
            run.error(row.number, str(exc), row.values)
    run.now = timezone.now()  # one resolution time per batch, so settling groups well
    with transaction.atomic():
        # A batch lost to a server crash before the end is simply imported again by the
        # next run (the import is idempotent); the run reports only after wait_for_disk.
        commit_asynchronously()
        questions.load_questions(run, [parsed for parsed, _ in rows])
        good = [parsed for parsed, raw in rows if questions.check_question(run, parsed, raw.values)]
        matching.resolve_experts(run, good)
        matching.resolve_sources(run, good)
        good = duplicates.refuse_duplicates(run, good, {raw.number: raw.values for _, raw in rows})
        created = questions.create_questions(run, good)
        predictions = matching.insert_predictions(run, good)
        settled, reviews = settling.settle(run, good)
        settling.score(run, {*(p.question_id for p in predictions), *settled})
        fall_due_now(question_ids=created, now=run.now)
        # Published, in file order: chained last, so that the ledger head (one row every
        # append locks) stays locked only from here to the commit.
        chain(LedgerEntry.Kind.QUESTION_REVISION, run.new_revisions)
        chain(LedgerEntry.Kind.PREDICTION, predictions)
        chain(LedgerEntry.Kind.REVIEW, reviews)
        chain(LedgerEntry.Kind.RESOLUTION, run.settlements)
        run.new_revisions, run.settlements = [], []
