"""`import_predictions FILE --suggest`: before importing, the questions the file would create
and the similar open questions already in the ledger (selectors.similar), so the editor can
retitle those rows to the existing question. Reads the file; writes nothing."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.db.models.functions import Lower

from forecasts.models import Question
from forecasts.naming import question_title_key
from forecasts.selectors.similar import SimilarQuestion, similar_questions
from forecasts.services.transfer.csv_io import RowProblem, SourceRow, parse_ledger_row


@dataclass(frozen=True)
class QuestionSuggestion:
    row: int  # the first row naming the new question
    title: str
    deadline: dt.date
    similar: list[SimilarQuestion]


def suggest_questions(rows: Iterable[SourceRow], *, limit: int = 3) -> list[QuestionSuggestion]:
    """For each question the file would create (first row, title, deadline) that looks like
    open ones: those open questions, most similar first. Rows that do not parse are left to
    the import's own report."""
    new: dict[tuple[str, dt.date], tuple[int, str]] = {}
    for row in rows:
        if row.skip or row.problem:
            continue
        try:
            parsed = parse_ledger_row(row)
        except RowProblem:
            continue
        new.setdefault(parsed.question_key, (row.number, parsed.title))
    # Keyed as the import matches questions (imports.questions.load_questions).
    on_record = Question.objects.alias(title_lower=Lower("title")).filter(
        Q(title__in={t for _, t in new.values()}) | Q(title_lower__in={k for k, _ in new}),
        deadline__in={d for _, d in new},
    )
    existing = {
        (question_title_key(title), deadline)
        for title, deadline in on_record.values_list("title", "deadline")
    }
    suggestions = []
    for key, (number, title) in new.items():
        deadline = key[1]
        if key in existing:
            continue
        found = similar_questions(title, deadline=deadline, limit=limit)
        if found:
            suggestions.append(QuestionSuggestion(number, title, deadline, found))
    return suggestions
