"""Scores per prediction: the one prediction per expert that counts on a resolved question.

Settling a question stores its predictions' scores in the same transaction (score_question),
marks its experts stale and hands, on commit, an update of only those experts to a worker.
Every path that stores scores (one question, an import, the full rebuild) computes them with
score_values, so they store the very same floats.
"""

import functools
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from forecasts import scoring
from forecasts.models import (
    Prediction,
    PredictionScore,
    Question,
    StaleTrackRecord,
)
from forecasts.services.enqueue import enqueue_after_commit

logger = logging.getLogger(__name__)


def counting_predictions(question: Question) -> list[Prediction]:
    """Each expert's latest current prediction made on or before the deadline, with a number."""
    latest: dict[int, Prediction] = {}
    rows = (
        Prediction.objects.current()
        .filter(question=question, made_on__lte=question.deadline, probability__isnull=False)
        .order_by("expert_id", "made_on", "id")
    )
    for prediction in rows:
        latest[prediction.expert_id] = prediction  # later rows overwrite earlier ones
    return list(latest.values())


SCORE_COLUMNS = (
    "probability", "outcome", "brier", "log_score", "baseline", "consensus_relative",
    "consensus_called", "calibration_bin", "hit", "yield_term",
)  # fmt: skip


@functools.lru_cache(maxsize=65_536, typed=True)
def score_values(p: float, o: int, c: float | None) -> tuple:
    """The SCORE_COLUMNS of one forecast p on outcome o with consensus c (None: no consensus).

    Every path that stores scores (one question, an import, the full rebuild) goes through
    here, so they store the very same floats. Cached: forecasts repeat a few hundred levels.
    """
    hit = scoring.is_hit(p, o)
    side = scoring.called_side(p)
    q_called = None if c is None or side is None else (c if side == 1 else 1 - c)
    return (
        p,
        o,
        scoring.brier(p, o),
        scoring.log_score(p, o),
        scoring.baseline_score(p, o),
        None if c is None else scoring.consensus_relative(p, c, o),
        q_called,
        scoring.calibration_bin(p),
        None if hit is None else int(hit),
        None if q_called is None else scoring.yield_from_called([q_called], [int(side == o)]),
    )


def score_rows(question: Question, predictions: list[Prediction]) -> list[PredictionScore]:
    o = 1 if question.outcome == Question.Outcome.YES else 0
    peers = scoring.peer_scores([p.probability for p in predictions], o)
    c = question.consensus_probability
    resolved_on = timezone.localdate(question.resolved_at)
    return [
        PredictionScore(
            prediction=prediction,
            expert_id=prediction.expert_id,
            question=question,
            peer=peer,
            resolved_on=resolved_on,
            hindsight=not question.is_prospective_at(prediction.recorded_at),
            scoring_version=settings.SCORING_VERSION,
            **dict(zip(SCORE_COLUMNS, score_values(prediction.probability, o, c), strict=True)),
        )
        for prediction, peer in zip(predictions, peers, strict=True)
    ]


@transaction.atomic
def score_question(*, question_id: int, enqueue: bool = True) -> list[int]:
    """Replace the stored scores of one question to match its current state.

    Returns the ids of the experts whose track records change; with `enqueue`, their update
    is sent to Celery once this transaction commits.
    """
    question = Question.objects.select_for_update().get(pk=question_id)
    expert_ids = set(question.scores.values_list("expert_id", flat=True))
    question.scores.all().delete()
    if question.status == Question.Status.RESOLVED and question.outcome in Question.SCORED_OUTCOMES:
        rows = score_rows(question, counting_predictions(question))
        PredictionScore.objects.bulk_create(rows)
        expert_ids.update(row.expert_id for row in rows)
    ids = sorted(expert_ids)
    if enqueue and ids:
        mark_stale(ids)
        # With the broker down the stale marks stay, and the beat sweep
        # (refresh_stale_track_records) does the work once it is back.
        enqueue_after_commit(UPDATE_TASK, ids)
    return ids


def mark_stale(expert_ids: list[int]) -> None:
    """Record, in the caller's transaction, that these experts' records need a rebuild."""
    now = timezone.now()
    StaleTrackRecord.objects.filter(expert_id__in=expert_ids).update(marked_at=now)
    StaleTrackRecord.objects.bulk_create(
        [StaleTrackRecord(expert_id=i, marked_at=now) for i in expert_ids], ignore_conflicts=True
    )


UPDATE_TASK = "forecasts.tasks.update_track_records"
