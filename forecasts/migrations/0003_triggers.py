"""The database's own rules and bookkeeping, as triggers (run again at every migrate: each
statement drops what it creates first, so a database from before the squash ends the same).

- made_on may not be after the question's deadline, and a deadline may not move before a
  prediction: a CHECK constraint cannot look at another table, so a pair of triggers each.
- PostgreSQL: the exact score sums follow every write to the scores (statement triggers with
  transition tables). The text is a frozen copy of services/track_records/sums.py's
  score_sums_trigger_sql() at this migration; tests/services/track_records/test_track_records_scale.py checks that
  the installed function still matches the service.
"""

from django.db import migrations

SCORE_SUMS_SQL = "CREATE OR REPLACE FUNCTION forecasts_score_sums() RETURNS trigger\nLANGUAGE plpgsql AS $$\nBEGIN\nIF current_setting('forecasts.skip_score_sums', true) = 'on' THEN\n    RETURN NULL;\nEND IF;\nIF TG_OP IN ('DELETE', 'UPDATE') THEN\nINSERT INTO forecasts_scoresums AS t (expert_id, topic_id, calibration_bin, hindsight, n, sum_o, hits, hit_n, peer_n, relative_n, yield_n, sum_p, sum_pp, sum_po, sum_brier, sum_log, sum_baseline, sum_peer, sum_relative, sum_yield, dirty) SELECT s.expert_id, CAST(NULL AS BIGINT), s.calibration_bin, s.hindsight, -COUNT(*), -SUM(s.outcome), -COALESCE(SUM(s.hit), 0), -COUNT(s.hit), -COUNT(s.peer), -COUNT(s.consensus_relative), -COUNT(s.yield_term), -COALESCE(SUM(CAST(ROUND((s.probability) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), -COALESCE(SUM(CAST(ROUND((s.probability * s.probability) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), -COALESCE(SUM(CAST(ROUND((s.probability * s.outcome) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), -COALESCE(SUM(CAST(ROUND((s.brier) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), -COALESCE(SUM(CAST(ROUND((s.log_score) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), -COALESCE(SUM(CAST(ROUND((s.baseline) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), -COALESCE(SUM(CAST(ROUND((s.peer) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), -COALESCE(SUM(CAST(ROUND((s.consensus_relative) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), -COALESCE(SUM(CAST(ROUND((s.yield_term) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), TRUE FROM old_rows s  GROUP BY s.expert_id, s.calibration_bin, s.hindsight ORDER BY 1, 3, 4\n    ON CONFLICT (expert_id, calibration_bin, hindsight) WHERE topic_id IS NULL\n    DO UPDATE SET n = t.n + EXCLUDED.n, sum_o = t.sum_o + EXCLUDED.sum_o, hits = t.hits + EXCLUDED.hits, hit_n = t.hit_n + EXCLUDED.hit_n, peer_n = t.peer_n + EXCLUDED.peer_n, relative_n = t.relative_n + EXCLUDED.relative_n, yield_n = t.yield_n + EXCLUDED.yield_n, sum_p = t.sum_p + EXCLUDED.sum_p, sum_pp = t.sum_pp + EXCLUDED.sum_pp, sum_po = t.sum_po + EXCLUDED.sum_po, sum_brier = t.sum_brier + EXCLUDED.sum_brier, sum_log = t.sum_log + EXCLUDED.sum_log, sum_baseline = t.sum_baseline + EXCLUDED.sum_baseline, sum_peer = t.sum_peer + EXCLUDED.sum_peer, sum_relative = t.sum_relative + EXCLUDED.sum_relative, sum_yield = t.sum_yield + EXCLUDED.sum_yield, dirty = TRUE;\nINSERT INTO forecasts_scoresums AS t (expert_id, topic_id, calibration_bin, hindsight, n, sum_o, hits, hit_n, peer_n, relative_n, yield_n, sum_p, sum_pp, sum_po, sum_brier, sum_log, sum_baseline, sum_peer, sum_relative, sum_yield, dirty) SELECT s.expert_id, qt.topic_id, s.calibration_bin, s.hindsight, -COUNT(*), -SUM(s.outcome), -COALESCE(SUM(s.hit), 0), -COUNT(s.hit), -COUNT(s.peer), -COUNT(s.consensus_relative), -COUNT(s.yield_term), -COALESCE(SUM(CAST(ROUND((s.probability) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), -COALESCE(SUM(CAST(ROUND((s.probability * s.probability) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), -COALESCE(SUM(CAST(ROUND((s.probability * s.outcome) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), -COALESCE(SUM(CAST(ROUND((s.brier) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), -COALESCE(SUM(CAST(ROUND((s.log_score) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), -COALESCE(SUM(CAST(ROUND((s.baseline) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), -COALESCE(SUM(CAST(ROUND((s.peer) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), -COALESCE(SUM(CAST(ROUND((s.consensus_relative) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), -COALESCE(SUM(CAST(ROUND((s.yield_term) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), TRUE FROM old_rows s JOIN LATERAL (SELECT topic_id FROM forecasts_question_topics WHERE question_id = s.question_id OFFSET 0) qt ON TRUE  GROUP BY s.expert_id, qt.topic_id, s.calibration_bin, s.hindsight ORDER BY 1, 2, 3, 4\n    ON CONFLICT (expert_id, topic_id, calibration_bin, hindsight)\n    DO UPDATE SET n = t.n + EXCLUDED.n, sum_o = t.sum_o + EXCLUDED.sum_o, hits = t.hits + EXCLUDED.hits, hit_n = t.hit_n + EXCLUDED.hit_n, peer_n = t.peer_n + EXCLUDED.peer_n, relative_n = t.relative_n + EXCLUDED.relative_n, yield_n = t.yield_n + EXCLUDED.yield_n, sum_p = t.sum_p + EXCLUDED.sum_p, sum_pp = t.sum_pp + EXCLUDED.sum_pp, sum_po = t.sum_po + EXCLUDED.sum_po, sum_brier = t.sum_brier + EXCLUDED.sum_brier, sum_log = t.sum_log + EXCLUDED.sum_log, sum_baseline = t.sum_baseline + EXCLUDED.sum_baseline, sum_peer = t.sum_peer + EXCLUDED.sum_peer, sum_relative = t.sum_relative + EXCLUDED.sum_relative, sum_yield = t.sum_yield + EXCLUDED.sum_yield, dirty = TRUE;\nEND IF;\nIF TG_OP IN ('INSERT', 'UPDATE') THEN\nINSERT INTO forecasts_scoresums AS t (expert_id, topic_id, calibration_bin, hindsight, n, sum_o, hits, hit_n, peer_n, relative_n, yield_n, sum_p, sum_pp, sum_po, sum_brier, sum_log, sum_baseline, sum_peer, sum_relative, sum_yield, dirty) SELECT s.expert_id, CAST(NULL AS BIGINT), s.calibration_bin, s.hindsight, COUNT(*), SUM(s.outcome), COALESCE(SUM(s.hit), 0), COUNT(s.hit), COUNT(s.peer), COUNT(s.consensus_relative), COUNT(s.yield_term), COALESCE(SUM(CAST(ROUND((s.probability) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), COALESCE(SUM(CAST(ROUND((s.probability * s.probability) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), COALESCE(SUM(CAST(ROUND((s.probability * s.outcome) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), COALESCE(SUM(CAST(ROUND((s.brier) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), COALESCE(SUM(CAST(ROUND((s.log_score) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), COALESCE(SUM(CAST(ROUND((s.baseline) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), COALESCE(SUM(CAST(ROUND((s.peer) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), COALESCE(SUM(CAST(ROUND((s.consensus_relative) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), COALESCE(SUM(CAST(ROUND((s.yield_term) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), TRUE FROM new_rows s  GROUP BY s.expert_id, s.calibration_bin, s.hindsight ORDER BY 1, 3, 4\n    ON CONFLICT (expert_id, calibration_bin, hindsight) WHERE topic_id IS NULL\n    DO UPDATE SET n = t.n + EXCLUDED.n, sum_o = t.sum_o + EXCLUDED.sum_o, hits = t.hits + EXCLUDED.hits, hit_n = t.hit_n + EXCLUDED.hit_n, peer_n = t.peer_n + EXCLUDED.peer_n, relative_n = t.relative_n + EXCLUDED.relative_n, yield_n = t.yield_n + EXCLUDED.yield_n, sum_p = t.sum_p + EXCLUDED.sum_p, sum_pp = t.sum_pp + EXCLUDED.sum_pp, sum_po = t.sum_po + EXCLUDED.sum_po, sum_brier = t.sum_brier + EXCLUDED.sum_brier, sum_log = t.sum_log + EXCLUDED.sum_log, sum_baseline = t.sum_baseline + EXCLUDED.sum_baseline, sum_peer = t.sum_peer + EXCLUDED.sum_peer, sum_relative = t.sum_relative + EXCLUDED.sum_relative, sum_yield = t.sum_yield + EXCLUDED.sum_yield, dirty = TRUE;\nINSERT INTO forecasts_scoresums AS t (expert_id, topic_id, calibration_bin, hindsight, n, sum_o, hits, hit_n, peer_n, relative_n, yield_n, sum_p, sum_pp, sum_po, sum_brier, sum_log, sum_baseline, sum_peer, sum_relative, sum_yield, dirty) SELECT s.expert_id, qt.topic_id, s.calibration_bin, s.hindsight, COUNT(*), SUM(s.outcome), COALESCE(SUM(s.hit), 0), COUNT(s.hit), COUNT(s.peer), COUNT(s.consensus_relative), COUNT(s.yield_term), COALESCE(SUM(CAST(ROUND((s.probability) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), COALESCE(SUM(CAST(ROUND((s.probability * s.probability) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), COALESCE(SUM(CAST(ROUND((s.probability * s.outcome) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), COALESCE(SUM(CAST(ROUND((s.brier) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), COALESCE(SUM(CAST(ROUND((s.log_score) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), COALESCE(SUM(CAST(ROUND((s.baseline) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), COALESCE(SUM(CAST(ROUND((s.peer) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), COALESCE(SUM(CAST(ROUND((s.consensus_relative) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), COALESCE(SUM(CAST(ROUND((s.yield_term) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), TRUE FROM new_rows s JOIN LATERAL (SELECT topic_id FROM forecasts_question_topics WHERE question_id = s.question_id OFFSET 0) qt ON TRUE  GROUP BY s.expert_id, qt.topic_id, s.calibration_bin, s.hindsight ORDER BY 1, 2, 3, 4\n    ON CONFLICT (expert_id, topic_id, calibration_bin, hindsight)\n    DO UPDATE SET n = t.n + EXCLUDED.n, sum_o = t.sum_o + EXCLUDED.sum_o, hits = t.hits + EXCLUDED.hits, hit_n = t.hit_n + EXCLUDED.hit_n, peer_n = t.peer_n + EXCLUDED.peer_n, relative_n = t.relative_n + EXCLUDED.relative_n, yield_n = t.yield_n + EXCLUDED.yield_n, sum_p = t.sum_p + EXCLUDED.sum_p, sum_pp = t.sum_pp + EXCLUDED.sum_pp, sum_po = t.sum_po + EXCLUDED.sum_po, sum_brier = t.sum_brier + EXCLUDED.sum_brier, sum_log = t.sum_log + EXCLUDED.sum_log, sum_baseline = t.sum_baseline + EXCLUDED.sum_baseline, sum_peer = t.sum_peer + EXCLUDED.sum_peer, sum_relative = t.sum_relative + EXCLUDED.sum_relative, sum_yield = t.sum_yield + EXCLUDED.sum_yield, dirty = TRUE;\nEND IF;\nRETURN NULL;\nEND\n$$;\nCREATE TRIGGER forecasts_score_sums_insert AFTER INSERT ON forecasts_predictionscore\n    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION forecasts_score_sums();\nCREATE TRIGGER forecasts_score_sums_delete AFTER DELETE ON forecasts_predictionscore\n    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION forecasts_score_sums();\nCREATE TRIGGER forecasts_score_sums_update AFTER UPDATE ON forecasts_predictionscore\n    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows\n    FOR EACH STATEMENT EXECUTE FUNCTION forecasts_score_sums();\n"

