"""Exact running sums of the stored scores, per expert, topic and calibration bin (ScoreSums).

What a track record is built from: the integer sums in 1e-12 units, the SQL that computes them
(shared by the PostgreSQL statement trigger and the rebuild from the scores), the trigger's
text and the switch that suspends it, and ExpertSums for scoring.figures_from_sums, from stored
sums rows or from any filtered set of scores (aggregate_sums). The track record services in
track_records decide when the sums are read and the records written.
"""

from collections.abc import Iterable, Sequence
from itertools import groupby
from operator import add

from django.db import connection
from django.db.models import (
    BigIntegerField,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    QuerySet,
    Sum,
)

from forecasts import scoring
from forecasts.models import PredictionScore, Question, ScoreSums

OVERALL = None  # the topic key of an expert's overall record

# Every float a track record adds up (p, p², p·o, Brier, log, baseline, peer, consensus-relative
# and yield terms) is rounded once, in SQL, to an integer number of 1e-12 units, and the
# integers are summed. Integer sums are exact: they do not depend on the order rows arrive in,
# and a running sum adjusted by deltas (a question's old scores out, its new ones in) equals the
# sum rebuilt from scratch to the last unit. The rounding moves a mean by at most 5e-13, far
# below the 1e-9 that SCORING.md compares at.

UNITS_PER_ONE = 10**12
COUNT_COLUMNS = ("n", "sum_o", "hits", "hit_n", "peer_n", "relative_n", "yield_n")
UNIT_COLUMNS = (
    "sum_p", "sum_pp", "sum_po", "sum_brier", "sum_log", "sum_baseline", "sum_peer",
    "sum_relative", "sum_yield",
)  # fmt: skip
SUM_COLUMNS = COUNT_COLUMNS + UNIT_COLUMNS
# Each (expert, topic, bin) group's sums are kept in two rows: hindsight scores and
# prospective ones (SCORING.md); the record over all forecasts adds them.
SUMS_INSERT_COLUMNS = (
    "expert_id", "topic_id", "calibration_bin", "hindsight", *SUM_COLUMNS, "dirty",
)  # fmt: skip
SCORES_TABLE = PredictionScore._meta.db_table
SUMS_TABLE = ScoreSums._meta.db_table
QUESTION_TOPICS_TABLE = Question.topics.through._meta.db_table
# While set (SET LOCAL, the full rebuild only), the PostgreSQL trigger leaves the sums alone.
SKIP_SUMS_SETTING = "forecasts.skip_score_sums"


def _units_sql(expression: str) -> str:
    """One value in integer 1e-12 units: the only rounding the exact sums make."""
    return f"CAST(ROUND(({expression}) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)"


def _sum_expressions(s: str = "s") -> list[str]:
    """SQL aggregates of SUM_COLUMNS over scores aliased `s` (the same text on every backend)."""
    counts = [
        "COUNT(*)", f"SUM({s}.outcome)", f"COALESCE(SUM({s}.hit), 0)", f"COUNT({s}.hit)",
        f"COUNT({s}.peer)", f"COUNT({s}.consensus_relative)", f"COUNT({s}.yield_term)",
    ]  # fmt: skip
    values = [
        f"{s}.probability", f"{s}.probability * {s}.probability", f"{s}.probability * {s}.outcome",
        f"{s}.brier", f"{s}.log_score", f"{s}.baseline", f"{s}.peer", f"{s}.consensus_relative",
        f"{s}.yield_term",
    ]  # fmt: skip
    return counts + [f"COALESCE(SUM({_units_sql(v)}), 0)" for v in values]


def _sums_select(
    source: str,
    *,
    by_topic: bool,
    dirty: bool,
    sign: str = "",
    where: str = "",
    lateral: bool = False,
) -> str:
    """SELECT of SUMS_INSERT_COLUMNS rows: scores in `source` summed per expert and bin,
    overall or per topic, negated with sign '-'."""
    sums = ", ".join(sign + e for e in _sum_expressions())
    flag = "TRUE" if dirty else "FALSE"
    if by_topic:
        topics = f"SELECT topic_id FROM {QUESTION_TOPICS_TABLE} WHERE question_id = s.question_id"  # noqa: S608
        # For the trigger's few rows: OFFSET 0 keeps the subquery a per-row index lookup (a
        # transition table has no statistics; the planner would hash all question topics).
        join = (
            f"JOIN LATERAL ({topics} OFFSET 0) qt ON TRUE"
            if lateral
            else (f"JOIN {QUESTION_TOPICS_TABLE} qt ON qt.question_id = s.question_id")
        )
        return (
            f"SELECT s.expert_id, qt.topic_id, s.calibration_bin, s.hindsight, {sums}, {flag} "  # noqa: S608
            f"FROM {source} s {join} {where} "
            "GROUP BY s.expert_id, qt.topic_id, s.calibration_bin, s.hindsight"
        )
    return (
        f"SELECT s.expert_id, CAST(NULL AS BIGINT), s.calibration_bin, s.hindsight, {sums}, "  # noqa: S608
        f"{flag} FROM {source} s {where} GROUP BY s.expert_id, s.calibration_bin, s.hindsight"
    )


