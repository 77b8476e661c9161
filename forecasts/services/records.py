"""Writes of the record itself: experts, sources, topics, questions and predictions.

Published predictions are append-only. A correction inserts a new version and marks the old
one superseded with a conditional UPDATE, so two simultaneous corrections cannot both win.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
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


def _revision(question: Question, *, reason: str, changed_by: User) -> QuestionRevision:
    """Record and chain the question's terms and context as they now are, as its version."""
    revision = QuestionRevision.objects.create(
        question=question,
        version=question.version,
        title=question.title,
        resolution_criteria=question.resolution_criteria,
        deadline=question.deadline,
        topic_ids=sorted(question.topics.values_list("pk", flat=True)),
        consensus_probability=question.consensus_probability,
        consensus_source=question.consensus_source,
        reason=reason,
        changed_by=changed_by,
    )
    ledger.append_revisions([revision])
    return revision


def _check_consensus(value: float | None) -> None:
    if value is not None and not 0 <= value <= 1:
        raise ValidationError({"consensus_probability": "Give a probability between 0 and 1."})


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
    _check_consensus(consensus_probability)
    question = Question.objects.create(
        title=" ".join(title.split()),
        resolution_criteria=resolution_criteria.strip(),
        deadline=deadline,
        created_by=created_by,
        consensus_probability=consensus_probability,
        consensus_source=consensus_source,
    )
    question.topics.set(list(topics))
    _revision(question, reason="Created.", changed_by=created_by)
    return question


UNCHANGED: Any = object()  # update_question: leave this part of the question as it is


@transaction.atomic
def update_question(
    *,
    question: Question,
    reason: str,
    changed_by: User = None,
    title: str = UNCHANGED,
    resolution_criteria: str = UNCHANGED,
    deadline: dt.date = UNCHANGED,
    topics: Iterable[Topic] = UNCHANGED,
    consensus_probability: float | None = UNCHANGED,
    consensus_source: str = UNCHANGED,
) -> Question:
    """Change a question's terms (title, criteria, deadline) or its context (topics, consensus);
    every change is a numbered, chained revision with its reason.

    The terms of a settled question stay (re-resolve it instead); its context may change, and
    its scores follow. A deadline moved later sends a due question back to open and restarts
    its reminder stages.
    """
    question = Question.objects.select_for_update().get(pk=question.pk)
    old_terms = (question.title, question.resolution_criteria, question.deadline)
    title = old_terms[0] if title is UNCHANGED else " ".join(title.split())
    criteria = old_terms[1] if resolution_criteria is UNCHANGED else resolution_criteria.strip()
    deadline = old_terms[2] if deadline is UNCHANGED else deadline
    _check_question_text(title, criteria)
    if (title, deadline) != old_terms[::2]:
        plausibility.check_question(title=title, deadline=deadline)
    old_topics = sorted(question.topics.values_list("pk", flat=True))
    new_topics = old_topics if topics is UNCHANGED else sorted({t.pk for t in topics})
    context = {
        "consensus_probability": consensus_probability,
        "consensus_source": consensus_source,
    }
    context = {k: v for k, v in context.items() if v is not UNCHANGED and v != getattr(question, k)}
    terms_changed = (title, criteria, deadline) != old_terms
    if not (terms_changed or context or new_topics != old_topics):
        return question
    if not reason.strip():
        raise ValidationError({"reason": "Say why the question changes; the reason is kept."})
    if terms_changed:
        _check_new_terms(question, deadline)
    _check_consensus(context.get("consensus_probability"))
    rescore = question.is_settled and (context or new_topics != old_topics)
    if rescore:
        # Out with the old scores while the old topics still hold: the per-topic sums subtract
        # them under the topics they were added under.
        expert_ids = list(question.scores.values_list("expert_id", flat=True))
        question.scores.all().delete()
    if terms_changed:
        _apply_terms(question, title, criteria, deadline)
    for field, value in context.items():
        setattr(question, field, value)
    question.version += 1
    question.save()
    if new_topics != old_topics:
        question.topics.set(new_topics)
    _revision(question, reason=reason.strip(), changed_by=changed_by)
    _cancel_assignments_of(changed_by, question)
    if rescore:
        from forecasts.services.track_records import mark_stale, score_question

        mark_stale(expert_ids)
        score_question(question_id=question.pk)
    return question


def _check_new_terms(question: Question, deadline: dt.date) -> None:
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


def _apply_terms(question: Question, title: str, criteria: str, deadline: dt.date) -> None:
    moved_later = deadline > question.deadline
    question.title, question.resolution_criteria = title, criteria
    question.deadline = deadline
    if moved_later:
        question.reminder_cycle += 1
        if question.status == Question.Status.DUE and deadline >= timezone.localdate():
            question.status = Question.Status.OPEN
            question.due_at = None
            question.assignments.filter(state="pending").update(state="cancelled")


def _cancel_assignments_of(user: User, question: Question) -> None:
    """Whoever records, corrects or revises anything on a question can no longer judge it
    (services.reviews.involvement): their pending review of it goes back to the sweep."""
    if user is not None and user.pk is not None:
        from forecasts.models import ReviewAssignment

        ReviewAssignment.objects.filter(
            question=question, reviewer=user, state=ReviewAssignment.State.PENDING
        ).update(state=ReviewAssignment.State.CANCELLED)


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
    now = timezone.now()
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
        created_at=now,
        recorded_at=now,  # the ledger's clock: added after the deadline, it is hindsight
    )
    ledger.append_predictions([prediction])
    _cancel_assignments_of(recorded_by, question)
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
    late = _is_late_correction(prediction, values["question"], now)
    if late:
        _check_late_corrector(prediction, corrected_by)
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
        # The forecast entered the record when the original did (SCORING.md).
        recorded_at=prediction.recorded_at,
        recorded_via=prediction.recorded_via,
        corrected_after_deadline=late or prediction.corrected_after_deadline,
    )
    ledger.append_predictions([corrected])
    _cancel_assignments_of(corrected_by, prediction.question)
    if corrected.question_id != prediction.question_id:
        _cancel_assignments_of(corrected_by, corrected.question)
    _after_prediction_change(prediction.question)
    if corrected.question_id != prediction.question_id:
        _after_prediction_change(corrected.question)
    return corrected


def _is_late_correction(prediction: Prediction, new_question: Question, now: dt.datetime) -> bool:
    """A change of substance once its question's deadline or first resolution has passed,
    on the question it leaves or the one it moves to (SCORING.md, "When the record was made")."""
    return not (prediction.question.is_prospective_at(now) and new_question.is_prospective_at(now))


def _check_late_corrector(prediction: Prediction, corrected_by: User) -> None:
    """After the deadline, only an admin who recorded no version of it may correct it."""
    if corrected_by is None or not getattr(corrected_by, "is_superuser", False):
        raise PermissionDenied(
            "This question's deadline (or its resolution) has passed: only an admin who did not "
            "record this prediction can correct it now, with a reason, and the correction is "
            "shown as made after the deadline."
        )
    recorders = {version.recorded_by_id for version in prediction_history(prediction)}
    if corrected_by.pk in recorders:
        raise PermissionDenied(
            "You recorded this prediction, and its question's deadline (or its resolution) has "
            "passed: another admin must make this correction."
        )


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
    """A settled question's scores follow any change to its predictions. The status is read
    again: the caller's copy of the question may predate its resolution."""
    settled = Question.objects.filter(
        pk=question.pk, status__in=[Question.Status.RESOLVED, Question.Status.ANNULLED]
    ).exists()
    if settled:
        from forecasts.services.track_records import score_question

        score_question(question_id=question.pk)