POSTGRES_MADE_ON = [
    "CREATE OR REPLACE FUNCTION forecasts_prediction_made_on_check() RETURNS trigger AS $$\nBEGIN\n  IF NEW.made_on > (SELECT deadline FROM forecasts_question WHERE id = NEW.question_id) THEN\n    RAISE EXCEPTION 'prediction made_on % is after the question deadline', NEW.made_on\n      USING ERRCODE = 'check_violation';\n  END IF;\n  RETURN NEW;\nEND $$ LANGUAGE plpgsql",
    "CREATE TRIGGER prediction_made_on_before_deadline\nBEFORE INSERT OR UPDATE OF made_on, question_id ON forecasts_prediction\nFOR EACH ROW EXECUTE FUNCTION forecasts_prediction_made_on_check()",
    "CREATE OR REPLACE FUNCTION forecasts_question_deadline_check() RETURNS trigger AS $$\nBEGIN\n  IF EXISTS (SELECT 1 FROM forecasts_prediction\n             WHERE question_id = NEW.id AND made_on > NEW.deadline) THEN\n    RAISE EXCEPTION 'deadline % is before a prediction on this question', NEW.deadline\n      USING ERRCODE = 'check_violation';\n  END IF;\n  RETURN NEW;\nEND $$ LANGUAGE plpgsql",
    "CREATE TRIGGER question_deadline_after_predictions\nBEFORE UPDATE OF deadline ON forecasts_question\nFOR EACH ROW EXECUTE FUNCTION forecasts_question_deadline_check()",
]

