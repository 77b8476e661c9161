"""Rows staff look at but do not edit here: verdicts, assignments, reminders, scores, revisions.

Verdicts and assignments are written by the review workflow, scores and track records are
recomputed from predictions, revisions by update_question; editing them by hand would make
the ledger disagree with itself.
"""

from django.contrib import admin

from forecasts.admin.base import ViewOnlyAdmin
from forecasts.admin.display import percent
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


def figure(value: float | None) -> str:
    """A score as staff compare them, four decimals (-1.3863, not -1.38629436112); "-" for
    a record with nothing scored."""
    return "-" if value is None else f"{value:.4f}"


class ScoreColumns:
    """The Brier and log score columns of a list of scores or records, rounded."""

    @admin.display(description="Brier", ordering="brier")
    def brier_shown(self, row: PredictionScore | TrackRecord) -> str:
        return figure(row.brier)

    @admin.display(description="log score", ordering="log_score")
    def log_score_shown(self, row: PredictionScore | TrackRecord) -> str:
        return figure(row.log_score)


@admin.register(TrackRecord)
class TrackRecordAdmin(ScoreColumns, ViewOnlyAdmin):
    list_display = [
        "expert",
        "topic",
        "scope",
        "resolved_count",
        "brier_shown",
        "log_score_shown",
        "hit_rate_shown",
        "ranking_score_shown",
        "updated_at",
    ]
    list_filter = ["prospective_only", ("topic", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["expert", "topic"]
    search_fields = ["expert__name"]

    # Each (expert, topic) has two records, over every forecast and over prospective ones
    # only (SCORING.md, hindsight); without this column the list showed look-alike pairs.
    @admin.display(description="forecasts", ordering="prospective_only")
    def scope(self, record: TrackRecord) -> str:
        return "prospective only" if record.prospective_only else "all"

    @admin.display(description="hit rate", ordering="hit_rate")
    def hit_rate_shown(self, record: TrackRecord) -> str:
        return "-" if record.hit_rate is None else percent(record.hit_rate)

    @admin.display(description="ranking score", ordering="ranking_score")
    def ranking_score_shown(self, record: TrackRecord) -> str:
        return figure(record.ranking_score)


@admin.register(PredictionScore)
class PredictionScoreAdmin(ScoreColumns, ViewOnlyAdmin):
    list_display = [
        "expert",
        "question",
        "probability",
        "outcome",
        "brier_shown",
        "log_score_shown",
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
