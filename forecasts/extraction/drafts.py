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

from forecasts import selectors, services
from forecasts.extraction.candidates import Candidate, resolution_criteria
from forecasts.models import Expert, ExtractionDraft, Prediction, Question, Source
from forecasts.naming import KEY_SEPARATOR, name_key

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
    # The proposed title when the assistant marked it "needs editing": confirming it unchanged
    # is refused, so a broken question never reaches the record.
    flagged_title: str = ""
    editing_reasons: tuple[str, ...] = ()
    # An existing open question the editor chose (among the similar ones offered) instead of
    # creating one from question_title.
    question_id: int | None = None
    # Topic names (slug or name; a new name is made a topic) of the question, used only
    # when this confirmation creates it: an existing question keeps its own topics.
    topics: tuple[str, ...] = ()

    def check_title(self) -> None:
        if self.question_id is not None:
            return  # attached to an existing question: the proposed title is not recorded
        if self.flagged_title and _same(self.question_title, self.flagged_title):
            reasons = "; ".join(self.editing_reasons) or "it fails the title checks"
            raise ValidationError(
                {
                    "question_title": f"The proposed question needs editing before it is "
                    f"recorded ({reasons}): rewrite it so that someone who never read the "
                    f"article can resolve it."
                }
            )


def criteria_as_edited(
    criteria: str,
    *,
    proposed: dict,
    title: str,
    deadline: dt.date,
    speaker: str,
) -> str:
    """The resolution criteria to record. The proposed criteria quote the proposed title,
    deadline and speaker; when the editor changed any of those but left the criteria as
    proposed, they are written again from the edited ones (they would otherwise quote a
    question that is not the one recorded). Criteria the editor wrote are kept as written."""
    if " ".join(criteria.split()) != " ".join(proposed["resolution_criteria"].split()):
        return criteria
    unchanged = (
        title == proposed["question_title"]
        and deadline.isoformat() == proposed["suggested_deadline"]
        and speaker == proposed["speaker"]
    )
    if unchanged:
        return criteria
    return resolution_criteria(title, proposed["claim"], speaker, deadline)


def store_source_text(*, source: Source, text: str) -> Source:
    """Keep the article text on its source, for the record and for re-running extraction."""
    if source.text != text:
        source.text = text
        source.save(update_fields=["text"])
    return source


@transaction.atomic
def save_drafts(*, source: Source, candidates: Sequence[Candidate], user: User = None) -> list:
    """Replace the source's pending drafts with these candidates; confirmed ones stay."""
    ExtractionDraft.objects.filter(source=source, status=ExtractionDraft.Status.PENDING).delete()
    return [
        ExtractionDraft.objects.create(
            source=source, candidate=candidate.as_dict(), created_by=user
        )
        for candidate in candidates
    ]


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _expert(name: str) -> Expert:
    # The same name (or an alias: case, hyphens, accents, Cyrillic folded by naming.name_key)
    # is taken to be the same person; namesakes are told apart, or merged, by an editor.
    name = " ".join(name.split())
    return matching_expert(name) or services.create_expert(name=name)


def matching_expert(name: str) -> Expert | None:
    """The expert whose name or an alias has this name's key; the oldest if several."""
    key = name_key(name)
    if not key:
        return None
    candidates = Expert.objects.filter(search_names__contains=key).order_by("id")
    for expert in candidates:
        if key in expert.search_names.split(KEY_SEPARATOR):
            return selectors.surviving_expert(expert)
    return None


def _question(row: ConfirmedCandidate, user: User, topics: Sequence[str]) -> Question:
    if row.question_id is not None:
        existing = Question.objects.filter(pk=row.question_id).first()
        if existing is None or existing.status != Question.Status.OPEN:
            raise ValidationError(
                {"question": f"Question {row.question_id} is not an open question: choose "
                 "another or record a new one."}
            )  # fmt: skip
        return existing
    existing = Question.objects.filter(
        title__iexact=" ".join(row.question_title.split()), deadline=row.deadline
    ).first()
    return existing or services.create_question(
        title=row.question_title,
        resolution_criteria=row.resolution_criteria,
        deadline=row.deadline,
        topics=services.get_or_create_topics(names=topics),
        created_by=user,
    )


