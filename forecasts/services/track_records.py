"""Scores per prediction and track records per expert.

Settling a question stores its predictions' scores in the same transaction (score_question),
marks its experts stale and enqueues, on commit, an update of only those experts. Track records
are built from the exact sums per expert, topic and calibration bin (score_sums: ScoreSums,
integers in 1e-12 units) fed to scoring.figures_from_sums. On PostgreSQL a statement trigger
adjusts those sums by every write to the scores, so an update reads a few sum rows of the
changed (expert, topic) groups instead of the expert's whole history; the nightly rebuild
computes the same integer sums from scratch (services/rebuild.py), so both paths give
identical figures.
"""

import datetime as dt
import functools
import json
import logging
from collections.abc import Iterable, Iterator
from itertools import groupby

from django.conf import settings
from django.db import connection, transaction
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
from forecasts.services.bulk import write_rows
from forecasts.services.score_sums import (
    COUNT_COLUMNS,
    OVERALL,
    QUESTION_TOPICS_TABLE,
    SCORES_TABLE,
    SKIP_SUMS_SETTING,
    SUM_COLUMNS,
    SUMS_INSERT_COLUMNS,
    SUMS_TABLE,
    UNIT_COLUMNS,
    UNITS_PER_ONE,
    aggregate_sums,
    expert_sums,
    group_key,
    id_filter,
    merged_bins,
    rebuild_sums,
    score_sums_trigger_sql,
    suspend_sums_trigger,
)

logger = logging.getLogger(__name__)


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


def track_record(
    expert_id: int,
    topic_id: int | None,
    sums: scoring.ExpertSums,
    *,
    prospective_only: bool = False,
    hindsight_count: int = 0,
) -> TrackRecord:
    """An unsaved record over these sums (a period's, say), as the stored ones are built."""
    values = _record_values(expert_id, topic_id, sums, ranking_policy())
    values.update(prospective_only=prospective_only, hindsight_count=hindsight_count)
    return TrackRecord(**values, updated_at=None)


