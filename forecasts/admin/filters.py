"""List filters shared by the question and prediction lists."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone


class DeadlinePassedFilter(admin.SimpleListFilter):
    """Whether the question's deadline is before today (today itself has not passed)."""

    title = "deadline passed"
    parameter_name = "deadline_passed"
    deadline_field = "deadline"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        today = timezone.localdate()
        if self.value() == "yes":
            return queryset.filter(**{f"{self.deadline_field}__lt": today})
        if self.value() == "no":
            return queryset.filter(**{f"{self.deadline_field}__gte": today})
        return queryset


class QuestionDeadlinePassedFilter(DeadlinePassedFilter):
    deadline_field = "question__deadline"


class VersionStateFilter(admin.SimpleListFilter):
    """Current versions, or those replaced by a correction."""

    title = "version"
    parameter_name = "version_state"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("current", "Current"), ("superseded", "Superseded by a correction")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "current":
            return queryset.filter(superseded_at__isnull=True)
        if self.value() == "superseded":
            return queryset.filter(superseded_at__isnull=False)
        return queryset
