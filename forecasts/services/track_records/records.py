"""Track records per expert: the incremental update of stale experts, and writing records.

Track records are built from the exact sums per expert, topic and calibration bin (sums:
ScoreSums, integers in 1e-12 units) fed to scoring.figures_from_sums, twice per group: over
every scored forecast and over prospective ones. On PostgreSQL a statement trigger adjusts
those sums by every write to the scores, so an update reads a few sum rows of the changed
(expert, topic) groups instead of the expert's whole history; the nightly rebuild computes the
same integer sums from scratch (rebuild.py), so both paths give identical figures.
"""

import datetime as dt
import json
import logging
from collections.abc import Iterable, Iterator
from itertools import groupby

from django.db import connection, transaction
from django.utils import timezone

from forecasts.models import (
    Expert,
    StaleTrackRecord,
    TrackRecord,
)
from forecasts.selectors.track_records import (
    SUM_COLUMNS,
    expert_sums,
    group_key,
    merged_bins,
    ranking_policy,
    record_values,
)
from forecasts.services.bulk import write_rows
from forecasts.services.track_records.sums import (
    QUESTION_TOPICS_TABLE,
    SCORES_TABLE,
    SUMS_TABLE,
    id_filter,
    rebuild_sums,
)

logger = logging.getLogger(__name__)


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
    last = _last_resolved({(r[0], r[1], bool(r[2])) for r in rows}) if rows else {}
    return write_rows(RECORDS_TABLE, RECORD_COLUMNS, _record_rows(rows, last))


# Up to this many groups, each group's latest day is read on its own from the index (an
# incremental update); past it, every score of the experts is read once and grouped (a rebuild).
LATEST_ONE_BY_ONE = 2_000


def _last_resolved(groups: set[tuple]) -> dict[tuple, dt.date]:
    """{(expert, topic or None, hindsight): the latest resolved_on} of these groups' scores:
    what `last_resolved_on` shows (a maximum, which running sums cannot keep)."""
    if connection.vendor == "postgresql" and len(groups) <= LATEST_ONE_BY_ONE:
        return _last_resolved_one_by_one(groups)
    where, params = id_filter("s.expert_id", sorted({e for e, _, _ in groups}))
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


def _last_resolved_one_by_one(groups: set[tuple]) -> dict[tuple, dt.date]:
    """(PostgreSQL) Each group's latest day, walking the expert's scores newest first on the
    (expert, resolved_on) index until one is in the group. Grouping every score of the 20
    most prolific experts (230,000) to update their records took 300 ms of a 450 ms
    resolution; the walk stops at once for all but a rare topic."""
    ordered = sorted(groups, key=lambda g: (g[0], g[1] is not None, g[1] or 0, g[2]))
    experts = [e for e, _, _ in ordered]
    topics = [t for _, t, _ in ordered]  # None for the overall group
    hindsights = [h for _, _, h in ordered]
    sql = (
        "SELECT g.e, g.t, g.h, (SELECT s.resolved_on FROM "  # noqa: S608
        f"{SCORES_TABLE} s WHERE s.expert_id = g.e AND s.hindsight = g.h AND (g.t IS NULL "
        f"OR EXISTS (SELECT 1 FROM {QUESTION_TOPICS_TABLE} qt WHERE qt.question_id = "
        "s.question_id AND qt.topic_id = g.t)) ORDER BY s.resolved_on DESC LIMIT 1) "
        "FROM unnest(%s::bigint[], %s::bigint[], %s::boolean[]) AS g(e, t, h)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [experts, topics, hindsights])
        return {(e, t, bool(h)): day for e, t, h, day in cursor.fetchall() if day is not None}


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
        values: dict = {}
        for scope, bins, last_day in (
            (False, every, every_last),
            (True, prospective, prospective_last),
        ):
            # Without hindsight forecasts (most groups) both records hold the same figures:
            # computed once, they halve the cost of writing records.
            if hindsight_count or not values:
                values = record_values(expert_id, topic_id, expert_sums(bins), policy)
                values["hindsight_count"] = hindsight_count
                values["last_resolved_on"] = last_day
                values["calibration"] = encode(values["calibration"])
                values["murphy"] = encode(values["murphy"])
                values["updated_at"] = updated_at
            values["prospective_only"] = scope
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
