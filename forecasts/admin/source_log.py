"""One article, one pass: the source is picked or created once, then its predictions are
logged as rows of one screen (issue 17: two predictions from one article took four screens).

/admin/forecasts/source/log/ starts from a new or picked source, /admin/forecasts/source/<id>/
log/ from a saved one. A row left without an expert takes the one above it; a row's made-on
defaults to the source's date. Saving records every row through the records services
(services.records.from_source), all or nothing, with the refusals shown on their rows.
"""

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget, AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms import formset_factory
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from forecasts import services
from forecasts.admin.base import TopicNamesField, refuse_over_long_text
from forecasts.admin.prediction_forms import PROBABILITY_HELP
from forecasts.admin.similar_offer import CONFIRM_NEW_QUESTION, SimilarQuestionOfferMixin
from forecasts.models import Expert, Prediction, Question, Source
from forecasts.services.records.from_source import RowRefused, SourceRow, record_from_source

ROWS = 3  # empty rows offered; an editor with more saves and adds more


def _autocomplete(field_name: str) -> AutocompleteSelect:
    return AutocompleteSelect(Prediction._meta.get_field(field_name), admin.site)


class SourcePickForm(forms.Form):
    """The source: one already recorded, or a new one described here."""

    source = forms.ModelChoiceField(
        Source.objects.all(), required=False, widget=_autocomplete("source")
    )
    kind = forms.ChoiceField(choices=Source.Kind.choices, initial=Source.Kind.ARTICLE)
    title = forms.CharField(max_length=500, required=False)
    outlet = forms.CharField(max_length=200, required=False)
    url = forms.URLField(max_length=1000, required=False, label="URL", assume_scheme="https")
    published_on = forms.DateField(required=False, widget=AdminDateWidget, label="Published on")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        refuse_over_long_text(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        describes_new = data.get("title") or data.get("url")
        if data.get("source") and describes_new:
            raise ValidationError("Pick a recorded source or describe a new one, not both.")
        if not data.get("source") and not describes_new:
            raise ValidationError("Pick a recorded source, or give a new one's title or URL.")
        return data

    def get_source(self) -> Source:
        """The picked source, or the new one (matched by URL when one is recorded)."""
        data = self.cleaned_data
        if data.get("source"):
            return data["source"]
        return services.get_or_create_source(
            title=data["title"],
            url=data["url"],
            kind=data["kind"],
            outlet=data["outlet"],
            published_on=data["published_on"],
        )


class PredictionRowForm(SimilarQuestionOfferMixin, forms.Form):
    """One prediction; a new question like open ones is refused once, with them offered on
    the row (attach_to picks one; "None of these" records the new question)."""

    expert = forms.ModelChoiceField(
        Expert.objects.all(), required=False, widget=_autocomplete("expert")
    )
    expert_name = forms.CharField(max_length=200, required=False, label="or a new expert")
    question = forms.ModelChoiceField(
        Question.objects.all(), required=False, widget=_autocomplete("question")
    )
    title = forms.CharField(
        max_length=500,
        required=False,
        label="or a new question",
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
    )
    resolution_criteria = forms.CharField(
        required=False,
        label="Resolution criteria",
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
    )
    deadline = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    topics = TopicNamesField(label="Topics of a new question")
    probability = forms.CharField(max_length=200, required=False, help_text=PROBABILITY_HELP)
    made_on = forms.DateField(
        required=False,
        label="Made on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Blank: the source's date.",
    )
    quote = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 30}))
    # One of the similar open questions offered on the row (radio buttons in the template).
    attach_to = forms.ModelChoiceField(
        Question.objects.filter(status=Question.Status.OPEN),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "That question is no longer open: pick another."},
    )
    confirm_new_question = forms.BooleanField(label="None of these", required=False)

    similar_fields = {"title": "title", "deadline": "deadline"}
    similar_limit = 3
    offer_choose = "below"
    offer_decline = "tick \u201cNone of these\u201d on this row"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        refuse_over_long_text(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("expert") and data.get("expert_name", "").strip():
            self.add_error("expert_name", "Choose an expert or type a new name, not both.")
        if self.has_changed() and not data.get("probability", "").strip():
            self.add_error("probability", "Give a probability: 0.7, 70% or the words used.")
        if data.get("attach_to"):
            if data.get(CONFIRM_NEW_QUESTION):
                self.add_error(
                    CONFIRM_NEW_QUESTION,
                    "Attach to one of the similar questions or tick \u201cNone of these\u201d, "
                    "not both.",
                )
        elif data.get("question") and data.get("title", "").strip():
            self.add_error("title", "Choose a question or describe a new one, not both.")
        elif not data.get("question"):
            try:
                self.offer_similar_questions(data)
            except ValidationError as exc:
                self.add_error(None, exc)
        return data

    @property
    def attached(self) -> Question | None:
        """The similar question picked on this row, if any (for the template)."""
        return getattr(self, "cleaned_data", {}).get("attach_to")

    def row(self, previous: SourceRow | None) -> SourceRow:
        """The typed row; without an expert, the previous row's."""
        data = self.cleaned_data
        expert, name = data.get("expert"), data.get("expert_name", "").strip()
        if not expert and not name and previous is not None:
            expert, name = previous.expert, previous.expert_name
        # An attached question brings its own terms: the new question's fields are not used.
        new = {} if data.get("attach_to") else data
        return SourceRow(
            probability=data["probability"],
            expert=expert,
            expert_name=name,
            question=data.get("attach_to") or data.get("question"),
            title=new.get("title", ""),
            resolution_criteria=new.get("resolution_criteria", ""),
            deadline=new.get("deadline"),
            topics=tuple(new.get("topics", ())),
            made_on=data.get("made_on"),
            quote=data.get("quote", ""),
        )


PredictionRowFormSet = formset_factory(PredictionRowForm, extra=ROWS)
# Where a row's refusal is shown: the service's field names, as the row form calls them.
ROW_FIELDS = {
    "name": "expert_name",
    "resolution_criteria": "resolution_criteria",
    "topic": "topics",
}


class SourceLogMixin:
    """Adds the source-first screen to SourceAdmin."""

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.log_view)  # type: ignore[attr-defined]
        return [
            path("log/", view, name="forecasts_source_log"),
            path("<int:source_id>/log/", view, name="forecasts_source_log"),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def log_view(self, request: HttpRequest, source_id: int | None = None) -> HttpResponse:
        if not request.user.has_perm("forecasts.add_prediction"):
            raise PermissionDenied
        source = get_object_or_404(Source, pk=source_id) if source_id else None
        if request.method == "POST":
            pick = None if source else SourcePickForm(request.POST, prefix="source")
            rows = PredictionRowFormSet(request.POST, prefix="row")
            recorded = self._log_record(request, source, pick, rows)
            if recorded:
                return self._log_saved(request, *recorded)
        else:
            pick = None if source else SourcePickForm(prefix="source")
            rows = PredictionRowFormSet(prefix="row", initial=self._log_carried(request))
        return self._render_log(request, source, pick, rows)

    def _log_carried(self, request: HttpRequest) -> list[dict[str, Any]]:
        """ "Save and log more" keeps the expert and the made-on of the last row."""
        carried = {k: request.GET[k] for k in ("expert", "made_on") if request.GET.get(k)}
        return [carried] if carried else []

    def _log_record(
        self, request: HttpRequest, source: Source | None, pick: Any, rows: Any
    ) -> tuple[Source, list[Prediction]] | None:
        if not rows.is_valid() or (pick is not None and not pick.is_valid()):
            offered = [str(i) for i, form in enumerate(rows.forms, 1) if form.similar_offered]
            if offered:
                messages.warning(
                    request,
                    f"Nothing was recorded yet: similar open questions are offered on "
                    f"row{pluralize(offered)} {', '.join(offered)}. Attach each prediction to "
                    "one of them, or tick \u201cNone of these\u201d, and save again.",
                )
            return None
        filled = [form for form in rows.forms if form.has_changed()]
        if not filled:
            rows._non_form_errors = rows.error_class(["Fill in at least one prediction."])
            return None
        typed: list[SourceRow] = []
        for form in filled:
            typed.append(form.row(typed[-1] if typed else None))
        try:
            with transaction.atomic():
                source = source or pick.get_source()
                return source, record_from_source(
                    source=source, rows=typed, recorded_by=request.user
                )
        except RowRefused as exc:
            self._log_refusal(filled[exc.index], exc)
        except ValidationError as exc:  # the new source was refused
            pick.add_error(None, exc)
        messages.error(request, "Nothing was recorded: fix the marked row and save again.")
        return None

    @staticmethod
    def _log_refusal(form: PredictionRowForm, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            form.add_error(None, exc)
            return
        for name, errors in exc.error_dict.items():
            field = ROW_FIELDS.get(name, name)
            form.add_error(field if field in form.fields else None, errors)

    def _log_saved(
        self, request: HttpRequest, source: Source, predictions: list[Prediction]
    ) -> HttpResponse:
        messages.success(
            request,
            f"Recorded {len(predictions)} prediction{pluralize(len(predictions))} from “{source}”.",
        )
        if "_addanother" in request.POST:
            last = predictions[-1]
            carried = {"expert": last.expert_id, "made_on": last.made_on.isoformat()}
            url = reverse("admin:forecasts_source_log", args=[source.pk])
            return HttpResponseRedirect(f"{url}?{urlencode(carried)}")
        url = reverse("admin:forecasts_prediction_changelist")
        return HttpResponseRedirect(f"{url}?source__id__exact={source.pk}")

    def _render_log(
        self, request: HttpRequest, source: Source | None, pick: Any, rows: Any
    ) -> TemplateResponse:
        media = rows.media + (pick.media if pick else forms.Media())
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "opts": Source._meta,
            "original": source,
            # The source under the heading, as Django's change form shows its object: in the
            # heading, a long source title ran under the "Extract predictions" button.
            "title": "Log predictions",
            "subtitle": f"From “{source}”" if source else None,
            "pick": pick,
            "rows": rows,
            "media": self.media + media,  # type: ignore[attr-defined]
        }
        return TemplateResponse(request, "admin/forecasts/source/log_predictions.html", context)
