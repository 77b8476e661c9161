"""The domain: experts, sources, questions, predictions, verdicts and what derives from them.

Models hold structure and database constraints only. Every write goes through
forecasts/services.py, which is where the rules (immutability, versioning, quorum) live.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Expert(models.Model):
    name = models.CharField(max_length=200)
    # Names that differ only in case or punctuation are different people: the slug gets a suffix.
    slug = models.SlugField(max_length=220, unique=True)
    affiliation = models.CharField(max_length=300, blank=True)
    bio = models.TextField(blank=True)
    links = models.JSONField(default=list, blank=True, help_text="A list of URLs.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Source(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article", "Article"
        BROADCAST = "broadcast", "Broadcast"
        POST = "post", "Post"
        REPORT = "report", "Report"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ARTICLE)
    title = models.CharField(max_length=500)
    outlet = models.CharField(max_length=200, blank=True, help_text="Where it was published.")
    via = models.CharField(
        max_length=200,
        blank=True,
        help_text="The outlet or broadcast this source cites, when it reports someone else's.",
    )
    url = models.URLField(max_length=1000, blank=True)
    published_on = models.DateField(null=True, blank=True)
    text = models.TextField(blank=True, help_text="The article text, kept for the record.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-published_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["url"], condition=~Q(url=""), name="source_url_unique_when_present"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outlet}: {self.title}" if self.outlet else self.title


class DetailsRevision(models.Model):
    """One version of an expert's or a source's details, with who changed them and why.

    Predictions point to experts and sources, so renaming a pundit or re-dating an article
    changes how old predictions read: every change is kept. Version 1 is the details as first
    recorded (written at the first change, since bulk loaders create rows without one); each
    later version holds the details after one change. A source's text is kept as its SHA-256.
    """

    # Indexed by the unique constraints below, which lead with them.
    expert = models.ForeignKey(
        Expert,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="revisions",
        db_index=False,
    )
    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="revisions",
        db_index=False,
    )
    version = models.PositiveIntegerField()
    details = models.JSONField()
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["version"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expert__isnull=False, source__isnull=True)
                | Q(expert__isnull=True, source__isnull=False),
                name="details_revision_of_one_row",
            ),
            models.UniqueConstraint(
                fields=["expert", "version"],
                condition=Q(expert__isnull=False),
                name="expert_revision_once",
            ),
            models.UniqueConstraint(
                fields=["source", "version"],
                condition=Q(source__isnull=False),
                name="source_revision_once",
            ),
        ]

    def __str__(self) -> str:
        owner = f"expert {self.expert_id}" if self.expert_id else f"source {self.source_id}"
        return f"{owner} v{self.version}"


class Topic(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=140, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DUE = "due", "Due for review"
        DISPUTED = "disputed", "Disputed"
        RESOLVED = "resolved", "Resolved"
        ANNULLED = "annulled", "Annulled"

    class Outcome(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        ANNULLED = "annulled", "Annulled"

    title = models.CharField(max_length=500, help_text="Phrased so that it resolves YES or NO.")
    resolution_criteria = models.TextField(
        help_text="What counts as YES, what as NO, and what annuls the question."
    )
    deadline = models.DateField()
    topics = models.ManyToManyField(Topic, blank=True, related_name="questions")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True, help_text="When it fell due for review.")
    # Each re-resolution opens a new round of verdicts; each later deadline a new reminder cycle.
    review_round = models.PositiveIntegerField(default=1)
    reminder_cycle = models.PositiveIntegerField(default=1)
    consensus_probability = models.FloatField(
        null=True,
        blank=True,
        help_text="A market price or crowd forecast of YES at the time of the statements.",
    )
    consensus_source = models.CharField(max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["deadline", "id"]
        indexes = [
            # The due sweep: open questions whose deadline has passed.
            models.Index(fields=["status", "deadline"], name="question_status_deadline"),
            models.Index(fields=["status", "resolved_at"], name="question_status_resolved"),
            # Imports match rows to questions by their text and deadline.
            models.Index(fields=["title", "deadline"], name="question_title_deadline"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(consensus_probability__isnull=True)
                | Q(consensus_probability__gte=0, consensus_probability__lte=1),
                name="question_consensus_in_unit_interval",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["resolved", "annulled"], resolved_at__isnull=False)
                | ~Q(status__in=["resolved", "annulled"]),
                name="question_resolved_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_settled(self) -> bool:
        return self.status in {self.Status.RESOLVED, self.Status.ANNULLED}


class QuestionRevision(models.Model):
    """One row per version of a question's checkable substance (title, criteria, deadline)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=500)
    resolution_criteria = models.TextField()
    deadline = models.DateField()
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["question", "version"]
        constraints = [
            models.UniqueConstraint(fields=["question", "version"], name="question_revision_once"),
        ]

    def __str__(self) -> str:
        return f"{self.question_id} v{self.version}"


