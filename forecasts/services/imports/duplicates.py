"""The duplicate rule (services.records.duplicates) in the CSV import: a row repeating a
claim its expert already has on record from the same source is reported (row and reason,
with the existing prediction's id) and not imported; the other rows are.

A row identical to a recorded prediction is not a duplicate but "unchanged" (re-running a
file changes nothing). Within one file the same rule holds between its rows: a row repeating
the claim of an earlier row (same expert and source, same question or same quote) with a
different probability or quote, said the same day, is refused, as it would be from a second
file; a row identical to an earlier one is kept (rows are a multiset, see run.py), and so are
a platform's timestamped forecasts (updates there). One query per batch.
"""

from forecasts.models import Prediction
from forecasts.services.imports.matching import prediction_key, source_key
from forecasts.services.imports.state import ImportRun
from forecasts.services.records.duplicates import claim_key
from forecasts.services.transfer.csv_io import LedgerRow


def refuse_duplicates(
    run: ImportRun, rows: list[LedgerRow], values: dict[int, dict[str, str]]
) -> list[LedgerRow]:
    """The rows that are not duplicates; the others are reported as errors."""
    sourced = [r for r in rows if source_key(r)]
    if not sourced:
        return rows
    recorded = _recorded_claims(run, sourced)
    kept = []
    for row in rows:
        if not source_key(row):
            kept.append(row)
            continue
        existing = _duplicate_of(run, row, recorded)
        if existing is not None:
            run.error(
                row.number,
                f"{row.expert} already has this claim from this source on record (prediction "
                f"{existing}); the same claim is recorded once. Correct that prediction instead.",
                values.get(row.number, {}),
            )
            continue
        earlier = _earlier_row_of(run, row)
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


def _earlier_row_of(run: ImportRun, row: LedgerRow) -> int | None:
    """The number of an earlier row of this run with the same claim from the same source on
    the same day, not identical to this one; otherwise this row is noted for the rows after
    it. A platform's timestamped forecasts (PredictionBook) are each its own record, and an
    expert's later forecast on a question there is an update, so they are not compared.
    Most (expert, source) pairs of a file have one row: quotes are keyed only when compared."""
    if row.recorded_via:
        return None
    claims = run.claims.setdefault((run.experts[row.expert], run.sources[source_key(row)]), [])
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
    """Current predictions recorded before this run, by (expert, source), for these rows."""
    found = (
        Prediction.objects.current()
        .filter(
            expert_id__in={run.experts[r.expert] for r in rows},
            source_id__in={run.sources[source_key(r)] for r in rows},
        )
        .values_list("id", "expert_id", "source_id", "question_id", "made_on", "probability",
                     "quote")
    )  # fmt: skip
    recorded: dict[tuple[int, int], list] = {}
    for pk, expert, source, *rest in found:
        if pk not in run.created:
            recorded.setdefault((expert, source), []).append((pk, *rest))
    return recorded


def _duplicate_of(run: ImportRun, row: LedgerRow, recorded: dict) -> int | None:
    expert, source = run.experts[row.expert], run.sources[source_key(row)]
    state = run.questions.get(row.question_key)
    question = state.id if state is not None and state.existed else None
    claims = recorded.get((expert, source), ())
    if question is not None:
        key = prediction_key(run, row)
        if any((expert, *claim[1:]) == key for claim in claims):
            return None  # the same row again: "unchanged", the import matches it
    quote = claim_key(row.quote)
    for pk, question_id, _made_on, _probability, recorded_quote in claims:
        if question_id == question or (quote and claim_key(recorded_quote) == quote):
            return pk
    return None
