"""A database built at the old head (the 16 migrations of November 2026, before the squash)
with a published record migrates forward to today's schema, and its ledger still verifies: the
record's new columns are filled from its history, and what is newly chained (question
revisions, settlements) is chained once.

The old migration files are gone, so the old head is rebuilt the way such a database is: the
squashed 0001 creates exactly the schema the old 16 left (checked once by comparing pg_dump
output, docs/design.md), the old triggers are installed as they were, and django_migrations
lists the old names."""

import datetime as dt
import importlib

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from forecasts.services.ledger import chain as ledger
from forecasts.services.ledger.chain import PREDICTION_FIELDS_V1
from tests.paths import FIXTURES

pytestmark = pytest.mark.django_db(transaction=True)

SQUASHED = [("forecasts", "0001_squashed_0016")]
OLD_NAMES = [
    "0001_initial", "0002_prediction_made_on_not_after_deadline", "0003_groups", "0004_ledger",
    "0005_stale_track_records", "0006_extraction_drafts", "0007_score_sums",
    "0008_question_title_index", "0009_leaner_review_indexes", "0010_score_sums_as_bigint",
    "0011_leaner_reminder_indexes", "0012_details_revisions",
    "0013_details_revision_permissions", "0014_drop_covered_indexes",
    "0015_derived_tables_without_fk_constraints", "0016_prediction_current_newest",
]  # fmt: skip
FIXTURES = FIXTURES / "migrations"
UTC = dt.UTC


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _as_at_the_old_head() -> None:
    """The old head's triggers, and its migration names in django_migrations."""
    triggers = importlib.import_module("forecasts.migrations.0003_triggers")
    if connection.vendor == "postgresql":
        statements = [
            *triggers.POSTGRES_MADE_ON,
            (FIXTURES / "old_head_triggers_postgresql.sql").read_text(),
        ]
    else:
        statements = triggers.SQLITE_MADE_ON_TRIGGERS
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    recorder = MigrationRecorder(connection)
    recorder.migration_qs.filter(app="forecasts").delete()
    for name in OLD_NAMES:
        recorder.record_applied("forecasts", name)


def _chain(apps, rows):
    """Chain (kind, row) as the service did before recorded_at: v1 prediction payloads."""
    LedgerEntry = apps.get_model("forecasts", "LedgerEntry")
    LedgerHead = apps.get_model("forecasts", "LedgerHead")
    prev = ledger.GENESIS
    for kind, row in rows:
        fields = PREDICTION_FIELDS_V1 if kind == "prediction" else None
        payload = ledger.canonical_payload(kind, row, fields)
        digest = ledger.chain_hash(prev, payload)
        LedgerEntry.objects.create(
            kind=kind, object_id=row.pk, payload=payload, prev_hash=prev, hash=digest
        )
        prev = digest
    LedgerHead.objects.update_or_create(pk=1, defaults={"seq": len(rows), "hash": prev})


