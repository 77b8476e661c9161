"""Scores per prediction and track records per expert.

Settling a question stores its predictions' scores in the same transaction (score_question)
and enqueues, on commit, an update of only that question's experts. Track records are built
from the stored scores by one grouped SQL query (sums per expert and calibration bin), fed to
scoring.figures_from_sums; the nightly rebuild runs the very same code over every expert, so
both paths give identical figures.
"""

import functools
import logging
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from itertools import groupby

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    QuerySet,
    Sum,
)
from django.db.models.functions import Cast
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from forecasts import scoring
from forecasts.models import (
    Expert,
    Prediction,
    PredictionScore,
    Question,
    StaleTrackRecord,
    TrackRecord,
)
from forecasts.services.bulk import write_models, write_rows

logger = logging.getLogger(__name__)
OVERALL = None  # the topic key of an expert's overall record


def ranking_policy() -> scoring.RankingPolicy:
    return scoring.RankingPolicy(
        mu0=settings.RANKING_MU0, k=settings.RANKING_K, min_resolved=settings.RANKING_MIN_RESOLVED
    )


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
    if question.status == Question.Status.RESOLVED and question.outcome in ("yes", "no"):
        rows = score_rows(question, counting_predictions(question))
        PredictionScore.objects.bulk_create(rows)
        expert_ids.update(row.expert_id for row in rows)
    ids = sorted(expert_ids)
    if enqueue and ids:
        mark_stale(ids)
        transaction.on_commit(lambda: enqueue_refresh(ids))
    return ids


def mark_stale(expert_ids: list[int]) -> None:
    """Record, in the caller's transaction, that these experts' records need a rebuild."""
    now = timezone.now()
    StaleTrackRecord.objects.filter(expert_id__in=expert_ids).update(marked_at=now)
    StaleTrackRecord.objects.bulk_create(
        [StaleTrackRecord(expert_id=i, marked_at=now) for i in expert_ids], ignore_conflicts=True
    )


def enqueue_refresh(expert_ids: list[int]) -> bool:
    """Ask a worker to rebuild these records. With the broker down the stale marks stay, and
    the beat sweep (refresh_stale_track_records) does the work once the broker is back."""
    from forecasts.tasks import update_track_records

    try:
        update_track_records.delay(expert_ids)
    except (KombuOperationalError, ConnectionError, OSError) as exc:
        logger.warning(
            "Broker unreachable; %d track records wait for the sweep: %s", len(expert_ids), exc
        )
        return False
    return True


@transaction.atomic
def refresh_track_records(*, expert_ids: list[int] | None = None, batch: int = 500) -> int:
    """Rebuild the records of stale experts (all, or only these); returns how many.

    The stale rows are claimed with SKIP LOCKED and deleted before the scores are read, so two
    overlapping runs take disjoint experts, and a resolution committed meanwhile marks its
    experts again instead of being lost.
    """
    stale = StaleTrackRecord.objects.select_for_update(skip_locked=True).order_by("expert_id")
    if expert_ids is not None:
        stale = stale.filter(expert_id__in=expert_ids)
    ids = list(stale.values_list("expert_id", flat=True)[:batch])
    if not ids:
        return 0
    StaleTrackRecord.objects.filter(expert_id__in=ids).delete()
    update_track_records(expert_ids=ids)
    return len(ids)


def _exact_sum(expression) -> Sum:
    """A sum whose result does not depend on the order rows arrive in.

    The incremental update and the full rebuild aggregate the same rows through different
    plans; float addition is not associative, so PostgreSQL sums as numeric (exact) instead.
    """
    if connection.vendor == "postgresql":
        # Back to float8 in SQL: numeric → float8 and Python's float(Decimal) both round the
        # exact sum correctly, so nothing changes but the cost of Decimal objects.
        exact = Sum(Cast(expression, DecimalField(max_digits=40, decimal_places=20)))
        return Cast(exact, FloatField())
    return Sum(expression, output_field=FloatField())


