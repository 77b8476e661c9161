"""Shapes of the record: experts, sources, topics, questions, predictions and verdicts.

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
    Source,
    Topic,
)
from forecasts.selectors.records import QUESTION_DETAIL_PREDICTIONS


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong and what to do about it.")
    errors = serializers.JSONField(
        required=False, help_text="Field name → list of messages, when the input was invalid."
    )


# --- Experts, sources, topics ---------------------------------------------------------------


class ExpertRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Expert
        fields = ["slug", "name"]


REASON_HELP = "Why the details change: kept in the row's history (updates only)."


class ExpertSerializer(serializers.ModelSerializer):
    links = serializers.ListField(child=serializers.URLField(max_length=1000), required=False)
    reason = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=500, help_text=REASON_HELP
    )

    class Meta:
        model = Expert
        fields = ["slug", "name", "affiliation", "bio", "links", "created_at", "reason"]
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


class SourceWriteSerializer(serializers.ModelSerializer):
    title = serializers.CharField(max_length=500, required=False, allow_blank=True)
    text = serializers.CharField(
        required=False, allow_blank=True, write_only=True, help_text="The article text, kept."
    )
    reason = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=500, help_text=REASON_HELP
    )

    class Meta:
        model = Source
        fields = ["kind", "title", "outlet", "via", "url", "published_on", "text", "reason"]
        # A known URL returns the existing source (get_or_create_source), not an error.
        extra_kwargs = {"url": {"validators": []}}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is None and not attrs.get("title") and not attrs.get("url"):
            raise serializers.ValidationError({"title": "A source needs a title or a URL."})
        return attrs


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


class TopicNamesField(serializers.ListField):
    """Topics by slug or by name; an unknown name creates the topic (get_or_create_topic)."""

    child = serializers.CharField(max_length=120)


class QuestionCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=500, help_text="Phrased so it resolves YES or NO.")
    resolution_criteria = serializers.CharField(
        help_text="What counts as YES, what as NO, what annuls it."
    )
    deadline = serializers.DateField()
    topics = TopicNamesField(required=False, default=list)
    consensus_probability = serializers.FloatField(
        required=False, allow_null=True, default=None, min_value=0, max_value=1
    )
    consensus_source = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )


class QuestionUpdateSerializer(serializers.Serializer):
    """A change of terms is a numbered revision and needs a reason (services.update_question)."""

    title = serializers.CharField(max_length=500, required=False)
    resolution_criteria = serializers.CharField(required=False)
    deadline = serializers.DateField(required=False)
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Why the terms change; kept."
    )
    topics = TopicNamesField(required=False)
    consensus_probability = serializers.FloatField(
        required=False, allow_null=True, min_value=0, max_value=1
    )
    consensus_source = serializers.CharField(max_length=500, required=False, allow_blank=True)


class ResolveSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=Question.Outcome.choices,
        error_messages={"invalid_choice": '"{input}" is not an outcome: use yes, no or annulled.'},
    )
    evidence_url = serializers.URLField(
        max_length=1000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required for yes and no: where the outcome can be checked.",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Admins re-resolving a settled question: why (kept with the verdict).",
    )


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


class QuestionRevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuestionRevision
        fields = ["version", "title", "resolution_criteria", "deadline", "reason", "changed_at"]


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
            "score",
            "created_at",
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


@extend_schema_field(
    {
        "oneOf": [
            {"type": "number", "minimum": 0, "maximum": 1},
            {"type": "string", "minLength": 1},
        ],
        "description": 'A number in [0, 1], a percentage ("70%") or a phrase ("is confident").',
        "example": "70%",
    }
)
class ProbabilityInputField(serializers.Field):
    """Passes what the editor typed to services.parse_probability_input unchanged."""

    def to_internal_value(self, data: Any) -> float | str:
        if isinstance(data, bool) or not isinstance(data, int | float | str):
            raise serializers.ValidationError('Give a number (0.7), a percentage ("70%") or words.')
        return data

    def to_representation(self, value: Any) -> Any:
        return value


class PredictionCreateSerializer(serializers.Serializer):
    expert = serializers.SlugRelatedField(slug_field="slug", queryset=Expert.objects.all())
    question = serializers.PrimaryKeyRelatedField(
        queryset=Question.objects.all(),
        required=False,
        help_text="An existing question's id; or give `new_question` instead.",
    )
    new_question = QuestionCreateSerializer(
        required=False, help_text="Creates the question together with the prediction."
    )
    probability = ProbabilityInputField()
    made_on = serializers.DateField()
    source = serializers.PrimaryKeyRelatedField(
        queryset=Source.objects.all(), required=False, allow_null=True, default=None
    )
    source_url = serializers.SlugRelatedField(
        slug_field="url",
        queryset=Source.objects.exclude(url=""),
        required=False,
        help_text="The source by its URL, instead of `source` (its id).",
        error_messages={"does_not_exist": "No source has this URL: POST /api/sources/ first."},
    )
    quote = serializers.CharField(required=False, allow_blank=True, default="")
    phrase = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="The words used, when the number came from them.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("question" in attrs) == ("new_question" in attrs):
            raise serializers.ValidationError(
                {"question": "Give either `question` (an id) or `new_question`, not both."}
            )
        if "source_url" in attrs:
            if attrs["source"] is not None:
                raise serializers.ValidationError({"source": "Give `source` or `source_url`."})
            attrs["source"] = attrs.pop("source_url")
        return attrs


class CorrectionSerializer(serializers.Serializer):
    """The fields that change, and why. Unnamed fields keep their published value."""

    reason = serializers.CharField(help_text="Why the record is corrected; kept in the history.")
    probability = ProbabilityInputField(required=False)
    phrase = serializers.CharField(max_length=200, required=False, allow_blank=True)
    made_on = serializers.DateField(required=False)
    expert = serializers.SlugRelatedField(
        slug_field="slug", queryset=Expert.objects.all(), required=False
    )
    question = serializers.PrimaryKeyRelatedField(queryset=Question.objects.all(), required=False)
    source = serializers.PrimaryKeyRelatedField(
        queryset=Source.objects.all(), required=False, allow_null=True
    )
    quote = serializers.CharField(required=False, allow_blank=True)


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
