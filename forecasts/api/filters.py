"""Query-string filters of the list endpoints (django-filter). Text search is `?search=`."""

import django_filters as filters
from django import forms

from forecasts.models import Expert, Prediction, Question, Review, Source, Topic, TrackRecord


class IdFilter(filters.NumberFilter):
    """A whole number the database can hold (a huge one would overflow, not filter)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 2**53)
        super().__init__(*args, **kwargs)


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
    published_on = filters.DateFromToRangeFilter(
        label="published_on_after / published_on_before (YYYY-MM-DD)."
    )

    class Meta:
        model = Source
        fields = ["kind", "outlet", "published_on"]


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
    deadline = filters.DateFromToRangeFilter(label="deadline_after / deadline_before (YYYY-MM-DD).")

    class Meta:
        model = Question
        fields = ["status", "outcome", "topic", "expert", "deadline"]


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
    made_on = filters.DateFromToRangeFilter(label="made_on_after / made_on_before (YYYY-MM-DD).")
    deadline = filters.DateFromToRangeFilter(
        field_name="question__deadline",
        label="deadline_after / deadline_before of the question (YYYY-MM-DD).",
    )
    include_superseded = filters.BooleanFilter(
        method="filter_superseded",
        label="true: also list versions replaced by a correction (default: current only).",
    )

    class Meta:
        model = Prediction
        fields = ["expert", "question", "source", "topic", "status", "basis", "made_on"]

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


class TrackRecordFilter(filters.FilterSet):
    expert = filters.ModelChoiceFilter(
        to_field_name="slug", queryset=Expert.objects.all(), label="Expert slug."
    )
    topic = filters.CharFilter(
        method="filter_topic", label="Topic slug; `overall` for the records over all topics."
    )
    record = filters.ChoiceFilter(
        choices=[("all", "all"), ("prospective", "prospective")],
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