def _sums() -> dict:
    p, o = F("probability"), Cast("outcome", FloatField())
    return {
        "n": Count("id"),
        "sum_p": _exact_sum(p),
        "sum_o": Sum("outcome"),
        "sum_pp": _exact_sum(ExpressionWrapper(p * p, output_field=FloatField())),
        "sum_po": _exact_sum(ExpressionWrapper(p * o, output_field=FloatField())),
        "sum_brier": _exact_sum(F("brier")),
        "sum_log": _exact_sum(F("log_score")),
        "sum_baseline": _exact_sum(F("baseline")),
        "hits": Sum("hit"),
        "hit_n": Count("hit"),
        "sum_peer": _exact_sum(F("peer")),
        "peer_n": Count("peer"),
        "sum_relative": _exact_sum(F("consensus_relative")),
        "relative_n": Count("consensus_relative"),
        "sum_yield": _exact_sum(F("yield_term")),
        "yield_n": Count("yield_term"),
    }


_TOTALS = [name for name in _sums() if name not in ("n", "sum_p", "sum_o", "sum_pp", "sum_po")]


def aggregate_sums(scores: QuerySet, *, by_topic: bool = False) -> dict[tuple, scoring.ExpertSums]:
    """ExpertSums per expert (or per expert and topic) from stored scores, in one query."""
    keys = ["expert_id", "question__topics"] if by_topic else ["expert_id"]
    grouped = (
        scores.values(*keys, "calibration_bin")
        .annotate(**_sums())
        .order_by(*keys, "calibration_bin")  # so Python adds bins up in one fixed order
    )
    parts: dict[tuple, dict] = defaultdict(lambda: {"bins": {}, "totals": defaultdict(float)})
    for row in grouped:
        key = (row["expert_id"], row["question__topics"] if by_topic else OVERALL)
        if by_topic and key[1] is None:
            continue  # scores on questions without a topic count only overall
        part = parts[key]
        part["bins"][row["calibration_bin"]] = scoring.BinSums(
            row["n"], float(row["sum_p"]), row["sum_o"], float(row["sum_pp"]), float(row["sum_po"])
        )
        part["totals"]["n"] += row["n"]
        part["totals"]["sum_outcome"] += row["sum_o"]
        for name in _TOTALS:
            part["totals"][name] += float(row[name] or 0)
    return {key: _to_sums(part) for key, part in sorted(parts.items(), key=_sort_key)}


def _sort_key(item: tuple) -> tuple:
    (expert_id, topic_id), _ = item
    return (expert_id, -1 if topic_id is None else topic_id)


def _to_sums(part: dict) -> scoring.ExpertSums:
    totals = part["totals"]
    bins = tuple(part["bins"].get(k, scoring.BinSums()) for k in range(10))
    ints = {"n", "sum_outcome", "hits", "hit_n", "peer_n", "relative_n", "yield_n"}
    return scoring.ExpertSums(
        n_bins=10, bins=bins, **{k: int(v) if k in ints else float(v) for k, v in totals.items()}
    )


def _track_record(
    expert_id: int, topic_id: int | None, sums: scoring.ExpertSums, now
) -> TrackRecord:
    figures = scoring.figures_from_sums(sums, ranking_policy())
    murphy = figures.murphy
    return TrackRecord(
        expert_id=expert_id,
        topic_id=topic_id,
        resolved_count=figures.n,
        sum_brier=sums.sum_brier,
        brier=figures.brier,
        log_score=figures.log_score,
        brier_skill=figures.brier_skill,
        base_rate_skill=figures.base_rate_skill,
        hit_count=figures.hit_count,
        hit_n=figures.hit_n,
        hit_rate=figures.hit_rate,
        hit_rate_low=figures.hit_rate_low,
        hit_rate_high=figures.hit_rate_high,
        ranking_score=figures.ranking_score,
        peer_mean=figures.peer_mean,
        peer_count=figures.peer_n,
        consensus_relative_mean=figures.relative_mean,
        consensus_count=figures.relative_n,
        yield_score=figures.consensus_yield,
        calibration=[
            {
                "lower": b.lower,
                "upper": b.upper,
                "count": b.count,
                "mean_forecast": b.mean_forecast,
                "observed_rate": b.observed_rate,
                "ci_low": b.ci_low,
                "ci_high": b.ci_high,
            }
            for b in figures.calibration
        ],
        murphy={}
        if murphy is None
        else {
            "reliability": murphy.reliability,
            "resolution": murphy.resolution,
            "uncertainty": murphy.uncertainty,
            "within_bin_variance": murphy.within_bin_variance,
            "within_bin_covariance": murphy.within_bin_covariance,
        },
        scoring_version=settings.SCORING_VERSION,
        updated_at=now,
    )


