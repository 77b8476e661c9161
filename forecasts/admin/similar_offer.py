"""The prediction form's confirmation step before a new question: the similar open
questions are offered first (selectors.similar), so the editor attaches the prediction to
one of them, or confirms that none is the same question."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from forecasts.selectors.similar import similar_questions

CONFIRM_NEW_QUESTION = "confirm_new_question"


class SimilarQuestionOfferMixin(forms.Form):
    confirm_new_question = forms.BooleanField(
        label="None of the similar questions",
        required=False,
        help_text="Tick to record the new question although similar open ones were offered.",
    )

    def offer_similar_questions(self, cleaned_data: dict[str, Any]) -> None:
        """Refuse, once, a new question that looks like open ones, naming them."""
        title = cleaned_data.get("new_question_title") or ""
        if not title.strip() or cleaned_data.get(CONFIRM_NEW_QUESTION):
            return
        topics = cleaned_data.get("new_question_topics") or []
        found = similar_questions(
            title,
            deadline=cleaned_data.get("new_question_deadline"),
            topic_ids=[t.pk for t in topics],
        )
        if not found:
            return
        listed = "; ".join(
            f"#{s.question.pk} \u201c{s.question.title}\u201d (deadline {s.question.deadline})"
            for s in found
        )
        raise ValidationError(
            {
                "question": f"Similar open questions are already in the ledger: {listed}. "
                "Choose one of them here, or tick \u201cNone of the similar questions\u201d "
                "under New question to record yours."
            }
        )
