"""Exact running sums of the stored scores, per expert, topic and calibration bin (ScoreSums).

What a track record is built from: the integer sums in 1e-12 units, the SQL that computes them
(shared by the PostgreSQL statement trigger and the rebuild from the scores), the trigger's
text and the switch that suspends it, and ExpertSums for scoring.figures_from_sums, from stored
sums rows or from any filtered set of scores (aggregate_sums). The track record services in
track_records decide when the sums are read and the records written.
"""

from django.db import connection

from forecasts.models import PredictionScore, Question, ScoreSums
from forecasts.selectors.track_records import SUM_COLUMNS, units_sql

# Each (expert, topic, bin) group's sums are kept in two rows: hindsight scores and
# prospective ones (docs/scoring.md); the record over all forecasts adds them.
SUMS_INSERT_COLUMNS = (
    "expert_id", "topic_id", "calibration_bin", "hindsight", *SUM_COLUMNS, "dirty",
)  # fmt: skip
SCORES_TABLE = PredictionScore._meta.db_table
SUMS_TABLE = ScoreSums._meta.db_table
QUESTION_TOPICS_TABLE = Question.topics.through._meta.db_table
# While set (SET LOCAL, the full rebuild only), the PostgreSQL trigger leaves the sums alone.
SKIP_SUMS_SETTING = "forecasts.skip_score_sums"


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
    return counts + [f"COALESCE(SUM({units_sql(v)}), 0)" for v in values]


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