def _delta_sql(transition: str, sign: str) -> str:
    """Add (sign '') or subtract (sign '-') the scores of a transition table to the sums."""
    columns = ", ".join(SUMS_INSERT_COLUMNS)
    add = ", ".join(f"{c} = t.{c} + EXCLUDED.{c}" for c in SUM_COLUMNS) + ", dirty = TRUE"
    overall = _sums_select(transition, by_topic=False, dirty=True, sign=sign)
    topics = _sums_select(transition, by_topic=True, dirty=True, sign=sign, lateral=True)
    return (
        f"INSERT INTO {SUMS_TABLE} AS t ({columns}) {overall} ORDER BY 1, 3, 4\n"  # noqa: S608
        "    ON CONFLICT (expert_id, calibration_bin, hindsight) WHERE topic_id IS NULL\n"
        f"    DO UPDATE SET {add};\n"
        f"INSERT INTO {SUMS_TABLE} AS t ({columns}) {topics} ORDER BY 1, 2, 3, 4\n"
        "    ON CONFLICT (expert_id, topic_id, calibration_bin, hindsight)\n"
        f"    DO UPDATE SET {add};"
    )


def score_sums_trigger_sql() -> str:
    """The PostgreSQL function and statement triggers that keep ScoreSums in step with every
    write to the scores (score_question, the CSV import, admin deletes), in the writer's
    transaction. Migrations install a copy of this text (the latest: 0017); a test checks that
    the installed function agrees."""
    return f"""CREATE OR REPLACE FUNCTION forecasts_score_sums() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
IF current_setting('{SKIP_SUMS_SETTING}', true) = 'on' THEN
    RETURN NULL;
END IF;
IF TG_OP IN ('DELETE', 'UPDATE') THEN
{_delta_sql("old_rows", "-")}
END IF;
IF TG_OP IN ('INSERT', 'UPDATE') THEN
{_delta_sql("new_rows", "")}
END IF;
RETURN NULL;
END
$$;
CREATE TRIGGER forecasts_score_sums_insert AFTER INSERT ON {SCORES_TABLE}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION forecasts_score_sums();
CREATE TRIGGER forecasts_score_sums_delete AFTER DELETE ON {SCORES_TABLE}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION forecasts_score_sums();
CREATE TRIGGER forecasts_score_sums_update AFTER UPDATE ON {SCORES_TABLE}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION forecasts_score_sums();
"""


def suspend_sums_trigger() -> None:
    """For the rest of the current transaction, writes to the scores leave ScoreSums alone.

    For loaders that restore the sums with the scores: import_all loads a backup's ScoreSums
    rows verbatim, so the trigger must not add the restored scores a second time. Call it
    inside transaction.atomic(); a no-op off PostgreSQL (no trigger there).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', true)", [SKIP_SUMS_SETTING])


def id_filter(column: str, ids: list[int]) -> tuple[str, list]:
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [ids]
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def rebuild_sums(expert_ids: list[int] | None = None) -> None:
    """Recompute the sums (of these experts, or everyone) from the stored scores."""
    columns = ", ".join(SUMS_INSERT_COLUMNS)
    where, params = ("", []) if expert_ids is None else id_filter("expert_id", expert_ids)
    with connection.cursor() as cursor:
        if expert_ids is None and connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {SUMS_TABLE}")  # only updates read it; they wait
        else:
            cursor.execute(f"DELETE FROM {SUMS_TABLE} {where and 'WHERE ' + where}", params)  # noqa: S608
        score_where = where and "WHERE s." + where
        for by_topic in (False, True):
            select = _sums_select(SCORES_TABLE, by_topic=by_topic, dirty=False, where=score_where)
            cursor.execute(f"INSERT INTO {SUMS_TABLE} ({columns}) {select}", params)  # noqa: S608


_EMPTY_BIN = scoring.BinSums()


def merged_bins(rows: Iterable[Sequence]) -> list[tuple]:
    """Rows (calibration_bin, *SUM_COLUMNS) with each bin's rows added up (exactly)."""
    by_bin: dict[int, list[int]] = {}
    for k, *values in rows:
        exact = [int(v or 0) for v in values]
        by_bin[k] = exact if k not in by_bin else list(map(add, by_bin[k], exact))
    return [(k, *by_bin[k]) for k in sorted(by_bin)]


