"""Writes of the record itself: experts, sources, topics, questions and predictions.

Published predictions are append-only. A correction inserts a new version and marks the old
one superseded with a conditional UPDATE, so two simultaneous corrections cannot both win.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from forecasts import verbal
from forecasts.models import Expert, Prediction, Question, QuestionRevision, Source, Topic
from forecasts.services import ledger, plausibility

User = AbstractBaseUser | None


def unique_slug(model: type, text: str, *, max_length: int = 200) -> str:
    """A slug for `text` not used yet by `model`: "ruben-megrabyan", then "-2", "-3", ..."""
    base = slugify(text)[:max_length].strip("-") or "item"
    taken = set(
        model.objects.filter(slug__startswith=base).values_list("slug", flat=True)  # type: ignore[attr-defined]
    )
    if base not in taken:
        return base
    suffix = 2
    while f"{base}-{suffix}" in taken:
        suffix += 1
    return f"{base}-{suffix}"


def create_expert(
    *, name: str, affiliation: str = "", bio: str = "", links: Iterable[str] = ()
) -> Expert:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "An expert needs a name."})
    plausibility.check_expert_name(name)
    # Two editors adding the same name at once: the unique slug decides, the loser retries.
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Expert.objects.create(
                    name=name,
                    slug=unique_slug(Expert, name),
                    affiliation=affiliation,
                    bio=bio,
                    links=list(links),
                )
        except IntegrityError:
            continue
    raise ValidationError({"name": "Could not find a free slug for this name; try again."})


def get_or_create_topic(*, name: str) -> Topic:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"topic": "A topic needs a name."})
    plausibility.check_topic_name(name)
    existing = Topic.objects.filter(name__iexact=name).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Topic.objects.create(name=name, slug=unique_slug(Topic, name, max_length=120))
    except IntegrityError:
        return Topic.objects.get(name__iexact=name)


def get_or_create_source(
    *,
    title: str,
    url: str = "",
    kind: str = Source.Kind.ARTICLE,
    outlet: str = "",
    via: str = "",
    published_on: dt.date | None = None,
    text: str = "",
) -> Source:
    """Sources are matched by URL when they have one, else by title and outlet."""
    if url:
        existing = Source.objects.filter(url=url).first()
    else:
        existing = Source.objects.filter(url="", title=title, outlet=outlet).first()
    if existing:
        return existing
    if not title and not url:
        raise ValidationError({"source": "A source needs a title or a URL."})
    plausibility.check_source_title(title or url)
    source = Source(
        kind=kind,
        title=title or url,
        outlet=outlet,
        via=via,
        url=url,
        published_on=published_on,
        text=text,
    )
    source.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            source.save()
    except IntegrityError:
        return Source.objects.get(url=url)
    return source


def _check_question_text(title: str, criteria: str) -> None:
    errors = {}
    if not title.strip():
        errors["title"] = "A question needs a title that can resolve YES or NO."
    if not criteria.strip():
        errors["resolution_criteria"] = "Say what counts as YES, what as NO, what annuls it."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_question(
    *,
    title: str,
    resolution_criteria: str,
    deadline: dt.date,
    topics: Iterable[Topic] = (),
    created_by: User = None,
    consensus_probability: float | None = None,
    consensus_source: str = "",
) -> Question:
    _check_question_text(title, resolution_criteria)
    plausibility.check_question(title=title, deadline=deadline)
    if consensus_probability is not None and not 0 <= consensus_probability <= 1:
        raise ValidationError({"consensus_probability": "Give a probability between 0 and 1."})
    question = Question.objects.create(
        title=" ".join(title.split()),
        resolution_criteria=resolution_criteria.strip(),
        deadline=deadline,
        created_by=created_by,
        consensus_probability=consensus_probability,
        consensus_source=consensus_source,
    )
    question.topics.set(list(topics))
    QuestionRevision.objects.create(
        question=question,
        version=1,
        title=question.title,
        resolution_criteria=question.resolution_criteria,
        deadline=deadline,
        reason="Created.",
        changed_by=created_by,
    )
    return question


@transaction.atomic
def update_question(
    *,
    question: Question,
    title: str,
    resolution_criteria: str,
    deadline: dt.date,
    reason: str,
    changed_by: User = None,
) -> Question:
    """Change a question's checkable substance; every change is a numbered revision.

    A deadline moved later sends a due question back to open and restarts its reminder stages.
    """
    _check_question_text(title, resolution_criteria)
    plausibility.check_question(title=title, deadline=deadline)
    question = Question.objects.select_for_update().get(pk=question.pk)
    title = " ".join(title.split())
    resolution_criteria = resolution_criteria.strip()
    changed = (title, resolution_criteria, deadline) != (
        question.title,
        question.resolution_criteria,
        question.deadline,
    )
    if not changed:
        return question
    if not reason.strip():
        raise ValidationError({"reason": "Say why the question changes; the reason is kept."})
    if question.is_settled:
        raise ValidationError(
            "This question is already resolved; re-resolve it instead of editing its terms."
        )
    latest_made_on = (
        question.predictions.order_by("-made_on").values_list("made_on", flat=True).first()
    )
    if latest_made_on and deadline < latest_made_on:
        raise ValidationError(
            {
                "deadline": f"A prediction on this question was made on {latest_made_on}; "
                "the deadline cannot be earlier than that."
            }
        )
    moved_later = deadline > question.deadline
    question.title, question.resolution_criteria = title, resolution_criteria
    question.deadline = deadline
    question.version += 1
    if moved_later:
        question.reminder_cycle += 1
        if question.status == Question.Status.DUE and deadline >= timezone.localdate():
            question.status = Question.Status.OPEN
            question.due_at = None
            question.assignments.filter(state="pending").update(state="cancelled")
    question.save()
    QuestionRevision.objects.create(
        question=question,
        version=question.version,
        title=title,
        resolution_criteria=resolution_criteria,
        deadline=deadline,
        reason=reason.strip(),
        changed_by=changed_by,
    )
    return question


def parse_probability_input(value: str | float | None) -> verbal.ParsedProbability:
    """What an editor typed (0.7, 70%, "is confident that") as a stored probability."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError({"probability": "Give a probability: 0.7, 70% or a phrase."})
    if isinstance(value, int | float):
        if not 0 <= float(value) <= 1:
            raise ValidationError({"probability": f"{value} is not between 0 and 1."})
        return verbal.ParsedProbability(float(value), "stated", "", verbal.TABLE_VERSION)
    try:
        return verbal.parse_probability(value)
    except ValueError as exc:
        raise ValidationError({"probability": str(exc)}) from None


