"""The schema as migrations 0001 to 0016 (November 2026) left it, in one step.

A database already at those migrations counts this one as applied (`replaces`); a new one is
built by it. The triggers are 0003's; the changes of December 2026 are 0002's.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("forecasts", "0001_initial"),
        ("forecasts", "0002_prediction_made_on_not_after_deadline"),
        ("forecasts", "0003_groups"),
        ("forecasts", "0004_ledger"),
        ("forecasts", "0005_stale_track_records"),
        ("forecasts", "0006_extraction_drafts"),
        ("forecasts", "0007_score_sums"),
        ("forecasts", "0008_question_title_index"),
        ("forecasts", "0009_leaner_review_indexes"),
        ("forecasts", "0010_score_sums_as_bigint"),
        ("forecasts", "0011_leaner_reminder_indexes"),
        ("forecasts", "0012_details_revisions"),
        ("forecasts", "0013_details_revision_permissions"),
        ("forecasts", "0014_drop_covered_indexes"),
        ("forecasts", "0015_derived_tables_without_fk_constraints"),
        ("forecasts", "0016_prediction_current_newest"),
    ]

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Expert",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200)),
                ("slug", models.SlugField(max_length=220, unique=True)),
                ("affiliation", models.CharField(blank=True, max_length=300)),
                ("bio", models.TextField(blank=True)),
                ("links", models.JSONField(blank=True, default=list, help_text="A list of URLs.")),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
            ],
            options={
                "ordering": ["name", "id"],
            },
        ),
        migrations.CreateModel(
            name="LedgerHead",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seq", models.BigIntegerField(default=0)),
                (
                    "hash",
                    models.CharField(
                        default="0000000000000000000000000000000000000000000000000000000000000000",
                        max_length=64,
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="Topic",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=120, unique=True)),
                ("slug", models.SlugField(max_length=140, unique=True)),
            ],
            options={
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="LedgerEntry",
            fields=[
                ("seq", models.BigAutoField(primary_key=True, serialize=False)),
                (
                    "kind",
                    models.CharField(
                        choices=[("prediction", "Prediction"), ("review", "Verdict")], max_length=20
                    ),
                ),
                ("object_id", models.BigIntegerField()),
                ("payload", models.TextField()),
                ("prev_hash", models.CharField(max_length=64)),
                ("hash", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "ordering": ["seq"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "object_id"), name="ledger_once_per_row"
                    ),
                    models.UniqueConstraint(fields=("hash",), name="ledger_hash_unique"),
                ],
            },
        ),
        migrations.CreateModel(
            name="Profile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "email_opt_out",
                    models.BooleanField(
                        default=False,
                        help_text="No non-essential email (heads-ups). Review reminders still go.",
                    ),
                ),
                (
                    "heads_up",
                    models.BooleanField(
                        default=False,
                        help_text="A heads-up digest a week before deadlines of my questions.",
                    ),
                ),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="ledger_profile",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="Question",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "title",
                    models.CharField(
                        help_text="Phrased so that it resolves YES or NO.", max_length=500
                    ),
                ),
                (
                    "resolution_criteria",
                    models.TextField(
                        help_text="What counts as YES, what as NO, and what annuls the question."
                    ),
                ),
                ("deadline", models.DateField()),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Open"),
                            ("due", "Due for review"),
                            ("disputed", "Disputed"),
                            ("resolved", "Resolved"),
                            ("annulled", "Annulled"),
                        ],
                        default="open",
                        max_length=20,
                    ),
                ),
                (
                    "outcome",
                    models.CharField(
                        blank=True,
                        choices=[("yes", "Yes"), ("no", "No"), ("annulled", "Annulled")],
                        max_length=10,
                    ),
                ),
                ("resolved_at", models.DateTimeField(blank=True, null=True)),
                (
                    "due_at",
                    models.DateTimeField(
                        blank=True, help_text="When it fell due for review.", null=True
                    ),
                ),
                ("review_round", models.PositiveIntegerField(default=1)),
                ("reminder_cycle", models.PositiveIntegerField(default=1)),
                (
                    "consensus_probability",
                    models.FloatField(
                        blank=True,
                        help_text="A market price or crowd forecast of YES at the time of the statements.",
                        null=True,
                    ),
                ),
                ("consensus_source", models.CharField(blank=True, max_length=500)),
                ("version", models.PositiveIntegerField(default=1)),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "topics",
                    models.ManyToManyField(
                        blank=True, related_name="questions", to="forecasts.topic"
                    ),
                ),
            ],
            options={
                "ordering": ["deadline", "id"],
            },
        ),
        migrations.CreateModel(
            name="ReviewAssignment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("round", models.PositiveIntegerField(default=1)),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting for a verdict"),
                            ("done", "Verdict given"),
                            ("cancelled", "Cancelled"),
                        ],
                        default="pending",
                        max_length=20,
                    ),
                ),
                ("assigned_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("completed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "question",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="assignments",
                        to="forecasts.question",
                    ),
                ),
                (
                    "reviewer",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="review_assignments",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="ReminderRecord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "stage",
                    models.CharField(
                        choices=[
                            ("heads_up", "Heads-up before the deadline"),
                            ("due", "Due"),
                            ("day3", "3 days overdue"),
                            ("day7", "7 days overdue"),
                            ("escalation", "Escalated to admins"),
                            ("dispute", "Dispute escalated to admins"),
                        ],
                        max_length=20,
                    ),
                ),
                ("cycle", models.PositiveIntegerField(default=1)),
                ("claimed_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                (
                    "question",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reminders",
                        to="forecasts.question",
                    ),
                ),
                (
                    "recipient",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reminders",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "assignment",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reminders",
                        to="forecasts.reviewassignment",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="Source",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("article", "Article"),
                            ("broadcast", "Broadcast"),
                            ("post", "Post"),
                            ("report", "Report"),
                        ],
                        default="article",
                        max_length=20,
                    ),
                ),
                ("title", models.CharField(max_length=500)),
                (
                    "outlet",
                    models.CharField(
                        blank=True, help_text="Where it was published.", max_length=200
                    ),
                ),
                (
                    "via",
                    models.CharField(
                        blank=True,
                        help_text="The outlet or broadcast this source cites, when it reports someone else's.",
                        max_length=200,
                    ),
                ),
                ("url", models.URLField(blank=True, max_length=1000)),
                ("published_on", models.DateField(blank=True, null=True)),
                (
                    "text",
                    models.TextField(
                        blank=True, help_text="The article text, kept for the record."
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
            ],
            options={
                "ordering": ["-published_on", "-id"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("url", ""), _negated=True),
                        fields=("url",),
                        name="source_url_unique_when_present",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Prediction",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("probability", models.FloatField(blank=True, null=True)),
                (
                    "basis",
                    models.CharField(
                        choices=[
                            ("stated", "Stated number"),
                            ("verbal", "Verbal phrase (table)"),
                            ("bare_assertion", "Bare assertion"),
                            ("unknown", "Unknown"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "phrase",
                    models.CharField(
                        blank=True, help_text="The words used, as typed.", max_length=200
                    ),
                ),
                ("table_version", models.CharField(blank=True, max_length=20)),
                ("made_on", models.DateField()),
                ("quote", models.TextField(blank=True)),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                ("version", models.PositiveIntegerField(default=1)),
                ("superseded_at", models.DateTimeField(blank=True, null=True)),
                ("correction_reason", models.TextField(blank=True)),
                (
                    "expert",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="predictions",
                        to="forecasts.expert",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "supersedes",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="superseded_by",
                        to="forecasts.prediction",
                    ),
                ),
                (
                    "question",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="predictions",
                        to="forecasts.question",
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="predictions",
                        to="forecasts.source",
                    ),
                ),
            ],
            options={
                "ordering": ["-made_on", "-id"],
            },
        ),
        migrations.CreateModel(
            name="ExtractionDraft",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("candidate", models.JSONField()),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting for an editor"),
                            ("confirmed", "Confirmed"),
                            ("dismissed", "Dismissed"),
                        ],
                        default="pending",
                        max_length=20,
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "prediction",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="forecasts.prediction",
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="extraction_drafts",
                        to="forecasts.source",
                    ),
                ),
            ],
            options={
                "ordering": ["source", "id"],
            },
        ),
        migrations.CreateModel(
            name="DetailsRevision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.PositiveIntegerField()),
                ("details", models.JSONField()),
                ("reason", models.TextField(blank=True)),
                ("changed_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "changed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "expert",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="revisions",
                        to="forecasts.expert",
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="revisions",
                        to="forecasts.source",
                    ),
                ),
            ],
            options={
                "ordering": ["version"],
            },
        ),
        migrations.CreateModel(
            name="StaleTrackRecord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("marked_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "expert",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="forecasts.expert",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="ScoreSums",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("calibration_bin", models.PositiveSmallIntegerField()),
                ("n", models.IntegerField(default=0)),
                ("sum_o", models.IntegerField(default=0)),
                ("hits", models.IntegerField(default=0)),
                ("hit_n", models.IntegerField(default=0)),
                ("peer_n", models.IntegerField(default=0)),
                ("relative_n", models.IntegerField(default=0)),
                ("yield_n", models.IntegerField(default=0)),
                ("sum_p", models.BigIntegerField(default=0)),
                ("sum_pp", models.BigIntegerField(default=0)),
                ("sum_po", models.BigIntegerField(default=0)),
                ("sum_brier", models.BigIntegerField(default=0)),
                ("sum_log", models.BigIntegerField(default=0)),
                ("sum_baseline", models.BigIntegerField(default=0)),
                ("sum_peer", models.BigIntegerField(default=0)),
                ("sum_relative", models.BigIntegerField(default=0)),
                ("sum_yield", models.BigIntegerField(default=0)),
                ("dirty", models.BooleanField(default=True)),
                (
                    "expert",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="forecasts.expert",
                    ),
                ),
                (
                    "topic",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="forecasts.topic",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="TrackRecord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("resolved_count", models.PositiveIntegerField(default=0)),
                ("sum_brier", models.FloatField(default=0)),
                ("brier", models.FloatField(null=True)),
                ("log_score", models.FloatField(null=True)),
                ("brier_skill", models.FloatField(null=True)),
                ("base_rate_skill", models.FloatField(null=True)),
                ("hit_count", models.PositiveIntegerField(default=0)),
                ("hit_n", models.PositiveIntegerField(default=0)),
                ("hit_rate", models.FloatField(null=True)),
                ("hit_rate_low", models.FloatField(null=True)),
                ("hit_rate_high", models.FloatField(null=True)),
                ("ranking_score", models.FloatField(default=0.25)),
                ("peer_mean", models.FloatField(null=True)),
                ("peer_count", models.PositiveIntegerField(default=0)),
                ("consensus_relative_mean", models.FloatField(null=True)),
                ("consensus_count", models.PositiveIntegerField(default=0)),
                ("yield_score", models.FloatField(null=True)),
                ("calibration", models.JSONField(default=list)),
                ("murphy", models.JSONField(default=dict)),
                ("last_resolved_on", models.DateField(null=True)),
                ("scoring_version", models.CharField(max_length=20)),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "expert",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="track_records",
                        to="forecasts.expert",
                    ),
                ),
                (
                    "topic",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="track_records",
                        to="forecasts.topic",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="PredictionScore",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("probability", models.FloatField()),
                ("outcome", models.PositiveSmallIntegerField()),
                ("brier", models.FloatField()),
                ("log_score", models.FloatField()),
                ("baseline", models.FloatField()),
                ("peer", models.FloatField(blank=True, null=True)),
                ("consensus_relative", models.FloatField(blank=True, null=True)),
                (
                    "consensus_called",
                    models.FloatField(
                        blank=True,
                        help_text="Consensus probability of the side the expert called.",
                        null=True,
                    ),
                ),
                ("calibration_bin", models.PositiveSmallIntegerField()),
                ("hit", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("yield_term", models.FloatField(blank=True, null=True)),
                ("resolved_on", models.DateField()),
                ("scoring_version", models.CharField(max_length=20)),
                (
                    "expert",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="scores",
                        to="forecasts.expert",
                    ),
                ),
                (
                    "prediction",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="score",
                        to="forecasts.prediction",
                    ),
                ),
                (
                    "question",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="scores",
                        to="forecasts.question",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["expert", "resolved_on"], name="score_expert_resolved")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("expert", "question"), name="score_once_per_question"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="QuestionRevision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.PositiveIntegerField()),
                ("title", models.CharField(max_length=500)),
                ("resolution_criteria", models.TextField()),
                ("deadline", models.DateField()),
                ("reason", models.TextField(blank=True)),
                ("changed_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "changed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "question",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="revisions",
                        to="forecasts.question",
                    ),
                ),
            ],
            options={
                "ordering": ["question", "version"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("question", "version"), name="question_revision_once"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Review",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("round", models.PositiveIntegerField(default=1)),
                (
                    "outcome",
                    models.CharField(
                        choices=[("yes", "Yes"), ("no", "No"), ("annulled", "Annulled")],
                        max_length=10,
                    ),
                ),
                ("evidence_url", models.URLField(blank=True, max_length=1000)),
                ("note", models.TextField(blank=True)),
                (
                    "reason",
                    models.TextField(
                        blank=True, help_text="Why a resolved question was re-resolved."
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "question",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reviews",
                        to="forecasts.question",
                    ),
                ),
                (
                    "reviewer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reviews",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["question", "round", "created_at"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("question", "reviewer", "round"),
                        name="review_once_per_reviewer_round",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("outcome", "annulled"),
                            models.Q(("evidence_url", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="review_evidence_for_yes_no",
                    ),
                ],
            },
        ),
        migrations.AddIndex(
            model_name="reviewassignment",
            index=models.Index(fields=["reviewer", "state"], name="assignment_reviewer_state"),
        ),
        migrations.AddIndex(
            model_name="reviewassignment",
            index=models.Index(fields=["state", "assigned_at"], name="assignment_state_assigned"),
        ),
        migrations.AddConstraint(
            model_name="reviewassignment",
            constraint=models.UniqueConstraint(
                fields=("question", "reviewer", "round"), name="assignment_once_per_round"
            ),
        ),
        migrations.AddIndex(
            model_name="reminderrecord",
            index=models.Index(
                condition=models.Q(("sent_at__isnull", True)),
                fields=["recipient"],
                name="reminder_unsent",
            ),
        ),
        migrations.AddConstraint(
            model_name="reminderrecord",
            constraint=models.UniqueConstraint(
                fields=("question", "recipient", "stage", "cycle"), name="reminder_once_per_stage"
            ),
        ),
        migrations.AddIndex(
            model_name="prediction",
            index=models.Index(
                fields=["question", "expert", "made_on"], name="prediction_q_expert_day"
            ),
        ),
        migrations.AddIndex(
            model_name="prediction",
            index=models.Index(fields=["expert", "made_on"], name="prediction_expert_day"),
        ),
        migrations.AddIndex(
            model_name="prediction",
            index=models.Index(
                condition=models.Q(("superseded_at__isnull", True)),
                fields=["-made_on", "-id"],
                name="prediction_current_newest",
            ),
        ),
        migrations.AddConstraint(
            model_name="prediction",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("probability__isnull", True),
                    models.Q(("probability__gte", 0), ("probability__lte", 1)),
                    _connector="OR",
                ),
                name="prediction_probability_in_unit_interval",
            ),
        ),
        migrations.AddConstraint(
            model_name="prediction",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("probability__isnull", False), ("basis", "unknown"), _connector="OR"
                ),
                name="prediction_unknown_basis_when_no_number",
            ),
        ),
        migrations.AddConstraint(
            model_name="prediction",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("supersedes__isnull", True),
                    models.Q(("correction_reason", ""), _negated=True),
                    _connector="OR",
                ),
                name="prediction_correction_has_reason",
            ),
        ),
        migrations.AddIndex(
            model_name="extractiondraft",
            index=models.Index(fields=["source", "status"], name="draft_source_status"),
        ),
        migrations.AddConstraint(
            model_name="detailsrevision",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("expert__isnull", False), ("source__isnull", True)),
                    models.Q(("expert__isnull", True), ("source__isnull", False)),
                    _connector="OR",
                ),
                name="details_revision_of_one_row",
            ),
        ),
        migrations.AddConstraint(
            model_name="detailsrevision",
            constraint=models.UniqueConstraint(
                condition=models.Q(("expert__isnull", False)),
                fields=("expert", "version"),
                name="expert_revision_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="detailsrevision",
            constraint=models.UniqueConstraint(
                condition=models.Q(("source__isnull", False)),
                fields=("source", "version"),
                name="source_revision_once",
            ),
        ),
        migrations.AddIndex(
            model_name="scoresums",
            index=models.Index(
                condition=models.Q(("dirty", True)), fields=["expert"], name="scoresums_dirty"
            ),
        ),
        migrations.AddConstraint(
            model_name="scoresums",
            constraint=models.UniqueConstraint(
                condition=models.Q(("topic__isnull", True)),
                fields=("expert", "calibration_bin"),
                name="scoresums_overall_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="scoresums",
            constraint=models.UniqueConstraint(
                fields=("expert", "topic", "calibration_bin"), name="scoresums_topic_once"
            ),
        ),
        migrations.AddIndex(
            model_name="question",
            index=models.Index(fields=["status", "deadline"], name="question_status_deadline"),
        ),
        migrations.AddIndex(
            model_name="question",
            index=models.Index(fields=["status", "resolved_at"], name="question_status_resolved"),
        ),
        migrations.AddIndex(
            model_name="question",
            index=models.Index(fields=["title", "deadline"], name="question_title_deadline"),
        ),
        migrations.AddConstraint(
            model_name="question",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("consensus_probability__isnull", True),
                    models.Q(("consensus_probability__gte", 0), ("consensus_probability__lte", 1)),
                    _connector="OR",
                ),
                name="question_consensus_in_unit_interval",
            ),
        ),
        migrations.AddConstraint(
            model_name="question",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("resolved_at__isnull", False), ("status__in", ["resolved", "annulled"])
                    ),
                    models.Q(("status__in", ["resolved", "annulled"]), _negated=True),
                    _connector="OR",
                ),
                name="question_resolved_has_time",
            ),
        ),
        migrations.AddIndex(
            model_name="trackrecord",
            index=models.Index(fields=["topic", "ranking_score"], name="trackrecord_topic_rank"),
        ),
        migrations.AddConstraint(
            model_name="trackrecord",
            constraint=models.UniqueConstraint(
                condition=models.Q(("topic__isnull", True)),
                fields=("expert",),
                name="trackrecord_overall_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="trackrecord",
            constraint=models.UniqueConstraint(
                fields=("expert", "topic"), name="trackrecord_topic_once"
            ),
        ),
    ]
