"""The duplicate rule: one expert's one claim in one source is recorded once.

A new prediction is a duplicate of a current (not superseded) prediction when it has
- the same expert, and
- the same source, and
- the same claim: the same question, or the same quote once normalised (case, accents,
  punctuation and spacing ignored; an empty quote matches nothing).

Without a source nothing ties two forecasts to one utterance, and experts do repeat a forecast
on another day, so a prediction without one is a duplicate only of the very same record: the
same expert, question, day said, probability and quote (a client sending it twice).

The same question with another probability is refused too: that is a correction of the
record, made with a reason (services.records.predictions.correct_prediction). Every way in
(admin, API, extraction confirm, CSV import) refuses through this module.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q

from forecasts.models import Expert, Prediction, Question, Source
from forecasts.naming import name_key


class DuplicatePrediction(ValidationError):
    """The API answers 409 with the existing prediction's URL; the others show the message."""

    def __init__(self, existing: Prediction) -> None:
        self.existing = existing
        what = (
            "this claim from this source"
            if existing.source_id
            else ("this forecast (same question, day, probability and quote, no source)")
        )
        super().__init__(
            f"{existing.expert.name} already has {what} on record "
            f"(prediction {existing.pk}, on \u201c{existing.question.title}\u201d). Open it and "
            f"correct it with a reason if it is wrong; the same claim is recorded once.",
            code="duplicate",
        )


def claim_key(quote: str) -> str:
    """A quote as compared: "It is *likely*." and "it is likely" are one claim."""
    return name_key(quote)


def find_duplicate(
    *,
    expert: Expert,
    question: Question,
    source: Source | None,
    quote: str = "",
    made_on: dt.date | None = None,
    probability: float | None = None,
) -> Prediction | None:
    if source is None:
        return _same_record(expert, question, quote, made_on, probability)
    _lock_claims_of(expert, source.pk)
    candidates = Prediction.objects.current().filter(expert=expert, source=source)
    key = claim_key(quote)
    same_claim = Q(question=question)
    if key:
        same_claim |= ~Q(quote="")  # compared by claim_key below
    for existing in candidates.filter(same_claim).select_related("expert", "question")[:50]:
        if existing.question_id == question.pk or (key and claim_key(existing.quote) == key):
            return existing
    return None


def _same_record(
    expert: Expert,
    question: Question,
    quote: str,
    made_on: dt.date | None,
    probability: float | None,
) -> Prediction | None:
    """A current prediction without a source that this one would repeat exactly."""
    if made_on is None:
        return None
    _lock_claims_of(expert, -question.pk)  # its own lock space: sources' keys are positive
    key = claim_key(quote)
    for existing in (
        Prediction.objects.current()
        .filter(expert=expert, question=question, source=None, made_on=made_on)
        .filter(probability=probability)
        .select_related("expert", "question")[:50]
    ):
        if claim_key(existing.quote) == key:
            return existing
    return None


def _lock_claims_of(expert: Expert, other: int) -> None:
    """Two editors sending the same claim at once: the second waits here (until the first
    commits), then sees the first. An advisory lock on (expert, source) only: a row lock on
    the expert would also hold up its other predictions' inserts and its record's rebuild.
    SQLite runs one writing transaction at a time anyway."""
    if connection.vendor != "postgresql":
        return
    key = ((expert.pk & 0x7FFFFFFF) << 32) | (other & 0xFFFFFFFF)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def refuse_duplicate(**claim: Any) -> None:
    """find_duplicate's arguments; raises DuplicatePrediction with what it finds."""
    existing = find_duplicate(**claim)
    if existing is not None:
        raise DuplicatePrediction(existing)