class PredictionQuerySet(models.QuerySet):
    def current(self) -> "PredictionQuerySet":
        """Versions not replaced by a correction."""
        return self.filter(superseded_at__isnull=True)


class Prediction(models.Model):
    """One expert's forecast on one question. Append-only: a correction is a new row.

    `probability` is the probability that the question resolves YES, in [0, 1]; null when the
    words used map to no number (then it is recorded but not scored).
    """

    class Basis(models.TextChoices):
        STATED = "stated", "Stated number"
        VERBAL = "verbal", "Verbal phrase (table)"
        BARE_ASSERTION = "bare_assertion", "Bare assertion"
        UNKNOWN = "unknown", "Unknown"

    SUBSTANCE_FIELDS = ("expert", "question", "probability", "made_on", "source", "quote")

    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="predictions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="predictions")
    probability = models.FloatField(null=True, blank=True)
    basis = models.CharField(max_length=20, choices=Basis.choices)
    phrase = models.CharField(max_length=200, blank=True, help_text="The words used, as typed.")
    table_version = models.CharField(max_length=20, blank=True)
    made_on = models.DateField()
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="predictions"
    )
    quote = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Versioning: a correction creates a new row that supersedes this one.
    version = models.PositiveIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)
    correction_reason = models.TextField(blank=True)

    objects = PredictionQuerySet.as_manager()

    class Meta:
        ordering = ["-made_on", "-id"]
        indexes = [
            models.Index(fields=["question", "expert", "made_on"], name="prediction_q_expert_day"),
            models.Index(fields=["expert", "made_on"], name="prediction_expert_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__isnull=True) | Q(probability__gte=0, probability__lte=1),
                name="prediction_probability_in_unit_interval",
            ),
            models.CheckConstraint(
                condition=Q(probability__isnull=False) | Q(basis="unknown"),
                name="prediction_unknown_basis_when_no_number",
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(correction_reason=""),
                name="prediction_correction_has_reason",
            ),
        ]

    def __str__(self) -> str:
        shown = "?" if self.probability is None else f"{self.probability:.0%}"
        return f"{self.expert} — {shown} — {self.question}"


class ExtractionDraft(models.Model):
    """A candidate prediction the extraction assistant proposed for a source.

    Nothing is published from a draft: an editor confirms it in the admin, which records a
    prediction through the services. `candidate` is the candidate as proposed (speaker, claim,
    quote, phrase, probability, basis, table_version, suggested_deadline, deadline_basis,
    question_title, resolution_criteria, sentence_index).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an editor"
        CONFIRMED = "confirmed", "Confirmed"
        DISMISSED = "dismissed", "Dismissed"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="extraction_drafts")
    candidate = models.JSONField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    prediction = models.ForeignKey(
        Prediction, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["source", "id"]
        indexes = [models.Index(fields=["source", "status"], name="draft_source_status")]

    def __str__(self) -> str:
        return f"draft {self.pk} for source {self.source_id}: {self.status}"


class PredictionScore(models.Model):
    """The scores of the one prediction that counts for an expert on a resolved question."""

    prediction = models.OneToOneField(Prediction, on_delete=models.CASCADE, related_name="score")
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="scores")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="scores")
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
    scoring_version = models.CharField(max_length=20)

    class Meta:
        indexes = [models.Index(fields=["expert", "resolved_on"], name="score_expert_resolved")]
        constraints = [
            models.UniqueConstraint(fields=["expert", "question"], name="score_once_per_question"),
        ]

    def __str__(self) -> str:
        return f"score of prediction {self.prediction_id}"


class TrackRecord(models.Model):
    """Precomputed figures per expert, overall (topic null) and per topic. Derived data."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="track_records")
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="track_records"
    )
    resolved_count = models.PositiveIntegerField(default=0)
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
            models.Index(fields=["topic", "ranking_score"], name="trackrecord_topic_rank"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["expert"], condition=Q(topic__isnull=True), name="trackrecord_overall_once"
            ),
            models.UniqueConstraint(fields=["expert", "topic"], name="trackrecord_topic_once"),
        ]

    def __str__(self) -> str:
        return f"track record of expert {self.expert_id} (topic {self.topic_id})"


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

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    calibration_bin = models.PositiveSmallIntegerField()
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
                fields=["expert", "calibration_bin"],
                condition=Q(topic__isnull=True),
                name="scoresums_overall_once",
            ),
            models.UniqueConstraint(
                fields=["expert", "topic", "calibration_bin"], name="scoresums_topic_once"
            ),
        ]

    def __str__(self) -> str:
        return f"sums of expert {self.expert_id}, topic {self.topic_id}, bin {self.calibration_bin}"


