"""Predictions: published once, corrected only by a new version.

Published predictions are append-only. A correction inserts a new version and marks the old
one superseded with a conditional UPDATE, so two simultaneous corrections cannot both win.
After the question's deadline or first resolution, only an admin who recorded no version may
correct it, and the version is flagged (docs/scoring.md, hindsight).
"""

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from forecasts import verbal
from forecasts.models import Expert, Prediction, Question, Source
from forecasts.services.ledger import chain as ledger
from forecasts.services.records import plausibility
from forecasts.services.records.duplicates import refuse_duplicate
from forecasts.services.reviews.assignments import withdraw_involved
from forecasts.services.track_records.scores import score_question

User = AbstractBaseUser | None


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
    The same claim again is refused (services.records.duplicates).
    """
    parsed = parse_probability_input(probability)
    _check_made_on(question, made_on)
    refuse_duplicate(
        expert=expert, question=question, source=source, quote=quote, made_on=made_on,
        probability=parsed.probability,
    )  # fmt: skip
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
    withdraw_involved(recorded_by, question)
    after_prediction_change(question)
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
    words = {"basis": basis, "phrase": phrase, "table_version": table if basis != "stated" else ""}
    corrected = publish_version(
        prediction, values | words, reason=reason, by=corrected_by, now=now, late=late
    )
    withdraw_involved(corrected_by, prediction.question)
    if corrected.question_id != prediction.question_id:
        withdraw_involved(corrected_by, corrected.question)
    after_prediction_change(prediction.question)
    if corrected.question_id != prediction.question_id:
        after_prediction_change(corrected.question)
    return corrected


def publish_version(
    prediction: Prediction,
    values: dict[str, Any],
    *,
    reason: str,
    by: User,
    now: dt.datetime,
    late: bool = False,
) -> Prediction:
    """Supersede `prediction` (claimed with a conditional UPDATE) by version n+1 holding
    `values`, and chain it. The caller has checked who may make this change and why."""
    claimed = Prediction.objects.filter(pk=prediction.pk, superseded_at__isnull=True).update(
        superseded_at=now
    )
    if claimed != 1:
        raise ValidationError(
            "This version was already corrected; open the latest version and correct that one."
        )
    version = Prediction.objects.create(
        **values,
        recorded_by=by,
        version=prediction.version + 1,
        supersedes=prediction,
        correction_reason=reason.strip(),
        created_at=now,
        # The forecast entered the record when the original did (docs/scoring.md).
        recorded_at=prediction.recorded_at,
        recorded_via=prediction.recorded_via,
        corrected_after_deadline=late or prediction.corrected_after_deadline,
    )
    ledger.append_predictions([version])
    return version


def _is_late_correction(prediction: Prediction, new_question: Question, now: dt.datetime) -> bool:
    """A change of substance once its question's deadline or first resolution has passed,
    on the question it leaves or the one it moves to (docs/scoring.md, hindsight)."""
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


def after_prediction_change(question: Question) -> None:
    """A settled question's scores follow any change to its predictions. The status is read
    again: the caller's copy of the question may predate its resolution."""
    settled = Question.objects.settled().filter(pk=question.pk).exists()
    if settled:
        score_question(question_id=question.pk)
