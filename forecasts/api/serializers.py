"""Shapes of the record: experts, sources, topics, questions, predictions and verdicts, as
the API answers with them (request bodies of writes are in inputs.py).

Serializers only shape and check input types; every write is a call to a service in views.py,
so the API and the admin keep the same integrity rules.
"""

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from forecasts.models import (
    DetailsRevision,
    Expert,
    Prediction,
    PredictionScore,
    Question,
    QuestionRevision,
    Review,
    ReviewAssignment,
    Source,
    Topic,
)
from forecasts.selectors.records import QUESTION_DETAIL_PREDICTIONS


@extend_schema_field({"$ref": "#/components/schemas/FieldErrors"})
class FieldErrorsField(serializers.JSONField):
    """Field → messages, nested like the body (the component is in api/schema_hooks.py)."""


class ExistingRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField(help_text="The record already there (also the Location header).")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong and what to do about it.")
    errors = FieldErrorsField(
        required=False, help_text="Field name → list of messages, when the input was invalid."
    )
    existing = ExistingRecordSerializer(
        required=False,
        help_text="On a 409 for a claim already on record (same expert, source and claim): "
        "the prediction to open and correct instead.",
    )


# --- Experts, sources, topics ---------------------------------------------------------------


class ExpertRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Expert
        fields = ["slug", "name"]


REASON_HELP = "Why the details change: kept in the row's history (updates only)."


class StrictInput:
    """A request body's keys must be fields this endpoint takes: a misspelt field ("qoute")
    or one it does not set ("status", "slug") was dropped without a word, and what the client
    meant was lost. `input_hints` says where such a field is set instead."""

    input_hints: dict[str, str] = {}

    def to_internal_value(self, data: Any) -> Any:
        if hasattr(data, "keys"):
            fields = self.fields  # type: ignore[attr-defined]
            writable = sorted(name for name, field in fields.items() if not field.read_only)
            errors = {}
            for key in data:
                if key in writable:
                    continue
                hint = self.input_hints.get(key) or (
                    "it is read-only here" if key in fields else "this endpoint has no such field"
                )
                errors[key] = [f"Not taken: {hint}. The fields taken are {', '.join(writable)}."]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)  # type: ignore[misc]


class ExpertSerializer(StrictInput, serializers.ModelSerializer):
    input_hints = {"slug": "the slug is made from the name once, and is then the page's address"}

    links = serializers.ListField(child=serializers.URLField(max_length=1000), required=False)
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=200),
        required=False,
        max_length=50,
        help_text="Other spellings of the name (transliterations, other scripts); "
        "`?search=` finds the expert by any of them.",
    )
    reason = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=500, help_text=REASON_HELP
    )

    class Meta:
        model = Expert
        fields = ["slug", "name", "aliases", "affiliation", "bio", "links", "created_at", "reason"]
        read_only_fields = ["slug", "created_at"]


class DetailsRevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = DetailsRevision
        fields = ["version", "details", "reason", "changed_at"]
        read_only_fields = fields


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["slug", "name"]
        read_only_fields = ["slug"]
        # get_or_create_topic returns an existing topic of the same name instead of failing.
        extra_kwargs = {"name": {"validators": []}}


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["id", "kind", "title", "outlet", "via", "url", "published_on", "created_at"]
        read_only_fields = ["id", "created_at"]


class SourceDetailSerializer(SourceSerializer):
    revisions = DetailsRevisionSerializer(
        many=True,
        read_only=True,
        help_text="Versions of these details, oldest first; empty until the first change.",
    )

    class Meta(SourceSerializer.Meta):
        fields = [*SourceSerializer.Meta.fields, "revisions"]


class SourceRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["id", "title", "outlet", "url"]


# --- Questions ----------------------------------------------------------------------------


class QuestionRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Question
        fields = ["id", "title", "deadline", "status", "outcome"]


class QuestionSerializer(serializers.ModelSerializer):
    topics = TopicSerializer(many=True, read_only=True)
    prediction_count = serializers.IntegerField(
        read_only=True, help_text="Current (uncorrected) predictions on this question."
    )

    class Meta:
        model = Question
        fields = [
            "id",
            "title",
            "resolution_criteria",
            "deadline",
            "status",
            "outcome",
            "resolved_at",
            "topics",
            "consensus_probability",
            "consensus_source",
            "version",
            "prediction_count",
            "created_at",
        ]


class ReviewSerializer(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer.username", read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "question",
            "round",
            "outcome",
            "evidence_url",
            "note",
            "reason",
            "reviewer",
            "created_at",
        ]


