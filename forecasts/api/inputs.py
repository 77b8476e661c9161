"""What the API accepts: the serializers of request bodies that services act on (writes).

What it answers with is in serializers.py; these validate input and hand it to a service.
"""

import datetime as dt
import re
from typing import Any

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from forecasts.api.serializers import REASON_HELP, StrictInput
from forecasts.models import Expert, Question, Source
from forecasts.services import find_source_by_url


class CalendarDateField(serializers.DateField):
    """A date, where a well-formed day that does not exist ("2026-02-30") is said to be one,
    not "wrong format. Use YYYY-MM-DD" (which it is in)."""

    def to_internal_value(self, value: Any) -> Any:
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            try:
                dt.date.fromisoformat(value.strip())
            except ValueError as exc:
                raise serializers.ValidationError(
                    f"{value.strip()} is not a day of the calendar ({exc})."
                ) from None
        return super().to_internal_value(value)


# --- Sources ----------------------------------------------------------------------------------


@extend_schema_serializer(component_name="Source")  # SourceRequest, PatchedSourceRequest
class SourceWriteSerializer(StrictInput, serializers.ModelSerializer):
    published_on = CalendarDateField(required=False, allow_null=True)
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


class SourceUrlField(serializers.SlugRelatedField):
    """A source named by its URL, matched by the URL's key (services.find_source_by_url)."""

    def to_internal_value(self, data: Any) -> Source:
        if not isinstance(data, str):
            self.fail("invalid")
        source = find_source_by_url(data)
        if source is None:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return source


# --- Questions --------------------------------------------------------------------------------


# Where a question's status and outcome are set instead (StrictInput).
_VERDICT = "a question is settled by a verdict: POST /api/questions/{id}/resolve/"
BY_VERDICT = {"status": _VERDICT, "outcome": _VERDICT}


class TopicNamesField(serializers.ListField):
    """Topics by slug or by name; an unknown name creates the topic (get_or_create_topic)."""

    child = serializers.CharField(max_length=120)


class QuestionCreateSerializer(StrictInput, serializers.Serializer):
    input_hints = BY_VERDICT

    title = serializers.CharField(max_length=500, help_text="Phrased so it resolves YES or NO.")
    resolution_criteria = serializers.CharField(
        help_text="What counts as YES, what as NO, what annuls it."
    )
    deadline = CalendarDateField()
    topics = TopicNamesField(required=False, default=list)
    consensus_probability = serializers.FloatField(
        required=False, allow_null=True, default=None, min_value=0, max_value=1
    )
    consensus_source = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )


class QuestionUpdateSerializer(StrictInput, serializers.Serializer):
    """A change of terms is a numbered revision and needs a reason (services.update_question)."""

    input_hints = BY_VERDICT

    title = serializers.CharField(max_length=500, required=False)
    resolution_criteria = serializers.CharField(required=False)
    deadline = CalendarDateField(required=False)
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Why the terms change; kept."
    )
    topics = TopicNamesField(required=False)
    consensus_probability = serializers.FloatField(
        required=False, allow_null=True, min_value=0, max_value=1
    )
    consensus_source = serializers.CharField(max_length=500, required=False, allow_blank=True)


class ResolveSerializer(StrictInput, serializers.Serializer):
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


# --- Predictions ------------------------------------------------------------------------------


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


class IdField(serializers.PrimaryKeyRelatedField):
    """A related row by its id, which must be a whole number: DRF's field hands 1.5 or "1.9"
    to the lookup, where Django cuts it to 1, so the record was silently attached to another
    row than the client meant."""

    def to_internal_value(self, data: Any) -> Any:
        whole = isinstance(data, int) and not isinstance(data, bool)
        if not whole and not (isinstance(data, str) and data.strip().isdigit()):
            raise serializers.ValidationError(f"Give the id as a whole number (got {data!r}).")
        return super().to_internal_value(data)


class PredictionCreateSerializer(StrictInput, serializers.Serializer):
    expert = serializers.SlugRelatedField(slug_field="slug", queryset=Expert.objects.all())
    question = IdField(
        queryset=Question.objects.all(),
        required=False,
        help_text="An existing question's id; or give `new_question` instead.",
    )
    new_question = QuestionCreateSerializer(
        required=False, help_text="Creates the question together with the prediction."
    )
    probability = ProbabilityInputField()
    made_on = CalendarDateField()
    source = IdField(queryset=Source.objects.all(), required=False, allow_null=True, default=None)
    source_url = SourceUrlField(
        slug_field="url",
        queryset=Source.objects.exclude(url=""),
        required=False,
        help_text="The source by its URL, instead of `source` (its id); matched as sources "
        "are (scheme and host case, default port, fragment and utm_*/fbclid/gclid aside).",
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


class CorrectionSerializer(StrictInput, serializers.Serializer):
    """The fields that change, and why. Unnamed fields keep their published value."""

    reason = serializers.CharField(help_text="Why the record is corrected; kept in the history.")
    probability = ProbabilityInputField(required=False)
    phrase = serializers.CharField(max_length=200, required=False, allow_blank=True)
    made_on = CalendarDateField(required=False)
    expert = serializers.SlugRelatedField(
        slug_field="slug", queryset=Expert.objects.all(), required=False
    )
    question = IdField(queryset=Question.objects.all(), required=False)
    source = IdField(queryset=Source.objects.all(), required=False, allow_null=True)
    quote = serializers.CharField(required=False, allow_blank=True)


class SimilarQuestionsQuery(serializers.Serializer):
    """`GET /api/questions/?similar_to=TEXT`: the open questions most like TEXT."""

    similar_to = serializers.CharField(
        max_length=500, help_text="A question title, as an editor would write it."
    )
    near_deadline = CalendarDateField(
        required=False, help_text="Questions with a deadline within a month of it rank higher."
    )
    topic = serializers.ListField(
        child=serializers.SlugField(max_length=140),
        required=False,
        help_text="Topic slugs (repeatable): questions sharing one rank higher.",
    )
    limit = serializers.IntegerField(min_value=1, max_value=20, default=5)
