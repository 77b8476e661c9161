"""The tamper-evident record: editing, deleting or skipping a published row is detected."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from forecasts.models import LedgerEntry, Prediction
from forecasts.services import correct_prediction, record_prediction
from forecasts.services.ledger.verify import verify_ledger

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(expert, question, alice, today):
    first = record_prediction(
        expert=expert, question=question, probability="likely", made_on=today, recorded_by=alice
    )
    second = correct_prediction(prediction=first, reason="He said 60%.", probability="60%")
    third = record_prediction(
        expert=expert, question=question, probability=0.3, made_on=today, quote="Paraphrase: no."
    )
    return [first, second, third]


def test_every_published_prediction_is_chained_and_verifies(published, question):
    entries = list(LedgerEntry.objects.order_by("seq"))
    assert [(e.kind, e.object_id) for e in entries] == [
        ("question_revision", question.revisions.get().pk),
        *(("prediction", p.pk) for p in published),
    ]
    assert entries[1].prev_hash == entries[0].hash
    assert verify_ledger() == (4, None)
    call_command("verify_ledger")


def test_editing_a_row_in_the_database_is_named(published):
    Prediction.objects.filter(pk=published[1].pk).update(probability=0.99)
    checked, problem = verify_ledger()
    assert checked == 2  # the question's revision and the first prediction
    assert problem.object_id == published[1].pk
    assert "changed after publication" in problem.reason
    with pytest.raises(CommandError, match=f"prediction {published[1].pk}"):
        call_command("verify_ledger")


def test_a_removed_entry_breaks_the_chain_where_it_was(published):
    LedgerEntry.objects.filter(kind="prediction", object_id=published[1].pk).delete()
    _, problem = verify_ledger()
    assert problem.object_id == published[2].pk
    assert "chain is broken" in problem.reason


def test_a_row_slipped_in_without_the_service_is_reported(published, expert, question, today):
    sneaky = Prediction.objects.create(
        expert=expert, question=question, probability=0.5, basis="stated", made_on=today
    )
    _, problem = verify_ledger()
    assert problem.object_id == sneaky.pk
    assert "never entered" in problem.reason


def test_a_rewritten_entry_is_detected(published):
    entry = LedgerEntry.objects.get(kind="prediction", object_id=published[0].pk)
    LedgerEntry.objects.filter(pk=entry.pk).update(payload=entry.payload.replace("0.75", "0.95"))
    _, problem = verify_ledger()
    assert problem.seq == entry.seq
    assert "entry itself was altered" in problem.reason


def test_question_and_expert_pages_show_the_chain_hashes(
    client, published, expert, question, carol
):
    from forecasts.services.reviews.verdicts import resolve_question

    review = resolve_question(
        question=question, outcome="annulled", resolved_by=carol, note="Cancelled."
    )
    hashes = dict(LedgerEntry.objects.values_list("object_id", "hash").filter(kind="prediction"))
    review_hash = LedgerEntry.objects.get(kind="review", object_id=review.pk).hash
    question_page = client.get(f"/questions/{question.pk}/").content.decode()
    expert_page = client.get(f"/experts/{expert.slug}/").content.decode()
    for current in (published[1], published[2]):
        assert hashes[current.pk] in question_page
        assert hashes[current.pk] in expert_page
    assert hashes[published[0].pk] not in expert_page  # superseded: its successor is shown
    assert review_hash in question_page
