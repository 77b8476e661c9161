"""The duplicate rule (services.records.duplicates) in the CSV import: a row repeating a
claim its expert already has on record from the same source is reported (row and reason,
with the existing prediction's id) and not imported; the other rows are.

A row identical to a recorded prediction is not a duplicate but "unchanged" (re-running a
file changes nothing), and predictions this run created are not compared with: a file may
repeat a row (rows are a multiset, see run.py). One query per batch.
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
        existing = _duplicate_of(run, row, recorded) if source_key(row) else None
        if existing is None:
            kept.append(row)
            continue
        run.error(
            row.number,
            f"{row.expert} already has this claim from this source on record (prediction "
            f"{existing}); the same claim is recorded once. Correct that prediction instead.",
            values.get(row.number, {}),
        )
    return kept


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