def _old_record(apps):
    """At the old head: a question created, predicted on, corrected, resolved and re-resolved."""
    User = apps.get_model("auth", "User")
    Expert = apps.get_model("forecasts", "Expert")
    Question = apps.get_model("forecasts", "Question")
    QuestionRevision = apps.get_model("forecasts", "QuestionRevision")
    Prediction = apps.get_model("forecasts", "Prediction")
    Review = apps.get_model("forecasts", "Review")
    PredictionScore = apps.get_model("forecasts", "PredictionScore")
    editor = User.objects.create(username="old-editor")
    reviewer = User.objects.create(username="old-reviewer")
    expert = Expert.objects.create(name="Ida Moss", slug="ida-moss")
    created = dt.datetime(2025, 1, 5, 9, tzinfo=UTC)
    question = Question.objects.create(
        title="Will the ferry run by June?",
        resolution_criteria="YES if it runs.",
        deadline=dt.date(2025, 6, 30),
        created_by=editor,
        created_at=created,
        consensus_probability=0.3,
    )
    QuestionRevision.objects.create(
        question=question,
        version=1,
        title=question.title,
        resolution_criteria=question.resolution_criteria,
        deadline=question.deadline,
        reason="Created.",
        changed_by=editor,
        changed_at=created,
    )
    first = Prediction.objects.create(
        expert=expert,
        question=question,
        probability=0.7,
        basis="stated",
        made_on=dt.date(2025, 1, 4),
        recorded_by=editor,
        created_at=dt.datetime(2025, 1, 6, tzinfo=UTC),
    )
    corrected_at = dt.datetime(2025, 2, 1, tzinfo=UTC)
    second = Prediction.objects.create(
        expert=expert,
        question=question,
        probability=0.6,
        basis="stated",
        made_on=dt.date(2025, 1, 4),
        recorded_by=editor,
        created_at=corrected_at,
        version=2,
        supersedes=first,
        correction_reason="She said 60%.",
    )
    Prediction.objects.filter(pk=first.pk).update(superseded_at=corrected_at)
    first.refresh_from_db()
    resolved = dt.datetime(2025, 7, 2, tzinfo=UTC)
    verdict = Review.objects.create(
        question=question,
        reviewer=reviewer,
        outcome="yes",
        evidence_url="https://e.org/y",
        created_at=resolved,
    )
    re_resolved = dt.datetime(2025, 7, 9, tzinfo=UTC)
    again = Review.objects.create(
        question=question,
        reviewer=reviewer,
        round=2,
        outcome="no",
        evidence_url="https://e.org/n",
        reason="Misread.",
        created_at=re_resolved,
    )
    Question.objects.filter(pk=question.pk).update(
        status="resolved", outcome="no", resolved_at=re_resolved, review_round=2
    )
    PredictionScore.objects.create(
        prediction=second,
        expert=expert,
        question=question,
        probability=0.6,
        outcome=0,
        brier=0.36,
        log_score=-0.916,
        baseline=-32.19,
        calibration_bin=5,
        hit=0,
        resolved_on=re_resolved.date(),
        scoring_version="scoring-v1",
    )
    _chain(
        apps,
        [("prediction", first), ("prediction", second), ("review", verdict), ("review", again)],
    )
    return question.pk, first.pk, second.pk


def test_a_database_at_the_old_head_migrates_and_its_ledger_verifies():
    apps = _migrate(SQUASHED)
    _as_at_the_old_head()
    question_id, first_id, second_id = _old_record(apps)
    call_command("migrate", "forecasts", verbosity=0)
    applied = MigrationRecorder(connection).applied_migrations()
    assert {("forecasts", "0002_record_integrity"), ("forecasts", "0003_triggers")} <= set(applied)

    from forecasts.models import LedgerEntry, Prediction, PredictionScore, Question
    from forecasts.services.ledger.verify import verify_ledger
    from forecasts.services.track_records.records import refresh_track_records

    checked, problem = verify_ledger()
    assert problem is None, str(problem)
    kinds = list(LedgerEntry.objects.order_by("seq").values_list("kind", flat=True))
    # The old chain, then what the migration chained: the revision and the last settlement.
    assert kinds == [
        "prediction", "prediction", "review", "review", "question_revision", "resolution",
    ]  # fmt: skip
    assert checked == 6
    question = Question.objects.get(pk=question_id)
    assert question.first_resolved_at == dt.datetime(2025, 7, 2, tzinfo=UTC)
    first, second = Prediction.objects.get(pk=first_id), Prediction.objects.get(pk=second_id)
    assert first.recorded_at == dt.datetime(2025, 1, 6, tzinfo=UTC)
    assert second.recorded_at == first.recorded_at  # a correction keeps the original's
    assert PredictionScore.objects.get().hindsight is False  # recorded before the deadline
    revision = question.revisions.get()
    assert (revision.topic_ids, revision.consensus_probability) == ([], 0.3)
    refresh_track_records()
    from forecasts.models import TrackRecord

    scopes = sorted(
        TrackRecord.objects.filter(topic=None).values_list("prospective_only", "resolved_count")
    )
    assert scopes == [(False, 1), (True, 1)]
