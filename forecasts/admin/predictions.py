"""Predictions: the editors' main screen. Recorded through services, corrected by new versions."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import URLPattern, path, reverse

from forecasts import services
from forecasts.admin.base import ServiceModelAdmin
from forecasts.admin.display import percent, probability_shown
from forecasts.admin.filters import QuestionDeadlinePassedFilter, VersionStateFilter
from forecasts.admin.prediction_forms import (
    NEW_QUESTION_FIELDS,
    PredictionCorrectionForm,
    PredictionRecordForm,
)
from forecasts.admin.search import PredictionSearchMixin
from forecasts.admin.similar_offer import CONFIRM_NEW_QUESTION
from forecasts.models import Prediction

RECORD_FIELDS = (
    "basis",
    "phrase",
    "table_version",
    "version",
    "recorded_by",
    "created_at",
    "correction_reason",
    "superseded_at",
)

RECORD_A_PREDICTION = [
    (None, {"fields": ["expert", "question"]}),
    (
        "New question",
        {
            "fields": [*NEW_QUESTION_FIELDS, CONFIRM_NEW_QUESTION],
            "description": "Only when the question is not in the ledger yet.",
        },
    ),
    ("Forecast", {"fields": ["probability_input", "made_on", "source", "quote"]}),
]
CORRECT_A_PREDICTION = [
    (None, {"fields": ["expert", "question", "probability_input", "made_on", "source", "quote"]}),
    (
        "Correction",
        {
            "fields": ["reason"],
            "description": "A published prediction is not edited in place: a change above "
            "with a reason records a new version; this one stays in the history.",
        },
    ),
    ("Record", {"fields": ["recorded_as", *RECORD_FIELDS]}),
]
VIEW_A_PREDICTION = [
    (None, {"fields": ["expert", "question", "recorded_as", "made_on", "source", "quote"]}),
    ("Record", {"fields": list(RECORD_FIELDS)}),
]


@admin.register(Prediction)
class PredictionAdmin(PredictionSearchMixin, ServiceModelAdmin):
    add_form = PredictionRecordForm
    change_form = PredictionCorrectionForm
    change_form_template = "admin/forecasts/prediction/change_form.html"
    autocomplete_fields = ["expert", "question", "source"]
    list_display = [
        "expert",
        "question",
        "probability_recorded",
        "basis",
        "made_on",
        "source",
        "version_shown",
    ]
    # No filter by expert: one link per expert with predictions is thousands of links (and
    # a DISTINCT over every prediction) per page. Search finds an expert's predictions, and
    # the counts in the expert and question lists link to them (?expert__id__exact=ID).
    list_filter = [
        "question__status",
        "question__topics",
        QuestionDeadlinePassedFilter,
        "basis",
        VersionStateFilter,
    ]
    list_select_related = ["expert", "question", "source"]
    # Fifty rows a page, not Django's hundred: the admin renders a row in about 0.6 ms, and
    # a search's page is read from the top.
    list_per_page = 50
    search_fields = ["expert__name", "question__title", "quote"]  # see PredictionSearchMixin
    date_hierarchy = "made_on"
    # Newest logged first, which the primary key serves: the model's order (date said, over
    # every version) sorted the whole table for each page (1.2 s at 1,000,000 predictions).
    ordering = ["-id"]

    class Media:
        js = ["forecasts/admin/probability_preview.js"]
        css = {"all": ["forecasts/admin/ledger.css"]}

    # --- Columns and read-only fields ---------------------------------------------------------

    @admin.display(description="probability", ordering="probability")
    def probability_recorded(self, prediction: Prediction) -> str:
        return probability_shown(prediction)

    @admin.display(description="recorded as")
    def recorded_as(self, prediction: Prediction) -> str:
        return probability_shown(prediction)

    # One column for both, not "version" and a "current" icon: at 1,280 px the list's eight
    # columns ran past the admin's content column.
    @admin.display(description="version", ordering="version")
    def version_shown(self, prediction: Prediction) -> str:
        if prediction.superseded_at is None:
            return str(prediction.version)
        return f"{prediction.version} (superseded)"

    # --- Permissions: a published prediction is a record ---------------------------------------

    def has_change_permission(self, request: HttpRequest, obj: Prediction | None = None) -> bool:
        if obj is not None and obj.superseded_at is not None:
            return False  # a superseded version is history; correct the latest one
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Prediction | None = None) -> bool:
        return False

    # --- Forms --------------------------------------------------------------------------------

    def get_fieldsets(self, request: HttpRequest, obj: Prediction | None = None) -> list:
        if obj is None:
            return RECORD_A_PREDICTION
        if self.has_change_permission(request, obj):
            return CORRECT_A_PREDICTION
        return VIEW_A_PREDICTION

    def get_readonly_fields(self, request: HttpRequest, obj: Prediction | None = None) -> tuple:
        return () if obj is None else ("recorded_as", *RECORD_FIELDS)

    # --- After a save -------------------------------------------------------------------------

    def response_add(
        self, request: HttpRequest, obj: Prediction, post_url_continue: str | None = None
    ) -> HttpResponse:
        """ "Save and add another" keeps the expert, the source and the made-on: the next
        prediction from the same article starts from them instead of from nothing."""
        response = super().response_add(request, obj, post_url_continue)
        if "_addanother" not in request.POST:
            return response
        kept = {"expert": obj.expert_id, "made_on": obj.made_on.isoformat()}
        if obj.source_id:
            kept["source"] = obj.source_id
        location = response["Location"]
        return HttpResponseRedirect(f"{location}{'&' if '?' in location else '?'}{urlencode(kept)}")

    def response_change(self, request: HttpRequest, obj: Prediction) -> HttpResponse:
        object_id = unquote(request.resolver_match.kwargs["object_id"])
        if str(obj.pk) == object_id:
            self.message_user(request, "Nothing changed: the prediction stays as it was.")
            if "_continue" in request.POST:
                return HttpResponseRedirect(request.path)
            return HttpResponseRedirect(reverse("admin:forecasts_prediction_changelist"))
        self.message_user(
            request,
            f"Recorded version {obj.version} of this prediction ({probability_shown(obj)}). "
            f"Version {obj.version - 1} is kept in the history.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:forecasts_prediction_change", args=[obj.pk]))

    # --- Change page: version history and the superseded banner ------------------------------

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        prediction = self.get_object(request, unquote(object_id))
        if prediction is not None:
            extra_context = {**(extra_context or {}), **self._history_context(prediction)}
        return super().change_view(request, object_id, form_url, extra_context)

    def _history_context(self, prediction: Prediction) -> dict[str, Any]:
        history = services.prediction_history(prediction)
        latest = history[-1]
        rows = [
            {
                "prediction": version,
                "shown": probability_shown(version),
                "url": reverse("admin:forecasts_prediction_change", args=[version.pk]),
                "is_this": version.pk == prediction.pk,
            }
            for version in reversed(history)
        ]
        return {
            "version_history": rows,
            "latest_version": latest,
            "latest_version_url": reverse("admin:forecasts_prediction_change", args=[latest.pk]),
        }

    # --- The live preview of what a typed probability maps to --------------------------------

    def get_urls(self) -> list[URLPattern]:
        preview = path(
            "probability-preview/",
            self.admin_site.admin_view(self.probability_preview_view),
            name="forecasts_prediction_probability_preview",
        )
        return [preview, *super().get_urls()]

    def probability_preview_view(self, request: HttpRequest) -> JsonResponse:
        """{probability, basis, phrase, shown} for ?text=..., or {error} (always 200)."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        try:
            parsed = services.parse_probability_input(request.GET.get("text", ""))
        except ValidationError as exc:
            return JsonResponse({"error": " ".join(exc.messages)})
        return JsonResponse(
            {
                "probability": parsed.probability,
                "basis": parsed.basis,
                "phrase": parsed.phrase,
                "table_version": parsed.table_version,
                "shown": percent(parsed.probability),
            }
        )
