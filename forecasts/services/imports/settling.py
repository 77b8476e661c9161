"""A CSV import's outcomes and scores: questions settled, their scores replaced in bulk.

A question the file gives an outcome for is settled when open or due (or created settled by
this run): one UPDATE per outcome and resolution time, pending review assignments cancelled,
and a Review by the inactive "csv-import" user. Scores of settled questions are replaced as
score_question would, with one query for every question's counting predictions.
"""

import datetime as dt
from urllib.parse import quote as url_quote

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from forecasts import scoring
from forecasts.models import Prediction, PredictionScore, Question, Review, ReviewAssignment
from forecasts.services.bulk import write_rows
from forecasts.services.imports.state import OPEN_STATES, SETTLED_STATES, ImportRun, QuestionKey
from forecasts.services.imports.writing import (
    REVIEW_COLUMNS,
    SCORE_ROW_COLUMNS,
    ReviewRecord,
    insert_rows,
)
from forecasts.services.track_records.scores import score_values
from forecasts.services.transfer.csv_io import LedgerRow

# A YES/NO verdict needs an evidence URL (a database rule). A row with neither evidence_url nor
# source_url gets this one: valid, clearly not a real page (.invalid is reserved, RFC 2606),
# and it names the file and row the outcome came from.
PLACEHOLDER_EVIDENCE = "https://forecast-ledger.invalid/csv-import/{file}#row-{row}"


def settle(run: ImportRun, rows: list[LedgerRow]) -> tuple[set[int], list[ReviewRecord]]:
    """Settle the questions these rows give an outcome for, if open or due or created by
    this batch: a Review each by the import user. Returns their ids and the reviews."""
    keys = {
        run.question_id(key): key
        for key in {r.question_key for r in rows}
        if key in run.verdicts and run.questions[key].status in OPEN_STATES
    }
    settled = run.born_settled
    run.born_settled = []
    if keys:
        # Found by primary key alone, the status checked here: with a status condition the
        # planner may scan the (status, ...) index over every open question instead.
        questions = [
            (pk, review_round)
            for pk, status, review_round in Question.objects.select_for_update()
            .filter(pk__in=keys)
            .values_list("pk", "status", "review_round")
            if status in OPEN_STATES
        ]
        # One UPDATE per (outcome, resolution time): bulk_update's CASE per row is quadratic.
        groups: dict[tuple, list[int]] = {}
        for pk, review_round in questions:
            run.questions[keys[pk]].review_round = review_round
            status, outcome, resolved_at = run.apply_verdict(keys[pk])
            groups.setdefault((outcome, status, resolved_at), []).append(pk)
            settled.append((pk, keys[pk], resolved_at))
        for (outcome, status, resolved_at), ids in groups.items():
            # Only open or due questions are settled here: never settled before.
            Question.objects.filter(pk__in=ids).update(
                outcome=outcome,
                status=status,
                resolved_at=resolved_at,
                first_resolved_at=resolved_at,
            )
        if questions:
            ReviewAssignment.objects.filter(
                question_id__in=[pk for pk, _ in questions], state=ReviewAssignment.State.PENDING
            ).update(state=ReviewAssignment.State.CANCELLED)
    reviews = [_review(run, pk, key, resolved_at) for pk, key, resolved_at in settled]
    ids = insert_rows(Review, REVIEW_COLUMNS, reviews)
    run.report.questions_settled += len(settled)
    records = [ReviewRecord(pk, *values) for pk, values in zip(ids, reviews, strict=True)]
    run.settlements = [
        # ledger.resolution_facts of each settlement, keyed by the verdict that made it
        (review.id, pk, review.round, run.questions[key].status, review.outcome, at, at)
        for review, (pk, key, at) in zip(records, settled, strict=True)
    ]
    return {pk for pk, _, _ in settled}, records


def _review(run: ImportRun, question_id: int, key: QuestionKey, resolved_at: dt.datetime) -> tuple:
    """REVIEW_COLUMNS of the verdict that settles this question."""
    verdict = run.verdicts[key]
    evidence = verdict.evidence
    if not evidence and verdict.outcome != Question.Outcome.ANNULLED:
        evidence = PLACEHOLDER_EVIDENCE.format(file=url_quote(run.file_label), row=verdict.number)
    note = f"Imported from {run.file_label}, row {verdict.number}."
    # created_at as the database returns it (UTC), since the ledger hashes this value.
    created_at = resolved_at.astimezone(dt.UTC)
    return (
        question_id, run.user.pk, run.questions[key].review_round, verdict.outcome,
        evidence, note, "", created_at,
    )  # fmt: skip


def score(run: ImportRun, question_ids: set[int]) -> None:
    """Replace the scores of these questions, where settled; as score_question does, in bulk."""
    if not question_ids:
        return
    questions = {  # by primary key alone, as in _settle
        pk: (outcome, consensus, resolved_at)
        for pk, status, outcome, consensus, resolved_at in Question.objects.select_for_update()
        .filter(pk__in=question_ids)
        .values_list("pk", "status", "outcome", "consensus_probability", "resolved_at")
        if status in SETTLED_STATES
    }
    if not questions:
        return
    old = PredictionScore.objects.filter(question_id__in=questions)
    run.touched_experts.update(old.values_list("expert_id", flat=True))
    old.delete()
    resolved = [
        pk for pk, (outcome, _, _) in questions.items() if outcome in Question.SCORED_OUTCOMES
    ]
    rows = []
    version = settings.SCORING_VERSION
    for question_id, counting in counting_predictions_of(resolved).items():
        outcome, c, resolved_at = questions[question_id]
        o = 1 if outcome == Question.Outcome.YES else 0
        peers = scoring.peer_scores([p for _, _, p, _ in counting], o)
        resolved_on = timezone.localdate(resolved_at)
        for (expert_id, prediction_id, p, hindsight), peer in zip(counting, peers, strict=True):
            rows.append(
                (
                    prediction_id,
                    expert_id,
                    question_id,
                    *score_values(p, o, c),
                    peer,
                    resolved_on,
                    hindsight,
                    version,
                )  # fmt: skip
            )
            run.touched_experts.add(expert_id)
    write_rows(PredictionScore._meta.db_table, SCORE_ROW_COLUMNS, rows)
    run.scored.update(resolved)
    run.report.questions_scored = len(run.scored)


def counting_predictions_of(
    question_ids: list[int],
) -> dict[int, list[tuple[int, int, float, bool]]]:
    """track_records.counting_predictions for many questions in one query, in the same order:
    per question, each expert's latest current prediction made by the deadline, with a number,
    as (expert_id, prediction_id, probability, hindsight) in expert order."""
    if not question_ids:
        return {}
    latest: dict[int, dict[int, tuple[int, int, float, bool]]] = {pk: {} for pk in question_ids}
    rows = (
        Prediction.objects.current()
        .filter(
            question_id__in=question_ids,
            made_on__lte=F("question__deadline"),
            probability__isnull=False,
        )
        .with_hindsight()
        .order_by("question_id", "expert_id", "made_on", "id")
        .values_list("question_id", "expert_id", "id", "probability", "is_hindsight")
    )
    for question_id, expert_id, prediction_id, p, hindsight in rows.iterator(chunk_size=5000):
        latest[question_id][expert_id] = (expert_id, prediction_id, p, bool(hindsight))
    return {pk: list(by_expert.values()) for pk, by_expert in latest.items() if by_expert}
