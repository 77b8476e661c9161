"""A published prediction is a record: never changed in place, corrections are versions."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from forecasts.models import Prediction, QuestionRevision
from forecasts.services import (
    correct_prediction,
    create_expert,
    prediction_history,
    record_prediction,
    update_question,
)

pytestmark = pytest.mark.django_db


def test_phrase_is_stored_with_its_number_basis_and_table_version(expert, question, alice, today):
    prediction = record_prediction(
        expert=expert,
        question=question,
        probability="is confident that",
        made_on=today,
        recorded_by=alice,
    )
    prediction.refresh_from_db()
    assert prediction.probability == pytest.approx(0.80)
    assert prediction.basis == "verbal"
    assert prediction.phrase == "is confident that"
    assert prediction.table_version == "v2"
    assert prediction.recorded_by == alice


@pytest.mark.parametrize(("typed", "expected"), [("0.7", 0.7), ("70%", 0.7), (0.25, 0.25)])
def test_numbers_and_percentages_are_stated(expert, question, today, typed, expected):
    prediction = record_prediction(
        expert=expert, question=question, probability=typed, made_on=today
    )
    assert prediction.probability == pytest.approx(expected)
    assert prediction.basis == "stated"


def test_unknown_phrase_is_refused_naming_it(expert, question, today):
    with pytest.raises(ValidationError) as error:
        record_prediction(
            expert=expert, question=question, probability="is confdent", made_on=today
        )
    assert "is confdent" in str(error.value.message_dict["probability"])
    assert not Prediction.objects.exists()


def test_made_on_after_deadline_is_refused_with_a_message(expert, question):
    late = question.deadline + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        record_prediction(expert=expert, question=question, probability=0.6, made_on=late)
    assert "after the question's deadline" in error.value.message_dict["made_on"][0]


def test_database_refuses_made_on_after_deadline_even_without_the_service(expert, question):
    with pytest.raises(IntegrityError), transaction.atomic():
        Prediction.objects.create(
            expert=expert,
            question=question,
            probability=0.5,
            basis="stated",
            made_on=question.deadline + dt.timedelta(days=3),
        )


def test_database_refuses_probability_outside_unit_interval(expert, question, today):
    with pytest.raises(IntegrityError), transaction.atomic():
        Prediction.objects.create(
            expert=expert, question=question, probability=1.2, basis="stated", made_on=today
        )


def test_database_refuses_deadline_moved_before_a_prediction(expert, question, today):
    record_prediction(expert=expert, question=question, probability=0.6, made_on=today)
    question.deadline = today - dt.timedelta(days=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        question.save()


def test_correction_is_a_new_version_and_the_old_row_is_kept(expert, question, alice, bob, today):
    original = record_prediction(
        expert=expert, question=question, probability="70%", made_on=today, recorded_by=alice
    )
    corrected = correct_prediction(
        prediction=original, reason="Misheard: he said 60%.", corrected_by=bob, probability="60%"
    )
    original.refresh_from_db()
    assert original.probability == pytest.approx(0.7)
    assert original.superseded_at is not None
    assert corrected.version == 2
    assert corrected.supersedes == original
    assert corrected.probability == pytest.approx(0.6)
    assert corrected.correction_reason == "Misheard: he said 60%."
    assert corrected.recorded_by == bob
    assert list(Prediction.objects.current()) == [corrected]
    assert [p.pk for p in prediction_history(original)] == [original.pk, corrected.pk]


def test_correction_needs_a_reason_and_a_change(expert, question, today):
    original = record_prediction(expert=expert, question=question, probability=0.7, made_on=today)
    with pytest.raises(ValidationError, match="reason"):
        correct_prediction(prediction=original, reason=" ", probability=0.6)
    with pytest.raises(ValidationError, match="Nothing changed"):
        correct_prediction(prediction=original, reason="typo", probability=0.7)


def test_a_superseded_version_cannot_be_corrected_again(expert, question, today):
    original = record_prediction(expert=expert, question=question, probability=0.7, made_on=today)
    correct_prediction(prediction=original, reason="typo", probability=0.6)
    with pytest.raises(ValidationError, match="already corrected"):
        correct_prediction(prediction=original, reason="another", probability=0.5)
    assert Prediction.objects.count() == 2


def test_question_edits_are_versioned_with_reason_and_author(question, alice):
    later = question.deadline + dt.timedelta(days=10)
    with pytest.raises(ValidationError, match="why"):
        update_question(
            question=question,
            title=question.title,
            resolution_criteria=question.resolution_criteria,
            deadline=later,
            reason="",
        )
    update_question(
        question=question,
        title=question.title,
        resolution_criteria="YES only if the toll is gone for good.",
        deadline=later,
        reason="Criteria were ambiguous.",
        changed_by=alice,
    )
    revisions = list(QuestionRevision.objects.filter(question=question).order_by("version"))
    assert [r.version for r in revisions] == [1, 2]
    assert revisions[1].deadline == later
    assert revisions[1].changed_by == alice
    assert revisions[1].reason == "Criteria were ambiguous."
    question.refresh_from_db()
    assert question.reminder_cycle == 2


def test_experts_differing_only_in_case_or_punctuation_stay_distinct(db):
    first = create_expert(name="Ana Li")
    second = create_expert(name="Ana-Li")
    third = create_expert(name="ana li")
    assert [first.slug, second.slug, third.slug] == ["ana-li", "ana-li-2", "ana-li-3"]


def test_a_correction_may_reword_the_phrase_alone_or_with_the_number(expert, question, today):
    original = record_prediction(
        expert=expert, question=question, probability="is confident that", made_on=today
    )
    reworded = correct_prediction(prediction=original, reason="Exact words", phrase="is sure that")
    assert (reworded.probability, reworded.phrase) == (original.probability, "is sure that")
    renumbered = correct_prediction(
        prediction=reworded, reason="He gave a number", probability="70%", phrase="70 percent"
    )
    assert (renumbered.probability, renumbered.phrase) == (pytest.approx(0.7), "70 percent")
