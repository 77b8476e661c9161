"""The verdict form's input, checked before the verdict is summed up for confirmation.

The shape only, as the API's ResolveSerializer checks it for the API: an outcome, and an
evidence URL (http or https) for YES and NO. services.reviews.submit_verdict checks it again
when the verdict is confirmed, with everything that depends on the question and the reviewer.
"""

from django import forms
from django.core.validators import URLValidator

from forecasts.models import Question

NEEDS_EVIDENCE = (Question.Outcome.YES, Question.Outcome.NO)


class VerdictInput(forms.Form):
    outcome = forms.ChoiceField(
        choices=Question.Outcome.choices,
        error_messages={
            "required": "Choose an outcome: yes, no or annulled.",
            "invalid_choice": "%(value)r is not an outcome: use yes, no or annulled.",
        },
    )
    evidence_url = forms.CharField(required=False, strip=True)

    def clean_evidence_url(self) -> str:
        url = self.cleaned_data["evidence_url"]
        if url:
            try:
                URLValidator(schemes=["http", "https"])(url)
            except forms.ValidationError:
                raise forms.ValidationError(
                    f"{url!r} is not a web address (http:// or https://)."
                ) from None
        return url

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("outcome") in NEEDS_EVIDENCE and not cleaned.get("evidence_url"):
            self.add_error("evidence_url", "A YES or NO verdict needs an evidence URL.")
        return cleaned


def verdict_input_errors(values: dict[str, str]) -> dict[str, list[str]]:
    """The form's errors by field, as the verdict form shows them; empty when it reads well."""
    form = VerdictInput({**values, "outcome": values.get("outcome", "").strip().lower()})
    return {field: list(errors) for field, errors in form.errors.items()}