DROP_POSTGRES = [
    "DROP TRIGGER IF EXISTS forecasts_score_sums_insert ON forecasts_predictionscore",
    "DROP TRIGGER IF EXISTS forecasts_score_sums_delete ON forecasts_predictionscore",
    "DROP TRIGGER IF EXISTS forecasts_score_sums_update ON forecasts_predictionscore",
    "DROP TRIGGER IF EXISTS prediction_made_on_before_deadline ON forecasts_prediction",
    "DROP TRIGGER IF EXISTS question_deadline_after_predictions ON forecasts_question",
]

SQLITE_MADE_ON_TRIGGERS = [
    """
    CREATE TRIGGER prediction_made_on_before_deadline_ins
    BEFORE INSERT ON forecasts_prediction
    WHEN NEW.made_on > (SELECT deadline FROM forecasts_question WHERE id = NEW.question_id)
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: prediction made_on after deadline'); END
    """,
    """
    CREATE TRIGGER prediction_made_on_before_deadline_upd
    BEFORE UPDATE OF made_on, question_id ON forecasts_prediction
    WHEN NEW.made_on > (SELECT deadline FROM forecasts_question WHERE id = NEW.question_id)
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: prediction made_on after deadline'); END
    """,
    """
    CREATE TRIGGER question_deadline_after_predictions
    BEFORE UPDATE OF deadline ON forecasts_question
    WHEN EXISTS (SELECT 1 FROM forecasts_prediction
                 WHERE question_id = NEW.id AND made_on > NEW.deadline)
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: deadline before a prediction'); END
    """,
]
SQLITE_DROP_MADE_ON_TRIGGERS = [
    "DROP TRIGGER IF EXISTS prediction_made_on_before_deadline_ins",
    "DROP TRIGGER IF EXISTS prediction_made_on_before_deadline_upd",
    "DROP TRIGGER IF EXISTS question_deadline_after_predictions",
]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in [*DROP_POSTGRES, *POSTGRES_MADE_ON, SCORE_SUMS_SQL]:
            schema_editor.execute(statement, params=None)
    elif vendor == "sqlite":
        for statement in [*SQLITE_DROP_MADE_ON_TRIGGERS, *SQLITE_MADE_ON_TRIGGERS]:
            schema_editor.execute(statement, params=None)


def uninstall(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = DROP_POSTGRES if vendor == "postgresql" else SQLITE_DROP_MADE_ON_TRIGGERS
    for statement in statements:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("forecasts", "0002_record_integrity")]

    operations = [migrations.RunPython(install, uninstall)]
