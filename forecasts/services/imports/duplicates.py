"""The duplicate rule (services.records.duplicates) in the CSV import: a row repeating a
claim its expert already has on record from the same source is reported (row and reason,
with the existing prediction's id) and not imported; the other rows are.

A row identical to a recorded prediction is not a duplicate but "unchanged" (re-running a
file changes nothing). Within one file the same rule holds between its rows: a row repeating
the claim of an earlier row (same expert and source, same question or same quote) with a
different probability or quote, said the same day, is refused, as it would be from a second
file; a row identical to an earlier one is kept (rows are a multiset, see run.py), and so are
a platform's timestamped forecasts (updates there).

One query per batch, for the sources it did not create: it finds what was on record before
the run and what earlier batches of the run recorded, so memory holds one batch's claims only
(a registry of every row of the file took 50 MB per 100,000 rows).
"""

from forecasts.models import Prediction
from forecasts.services.imports.matching import prediction_key
from forecasts.services.imports.state import ImportRun
from forecasts.services.records.duplicates import claim_key
from forecasts.services.transfer.csv_io import LedgerRow

# (prediction id, question id, made_on, probability, quote, recorded by this run)
Claim = tuple[int, int, object, float | None, str, bool]


def refuse_duplicates(
    run: ImportRun, rows: list[LedgerRow], values: dict[int, dict[str, str]]
) -> list[LedgerRow]:
    """The rows that are not duplicates; the others are reported as errors."""
    sourced = [r for r in rows if r.source_key]
    if not sourced:
        return rows
    recorded = _recorded_claims(run, sourced)
    this_batch: dict[tuple[int, int], list] = {}
    kept = []
    for row in rows:
        if not row.source_key:
            kept.append(row)
            continue
        existing = _duplicate_of(run, row, recorded)
        if existing is not None:
            pk, in_run = existing
            where = "from an earlier row of this file, said the same day" if in_run else ""
            run.error(
                row.number,
                f"{row.expert} already has this claim from this source on record (prediction "
                f"{pk}{', ' + where if where else ''}); the same claim is recorded once. "
                "Correct that prediction instead.",
                values.get(row.number, {}),
            )
            continue
        earlier = _earlier_row_of(run, row, this_batch)
        if earlier is not None:
            run.error(
                row.number,
                f"{row.expert} has this claim from this source on row {earlier} already, said "
                "the same day with another probability or quote; the same claim is recorded "
                "once. Keep one of the two rows.",
                values.get(row.number, {}),
            )
            continue
        kept.append(row)
    return kept


def _earlier_row_of(run: ImportRun, row: LedgerRow, this_batch: dict) -> int | None:
    """The number of an earlier row of this batch with the same claim from the same source
    on the same day, not identical to this one; otherwise this row is noted for the rows after
    it (earlier batches are in the database: _recorded_claims). A platform's timestamped
    forecasts (PredictionBook) are each its own record, and an expert's later forecast on a
    question there is an update, so they are not compared. Most (expert, source) pairs have
    one row: quotes are keyed only when compared."""
    if row.recorded_via:
        return None
    claims = this_batch.setdefault((run.experts[row.expert], run.sources[row.source_key]), [])
    same = (row.question_key, row.made_on, row.parsed.probability, row.quote)
    quote = claim_key(row.quote) if claims else ""
    for number, earlier in claims:
        if earlier == same:
            return None  # the same row again: kept, as a file may repeat a row
        if earlier[1] == row.made_on and (
            earlier[0] == row.question_key or (quote and claim_key(earlier[3]) == quote)
        ):
            return number
    claims.append((row.number, same))
    return None


def _recorded_claims(run: ImportRun, rows: list[LedgerRow]) -> dict[tuple[int, int], list]:
    """Current predictions of these rows' (expert, source) pairs, recorded before the run or
    by its earlier batches. A source this batch created has none: its rows need no query (in
    a file of new articles, almost none does)."""
    sources = {run.sources[r.source_key] for r in rows} - run.batch_sources
    if not sources:
        return {}
    found = (
        Prediction.objects.current()
        .filter(expert_id__in={run.experts[r.expert] for r in rows}, source_id__in=sources)
        .values_list("id", "expert_id", "source_id", "question_id", "made_on", "probability",
                     "quote")
    )  # fmt: skip
    recorded: dict[tuple[int, int], list] = {}
    for pk, expert, source, *rest in found:
        recorded.setdefault((expert, source), []).append((pk, *rest, pk in run.created))
    return recorded


def _duplicate_of(run: ImportRun, row: LedgerRow, recorded: dict) -> tuple[int, bool] | None:
    """(prediction id, recorded by this run) of the claim this row repeats, or None."""
    expert, source = run.experts[row.expert], run.sources[row.source_key]
    claims: list[Claim] = recorded.get((expert, source), [])
    if not claims:
        return None
    state = run.questions.get(row.question_key)
    question = state.id if state is not None else None  # None: a question new in this batch
    key = prediction_key(run, row) if question is not None else None
    if any((expert, *claim[1:5]) == key for claim in claims):
        return None  # the same row again: "unchanged", or a repeated row of the file (kept)
    quote = claim_key(row.quote)
    for pk, question_id, made_on, _probability, recorded_quote, in_run in claims:
        if in_run and (row.recorded_via or made_on != row.made_on):
            continue  # between rows of one file: a platform's update, or another day
        if question_id == question or (quote and claim_key(recorded_quote) == quote):
            return pk, in_run
    return None
