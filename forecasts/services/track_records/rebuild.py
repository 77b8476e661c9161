"""The full rebuild: every score rescored and every sum and track record rebuilt from scratch.

The nightly safety net (tasks.recompute_all_track_records) and `manage.py
recompute_track_records`. One transaction: score writers wait for it, readers do not. It
computes the same integer sums as the incremental path (track_records.update_track_records),
so both give identical figures (tests/test_track_records*.py). docs/benchmarks.md, row a,
says where its time goes.
"""

from collections import deque
from collections.abc import Iterator
from itertools import groupby

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import TruncDate

from forecasts import scoring
from forecasts.models import (
    Prediction,
    PredictionScore,
    Question,
    StaleTrackRecord,
    Topic,
    TrackRecord,
)
from forecasts.services.bulk import write_rows
from forecasts.services.track_records.records import RECORDS_TABLE, write_all_records
from forecasts.services.track_records.scores import SCORE_COLUMNS, score_values
from forecasts.services.track_records.sums import (
    SCORES_TABLE,
    SKIP_SUMS_SETTING,
    SUMS_TABLE,
    rebuild_sums,
)


@transaction.atomic
def recompute_track_records() -> int:
    """Rescore every settled question and rebuild every sum and track record from scratch."""
    _lock_for_rebuild()
    StaleTrackRecord.objects.all().delete()
    rescore_all_questions()
    return _rebuild_from_scores()


@transaction.atomic
def rebuild_track_records() -> int:
    """Rebuild every sum and track record from the stored scores (not rescored): the records
    half of recompute_track_records, e.g. after a ranking-policy change."""
    _lock_for_rebuild()
    StaleTrackRecord.objects.all().delete()
    return _rebuild_from_scores()


def _lock_for_rebuild() -> None:
    """Locks and settings for a full rebuild (PostgreSQL).

    The tables it rewrites carry no foreign-key constraints (models/scores.py: derived data),
    so it needs no privilege to write them fast: the same speed as a superuser or not."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        # A second rebuild (a manual run during the nightly one) waits for the first, then
        # redoes it, instead of inserting scores the first one is inserting too.
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REBUILD_LOCK])
        # Score writers (resolutions, imports) and topic edits wait for the rebuild; readers
        # do not. So every row written below refers to rows that exist until it commits.
        cursor.execute(f"LOCK TABLE {SCORES_TABLE}, {SUMS_TABLE} IN EXCLUSIVE MODE")
        cursor.execute(f"LOCK TABLE {Topic._meta.db_table} IN SHARE MODE")
        # The trigger would add every rewritten score to sums rebuilt below anyway. Grouping
        # everything at once: no JIT (seconds of compiling), hash aggregation in memory.
        cursor.execute(
            "SELECT set_config(%s, 'on', true), set_config('jit', 'off', true), "
            "set_config('work_mem', '256MB', true)",
            [SKIP_SUMS_SETTING],
        )


def _rebuild_from_scores() -> int:
    rebuild_sums()
    TrackRecord.objects.all().delete()
    written = write_all_records()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Every row of these tables is new: without fresh statistics the planner guesses,
            # and a guess of "most of the table" for 400 question ids turned the importer's
            # index lookups into sequential scans (57 ms each, docs/benchmarks.md row e).
            cursor.execute(f"ANALYZE {SCORES_TABLE}, {SUMS_TABLE}, {RECORDS_TABLE}")
            # SET LOCAL lasts until the outermost transaction ends: restore for the caller.
            for name in ("jit", "work_mem"):
                cursor.execute(f"SET LOCAL {name} TO DEFAULT")
            cursor.execute("SELECT set_config(%s, 'off', true)", [SKIP_SUMS_SETTING])
    return written


BULK_COLUMNS = (
    "prediction_id", "expert_id", "question_id", *SCORE_COLUMNS, "peer", "resolved_on",
    "hindsight", "scoring_version",
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
    """Lists of (question_id, expert_id, prediction_id, p, outcome, consensus, resolved_on,
    hindsight), one list per resolved question: each expert's latest current prediction by
    the deadline.

    resolved_on is the local date of resolved_at (timezone.localdate, in SQL): reading a
    timestamp per prediction and converting it in Python was 2-3 s of a million-row rebuild."""
    rows = (
        Prediction.objects.current()
        .with_hindsight()
        .annotate(resolved_on=TruncDate("question__resolved_at"))
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
            "resolved_on",
            "is_hindsight",
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
    _, _, _, _, outcome, c, resolved_on, _ = rows[0]
    o = 1 if outcome == Question.Outcome.YES else 0
    peers = scoring.peer_scores([row[3] for row in rows], o)
    version = settings.SCORING_VERSION
    for (question_id, expert_id, prediction_id, p, *_, hindsight), peer in zip(
        rows, peers, strict=True
    ):
        values = score_values(p, o, c)
        yield (
            prediction_id, expert_id, question_id, *values, peer, resolved_on, bool(hindsight),
            version,
        )  # fmt: skip
