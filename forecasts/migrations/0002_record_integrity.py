"""December 2026: when each forecast was recorded, question revisions with their context,
the first resolution time, and track records over prospective forecasts (docs/scoring.md,
hindsight; docs/security.md). Existing rows are filled from their history, and what the
ledger now also covers (revisions, settlements) is chained for them once.

Replaces 0017_record_integrity of the migrations before the squash.
"""

import datetime as dt
import hashlib
import json

import django.utils.timezone
from django.db import migrations, models
from django.db.models import F

# The ledger's canonical JSON (services/ledger/chain.py), frozen here for the two kinds this
# migration chains: the same keys, floats as repr, datetimes in UTC to the microsecond.
REVISION_FIELDS = (
    "id", "question_id", "version", "title", "resolution_criteria", "deadline", "topic_ids",
    "consensus_probability", "consensus_source", "reason", "changed_by_id", "changed_at",
)  # fmt: skip


def _plain(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return value


def _payload(kind, facts):
    data = {name: _plain(value) for name, value in facts.items()} | {"kind": kind}
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# The sums rebuilt from the scores, kept apart by hindsight, all dirty so that the next
# track-record update rebuilds every record (both scopes).
SUMS_SQL = "INSERT INTO forecasts_scoresums (expert_id, topic_id, calibration_bin, hindsight, n, sum_o, hits, hit_n, peer_n, relative_n, yield_n, sum_p, sum_pp, sum_po, sum_brier, sum_log, sum_baseline, sum_peer, sum_relative, sum_yield, dirty) SELECT s.expert_id, CAST(NULL AS BIGINT), s.calibration_bin, s.hindsight, COUNT(*), SUM(s.outcome), COALESCE(SUM(s.hit), 0), COUNT(s.hit), COUNT(s.peer), COUNT(s.consensus_relative), COUNT(s.yield_term), COALESCE(SUM(CAST(ROUND((s.probability) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), COALESCE(SUM(CAST(ROUND((s.probability * s.probability) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), COALESCE(SUM(CAST(ROUND((s.probability * s.outcome) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), COALESCE(SUM(CAST(ROUND((s.brier) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), COALESCE(SUM(CAST(ROUND((s.log_score) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), COALESCE(SUM(CAST(ROUND((s.baseline) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), COALESCE(SUM(CAST(ROUND((s.peer) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), COALESCE(SUM(CAST(ROUND((s.consensus_relative) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), COALESCE(SUM(CAST(ROUND((s.yield_term) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), TRUE FROM forecasts_predictionscore s  GROUP BY s.expert_id, s.calibration_bin, s.hindsight;\nINSERT INTO forecasts_scoresums (expert_id, topic_id, calibration_bin, hindsight, n, sum_o, hits, hit_n, peer_n, relative_n, yield_n, sum_p, sum_pp, sum_po, sum_brier, sum_log, sum_baseline, sum_peer, sum_relative, sum_yield, dirty) SELECT s.expert_id, qt.topic_id, s.calibration_bin, s.hindsight, COUNT(*), SUM(s.outcome), COALESCE(SUM(s.hit), 0), COUNT(s.hit), COUNT(s.peer), COUNT(s.consensus_relative), COUNT(s.yield_term), COALESCE(SUM(CAST(ROUND((s.probability) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), COALESCE(SUM(CAST(ROUND((s.probability * s.probability) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), COALESCE(SUM(CAST(ROUND((s.probability * s.outcome) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), COALESCE(SUM(CAST(ROUND((s.brier) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), COALESCE(SUM(CAST(ROUND((s.log_score) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), COALESCE(SUM(CAST(ROUND((s.baseline) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), COALESCE(SUM(CAST(ROUND((s.peer) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), COALESCE(SUM(CAST(ROUND((s.consensus_relative) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), COALESCE(SUM(CAST(ROUND((s.yield_term) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)), 0), TRUE FROM forecasts_predictionscore s JOIN forecasts_question_topics qt ON qt.question_id = s.question_id  GROUP BY s.expert_id, qt.topic_id, s.calibration_bin, s.hindsight;\n"

# A scored forecast is hindsight when recorded on or after its deadline's day or at or after
# the question's first resolution (docs/scoring.md); the rule of scoring.is_prospective.
HINDSIGHT_SQL = """
UPDATE forecasts_predictionscore SET hindsight = TRUE WHERE prediction_id IN (
    SELECT p.id FROM forecasts_prediction p JOIN forecasts_question q ON q.id = p.question_id
    WHERE NOT (date(p.recorded_at) < q.deadline
               AND (q.first_resolved_at IS NULL OR p.recorded_at < q.first_resolved_at))
)
"""


DROP_TRIGGERS = {
    "postgresql": [
        "DROP TRIGGER IF EXISTS forecasts_score_sums_insert ON forecasts_predictionscore",
        "DROP TRIGGER IF EXISTS forecasts_score_sums_delete ON forecasts_predictionscore",
        "DROP TRIGGER IF EXISTS forecasts_score_sums_update ON forecasts_predictionscore",
    ],
    "sqlite": [
        "DROP TRIGGER IF EXISTS prediction_made_on_before_deadline_ins",
        "DROP TRIGGER IF EXISTS prediction_made_on_before_deadline_upd",
        "DROP TRIGGER IF EXISTS question_deadline_after_predictions",
    ],
}


def drop_triggers(apps, schema_editor):
    for statement in DROP_TRIGGERS.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


def backfill(apps, schema_editor):
    """What existing rows lacked: when each forecast was recorded, when each question was first
    settled, the context of each question's latest revision; then the revisions and the
    settlements are chained, the scores' hindsight set and the sums rebuilt."""
    Prediction = apps.get_model("forecasts", "Prediction")
    Question = apps.get_model("forecasts", "Question")
    Review = apps.get_model("forecasts", "Review")
    QuestionRevision = apps.get_model("forecasts", "QuestionRevision")
    # A forecast entered the record when its first version was published; corrections keep it.
    Prediction.objects.filter(supersedes__isnull=True).update(recorded_at=F("created_at"))
    for correction in Prediction.objects.filter(supersedes__isnull=False).order_by("id"):
        original = Prediction.objects.get(pk=correction.supersedes_id)
        Prediction.objects.filter(pk=correction.pk).update(recorded_at=original.recorded_at)
    settled = Question.objects.filter(status__in=["resolved", "annulled"])
    settled.filter(review_round=1).update(first_resolved_at=F("resolved_at"))
    for question in settled.filter(review_round__gt=1):
        first = Review.objects.filter(question=question, round=1).order_by("-created_at").first()
        question.first_resolved_at = first.created_at if first else question.resolved_at
        question.save(update_fields=["first_resolved_at"])
    entries = []
    latest = {}
    for revision in QuestionRevision.objects.order_by("question_id", "version"):
        latest[revision.question_id] = revision
    for question in Question.objects.prefetch_related("topics"):
        revision = latest.get(question.pk)
        if revision is not None:
            revision.topic_ids = sorted(t.pk for t in question.topics.all())
            revision.consensus_probability = question.consensus_probability
            revision.consensus_source = question.consensus_source
            revision.save(update_fields=["topic_ids", "consensus_probability", "consensus_source"])
    for revision in QuestionRevision.objects.order_by("id"):
        payload = _payload("question_revision", {f: getattr(revision, f) for f in REVISION_FIELDS})
        entries.append(("question_revision", revision.pk, payload))
    for question in Question.objects.filter(status__in=["resolved", "annulled"]).order_by("id"):
        review = (
            Review.objects.filter(question=question, round=question.review_round)
            .order_by("-created_at", "-id")
            .first()
        )
        if review is not None:
            facts = {
                "review_id": review.pk,
                "question_id": question.pk,
                "round": question.review_round,
                "status": question.status,
                "outcome": question.outcome,
                "resolved_at": question.resolved_at,
                "first_resolved_at": question.first_resolved_at,
            }
            entries.append(("resolution", review.pk, _payload("resolution", facts)))
    _chain(apps, entries)
    schema_editor.execute(HINDSIGHT_SQL, params=None)
    _rebuild_sums(apps, schema_editor)


def _chain(apps, entries):
    LedgerEntry = apps.get_model("forecasts", "LedgerEntry")
    LedgerHead = apps.get_model("forecasts", "LedgerHead")
    head, _ = LedgerHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"seq": 0, "hash": "0" * 64}
    )
    prev, rows = head.hash, []
    for kind, object_id, payload in entries:
        digest = hashlib.sha256((prev + payload).encode()).hexdigest()
        rows.append(
            LedgerEntry(
                kind=kind, object_id=object_id, payload=payload, prev_hash=prev, hash=digest
            )
        )
        prev = digest
    LedgerEntry.objects.bulk_create(rows, batch_size=500)
    head.seq += len(rows)
    head.hash = prev
    head.save(update_fields=["seq", "hash"])


