"""Questions, their revisions, the predictions made on them, the extraction assistant's drafts."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import ExpressionWrapper, F, Q
from django.db.models.functions import Lower, TruncDate
from django.utils import timezone

from forecasts import scoring
from forecasts.models.catalogue import Expert, Source, Topic

# A settled question is resolved (YES or NO) or annulled: its outcome is known and its scores
# follow it. The one definition; Question.objects.settled() and Question.settled_q() use it.
SETTLED = ("resolved", "annulled")


class QuestionQuerySet(models.QuerySet):
    def settled(self) -> "QuestionQuerySet":
        """Resolved or annulled."""
        return self.filter(Question.settled_q())

    def unsettled(self) -> "QuestionQuerySet":
        """Open, due or disputed: no outcome yet."""
        return self.exclude(Question.settled_q())


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
    # Set once, at the first resolution or annulment; a re-resolution keeps it. A forecast
    # recorded at or after it is hindsight (docs/scoring.md, "Prospective and hindsight forecasts").
    first_resolved_at = models.DateTimeField(null=True, blank=True, editable=False)
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

    objects = QuestionQuerySet.as_manager()

    SETTLED = SETTLED
    SCORED_OUTCOMES = (Outcome.YES, Outcome.NO)  # an annulled question is not scored

    class Meta:
        ordering = ["deadline", "id"]
        indexes = [
            # The lists' order (Meta.ordering): a page of a search matching thousands of
            # questions is read in order with the phrase checked row by row (4 ms) instead of
            # all of them fetched and sorted (55 ms for 16,000 at 200,000 questions).
            models.Index(fields=["deadline", "id"], name="question_deadline_order"),
            # The due sweep: open questions whose deadline has passed.
            models.Index(fields=["status", "deadline"], name="question_status_deadline"),
            models.Index(fields=["status", "resolved_at"], name="question_status_resolved"),
            # Imports match rows to questions by their text and deadline: by the title's key
            # (case aside, naming.question_title_key), and a title beyond ASCII also as spelt.
            models.Index(fields=["title", "deadline"], name="question_title_deadline"),
            models.Index(Lower("title"), F("deadline"), name="question_title_key_deadline"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(consensus_probability__isnull=True)
                | Q(consensus_probability__gte=0, consensus_probability__lte=1),
                name="question_consensus_in_unit_interval",
            ),
            models.CheckConstraint(
                condition=Q(status__in=list(SETTLED), resolved_at__isnull=False)
                | ~Q(status__in=list(SETTLED)),
                name="question_resolved_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @staticmethod
    def settled_q(path: str = "") -> Q:
        """Settled questions as a condition; `path` leads from another model ("question__")."""
        return Q(**{f"{path}status__in": SETTLED})

    @property
    def is_settled(self) -> bool:
        return self.status in SETTLED

    def is_prospective_at(self, moment: dt.datetime) -> bool:
        """Whether something recorded at `moment` is before the deadline (a date: before
        that day begins) and before the first resolution: scoring.is_prospective."""
        return scoring.is_prospective(
            recorded_on=timezone.localdate(moment),
            recorded_at=moment,
            deadline=self.deadline,
            first_resolved_at=self.first_resolved_at,
        )


class QuestionRevision(models.Model):
    """One row per version of a question's checkable substance (title, criteria, deadline)."""

    # Indexed by question_revision_once, which leads with it.
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="revisions", db_index=False
    )
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=500)
    resolution_criteria = models.TextField()
    deadline = models.DateField()
    # The context that feeds published figures too: per-topic records, consensus scores.
    # Null in revisions written before they were kept (then only the terms were versioned).
    topic_ids = models.JSONField(null=True, blank=True, help_text="Topic ids, ascending.")
    consensus_probability = models.FloatField(null=True, blank=True)
    consensus_source = models.CharField(max_length=500, blank=True)
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

    def with_hindsight(self) -> "PredictionQuerySet":
        """Annotate `is_hindsight`: Prediction.hindsight in SQL, for bulk scoring."""
        prospective = Q(recorded_on__lt=F("question__deadline")) & (
            Q(question__first_resolved_at__isnull=True)
            | Q(recorded_at__lt=F("question__first_resolved_at"))
        )
        return self.annotate(
            recorded_on=TruncDate("recorded_at"),
            is_hindsight=ExpressionWrapper(~prospective, output_field=models.BooleanField()),
        )


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

    # No single-column indexes on expert and question: prediction_expert_day and
    # prediction_q_expert_day lead with them (each index is written for every prediction).
    expert = models.ForeignKey(
        Expert, on_delete=models.PROTECT, related_name="predictions", db_index=False
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="predictions", db_index=False
    )
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
    # When the forecast entered a public, timestamped record: this ledger's clock, never typed
    # by anyone; for an import from a platform that timestamped it itself, that platform's
    # time, named in recorded_via. A correction keeps the original's. docs/scoring.md: hindsight.
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    recorded_via = models.CharField(
        max_length=40, blank=True, help_text="Empty: this ledger. Else the platform's name."
    )
    # A correction of substance made after the question's deadline or first resolution.
    corrected_after_deadline = models.BooleanField(default=False, editable=False)
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
            # With the id and superseded_at inside (PostgreSQL's INCLUDE), a question's or
            # an expert's current predictions are counted, and a search's ids picked, from
            # the index alone: the admin lists count them per row, and a phrase found in
            # 1,400 titles read 6,500 predictions' rows for their ids.
            models.Index(
                fields=["question", "expert", "made_on"],
                include=["id", "superseded_at"],
                name="prediction_q_expert_day",
            ),
            models.Index(
                fields=["expert", "made_on"],
                include=["id", "superseded_at"],
                name="prediction_expert_day",
            ),
            # The API's default order (Meta.ordering) over current predictions: a page of
            # the newest without sorting a million rows (docs/benchmarks.md, the API list).
            models.Index(
                fields=["-made_on", "-id"],
                condition=Q(superseded_at__isnull=True),
                name="prediction_current_newest",
            ),
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

    @property
    def hindsight(self) -> bool:
        """Recorded at or after the question's deadline or first resolution (reads question)."""
        return not self.question.is_prospective_at(self.recorded_at)


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
