"""Questions: created and revised through services; their predictions and history inline."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import urlencode

from forecasts import services
from forecasts.admin.base import (
    CurrentPredictionCountMixin,
    DisplayInline,
    ServiceModelAdmin,
    ServiceModelForm,
)
from forecasts.admin.display import probability_shown
from forecasts.admin.filters import DeadlinePassedFilter
from forecasts.admin.search import QuestionSearchMixin
from forecasts.models import Prediction, Question, QuestionRevision, Review

SUBSTANCE = ["title", "resolution_criteria", "deadline"]
DETAILS = ["topics", "consensus_probability", "consensus_source"]
STATE = [
    "status",
    "outcome",
    "resolved_at",
    "due_at",
    "version",
    "review_round",
    "reminder_cycle",
    "created_by",
    "created_at",
]


class QuestionCreateForm(ServiceModelForm):
    class Meta:
        model = Question
        fields = [*SUBSTANCE, *DETAILS]

    def submit(self, cleaned_data: dict[str, Any]) -> Question:
        question = services.create_question(
            title=cleaned_data["title"],
            resolution_criteria=cleaned_data["resolution_criteria"],
            deadline=cleaned_data["deadline"],
            topics=cleaned_data["topics"],
            consensus_probability=cleaned_data["consensus_probability"],
            consensus_source=cleaned_data["consensus_source"],
            created_by=self.user,
        )
        services.fall_due_now(question_ids=[question.pk])
        return question


class QuestionChangeForm(ServiceModelForm):
    reason = forms.CharField(
        label="Reason for change",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "vLargeTextField"}),
        help_text="Needed for any change (terms, topics or consensus): each change is a "
        "numbered revision, chained in the ledger with this reason and your name.",
    )

    class Meta:
        model = Question
        fields = [*SUBSTANCE, *DETAILS]

    def clean_consensus_probability(self) -> float | None:
        value = self.cleaned_data["consensus_probability"]
        if value is not None and not 0 <= value <= 1:
            raise forms.ValidationError("Give a probability between 0 and 1.")
        return value

    def submit(self, cleaned_data: dict[str, Any]) -> Question:
        # Terms and context (topics, consensus) alike: each change is a chained revision.
        return services.update_question(
            question=self.instance,
            reason=cleaned_data["reason"],
            changed_by=self.user,
            **{name: cleaned_data[name] for name in (*SUBSTANCE, *DETAILS)},
        )


class PredictionInline(DisplayInline):
    model = Prediction
    verbose_name_plural = "current predictions"
    fields = ["expert", "probability_recorded", "made_on", "source", "recorded_by", "version"]
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .current()
            .select_related("expert", "source", "recorded_by")
        )

    @admin.display(description="probability")
    def probability_recorded(self, prediction: Prediction) -> str:
        return probability_shown(prediction)


class RevisionInline(DisplayInline):
    model = QuestionRevision
    verbose_name_plural = "revisions of title, criteria and deadline"
    fields = [
        "version",
        "title",
        "resolution_criteria",
        "deadline",
        "reason",
        "changed_by",
        "changed_at",
    ]
    readonly_fields = fields
    ordering = ["-version"]


class ReviewInline(DisplayInline):
    model = Review
    verbose_name_plural = "reviews"
    fields = ["round", "reviewer", "outcome", "evidence_url", "note", "reason", "created_at"]
    readonly_fields = fields


@admin.register(Question)
class QuestionAdmin(QuestionSearchMixin, CurrentPredictionCountMixin, ServiceModelAdmin):
    add_form = QuestionCreateForm
    change_form = QuestionChangeForm
    change_form_template = "admin/forecasts/question/change_form.html"
    inlines = [PredictionInline, RevisionInline, ReviewInline]
    autocomplete_fields = ["topics"]
    list_display = ["title", "deadline", "status", "outcome", "prediction_count", "version"]
    list_per_page = 50  # as the prediction list: rendering, not the query, is most of a page
    list_filter = ["status", "topics", DeadlinePassedFilter]
    search_fields = ["title", "resolution_criteria"]
    date_hierarchy = "deadline"
    ordering = ["deadline", "id"]
    prediction_owner = "question"
    readonly_fields = STATE

    def get_fieldsets(self, request: HttpRequest, obj: Question | None = None) -> list:
        terms = (None, {"fields": SUBSTANCE})
        context = ("Context", {"fields": DETAILS})
        if obj is None:
            return [terms, context]
        state = ("State (set by review and resolution)", {"fields": STATE})
        if not self.has_change_permission(request, obj):
            return [terms, context, state]
        return [terms, ("Reason for change", {"fields": ["reason"]}), context, state]

    def get_inline_instances(self, request: HttpRequest, obj: Question | None = None) -> list:
        return [] if obj is None else super().get_inline_instances(request, obj)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        prediction_admin = self.admin_site._registry.get(Prediction)
        if prediction_admin and prediction_admin.has_add_permission(request):
            url = reverse("admin:forecasts_prediction_add")
            query = urlencode({"question": unquote(object_id)})
            extra_context = {**(extra_context or {}), "add_prediction_url": f"{url}?{query}"}
        return super().change_view(request, object_id, form_url, extra_context)