def _rebuild_sums(apps, schema_editor):
    ScoreSums = apps.get_model("forecasts", "ScoreSums")
    PredictionScore = apps.get_model("forecasts", "PredictionScore")
    StaleTrackRecord = apps.get_model("forecasts", "StaleTrackRecord")
    ScoreSums.objects.all().delete()
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SUMS_SQL, params=None)
    experts = PredictionScore.objects.values_list("expert_id", flat=True).distinct()
    StaleTrackRecord.objects.bulk_create(
        [StaleTrackRecord(expert_id=pk) for pk in experts.order_by()], ignore_conflicts=True
    )


class Migration(migrations.Migration):
    replaces = [("forecasts", "0017_record_integrity")]

    dependencies = [("forecasts", "0001_squashed_0016")]

    operations = [
        # The triggers go first: 0003 installs them again. (SQLite rebuilds a table to add a
        # column with a default, and its made_on triggers name the rebuilt tables; the old
        # PostgreSQL sums trigger would write rows the new constraints no longer match.)
        migrations.RunPython(drop_triggers, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="scoresums",
            name="scoresums_overall_once",
        ),
        migrations.RemoveConstraint(
            model_name="scoresums",
            name="scoresums_topic_once",
        ),
        migrations.RemoveConstraint(
            model_name="trackrecord",
            name="trackrecord_overall_once",
        ),
        migrations.RemoveConstraint(
            model_name="trackrecord",
            name="trackrecord_topic_once",
        ),
        migrations.RemoveIndex(
            model_name="trackrecord",
            name="trackrecord_topic_rank",
        ),
        migrations.AddField(
            model_name="prediction",
            name="corrected_after_deadline",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name="prediction",
            name="recorded_at",
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False),
        ),
        migrations.AddField(
            model_name="prediction",
            name="recorded_via",
            field=models.CharField(
                blank=True, help_text="Empty: this ledger. Else the platform's name.", max_length=40
            ),
        ),
        migrations.AddField(
            model_name="predictionscore",
            name="hindsight",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="question",
            name="first_resolved_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="questionrevision",
            name="consensus_probability",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="questionrevision",
            name="consensus_source",
            field=models.CharField(blank=True, max_length=500),
        ),
        migrations.AddField(
            model_name="questionrevision",
            name="topic_ids",
            field=models.JSONField(blank=True, help_text="Topic ids, ascending.", null=True),
        ),
        migrations.AddField(
            model_name="scoresums",
            name="hindsight",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="trackrecord",
            name="hindsight_count",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="trackrecord",
            name="prospective_only",
            field=models.BooleanField(default=False),
        ),
        migrations.AlterField(
            model_name="ledgerentry",
            name="kind",
            field=models.CharField(
                choices=[
                    ("prediction", "Prediction"),
                    ("review", "Verdict"),
                    ("resolution", "Resolution"),
                    ("question_revision", "Question revision"),
                ],
                max_length=20,
            ),
        ),
        migrations.AddIndex(
            model_name="trackrecord",
            index=models.Index(
                fields=["topic", "prospective_only", "ranking_score"], name="trackrecord_topic_rank"
            ),
        ),
        migrations.AddConstraint(
            model_name="scoresums",
            constraint=models.UniqueConstraint(
                condition=models.Q(("topic__isnull", True)),
                fields=("expert", "calibration_bin", "hindsight"),
                name="scoresums_overall_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="scoresums",
            constraint=models.UniqueConstraint(
                fields=("expert", "topic", "calibration_bin", "hindsight"),
                name="scoresums_topic_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="trackrecord",
            constraint=models.UniqueConstraint(
                condition=models.Q(("topic__isnull", True)),
                fields=("expert", "prospective_only"),
                name="trackrecord_overall_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="trackrecord",
            constraint=models.UniqueConstraint(
                fields=("expert", "topic", "prospective_only"), name="trackrecord_topic_once"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