def _check_made_on(question: Question, made_on: dt.date) -> None:
    if made_on > question.deadline:
        raise ValidationError(
            {
                "made_on": f"Made on {made_on}, after the question's deadline "
                f"({question.deadline}): a forecast must be made before the deadline."
            }
        )
    plausibility.check_made_on(made_on)


@transaction.atomic
def record_prediction(
    *,
    expert: Expert,
    question: Question,
    probability: str | float | None,
    made_on: dt.date,
    source: Source | None = None,
    quote: str = "",
    recorded_by: User = None,
    phrase: str = "",
) -> Prediction:
    """Publish one expert's forecast. `probability` may be a number, "70%" or a phrase.

    `phrase` overrides the stored phrase (e.g. the words used when the number came from a table).
    """
    parsed = parse_probability_input(probability)
    _check_made_on(question, made_on)
    prediction = Prediction.objects.create(
        expert=expert,
        question=question,
        probability=parsed.probability,
        basis=parsed.basis,
        phrase=phrase or parsed.phrase,
        table_version=parsed.table_version if parsed.basis != "stated" else "",
        made_on=made_on,
        source=source,
        quote=quote.strip(),
        recorded_by=recorded_by,
    )
    ledger.append_predictions([prediction])
    _after_prediction_change(question)
    return prediction


@transaction.atomic
def correct_prediction(
    *,
    prediction: Prediction,
    reason: str,
    corrected_by: User = None,
    **changes: Any,
) -> Prediction:
    """Record a corrected version of a published prediction; the old one stays in the history.

    `changes` may name any of Prediction.SUBSTANCE_FIELDS; `probability` accepts what
    record_prediction accepts.
    """
    unknown = set(changes) - set(Prediction.SUBSTANCE_FIELDS) - {"phrase"}
    if unknown:
        raise ValidationError(f"These fields cannot be corrected: {', '.join(sorted(unknown))}.")
    if not reason.strip():
        raise ValidationError({"reason": "A correction needs a reason; it is kept in the history."})
    values = {field: getattr(prediction, field) for field in Prediction.SUBSTANCE_FIELDS}
    values.update({k: v for k, v in changes.items() if k not in ("probability", "phrase")})
    if "probability" in changes:
        parsed = parse_probability_input(changes["probability"])
        basis, phrase, table = (
            parsed.basis,
            changes.get("phrase") or parsed.phrase,
            parsed.table_version,
        )
        values["probability"] = parsed.probability
    else:
        basis, table = prediction.basis, prediction.table_version
        phrase = changes.get("phrase", prediction.phrase)
    same_words = (basis, phrase) == (prediction.basis, prediction.phrase)
    if same_words and all(values[f] == getattr(prediction, f) for f in Prediction.SUBSTANCE_FIELDS):
        raise ValidationError("Nothing changed: a correction must change something.")
    _check_made_on(values["question"], values["made_on"])
    now = timezone.now()
    claimed = Prediction.objects.filter(pk=prediction.pk, superseded_at__isnull=True).update(
        superseded_at=now
    )
    if claimed != 1:
        raise ValidationError(
            "This version was already corrected; open the latest version and correct that one."
        )
    corrected = Prediction.objects.create(
        **values,
        basis=basis,
        phrase=phrase,
        table_version=table if basis != "stated" else "",
        recorded_by=corrected_by,
        version=prediction.version + 1,
        supersedes=prediction,
        correction_reason=reason.strip(),
        created_at=now,
    )
    ledger.append_predictions([corrected])
    _after_prediction_change(prediction.question)
    if corrected.question_id != prediction.question_id:
        _after_prediction_change(corrected.question)
    return corrected


def prediction_history(prediction: Prediction) -> list[Prediction]:
    """Every version of this prediction, oldest first."""
    chain = [prediction]
    while chain[0].supersedes_id:
        chain.insert(
            0, Prediction.objects.select_related("recorded_by").get(pk=chain[0].supersedes_id)
        )
    newer = prediction
    while True:
        following = (
            Prediction.objects.select_related("recorded_by").filter(supersedes=newer).first()
        )
        if following is None:
            break
        chain.append(following)
        newer = following
    return chain


def _after_prediction_change(question: Question) -> None:
    """A settled question's scores follow any change to its predictions."""
    if question.is_settled:
        from forecasts.services.track_records import score_question

        score_question(question_id=question.pk)