def expert_sums(rows: Iterable[Sequence]) -> scoring.ExpertSums:
    """ExpertSums from one group's rows (calibration_bin, *SUM_COLUMNS), one row per bin."""
    bins = [_EMPTY_BIN] * 10
    totals: list[int] | None = None
    for k, *values in rows:
        exact = [int(v or 0) for v in values]  # int, or numeric (Decimal) from SUM: exact
        bins[k] = scoring.BinSums(
            exact[0],
            exact[7] / UNITS_PER_ONE,
            exact[1],
            exact[8] / UNITS_PER_ONE,
            exact[9] / UNITS_PER_ONE,
        )  # fmt: skip  (n, Σp, Σo, Σp², Σp·o)
        totals = exact if totals is None else list(map(add, totals, exact))
    if totals is None:
        totals = [0] * len(SUM_COLUMNS)
    # In SUM_COLUMNS order: the counts, then Σp, Σp², Σp·o (bins only), then the score sums.
    n, sum_o, hits, hit_n, peer_n, relative_n, yield_n, _, _, _, *units = totals
    sum_brier, sum_log, sum_baseline, sum_peer, sum_relative, sum_yield = units
    return scoring.ExpertSums(
        n_bins=10,
        bins=tuple(bins),
        n=n,
        sum_outcome=sum_o,
        hits=hits,
        hit_n=hit_n,
        peer_n=peer_n,
        relative_n=relative_n,
        yield_n=yield_n,
        # int / int is correctly rounded, so each float depends only on the exact sum.
        sum_brier=sum_brier / UNITS_PER_ONE,
        sum_log=sum_log / UNITS_PER_ONE,
        sum_baseline=sum_baseline / UNITS_PER_ONE,
        sum_peer=sum_peer / UNITS_PER_ONE,
        sum_relative=sum_relative / UNITS_PER_ONE,
        sum_yield=sum_yield / UNITS_PER_ONE,
    )


class _Units(Func):
    """ORM form of _units_sql, for aggregate_sums over any filtered set of scores."""

    template = _units_sql("%(expressions)s")
    output_field = BigIntegerField()


def _orm_sums() -> dict:
    p, o = F("probability"), F("outcome")

    def units(expression) -> Sum:
        return Sum(_Units(expression), output_field=BigIntegerField())

    return {
        "n": Count("id"),
        "sum_o": Sum("outcome"),
        "hits": Sum("hit"),
        "hit_n": Count("hit"),
        "peer_n": Count("peer"),
        "relative_n": Count("consensus_relative"),
        "yield_n": Count("yield_term"),
        "sum_p": units(p),
        "sum_pp": units(ExpressionWrapper(p * p, output_field=FloatField())),
        "sum_po": units(ExpressionWrapper(p * o, output_field=FloatField())),
        "sum_brier": units(F("brier")),
        "sum_log": units(F("log_score")),
        "sum_baseline": units(F("baseline")),
        "sum_peer": units(F("peer")),
        "sum_relative": units(F("consensus_relative")),
        "sum_yield": units(F("yield_term")),
    }


def aggregate_sums(scores: QuerySet, *, by_topic: bool = False) -> dict[tuple, scoring.ExpertSums]:
    """ExpertSums per expert (or per expert and topic) from stored scores, in one query.

    The same exact sums as the stored ScoreSums, so a record computed here for some set of
    scores (a period, say) equals a stored one over the same scores.
    """
    keys = ["expert_id", "question__topics"] if by_topic else ["expert_id"]
    grouped = (
        scores.values(*keys, "calibration_bin")
        .annotate(**_orm_sums())
        .order_by(*keys, "calibration_bin")
    )
    rows = (
        (
            row["expert_id"],
            row["question__topics"] if by_topic else OVERALL,
            row["calibration_bin"],
            *(row[c] for c in SUM_COLUMNS),
        )
        for row in grouped
        if not (by_topic and row["question__topics"] is None)  # no topic: counts overall only
    )
    sums = {key: expert_sums(r[2:] for r in group) for key, group in groupby(rows, group_key)}
    return dict(sorted(sums.items(), key=_sort_key))


def group_key(row: Sequence) -> tuple:
    return (row[0], row[1])


def _sort_key(item: tuple) -> tuple:
    (expert_id, topic_id), _ = item
    return (expert_id, -1 if topic_id is None else topic_id)
