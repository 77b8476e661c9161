"""verify_ledger covers every input of every published figure: each column a figure depends on,
altered with SQL behind the services' back, is named; so is a chain recomputed after an edit,
once a head was published."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from forecasts.models import LedgerEntry, LedgerHead, Prediction, Question, Topic
from forecasts.services import (
    correct_prediction,
    create_expert,
    create_question,
    get_or_create_topic,
    record_prediction,
    update_question,
)
from forecasts.services.ledger.chain import chain_hash, write_head_file
from forecasts.services.ledger.verify import verify_ledger
from forecasts.services.reviews.verdicts import resolve_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(alice, carol, oscar, tmp_path, settings):
    """A small published record: a resolved question (NO) with a corrected prediction, an
    open one with a revision, topics and a consensus figure."""
    settings.LEDGER_HEAD_FILE = str(tmp_path / "heads.txt")
    topic = get_or_create_topic(name="Transport")
    past = timezone.localdate() - dt.timedelta(days=10)
    resolved = create_question(
        title="Will the ferry strike end by last week?",
        resolution_criteria="YES if the union calls it off.",
        deadline=past,
        topics=[topic],
        consensus_probability=0.4,
        created_by=alice,
    )
    expert = create_expert(name="Ida Moss")
    first = record_prediction(
        expert=expert, question=resolved, probability=0.7, made_on=past, recorded_by=alice
    )
    corrected = correct_prediction(
        prediction=first, reason="She said 60%.", corrected_by=oscar, probability=0.6
    )
    resolve_question(
        question=resolved, outcome="no", resolved_by=carol, evidence_url="https://e.org/n"
    )
    open_question = create_question(
        title="Will the bridge reopen next year?",
        resolution_criteria="YES if it reopens.",
        deadline=timezone.localdate() + dt.timedelta(days=300),
        created_by=alice,
    )
    update_question(
        question=open_question,
        reason="Named the bridge.",
        changed_by=alice,
        title="Will the Harbour Bridge reopen next year?",
    )
    record_prediction(
        expert=expert,
        question=open_question,
        probability=0.2,
        made_on=timezone.localdate(),
        recorded_by=alice,
    )
    assert verify_ledger() == (LedgerEntry.objects.count(), None)
    return {
        "resolved": resolved,
        "open": open_question,
        "first": first,
        "corrected": corrected,
        "topic": topic,
    }


def _sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _set(table: str, column: str, value: object, pk: int) -> None:
    """UPDATE one column of one row, as an insider with database access would."""
    _sql(f"UPDATE forecasts_{table} SET {column} = %s WHERE id = %s", [value, pk])  # noqa: S608


def _problem():
    _, problem = verify_ledger()
    assert problem is not None
    return problem


def test_an_outcome_flipped_in_the_table_is_named(record):
    _sql("UPDATE forecasts_question SET outcome = 'yes' WHERE id = %s", [record["resolved"].pk])
    problem = _problem()
    assert (problem.kind, problem.object_id) == ("question", record["resolved"].pk)
    assert "outcome" in problem.reason
    assert "'no'" in problem.reason


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("status", "annulled"),
        ("resolved_at", dt.datetime(2020, 1, 1, tzinfo=dt.UTC)),
        ("first_resolved_at", dt.datetime(2020, 1, 1, tzinfo=dt.UTC)),
    ],
)
def test_a_settlement_column_altered_is_named(record, column, value):
    _set("question", column, value, record["resolved"].pk)
    problem = _problem()
    assert (problem.kind, problem.object_id) == ("question", record["resolved"].pk)
    assert column in problem.reason


def test_an_open_question_given_an_outcome_is_named(record):
    _sql(
        "UPDATE forecasts_question SET outcome = 'yes', status = 'resolved', resolved_at = %s "
        "WHERE id = %s",
        [timezone.now(), record["open"].pk],
    )
    problem = _problem()
    assert (problem.kind, problem.object_id) == ("question", record["open"].pk)
    assert "no resolution is chained" in problem.reason


def test_a_prediction_superseded_without_a_correction_is_named(record):
    _sql(
        "UPDATE forecasts_prediction SET superseded_at = %s WHERE id = %s",
        [timezone.now(), record["corrected"].pk],
    )
    problem = _problem()
    assert (problem.kind, problem.object_id) == ("prediction", record["corrected"].pk)
    assert "no chained correction" in problem.reason


def test_a_correction_undone_in_the_table_is_named(record):
    _sql("UPDATE forecasts_prediction SET superseded_at = NULL WHERE id = %s", [record["first"].pk])
    problem = _problem()
    assert (problem.kind, problem.object_id) == ("prediction", record["first"].pk)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("title", "Will the ferry strike end one day?"),
        ("resolution_criteria", "YES if anyone says so."),
        ("deadline", dt.date(2031, 1, 1)),
        ("consensus_probability", 0.9),
    ],
)
def test_a_question_term_or_context_altered_is_named(record, column, value):
    _set("question", column, value, record["resolved"].pk)
    problem = _problem()
    assert (problem.kind, problem.object_id) == ("question", record["resolved"].pk)
    assert column in problem.reason


def test_a_topic_added_in_the_table_is_named(record):
    other = Topic.objects.create(name="Energy", slug="energy")
    table = Question.topics.through._meta.db_table
    insert = f"INSERT INTO {table} (question_id, topic_id) VALUES (%s, %s)"  # noqa: S608
    _sql(insert, [record["resolved"].pk, other.pk])
    problem = _problem()
    assert (problem.kind, problem.object_id) == ("question", record["resolved"].pk)
    assert "topics" in problem.reason


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("recorded_at", dt.datetime(2020, 1, 1, tzinfo=dt.UTC)),
        ("corrected_after_deadline", False),
        ("probability", 0.01),
    ],
)
def test_a_prediction_column_altered_is_named(record, column, value):
    _set("prediction", column, value, record["corrected"].pk)
    problem = _problem()
    assert (problem.kind, problem.object_id) == ("prediction", record["corrected"].pk)
    assert "changed after publication" in problem.reason


def test_a_revision_rewritten_in_the_table_is_named(record):
    revision = record["open"].revisions.order_by("version").first()
    _sql("UPDATE forecasts_questionrevision SET reason = 'nothing' WHERE id = %s", [revision.pk])
    problem = _problem()
    assert (problem.kind, problem.object_id) == ("question_revision", revision.pk)


def _recompute_chain_from(seq: int) -> None:
    """What an insider with database access would do after an edit: rebuild every hash from
    `seq` on so that the chain is consistent again, and move the head row along."""
    entries = list(LedgerEntry.objects.order_by("seq"))
    prev = "0" * 64
    for entry in entries:
        if entry.seq >= seq:
            entry.prev_hash = prev
            entry.hash = chain_hash(prev, entry.payload)
            LedgerEntry.objects.filter(pk=entry.pk).update(
                prev_hash=entry.prev_hash, hash=entry.hash
            )
        prev = entry.hash
    LedgerHead.objects.filter(pk=1).update(hash=prev)


def test_a_chain_recomputed_after_an_edit_is_caught_by_the_published_head(record):
    write_head_file()  # the day's head, published for outside timestamping
    entry = LedgerEntry.objects.get(kind="prediction", object_id=record["corrected"].pk)
    forged = entry.payload.replace('"probability":"0.6"', '"probability":"0.01"')
    assert forged != entry.payload
    LedgerEntry.objects.filter(pk=entry.pk).update(payload=forged)
    Prediction.objects.filter(pk=record["corrected"].pk).update(probability=0.01)
    _recompute_chain_from(entry.seq)
    # Without the published head the forgery is consistent: that is what heads are for.
    assert verify_ledger(head_file="/nonexistent/heads.txt")[1] is None
    problem = _problem()
    assert "differs from the head published on" in problem.reason


def test_entries_removed_after_a_head_was_published_are_caught(record):
    write_head_file()
    last = LedgerEntry.objects.order_by("-seq").first()
    LedgerEntry.objects.filter(pk=last.pk).delete()
    LedgerHead.objects.filter(pk=1).update(hash=last.prev_hash, seq=last.seq - 1)
    assert "fewer than the" in _problem().reason


def test_the_command_names_the_row(record):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    _sql("UPDATE forecasts_question SET outcome = 'yes' WHERE id = %s", [record["resolved"].pk])
    with pytest.raises(CommandError, match=f"question {record['resolved'].pk}"):
        call_command("verify_ledger")
