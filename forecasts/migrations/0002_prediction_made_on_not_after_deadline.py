"""made_on may not be after the question's deadline: a database rule, not only a form check.

A CHECK constraint cannot look at another table, so this is a pair of triggers: one on
predictions (insert/update) and one on questions (a deadline moved before a prediction).
"""

from django.db import migrations

SQLITE_FORWARD = [
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
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS prediction_made_on_before_deadline_ins",
    "DROP TRIGGER IF EXISTS prediction_made_on_before_deadline_upd",
    "DROP TRIGGER IF EXISTS question_deadline_after_predictions",
]

POSTGRES_FORWARD = [
    """
    CREATE FUNCTION forecasts_prediction_made_on_check() RETURNS trigger AS $$
    BEGIN
      IF NEW.made_on > (SELECT deadline FROM forecasts_question WHERE id = NEW.question_id) THEN
        RAISE EXCEPTION 'prediction made_on % is after the question deadline', NEW.made_on
          USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER prediction_made_on_before_deadline
    BEFORE INSERT OR UPDATE OF made_on, question_id ON forecasts_prediction
    FOR EACH ROW EXECUTE FUNCTION forecasts_prediction_made_on_check()
    """,
    """
    CREATE FUNCTION forecasts_question_deadline_check() RETURNS trigger AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM forecasts_prediction
                 WHERE question_id = NEW.id AND made_on > NEW.deadline) THEN
        RAISE EXCEPTION 'deadline % is before a prediction on this question', NEW.deadline
          USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER question_deadline_after_predictions
    BEFORE UPDATE OF deadline ON forecasts_question
    FOR EACH ROW EXECUTE FUNCTION forecasts_question_deadline_check()
    """,
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS prediction_made_on_before_deadline ON forecasts_prediction",
    "DROP FUNCTION IF EXISTS forecasts_prediction_made_on_check()",
    "DROP TRIGGER IF EXISTS question_deadline_after_predictions ON forecasts_question",
    "DROP FUNCTION IF EXISTS forecasts_question_deadline_check()",
]


def _run(statements_by_vendor: dict[str, list[str]]):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("forecasts", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
