"""The confirmation step before a new question: the similar open questions are offered first
(selectors.similar), so the editor attaches the prediction to one of them, or confirms that
none is the same question. Used by the Add-prediction form and by each row of the
source-first screen; each names its own fields and says where its choices are."""

from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format

from forecasts.selectors.similar import SimilarQuestion, similar_questions

CONFIRM_NEW_QUESTION = "confirm_new_question"


class SimilarQuestionOfferMixin(forms.Form):
    confirm_new_question = forms.BooleanField(
        label="None of the similar questions",
        required=False,
        help_text="Tick to record the new question although similar open ones were offered.",
    )

    # The form's fields that describe the new question ("topics" may be absent).
    similar_fields: ClassVar[dict[str, str]] = {
        "title": "new_question_title",
        "deadline": "new_question_deadline",
        "topics": "new_question_topics",
    }
    similar_limit: ClassVar[int] = 5
    # How the refusal says to pick one, and to decline them all.
    offer_choose: ClassVar[str] = "here"
    offer_decline: ClassVar[str] = (
        "tick \u201cNone of the similar questions\u201d under New question"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.similar_offered: list[SimilarQuestion] = []  # the last refusal's, for templates

    def offer_similar_questions(self, cleaned_data: dict[str, Any]) -> None:
        """Refuse, once, a new question that looks like open ones, naming them."""
        title = cleaned_data.get(self.similar_fields["title"]) or ""
        if not title.strip() or cleaned_data.get(CONFIRM_NEW_QUESTION):
            return
        topics = cleaned_data.get(self.similar_fields.get("topics", "")) or []
        found = similar_questions(
            title,
            deadline=cleaned_data.get(self.similar_fields["deadline"]),
            topic_ids=[t.pk for t in topics],
            limit=self.similar_limit,
        )
        if not found:
            return
        self.similar_offered = found
        listed = "; ".join(
            f"#{s.question.pk} \u201c{s.question.title}\u201d"
            f" (deadline {date_format(s.question.deadline)})"
            for s in found
        )
        raise ValidationError(
            {
                "question": f"Similar open questions are already in the ledger: {listed}. "
                f"Choose one of them {self.offer_choose}, or {self.offer_decline} "
                "to record yours."
            }
        )
