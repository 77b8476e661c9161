"""The two prediction forms: record one (with a new question if needed), and correct one."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from forecasts import services
from forecasts.admin.base import ServiceModelForm
from forecasts.admin.display import percent, probability_as_typed
from forecasts.admin.similar_offer import SimilarQuestionOfferMixin
from forecasts.models import Prediction, Question, Topic

PROBABILITY_HELP = (
    "A number (0.7), a percentage (70%) or the words used (“is confident that”). "
    "The number it maps to is shown as you type."
)
NOT_EDITED_IN_PLACE = (
    "Published predictions are a record and are not edited in place. You changed: {fields}. "
    "To correct this prediction, fill in “Reason for correction”: a new version will be "
    "recorded, and this one kept in its history."
)
# The substance fields the correction form edits as model fields; probability is typed.
CORRECTABLE_FIELDS = ("expert", "question", "made_on", "source", "quote")
NEW_QUESTION_FIELDS = (
    "new_question_title",
    "new_question_criteria",
    "new_question_deadline",
    "new_question_topics",
)


class ProbabilityInputMixin(forms.Form):
    probability_input = forms.CharField(
        label="Probability", max_length=200, help_text=PROBABILITY_HELP
    )

    service_field_names = {"probability": "probability_input"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The live preview (probability_preview.js) asks this URL what the text maps to.
        self.fields["probability_input"].widget.attrs.update(
            {
                "data-preview-url": reverse("admin:forecasts_prediction_probability_preview"),
                "autocomplete": "off",
                "class": "vTextField",
            }
        )


class PredictionRecordForm(SimilarQuestionOfferMixin, ProbabilityInputMixin, ServiceModelForm):
    """Record a prediction on an existing question, or on a new one described here."""

    new_question_title = forms.CharField(
        label="Title",
        required=False,
        max_length=500,
        help_text="Phrased so that it resolves YES or NO.",
        widget=forms.TextInput(attrs={"class": "vLargeTextField"}),
    )
    new_question_criteria = forms.CharField(
        label="Resolution criteria",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
        help_text="What counts as YES, what as NO, and what annuls the question.",
    )
    new_question_deadline = forms.DateField(
        label="Deadline", required=False, widget=AdminDateWidget
    )
    new_question_topics = forms.ModelMultipleChoiceField(
        Topic.objects.all(),
        label="Topics",
        required=False,
        widget=AutocompleteSelectMultiple(Question._meta.get_field("topics"), admin.site),
    )

    service_field_names = {
        "probability": "probability_input",
        "title": "new_question_title",
        "resolution_criteria": "new_question_criteria",
        "deadline": "new_question_deadline",
    }

    class Meta:
        model = Prediction
        fields = ["expert", "question", "source", "made_on", "quote"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["question"].required = False
        self.fields["question"].help_text = "Or describe a new question below."
        self.fields["made_on"].initial = timezone.localdate

    def submit(self, cleaned_data: dict[str, Any]) -> Prediction:
        question = cleaned_data.get("question") or self._create_question(cleaned_data)
        prediction = services.record_prediction(
            expert=cleaned_data["expert"],
            question=question,
            probability=cleaned_data["probability_input"],
            made_on=cleaned_data["made_on"],
            source=cleaned_data.get("source"),
            quote=cleaned_data.get("quote", ""),
            recorded_by=self.user,
        )
        services.fall_due_now(question_ids=[question.pk])
        return prediction

    def _create_question(self, cleaned_data: dict[str, Any]) -> Question:
        describes_new = any(cleaned_data.get(name) for name in NEW_QUESTION_FIELDS)
        if not describes_new:
            raise ValidationError(
                {"question": "Choose a question, or describe a new one under “New question”."}
            )
        if not cleaned_data.get("new_question_deadline"):
            raise ValidationError({"deadline": "A new question needs a deadline."})
        self.offer_similar_questions(cleaned_data)
        return services.create_question(
            title=cleaned_data["new_question_title"],
            resolution_criteria=cleaned_data["new_question_criteria"],
            deadline=cleaned_data["new_question_deadline"],
            topics=cleaned_data["new_question_topics"],
            created_by=self.user,
        )

    def clean(self) -> dict[str, Any]:
        chose = self.cleaned_data.get("question")
        if chose and any(self.cleaned_data.get(name) for name in NEW_QUESTION_FIELDS):
            self.add_error(None, "Choose an existing question or describe a new one, not both.")
        return super().clean()


class PredictionCorrectionForm(ProbabilityInputMixin, ServiceModelForm):
    """The substance of a published prediction, with the reason a correction needs."""

    reason = forms.CharField(
        label="Reason for correction",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "vLargeTextField"}),
        help_text="Needed to change anything above; kept in the history with your name.",
    )

    class Meta:
        model = Prediction
        fields = CORRECTABLE_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial["probability_input"] = probability_as_typed(self.instance)

    def submit(self, cleaned_data: dict[str, Any]) -> Prediction:
        changes = self._changes(cleaned_data)
        if not changes:
            if cleaned_data["reason"]:
                raise ValidationError(
                    {"reason": "Nothing above was changed, so there is nothing to correct."}
                )
            return self.instance
        if not cleaned_data["reason"]:
            labels = ", ".join(str(self.fields[self._form_name(n)].label).lower() for n in changes)
            raise ValidationError(NOT_EDITED_IN_PLACE.format(fields=labels))
        return services.correct_prediction(
            prediction=self.instance,
            reason=cleaned_data["reason"],
            corrected_by=self.user,
            **changes,
        )

    def _changes(self, cleaned_data: dict[str, Any]) -> dict[str, Any]:
        """The substance fields whose value differs from the stored one."""
        prediction = self.instance
        changes = {
            name: cleaned_data.get(name)
            for name in CORRECTABLE_FIELDS
            if cleaned_data.get(name) != getattr(prediction, name)
        }
        typed = cleaned_data["probability_input"]
        if typed == self.initial["probability_input"]:
            return changes
        parsed = services.parse_probability_input(typed)
        if parsed.probability == prediction.probability and not changes:
            raise ValidationError(
                {
                    "probability": f"“{typed}” maps to {percent(parsed.probability)}, the number "
                    "already recorded: a correction changes the number, not only the words."
                }
            )
        changes["probability"] = typed
        return changes

    def _form_name(self, service_name: str) -> str:
        return self.service_field_names.get(service_name, service_name)