class AssignmentSerializer(serializers.ModelSerializer):
    """A question assigned to a reviewer for the current round of verdicts."""

    reviewer = serializers.CharField(source="reviewer.username", read_only=True)

    class Meta:
        model = ReviewAssignment
        fields = ["question", "reviewer", "round", "assigned_at"]


class QuestionRevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuestionRevision
        # Every stored field: a revision that changed only the context (topics, consensus)
        # looked like the one before it without them.
        fields = [
            "version", "title", "resolution_criteria", "deadline", "topic_ids",
            "consensus_probability", "consensus_source", "reason", "changed_at",
        ]  # fmt: skip


# --- Predictions --------------------------------------------------------------------------


class ScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = PredictionScore
        fields = [
            "outcome",
            "brier",
            "log_score",
            "baseline",
            "peer",
            "consensus_relative",
            "resolved_on",
            "hindsight",
            "scoring_version",
        ]


class PredictionSerializer(serializers.ModelSerializer):
    expert = ExpertRefSerializer(read_only=True)
    question = QuestionRefSerializer(read_only=True)
    source = SourceRefSerializer(read_only=True, allow_null=True)
    score = serializers.SerializerMethodField(
        help_text="Scores, once the question resolved and this is the prediction that counts."
    )
    probability = serializers.FloatField(
        allow_null=True,
        read_only=True,
        help_text="Probability of YES in [0, 1]; null when the words map to no number.",
    )
    recorded_at = serializers.DateTimeField(
        read_only=True,
        help_text="When the forecast entered a public, timestamped record: this ledger's "
        "clock (never typed), or the platform's named in recorded_via. A correction keeps the "
        "original's.",
    )
    recorded_via = serializers.CharField(
        read_only=True, help_text="Empty: this ledger. Else the platform whose time it is."
    )
    hindsight = serializers.BooleanField(
        read_only=True,
        help_text="Recorded on or after the question's deadline or first resolution: scored, "
        "but left out of the prospective record (docs/scoring.md).",
    )
    corrected_after_deadline = serializers.BooleanField(
        read_only=True,
        help_text="This version corrected the forecast after its question's deadline or "
        "resolution (by an admin who did not record it, with a reason).",
    )

    class Meta:
        model = Prediction
        fields = [
            "id",
            "expert",
            "question",
            "probability",
            "basis",
            "phrase",
            "table_version",
            "made_on",
            "source",
            "quote",
            "version",
            "supersedes",
            "superseded_at",
            "correction_reason",
            "corrected_after_deadline",
            "score",
            "created_at",
            "recorded_at",
            "recorded_via",
            "hindsight",
        ]

    @extend_schema_field(ScoreSerializer(allow_null=True))
    def get_score(self, prediction: Prediction) -> dict | None:
        try:
            score = prediction.score
        except PredictionScore.DoesNotExist:
            return None
        return ScoreSerializer(score).data


class PredictionOnQuestionSerializer(PredictionSerializer):
    class Meta(PredictionSerializer.Meta):
        fields = [f for f in PredictionSerializer.Meta.fields if f != "question"]


class QuestionDetailSerializer(QuestionSerializer):
    predictions = PredictionOnQuestionSerializer(
        many=True,
        read_only=True,
        source="current_predictions",
        help_text=(
            f"The first {QUESTION_DETAIL_PREDICTIONS} current predictions by expert name; "
            "prediction_count says how many there are, predictions_url pages through all."
        ),
    )
    predictions_url = serializers.SerializerMethodField(
        help_text="Every current prediction on this question, paged: /api/predictions/?question=ID."
    )
    reviews = ReviewSerializer(many=True, read_only=True, source="all_reviews")
    revisions = QuestionRevisionSerializer(many=True, read_only=True, source="all_revisions")

    class Meta(QuestionSerializer.Meta):
        fields = [*QuestionSerializer.Meta.fields, "predictions", "predictions_url"] + [
            "reviews",
            "revisions",
        ]

    def get_predictions_url(self, question: Question) -> str:
        return f"{reverse('api:prediction-list')}?question={question.pk}"


class PredictionVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Prediction
        fields = ["id", "version", "probability", "made_on", "correction_reason", "created_at"]


class PredictionDetailSerializer(PredictionSerializer):
    history = serializers.SerializerMethodField(help_text="Every version, oldest first.")

    class Meta(PredictionSerializer.Meta):
        fields = [*PredictionSerializer.Meta.fields, "history"]

    @extend_schema_field(PredictionVersionSerializer(many=True))
    def get_history(self, prediction: Prediction) -> list[dict]:
        from forecasts.services import prediction_history

        return PredictionVersionSerializer(prediction_history(prediction), many=True).data