@transaction.atomic
def update_track_records(*, expert_ids: Iterable[int]) -> int:
    """Rebuild the track records (overall and per topic) of these experts from their scores."""
    ids = sorted(set(expert_ids))
    # Lock the experts so two overlapping updates of one expert queue up instead of colliding.
    locked = list(
        Expert.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True)
    )
    scores = PredictionScore.objects.filter(expert_id__in=locked)
    return _replace_track_records(scores, TrackRecord.objects.filter(expert_id__in=locked))


def _replace_track_records(scores: QuerySet, existing: QuerySet) -> int:
    now = timezone.now()
    sums = aggregate_sums(scores)
    sums.update(aggregate_sums(scores, by_topic=True))
    existing.delete()
    records = (_track_record(e, t, s, now) for (e, t), s in sorted(sums.items(), key=_sort_key))
    return write_models(TrackRecord, records)


@transaction.atomic
def recompute_track_records() -> int:
    """Rescore every settled question and rebuild every track record from scratch."""
    if connection.vendor == "postgresql":
        # A second rebuild (a manual run during the nightly one) waits for the first, then
        # redoes it, instead of inserting scores the first one is inserting too.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REBUILD_LOCK])
    StaleTrackRecord.objects.all().delete()
    rescore_all_questions()
    return _replace_track_records(PredictionScore.objects.all(), TrackRecord.objects.all())


BULK_COLUMNS = (
    "prediction_id", "expert_id", "question_id", *SCORE_COLUMNS, "peer", "resolved_on",
    "scoring_version",
)  # fmt: skip
FLUSH_ROWS = 20_000
REBUILD_LOCK = 7_346_119  # any fixed number: the advisory lock of recompute_track_records


def rescore_all_questions() -> int:
    """Replace every stored score, as score_question would one question at a time, in bulk.

    One query streams each expert's counting prediction on every resolved question (question
    by question, experts in id order, as counting_predictions lists them), and the rows go
    back with COPY in batches. Returns how many scores were written.
    """
    PredictionScore.objects.all().delete()
    written, batch = 0, []
    for question_rows in _counting_rows_by_question():
        batch.extend(_bulk_score(question_rows))
        if len(batch) >= FLUSH_ROWS:  # between fetches: the COPY has the connection alone
            written += write_rows(PredictionScore._meta.db_table, BULK_COLUMNS, batch)
            batch = []
    return written + write_rows(PredictionScore._meta.db_table, BULK_COLUMNS, batch)


def _counting_rows_by_question() -> Iterator[list[tuple]]:
    """Lists of (question_id, expert_id, prediction_id, p, outcome, consensus, resolved_at),
    one list per resolved question: each expert's latest current prediction by the deadline."""
    rows = (
        Prediction.objects.current()
        .filter(
            question__status=Question.Status.RESOLVED,
            question__outcome__in=(Question.Outcome.YES, Question.Outcome.NO),
            made_on__lte=F("question__deadline"),
            probability__isnull=False,
        )
        .values_list(
            "question_id",
            "expert_id",
            "id",
            "probability",
            "question__outcome",
            "question__consensus_probability",
            "question__resolved_at",
        )  # fmt: skip
    )
    if connection.vendor == "postgresql":
        # DISTINCT ON keeps the first row per (question, expert): the latest one.
        rows = rows.order_by("question_id", "expert_id", "-made_on", "-id").distinct(
            "question_id", "expert_id"
        )
        latest = rows.iterator(chunk_size=FLUSH_ROWS)
    else:
        rows = rows.order_by("question_id", "expert_id", "made_on", "id")
        grouped = groupby(rows.iterator(chunk_size=FLUSH_ROWS), key=lambda r: r[:2])
        latest = (deque(group, maxlen=1)[0] for _, group in grouped)
    for _, question_rows in groupby(latest, key=lambda r: r[0]):
        yield list(question_rows)


def _bulk_score(rows: list[tuple]) -> Iterator[tuple]:
    """BULK_COLUMNS rows for one question's counting predictions (see score_rows)."""
    _, _, _, _, outcome, c, resolved_at = rows[0]
    o = 1 if outcome == Question.Outcome.YES else 0
    peers = scoring.peer_scores([row[3] for row in rows], o)
    resolved_on = timezone.localdate(resolved_at)
    version = settings.SCORING_VERSION
    for (question_id, expert_id, prediction_id, p, *_), peer in zip(rows, peers, strict=True):
        values = score_values(p, o, c)
        yield (prediction_id, expert_id, question_id, *values, peer, resolved_on, version)
