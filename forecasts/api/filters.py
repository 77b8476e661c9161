"""Query-string filters of the list endpoints (django-filter). Text search is `?search=`.

Date ranges are two filters (`made_on_after`, `made_on_before`), not one range filter, so a
bad value is reported under the parameter that holds it.
"""

from typing import Any

import django_filters as filters
from django import forms
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.request import Request

from forecasts.models import Expert, Prediction, Question, Review, Source, Topic, TrackRecord


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    """A whole number the database can hold (a huge one would overflow, not filter)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 2**53)
        super().__init__(*args, **kwargs)


def date_range(field_name: str, what: str) -> tuple[filters.DateFilter, filters.DateFilter]:
    """`<name>_after` (on or after) and `<name>_before` (on or before), each YYYY-MM-DD."""
    return (
        filters.DateFilter(field_name, "gte", label=f"{what} on or after (YYYY-MM-DD)."),
        filters.DateFilter(field_name, "lte", label=f"{what} on or before (YYYY-MM-DD)."),
    )


class ListedSearchFilter(SearchFilter):
    """`?search=`, listed in the schema only on the lists that search (reviews do not)."""

    def get_schema_operation_parameters(self, view: Any) -> list[dict]:
        if not getattr(view, "search_fields", None):
            return []
        return super().get_schema_operation_parameters(view)


class CheckedOrderingFilter(OrderingFilter):
    """`?ordering=` with the fields a list allows (`-` first for descending), comma-separated;
    any other value is a 400 naming the parameter, not silently ignored."""

    def get_ordering(self, request: Request, queryset: QuerySet, view: Any) -> Any:
        param = request.query_params.get(self.ordering_param)
        if param:
            allowed = self.allowed_values(view)
            wrong = [t.strip() for t in param.split(",") if t.strip() not in allowed]
            if wrong:
                message = f"Order by one of: {', '.join(allowed)} (got {wrong[0]!r})."
                if not allowed:  # the CSV export: its rows come as the import reads them
                    message = f"This list comes in one order and takes no ordering (got {param!r})."
                raise exceptions.ValidationError({self.ordering_param: [message]})
        ordering = super().get_ordering(request, queryset, view)
        if ordering and not any(str(f).lstrip("-") in ("id", "pk") for f in ordering):
            # Rows tied on the asked field (same day, same probability) in a fixed order:
            # otherwise a page boundary between them could repeat one and skip another.
            ordering = [*ordering, "-id"]
        return ordering

    @staticmethod
    def allowed_values(view: Any) -> list[str]:
        fields = getattr(view, "ordering_fields", None) or []
        return [v for f in fields for v in (f, f"-{f}")]

    def get_schema_operation_parameters(self, view: Any) -> list[dict]:
        values = self.allowed_values(view)
        if not values:
            return []
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "Sort by this field; `-` first for descending.",
                "schema": {"type": "string", "enum": values},
            }
        ]


class ExpertFilter(filters.FilterSet):
    topic = filters.ModelChoiceFilter(
        field_name="predictions__question__topics",
        to_field_name="slug",
        queryset=Topic.objects.all(),
        distinct=True,
        label="Experts with a prediction on a question of this topic (slug).",
    )

    class Meta:
        model = Expert
        fields = ["topic"]


class SourceFilter(filters.FilterSet):
    published_on_after, published_on_before = date_range("published_on", "Published")

    class Meta:
        model = Source
        fields = ["kind", "outlet"]


class QuestionFilter(filters.FilterSet):
    # distinct=False: a column of the question itself, so no row can repeat; django-filter's
    # default DISTINCT made PostgreSQL sort every matching row before the first page.
    status = filters.MultipleChoiceFilter(choices=Question.Status.choices, distinct=False)
    outcome = filters.ChoiceFilter(choices=Question.Outcome.choices)
    topic = filters.ModelChoiceFilter(
        field_name="topics",
        to_field_name="slug",
        queryset=Topic.objects.all(),
        label="Topic slug.",
    )
    expert = filters.ModelChoiceFilter(
        field_name="predictions__expert",
        to_field_name="slug",
        queryset=Expert.objects.all(),
        distinct=True,
        label="Questions this expert (slug) made a prediction on.",
    )
    deadline_after, deadline_before = date_range("deadline", "Deadline")

    class Meta:
        model = Question
        fields = ["status", "outcome", "topic", "expert"]


class PredictionFilter(filters.FilterSet):
    expert = filters.ModelChoiceFilter(
        to_field_name="slug", queryset=Expert.objects.all(), label="Expert slug."
    )
    question = IdFilter(field_name="question_id", label="Question id.")
    source = IdFilter(field_name="source_id", label="Source id.")
    topic = filters.ModelChoiceFilter(
        field_name="question__topics",
        to_field_name="slug",
        queryset=Topic.objects.all(),
        label="Topic slug of the question.",
    )
    status = filters.MultipleChoiceFilter(
        field_name="question__status",
        choices=Question.Status.choices,
        label="Status of the question.",
        distinct=False,  # one question per prediction: nothing to deduplicate
    )
    basis = filters.ChoiceFilter(choices=Prediction.Basis.choices)
    made_on_after, made_on_before = date_range("made_on", "Made")
    deadline_after, deadline_before = date_range("question__deadline", "The question's deadline")
    include_superseded = filters.BooleanFilter(
        method="filter_superseded",
        label="true: also list versions replaced by a correction (default: current only).",
    )

    class Meta:
        model = Prediction
        fields = ["expert", "question", "source", "topic", "status", "basis"]

    @extend_schema_field(OpenApiTypes.BOOL)
    def filter_superseded(self, queryset, name: str, value: bool | None):
        return queryset  # applied in filter_queryset so the default holds without the param

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("include_superseded"):
            queryset = queryset.filter(superseded_at__isnull=True)
        return queryset


class ReviewFilter(filters.FilterSet):
    question = IdFilter(field_name="question_id", label="Question id.")
    round = IdFilter(label="Review round: 1, then one more per re-resolution.")

    class Meta:
        model = Review
        fields = ["question", "outcome", "round"]


# Which forecasts a track record is over (named TrackRecordScope in the OpenAPI document).
RECORD_SCOPES = [("all", "all"), ("prospective", "prospective")]


class TrackRecordFilter(filters.FilterSet):
    expert = filters.ModelChoiceFilter(
        to_field_name="slug", queryset=Expert.objects.all(), label="Expert slug."
    )
    topic = filters.CharFilter(
        method="filter_topic", label="Topic slug; `overall` for the records over all topics."
    )
    record = filters.ChoiceFilter(
        choices=RECORD_SCOPES,
        method="filter_record",
        empty_label=None,
        label="`all` (default): records over every scored forecast; `prospective`: over "
        "prospective forecasts only.",
    )

    class Meta:
        model = TrackRecord
        fields = ["expert", "topic", "record"]

    def filter_record(self, queryset, name: str, value: str):
        return queryset  # applied in filter_queryset so the default holds without the param

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        prospective = self.form.cleaned_data.get("record") == "prospective"
        return queryset.filter(prospective_only=prospective)

    def filter_topic(self, queryset, name: str, value: str):
        if value == "overall":
            return queryset.filter(topic__isnull=True)
        return queryset.filter(topic__slug=value)
