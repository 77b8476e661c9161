"""What derives from resolved predictions: scores, exact sums, track records, the stale outbox.

Scores, sums and track records carry no foreign-key constraints in the database
(db_constraint=False; deletes still cascade, through the ORM). They are derived data: every row
is computed from rows its writer holds locked, and the nightly rebuild derives them all again.
Checking their keys row by row at COMMIT proved nothing and cost a third of a full rebuild at
1,000,000 predictions (35 s instead of 23 s, docs/benchmarks.md row a).
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from forecasts import scoring
from forecasts.models.catalogue import Expert, Topic
from forecasts.models.questions import Prediction, Question


class PredictionScore(models.Model):
    """The scores of the one prediction that counts for an expert on a resolved question."""

    prediction = models.OneToOneField(
        Prediction, on_delete=models.CASCADE, related_name="score", db_constraint=False
    )
    # Indexed by score_once_per_question and score_expert_resolved, which lead with it.
    expert = models.ForeignKey(
        Expert, on_delete=models.CASCADE, related_name="scores", db_index=False, db_constraint=False
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="scores", db_constraint=False
    )
    probability = models.FloatField()
    outcome = models.PositiveSmallIntegerField()  # 1 YES, 0 NO
    brier = models.FloatField()
    log_score = models.FloatField()
    baseline = models.FloatField()
    peer = models.FloatField(null=True, blank=True)
    consensus_relative = models.FloatField(null=True, blank=True)
    consensus_called = models.FloatField(
        null=True, blank=True, help_text="Consensus probability of the side the expert called."
    )
    # Stored so that track records are sums the database computes in one grouped query.
    calibration_bin = models.PositiveSmallIntegerField()
    hit = models.PositiveSmallIntegerField(null=True, blank=True)  # null when p = 0.5
    yield_term = models.FloatField(null=True, blank=True)  # hit / q_c for a called side
    resolved_on = models.DateField()
    # Recorded at or after the deadline or the first resolution (scoring.is_prospective).
    hindsight = models.BooleanField(default=False)
    scoring_version = models.CharField(max_length=20)

    class Meta:
        indexes = [models.Index(fields=["expert", "resolved_on"], name="score_expert_resolved")]
        constraints = [
            models.UniqueConstraint(fields=["expert", "question"], name="score_once_per_question"),
        ]

    def __str__(self) -> str:
        return f"score of prediction {self.prediction_id}"


class TrackRecord(models.Model):
    """Precomputed figures per expert, overall (topic null) and per topic, over all scored
    forecasts and over prospective ones only (prospective_only). Derived data."""

    # Indexed by trackrecord_topic_once and trackrecord_topic_rank, which lead with them.
    expert = models.ForeignKey(
        Expert,
        on_delete=models.CASCADE,
        related_name="track_records",
        db_index=False,
        db_constraint=False,
    )
    topic = models.ForeignKey(
        Topic,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="track_records",
        db_index=False,
        db_constraint=False,
    )
    # False: every scored forecast (the contract's record); True: prospective ones only.
    prospective_only = models.BooleanField(default=False)
    resolved_count = models.PositiveIntegerField(default=0)
    # Hindsight forecasts of the whole record (the same number in both of an expert's records).
    hindsight_count = models.PositiveIntegerField(default=0)
    sum_brier = models.FloatField(default=0)
    brier = models.FloatField(null=True)
    log_score = models.FloatField(null=True)
    brier_skill = models.FloatField(null=True)
    base_rate_skill = models.FloatField(null=True)
    hit_count = models.PositiveIntegerField(default=0)
    hit_n = models.PositiveIntegerField(default=0)
    hit_rate = models.FloatField(null=True)
    hit_rate_low = models.FloatField(null=True)
    hit_rate_high = models.FloatField(null=True)
    ranking_score = models.FloatField(default=0.25)
    peer_mean = models.FloatField(null=True)
    peer_count = models.PositiveIntegerField(default=0)
    consensus_relative_mean = models.FloatField(null=True)
    consensus_count = models.PositiveIntegerField(default=0)
    yield_score = models.FloatField(null=True)
    calibration = models.JSONField(default=list)
    murphy = models.JSONField(default=dict)
    last_resolved_on = models.DateField(null=True)
    scoring_version = models.CharField(max_length=20)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(
                fields=["topic", "prospective_only", "ranking_score"],
                name="trackrecord_topic_rank",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["expert", "prospective_only"],
                condition=Q(topic__isnull=True),
                name="trackrecord_overall_once",
            ),
            models.UniqueConstraint(
                fields=["expert", "topic", "prospective_only"], name="trackrecord_topic_once"
            ),
        ]

    def __str__(self) -> str:
        which = "prospective" if self.prospective_only else "all"
        return f"{which} track record of expert {self.expert_id} (topic {self.topic_id})"

    @property
    def hindsight_share(self) -> float | None:
        """Hindsight forecasts / all scored forecasts of the expert (whichever record this is)."""
        total = self.resolved_count + (self.hindsight_count if self.prospective_only else 0)
        return scoring.hindsight_share(self.hindsight_count, total)


class ScoreSums(models.Model):
    """Exact running sums of one expert's stored scores in one calibration bin, overall (topic
    null) and per topic: the inputs of every track-record figure (scoring.ExpertSums).

    Float sums are kept as integers in units of 1e-12 (each score rounded once, in SQL), so
    they add and subtract exactly and do not depend on order. On PostgreSQL a statement
    trigger on forecasts_predictionscore adds every inserted score and subtracts every
    deleted one, in the writer's transaction, and sets `dirty`; a track-record update rebuilds
    only the dirty (expert, topic) groups. Derived data: recompute_track_records rebuilds it.

    64-bit integers on every backend: exact up to 9.2e18 units, i.e. 1.3 million scores at
    the clipped log score (-6.9) in one expert's calibration bin; past that PostgreSQL refuses
    the write (out of range) rather than rounding. (These were numeric(38, 0) columns, which
    Django's SQLite backend reads back rounded to 15 significant digits.)
    """

    # Indexed by scoresums_topic_once, which leads with it.
    expert = models.ForeignKey(
        Expert, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    topic = models.ForeignKey(
        Topic,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    calibration_bin = models.PositiveSmallIntegerField()
    # The sums of hindsight and of prospective scores are kept apart: a record over all
    # forecasts adds both, the prospective record reads the second alone.
    hindsight = models.BooleanField(default=False)
    n = models.IntegerField(default=0)
    sum_o = models.IntegerField(default=0)
    hits = models.IntegerField(default=0)
    hit_n = models.IntegerField(default=0)
    peer_n = models.IntegerField(default=0)
    relative_n = models.IntegerField(default=0)
    yield_n = models.IntegerField(default=0)
    sum_p = models.BigIntegerField(default=0)
    sum_pp = models.BigIntegerField(default=0)
    sum_po = models.BigIntegerField(default=0)
    sum_brier = models.BigIntegerField(default=0)
    sum_log = models.BigIntegerField(default=0)
    sum_baseline = models.BigIntegerField(default=0)
    sum_peer = models.BigIntegerField(default=0)
    sum_relative = models.BigIntegerField(default=0)
    sum_yield = models.BigIntegerField(default=0)
    dirty = models.BooleanField(default=True)

    class Meta:
        indexes = [
            # What an update claims: the changed sums of its experts.
            models.Index(fields=["expert"], condition=Q(dirty=True), name="scoresums_dirty"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["expert", "calibration_bin", "hindsight"],
                condition=Q(topic__isnull=True),
                name="scoresums_overall_once",
            ),
            models.UniqueConstraint(
                fields=["expert", "topic", "calibration_bin", "hindsight"],
                name="scoresums_topic_once",
            ),
        ]

    def __str__(self) -> str:
        return f"sums of expert {self.expert_id}, topic {self.topic_id}, bin {self.calibration_bin}"


class StaleTrackRecord(models.Model):
    """An expert whose track record waits for an update: the outbox between a resolution and
    the worker. Written in the resolution's transaction, removed once the record is rebuilt, so
    a broker that is down when the question resolves delays the update but never loses it."""

    expert = models.OneToOneField(Expert, on_delete=models.CASCADE, related_name="+")
    marked_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"stale track record of expert {self.expert_id}"
