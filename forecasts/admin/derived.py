"""Rows staff look at but do not edit here: verdicts, assignments, reminders, scores, revisions.

Verdicts and assignments are written by the review workflow, scores and track records are
recomputed from predictions, revisions by update_question; editing them by hand would make
the ledger disagree with itself.
"""

from django.contrib import admin

from forecasts.admin.base import ViewOnlyAdmin
from forecasts.models import (
    PredictionScore,
    QuestionRevision,
    ReminderRecord,
    Review,
    ReviewAssignment,
    TrackRecord,
)


@admin.register(Review)
class ReviewAdmin(ViewOnlyAdmin):
    list_display = ["question", "round", "reviewer", "outcome", "created_at"]
    list_filter = ["outcome", "round"]
    list_select_related = ["question", "reviewer"]
    search_fields = ["question__title", "note", "evidence_url"]
    date_hierarchy = "created_at"


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(ViewOnlyAdmin):
    list_display = ["question", "reviewer", "round", "state", "assigned_at", "completed_at"]
    list_filter = ["state"]
    list_select_related = ["question", "reviewer"]
    search_fields = ["question__title", "reviewer__username"]


@admin.register(ReminderRecord)
class ReminderRecordAdmin(ViewOnlyAdmin):
    list_display = ["question", "recipient", "stage", "cycle", "claimed_at", "sent_at"]
    list_filter = ["stage"]
    list_select_related = ["question", "recipient"]
    search_fields = ["question__title", "recipient__username"]


@admin.register(TrackRecord)
class TrackRecordAdmin(ViewOnlyAdmin):
    list_display = [
        "expert",
        "topic",
        "resolved_count",
        "brier",
        "log_score",
        "hit_rate",
        "ranking_score",
        "updated_at",
    ]
    list_filter = [("topic", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["expert", "topic"]
    search_fields = ["expert__name"]


@admin.register(PredictionScore)
class PredictionScoreAdmin(ViewOnlyAdmin):
    list_display = [
        "expert",
        "question",
        "probability",
        "outcome",
        "brier",
        "log_score",
        "resolved_on",
    ]
    list_select_related = ["expert", "question"]
    search_fields = ["expert__name", "question__title"]
    date_hierarchy = "resolved_on"


@admin.register(QuestionRevision)
class QuestionRevisionAdmin(ViewOnlyAdmin):
    list_display = ["question", "version", "deadline", "reason", "changed_by", "changed_at"]
    list_select_related = ["question", "changed_by"]
    search_fields = ["question__title", "reason"]