class Review(models.Model):
    """A reviewer's verdict on a due question. Never edited; each round keeps its verdicts."""

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews"
    )
    round = models.PositiveIntegerField(default=1)
    outcome = models.CharField(max_length=10, choices=Question.Outcome.choices)
    evidence_url = models.URLField(max_length=1000, blank=True)
    note = models.TextField(blank=True)
    reason = models.TextField(blank=True, help_text="Why a resolved question was re-resolved.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["question", "round", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "reviewer", "round"], name="review_once_per_reviewer_round"
            ),
            models.CheckConstraint(
                condition=Q(outcome="annulled") | ~Q(evidence_url=""),
                name="review_evidence_for_yes_no",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outcome} on question {self.question_id}, round {self.round}"


class ReviewAssignment(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Waiting for a verdict"
        DONE = "done", "Verdict given"
        CANCELLED = "cancelled", "Cancelled"

    # No single-column indexes: assignment_once_per_round and assignment_reviewer_state lead
    # with these columns, and every extra index costs the due sweep on each insert.
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="assignments", db_index=False
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="review_assignments",
        db_index=False,
    )
    round = models.PositiveIntegerField(default=1)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    assigned_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["reviewer", "state"], name="assignment_reviewer_state"),
            models.Index(fields=["state", "assigned_at"], name="assignment_state_assigned"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "reviewer", "round"], name="assignment_once_per_round"
            ),
        ]

    def __str__(self) -> str:
        return f"question {self.question_id} for user {self.reviewer_id}: {self.state}"


class ReminderRecord(models.Model):
    """One row per (question, recipient, stage, cycle): the claim that makes a reminder go once.

    The row is inserted (claimed) before anything is sent; `sent_at` is set after the digest
    went out, so a run that died in between is finished by the next one, not repeated.
    """

    class Stage(models.TextChoices):
        HEADS_UP = "heads_up", "Heads-up before the deadline"
        DUE = "due", "Due"
        DAY3 = "day3", "3 days overdue"
        DAY7 = "day7", "7 days overdue"
        ESCALATION = "escalation", "Escalated to admins"
        DISPUTE = "dispute", "Dispute escalated to admins"

    # Indexed by reminder_once_per_stage, which leads with it.
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="reminders", db_index=False
    )
    # No index of their own on recipient and assignment: only unsent rows are looked up by
    # recipient (reminder_unsent), never by assignment, and every index costs each of the
    # ~100,000 rows a large reminder pass writes (docs/benchmarks.md, row d). Deleting a user
    # or an assignment (never done by the service) scans instead.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders", db_index=False
    )
    assignment = models.ForeignKey(
        ReviewAssignment,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminders",
        db_index=False,
    )
    stage = models.CharField(max_length=20, choices=Stage.choices)
    cycle = models.PositiveIntegerField(default=1)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # Only unsent rows are ever looked up by recipient; sent ones are history.
            models.Index(
                fields=["recipient"], condition=Q(sent_at__isnull=True), name="reminder_unsent"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "recipient", "stage", "cycle"], name="reminder_once_per_stage"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stage} to user {self.recipient_id} on question {self.question_id}"


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ledger_profile"
    )
    email_opt_out = models.BooleanField(
        default=False, help_text="No non-essential email (heads-ups). Review reminders still go."
    )
    heads_up = models.BooleanField(
        default=False, help_text="A heads-up digest a week before deadlines of my questions."
    )

    def __str__(self) -> str:
        return f"profile of user {self.user_id}"


class LedgerEntry(models.Model):
    """One published prediction or verdict in the tamper-evident hash chain.

    hash = SHA-256(prev_hash + payload), payload being the canonical JSON of the row as
    published. Rewriting a row, deleting one or re-chaining shows up in verify_ledger.
    """

    class Kind(models.TextChoices):
        PREDICTION = "prediction", "Prediction"
        REVIEW = "review", "Verdict"

    seq = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.BigIntegerField()
    payload = models.TextField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="ledger_once_per_row"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind} {self.object_id} {self.hash[:12]}"


class LedgerHead(models.Model):
    """A single row locked by every append, so the chain never forks under concurrency."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"head #{self.seq} {self.hash[:12]}"


class StaleTrackRecord(models.Model):
    """An expert whose track record waits for an update: the outbox between a resolution and
    the worker. Written in the resolution's transaction, removed once the record is rebuilt, so
    a broker that is down when the question resolves delays the update but never loses it."""

    expert = models.OneToOneField(Expert, on_delete=models.CASCADE, related_name="+")
    marked_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"stale track record of expert {self.expert_id}"