def _record_values(
    expert_id: int, topic_id: int | None, sums: scoring.ExpertSums, policy: scoring.RankingPolicy
) -> dict:
    """TrackRecord field values (all but id, the record's scope and updated_at) from one
    group's sums."""
    figures = scoring.figures_from_sums(sums, policy)
    murphy = figures.murphy
    return {
        "expert_id": expert_id,
        "topic_id": topic_id,
        "resolved_count": figures.n,
        "sum_brier": sums.sum_brier,
        "brier": figures.brier,
        "log_score": figures.log_score,
        "brier_skill": figures.brier_skill,
        "base_rate_skill": figures.base_rate_skill,
        "hit_count": figures.hit_count,
        "hit_n": figures.hit_n,
        "hit_rate": figures.hit_rate,
        "hit_rate_low": figures.hit_rate_low,
        "hit_rate_high": figures.hit_rate_high,
        "ranking_score": figures.ranking_score,
        "peer_mean": figures.peer_mean,
        "peer_count": figures.peer_n,
        "consensus_relative_mean": figures.relative_mean,
        "consensus_count": figures.relative_n,
        "yield_score": figures.consensus_yield,
        "calibration": [
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
        "murphy": {}
        if murphy is None
        else {
            "reliability": murphy.reliability,
            "resolution": murphy.resolution,
            "uncertainty": murphy.uncertainty,
            "within_bin_variance": murphy.within_bin_variance,
            "within_bin_covariance": murphy.within_bin_covariance,
        },
        "scoring_version": settings.SCORING_VERSION,
        "last_resolved_on": None,  # a maximum, not a sum: filled in by the caller
    }


# --- track records from the sums -------------------------------------------------------------

SUMS_READ_EXPERTS = 1_000  # experts per read in a full rebuild: bounded memory
RECORDS_TABLE = TrackRecord._meta.db_table


@transaction.atomic
def update_track_records(*, expert_ids: Iterable[int]) -> int:
    """Bring the track records (overall and per topic) of these experts up to date.

    On PostgreSQL the sums are already current (the trigger updates them with the scores), so
    only the (expert, topic) groups whose sums changed (dirty) are rebuilt: the cost follows
    the changed scores, not the expert's history. Elsewhere the experts' sums are recomputed
    from their scores first and all their records rebuilt. The nightly rebuild redoes
    everything from scratch either way.
    Returns how many records were written.
    """
    ids = sorted(set(expert_ids))
    # Lock the experts so two overlapping updates of one expert queue up instead of colliding.
    # NO KEY: a resolution storing scores for them (FK checks: KEY SHARE) need not wait.
    locked = list(
        Expert.objects.select_for_update(no_key=True)
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not locked:
        return 0
    if connection.vendor != "postgresql":
        rebuild_sums(locked)
        with connection.cursor() as cursor:
            where, params = id_filter("expert_id", locked)
            cursor.execute(f"DELETE FROM {RECORDS_TABLE} WHERE {where}", params)  # noqa: S608
        where, params = id_filter("s.expert_id", locked)
        return _write_records([where], params)
    groups = _claim_dirty_groups(locked)
    if not groups:
        return 0
    overall = sorted({e for e, t in groups if t is None})
    pairs = sorted((e, t) for e, t in groups if t is not None)
    params = [overall, [e for e, _ in pairs], [t for _, t in pairs]]
    # Overall records through the (expert) WHERE topic IS NULL indexes, topic records through
    # the (expert, topic) ones.
    overall_sql = "{t}.topic_id IS NULL AND {t}.expert_id = ANY(%s)"
    pairs_sql = (
        "({t}.expert_id, {t}.topic_id) IN (SELECT * FROM unnest(%s::bigint[], %s::bigint[]))"
    )
    with connection.cursor() as cursor:
        for where, values in ((overall_sql, params[:1]), (pairs_sql, params[1:])):
            cursor.execute(
                f"DELETE FROM {RECORDS_TABLE} r WHERE {where.format(t='r')}",  # noqa: S608
                values,
            )
    return _write_records([overall_sql.format(t="s"), pairs_sql.format(t="s")], params)


def _claim_dirty_groups(expert_ids: list[int]) -> set[tuple[int, int | None]]:
    """(PostgreSQL) The (expert, topic) groups of these experts with changed sums: their dirty
    flags are cleared and their empty rows dropped, in this transaction."""
    with connection.cursor() as cursor:
        # SKIP LOCKED: rows a writer is changing right now stay dirty; its own stale mark
        # brings them to a later update, so this one never waits for it.
        cursor.execute(
            f"SELECT id, expert_id, topic_id, n FROM {SUMS_TABLE} "  # noqa: S608
            "WHERE expert_id = ANY(%s) AND dirty FOR UPDATE SKIP LOCKED",
            [expert_ids],
        )
        claimed = cursor.fetchall()
        if not claimed:
            return set()
        cursor.execute(
            f"UPDATE {SUMS_TABLE} SET dirty = FALSE WHERE id = ANY(%s)",  # noqa: S608
            [[i for i, *_ in claimed]],
        )
        if empty := [i for i, _, _, n in claimed if n == 0]:
            cursor.execute(f"DELETE FROM {SUMS_TABLE} WHERE id = ANY(%s)", [empty])  # noqa: S608
    return {(e, t) for _, e, t, _ in claimed}


def _write_records(conditions: list[str], params: list) -> int:
    """Build and append the records of the sums (aliased s) matching any of `conditions`."""
    columns = ", ".join(SUM_COLUMNS)
    select = (
        f"SELECT s.expert_id, s.topic_id, s.hindsight, s.calibration_bin, {columns} "  # noqa: S608
        f"FROM {SUMS_TABLE} s WHERE s.n > 0 AND "
    )
    sql = (
        " UNION ALL ".join(select + condition for condition in conditions)
        + " ORDER BY 1, 2 NULLS FIRST, 3, 4"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    last = _last_resolved([r[0] for r in rows]) if rows else {}
    return write_rows(RECORDS_TABLE, RECORD_COLUMNS, _record_rows(rows, last))


def _last_resolved(expert_ids: list[int]) -> dict[tuple, dt.date]:
    """{(expert, topic or None, hindsight): the latest resolved_on} of these experts' scores:
    what `last_resolved_on` shows (a maximum, which running sums cannot keep). Two grouped
    reads through the scores' (expert, resolved_on) index."""
    where, params = id_filter("s.expert_id", sorted(set(expert_ids)))
    overall = (
        f"SELECT s.expert_id, NULL, s.hindsight, MAX(s.resolved_on) FROM {SCORES_TABLE} s "  # noqa: S608
        f"WHERE {where} GROUP BY s.expert_id, s.hindsight"
    )
    by_topic = (
        f"SELECT s.expert_id, qt.topic_id, s.hindsight, MAX(s.resolved_on) "  # noqa: S608
        f"FROM {SCORES_TABLE} s JOIN {QUESTION_TOPICS_TABLE} qt ON qt.question_id = s.question_id "
        f"WHERE {where} GROUP BY s.expert_id, qt.topic_id, s.hindsight"
    )
    last: dict[tuple, dt.date] = {}
    with connection.cursor() as cursor:
        for sql in (overall, by_topic):
            cursor.execute(sql, params)
            for expert_id, topic_id, hindsight, day in cursor.fetchall():
                if isinstance(day, str):  # SQLite returns MAX() of a date column as text
                    day = dt.date.fromisoformat(day)
                last[(expert_id, topic_id, bool(hindsight))] = day
    return last


RECORD_FIELDS = [f for f in TrackRecord._meta.concrete_fields if not f.primary_key]
RECORD_COLUMNS = tuple(f.column for f in RECORD_FIELDS)


def _record_rows(rows: list[tuple], last: dict[tuple, dt.date]) -> Iterator[tuple]:
    """RECORD_COLUMNS tuples, two per (expert, topic) group of sums rows (sorted by group,
    then hindsight): the record over all forecasts and the one over prospective ones.

    Plain values straight to the writer: model instances and per-field preparation cost more
    than the figures themselves for a full rebuild's 100,000+ records."""
    policy = ranking_policy()
    updated_at = TrackRecord._meta.get_field("updated_at").get_db_prep_save(
        timezone.now(), connection
    )
    encode = json.JSONEncoder(allow_nan=True).encode  # as JSONField stores lists and dicts
    for (expert_id, topic_id), group in groupby(rows, group_key):
        group = list(group)  # (expert, topic, hindsight, bin, *sums), prospective rows first
        prospective = [r[3:] for r in group if not r[2]]
        hindsight_count = sum(r[4] for r in group if r[2])  # n of the hindsight rows
        every = merged_bins(r[3:] for r in group) if hindsight_count else prospective
        prospective_last = last.get((expert_id, topic_id, False))
        hindsight_last = last.get((expert_id, topic_id, True))
        every_last = max(filter(None, (prospective_last, hindsight_last)), default=None)
        for scope, bins, last_day in (
            (False, every, every_last),
            (True, prospective, prospective_last),
        ):
            values = _record_values(expert_id, topic_id, expert_sums(bins), policy)
            values["prospective_only"] = scope
            values["hindsight_count"] = hindsight_count
            values["last_resolved_on"] = last_day
            values["calibration"] = encode(values["calibration"])
            values["murphy"] = encode(values["murphy"])
            values["updated_at"] = updated_at
            yield tuple(values[f.attname] for f in RECORD_FIELDS)


def write_all_records() -> int:
    """Every record from the sums, a slice of experts at a time (memory stays bounded)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT expert_id FROM {SUMS_TABLE} ORDER BY expert_id")  # noqa: S608
        experts = [row[0] for row in cursor.fetchall()]
    written = 0
    for start in range(0, len(experts), SUMS_READ_EXPERTS):
        chunk = experts[start : start + SUMS_READ_EXPERTS]
        written += _write_records(["s.expert_id BETWEEN %s AND %s"], [chunk[0], chunk[-1]])
    return written


__all__ = [
    "RECORDS_TABLE",
    "RECORD_COLUMNS",
    "RECORD_FIELDS",
    "SCORE_COLUMNS",
    "SUMS_READ_EXPERTS",
    "counting_predictions",
    "enqueue_refresh",
    "expert_sums",
    "mark_stale",
    "ranking_policy",
    "refresh_track_records",
    "score_question",
    "score_rows",
    "score_values",
    "track_record",
    "update_track_records",
    "write_all_records",
    # Moved to score_sums; still imported from here (backup, selectors, tests).
    "COUNT_COLUMNS",
    "OVERALL",
    "QUESTION_TOPICS_TABLE",
    "SCORES_TABLE",
    "SKIP_SUMS_SETTING",
    "SUMS_INSERT_COLUMNS",
    "SUMS_TABLE",
    "SUM_COLUMNS",
    "UNITS_PER_ONE",
    "UNIT_COLUMNS",
    "aggregate_sums",
    "score_sums_trigger_sql",
    "suspend_sums_trigger",
]
