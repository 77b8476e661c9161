"""The writes of the assistant: the article text on its Source, draft candidates, and the
editor's confirmation, which turns chosen candidates into experts, questions and predictions.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from forecasts import services
from forecasts.extraction.candidates import Candidate
from forecasts.models import Expert, ExtractionDraft, Prediction, Question, Source

User = AbstractBaseUser | None


@dataclass(frozen=True)
class ConfirmedCandidate:
    """A candidate as the editor approved it, possibly edited. `probability` is what
    record_prediction accepts: a number, "70%" or a table phrase ("is confident")."""

    speaker: str
    question_title: str
    resolution_criteria: str
    deadline: dt.date
    probability: str
    quote: str


def store_source_text(*, source: Source, text: str) -> Source:
    """Keep the article text on its source, for the record and for re-running extraction."""
    if source.text != text:
        source.text = text
        source.save(update_fields=["text"])
    return source


@transaction.atomic
def save_drafts(*, source: Source, candidates: Sequence[Candidate], user: User = None) -> list:
    """Replace the source's pending drafts with these candidates; confirmed ones stay."""
    ExtractionDraft.objects.filter(source=source, status="pending").delete()
    return [
        ExtractionDraft.objects.create(
            source=source, candidate=candidate.as_dict(), created_by=user
        )
        for candidate in candidates
    ]


def _expert(name: str) -> Expert:
    # The same name is taken to be the same person; an editor merges namesakes by hand.
    name = " ".join(name.split())
    return Expert.objects.filter(name__iexact=name).first() or services.create_expert(name=name)


def _question(row: ConfirmedCandidate, user: User) -> Question:
    existing = Question.objects.filter(
        title__iexact=" ".join(row.question_title.split()), deadline=row.deadline
    ).first()
    return existing or services.create_question(
        title=row.question_title,
        resolution_criteria=row.resolution_criteria,
        deadline=row.deadline,
        created_by=user,
    )


@transaction.atomic
def confirm_candidates(
    *,
    source: Source,
    rows: Sequence[ConfirmedCandidate],
    user: User = None,
    made_on: dt.date | None = None,
) -> list[Prediction]:
    """Create or match the experts and questions, and record one prediction per row, all or
    nothing: a refused row rolls back the others, so the editor fixes it and confirms again."""
    made_on = made_on or source.published_on or timezone.localdate()
    predictions = []
    for number, row in enumerate(rows, start=1):
        try:
            predictions.append(
                services.record_prediction(
                    expert=_expert(row.speaker),
                    question=_question(row, user),
                    probability=row.probability,
                    made_on=made_on,
                    source=source,
                    quote=row.quote,
                    recorded_by=user,
                )
            )
        except ValidationError as exc:
            raise ValidationError(f"Candidate {number} ({row.speaker}): {_flat(exc)}") from None
    return predictions


def _flat(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)