def _question_key(row: ConfirmedCandidate) -> tuple[str, dt.date]:
    return " ".join(row.question_title.split()).casefold(), row.deadline


def _topics_by_question(rows: Sequence[ConfirmedCandidate]) -> dict[tuple, list[str]]:
    """The topic names given for each new question over all the rows that name it: two
    speakers' candidates on one question make it once, with the topics typed on either."""
    topics: dict[tuple, dict[str, str]] = {}
    for row in rows:
        if row.question_id is None:
            named = topics.setdefault(_question_key(row), {})
            for name in row.topics:
                named.setdefault(" ".join(name.split()).casefold(), name)
    return {key: list(named.values()) for key, named in topics.items()}


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
    topics = _topics_by_question(rows)
    predictions = []
    for number, row in enumerate(rows, start=1):
        try:
            row.check_title()
            predictions.append(
                services.record_prediction(
                    expert=_expert(row.speaker),
                    question=_question(row, user, topics.get(_question_key(row), [])),
                    probability=row.probability,
                    made_on=made_on,
                    source=source,
                    quote=row.quote,
                    recorded_by=user,
                )
            )
        except ValidationError as exc:
            raise ValidationError(f"Candidate {number} ({row.speaker}): {_flat(exc)}") from None
    services.fall_due_now(question_ids={p.question_id for p in predictions})
    return predictions


def _flat(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


def confirmed_from_draft(draft: ExtractionDraft, changes: dict) -> ConfirmedCandidate:
    """A draft as proposed, with the editor's `changes` (speaker, question_title,
    resolution_criteria, deadline, probability, quote; `topics`: names for a new question;
    `question`: an existing open question's id to attach it to) applied."""
    proposed = draft.candidate
    phrase = proposed.get("phrase", "") if proposed.get("probability") is not None else ""
    deadline = changes.get("deadline") or dt.date.fromisoformat(proposed["suggested_deadline"])
    flagged = proposed.get("needs_editing", False)
    speaker = changes.get("speaker") or proposed["speaker"]
    title = changes.get("question_title") or proposed["question_title"]
    criteria = changes.get("resolution_criteria") or proposed["resolution_criteria"]
    return ConfirmedCandidate(
        speaker=speaker,
        question_title=title,
        resolution_criteria=criteria_as_edited(
            criteria, proposed=proposed, title=title, deadline=deadline, speaker=speaker
        ),
        deadline=deadline,
        probability=str(changes.get("probability") or phrase),
        quote=changes.get("quote") or proposed.get("quote", ""),
        flagged_title=proposed["question_title"] if flagged else "",
        editing_reasons=tuple(proposed.get("editing_reasons", ())),
        question_id=changes.get("question"),
        topics=tuple(changes.get("topics", ())),
    )


@transaction.atomic
def confirm_drafts(
    *, source: Source, changes: Sequence[tuple[int, dict]], user: User = None
) -> list[Prediction]:
    """Confirm pending drafts of a source (id, editor's changes), all or nothing; each draft
    is claimed pending → confirmed once, so confirming twice records nothing twice."""
    drafts = {
        d.pk: d
        for d in ExtractionDraft.objects.select_for_update().filter(
            source=source, pk__in=[pk for pk, _ in changes]
        )
    }
    for number, (pk, _) in enumerate(changes, start=1):
        if pk not in drafts or drafts[pk].status != ExtractionDraft.Status.PENDING:
            raise ValidationError(f"Candidate {number}: draft {pk} is not pending on this source.")
    rows = [confirmed_from_draft(drafts[pk], data) for pk, data in changes]
    predictions = confirm_candidates(source=source, rows=rows, user=user)
    for (pk, _), prediction in zip(changes, predictions, strict=True):
        ExtractionDraft.objects.filter(pk=pk, status=ExtractionDraft.Status.PENDING).update(
            status=ExtractionDraft.Status.CONFIRMED, prediction=prediction
        )
    return predictions
