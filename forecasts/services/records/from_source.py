"""Several predictions from one source, recorded in one go (the admin's source-first screen).

Each row goes through the same services as the Add-prediction form (create_expert,
create_question, record_prediction), so every prediction is versioned and chained in the
ledger the same way. All rows or none: a refused row rolls the others back, and the refusal
names its row, so the editor fixes it and saves again without duplicating the rows that had
been fine (keeping them would leave a half-logged article whose resubmission records twice).
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from forecasts.models import Expert, Prediction, Question, Source
from forecasts.services.records.catalogue import create_expert, get_or_create_topics
from forecasts.services.records.predictions import record_prediction
from forecasts.services.records.questions import create_question
from forecasts.services.reviews.assignments import fall_due_now

User = AbstractBaseUser | None


@dataclass(frozen=True)
class SourceRow:
    """One prediction as typed: an existing expert or a new name, an existing question or a
    new one's terms; `made_on` None means the source's own date."""

    probability: str
    expert: Expert | None = None
    expert_name: str = ""
    question: Question | None = None
    title: str = ""
    resolution_criteria: str = ""
    deadline: dt.date | None = None
    # Topic names (slug or name) for the new question; a row with `question` ignores them.
    topics: tuple[str, ...] = ()
    made_on: dt.date | None = None
    quote: str = ""


class RowRefused(ValidationError):
    """A row's refusal; `index` is its place in the rows given (0-based)."""

    def __init__(self, index: int, error: ValidationError) -> None:
        super().__init__(error.error_dict if hasattr(error, "error_dict") else error.error_list)
        self.index = index


@transaction.atomic
def record_from_source(
    *, source: Source, rows: Sequence[SourceRow], recorded_by: User = None
) -> list[Prediction]:
    """Record one prediction per row from `source`, all or nothing (RowRefused names the row).

    A new expert's name that matches an expert already recorded (case and spacing aside) is
    that expert, so one speaker typed on three rows is one expert. A new question typed again
    on a later row (the same title and criteria, case and spacing aside, and the same
    deadline) is the question the earlier row made: two speakers of one article forecasting
    one event share it, with the topics typed on any of their rows, and one speaker's claim
    typed twice is refused as a duplicate."""
    predictions = []
    named: dict[str, Expert] = {}
    made = _NewQuestions(rows, recorded_by)
    for index, row in enumerate(rows):
        try:
            with transaction.atomic():
                predictions.append(_record_row(source, row, recorded_by, named, made))
        except ValidationError as exc:
            raise RowRefused(index, exc) from None
    fall_due_now(question_ids={p.question_id for p in predictions})
    return predictions


def _record_row(
    source: Source,
    row: SourceRow,
    recorded_by: User,
    named: dict[str, Expert],
    made: "_NewQuestions",
) -> Prediction:
    made_on = row.made_on or source.published_on
    if made_on is None:
        raise ValidationError(
            {"made_on": "Give the date it was said: the source has no publication date."}
        )
    return record_prediction(
        expert=row.expert or _expert_named(row.expert_name, named),
        question=row.question or made.question(row),
        probability=row.probability,
        made_on=made_on,
        source=source,
        quote=row.quote,
        recorded_by=recorded_by,
    )


def _expert_named(name: str, named: dict[str, Expert]) -> Expert:
    key = " ".join(name.split()).casefold()
    if not key:
        raise ValidationError({"expert": "Choose an expert, or type a new expert's name."})
    if key not in named:
        existing = Expert.objects.filter(name__iexact=" ".join(name.split())).first()
        named[key] = existing or create_expert(name=name)
    return named[key]


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


class _NewQuestions:
    """The new questions typed on the rows, each made once, when its first row is recorded."""

    def __init__(self, rows: Sequence[SourceRow], recorded_by: User) -> None:
        self.recorded_by = recorded_by
        self.made: dict[tuple, Question] = {}
        # A question typed on several rows gets the topics of all of them, whichever row
        # the editor typed them on.
        self.topics: dict[tuple, dict[str, str]] = {}
        for row in rows:
            if row.question is None and row.deadline is not None:
                named = self.topics.setdefault(_key(row), {})
                for name in row.topics:
                    named.setdefault(name.casefold(), name)

    def question(self, row: SourceRow) -> Question:
        if not row.title.strip():
            raise ValidationError(
                {"question": "Choose a question, or type a new question's title."}
            )
        if row.deadline is None:
            raise ValidationError({"deadline": "A new question needs a deadline."})
        key = _key(row)
        if key not in self.made:
            self.made[key] = create_question(
                title=row.title,
                resolution_criteria=row.resolution_criteria,
                deadline=row.deadline,
                topics=get_or_create_topics(names=self.topics[key].values()),
                created_by=self.recorded_by,
            )
        return self.made[key]


def _key(row: SourceRow) -> tuple:
    # The same terms: title and criteria with case and spacing aside (not name_key, which
    # drops signs: "below -1%" and "below 1%" are two questions).
    return (_folded(row.title).rstrip(" ?."), _folded(row.resolution_criteria), row.deadline)
