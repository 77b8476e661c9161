"""`last_resolved_on` in /api/experts/{slug}/: the date of the expert's latest scored
resolution (issue 17 found it always null)."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from forecasts.services import create_expert, create_question, record_prediction
from forecasts.services.reviews.verdicts import resolve_question
from forecasts.services.track_records.records import refresh_track_records

pytestmark = pytest.mark.django_db


def test_it_is_the_latest_scored_resolution_and_an_annulment_does_not_move_it(monkeypatch, carol):
    clock = {"now": dt.datetime(2026, 1, 10, 9, tzinfo=dt.UTC)}
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])
    expert = create_expert(name="Laila Haddad")
    questions = [
        create_question(
            title=f"Will milestone {n} of the pipeline be reached by March 2026?",
            resolution_criteria="YES if the operator reports it; NO otherwise.",
            deadline=dt.date(2026, 3, 31),
        )
        for n in (1, 2, 3)
    ]
    for question in questions:
        record_prediction(
            expert=expert, question=question, probability=0.3, made_on=dt.date(2026, 1, 10)
        )
    # Resolved out of order: the latest date wins, not the latest write.
    for question, outcome, day in zip(
        questions, ["yes", "no", "annulled"], [20, 2, 28], strict=True
    ):
        clock["now"] = dt.datetime(2026, 4, day, 12, tzinfo=dt.UTC)
        resolve_question(
            question=question, outcome=outcome, resolved_by=carol, evidence_url="https://e.org/x"
        )
    refresh_track_records()

    body = APIClient().get(f"/api/experts/{expert.slug}/").json()

    assert body["track_record"]["resolved_count"] == 2
    assert body["track_record"]["last_resolved_on"] == "2026-04-20"
    assert body["prospective_track_record"]["last_resolved_on"] == "2026-04-20"


def test_it_is_null_before_any_resolution(db):
    expert = create_expert(name="Laila Haddad")
    body = APIClient().get(f"/api/experts/{expert.slug}/").json()
    assert body["track_record"]["last_resolved_on"] is None


@pytest.mark.postgres
def test_read_one_group_at_a_time_or_all_grouped_it_is_the_same(monkeypatch, carol):
    """An incremental update reads each group's latest day from the index, a rebuild groups
    every score: per topic and per scope (all, prospective) both give the same days."""
    from forecasts.models import Topic, TrackRecord
    from forecasts.services.track_records import rebuild, records

    clock = {"now": dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)}
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])
    expert = create_expert(name="Laila Haddad")
    energy = Topic.objects.create(name="Energy", slug="energy")
    trade = Topic.objects.create(name="Trade", slug="trade")
    made = {}

    def record(name: str, topics: list, deadline: dt.date, on: dt.date, said_on=None) -> None:
        clock["now"] = dt.datetime.combine(on, dt.time(9), dt.UTC)
        question = create_question(
            title=f"Will the {name} of the energy and trade desk happen?",
            resolution_criteria="YES if it happens; NO otherwise.",
            deadline=deadline,
            topics=topics,
        )
        record_prediction(expert=expert, question=question, probability=0.4, made_on=said_on or on)
        made[name] = question

    def resolve(name: str, on: dt.date) -> None:
        clock["now"] = dt.datetime.combine(on, dt.time(12), dt.UTC)
        resolve_question(
            question=made[name], outcome="yes", resolved_by=carol, evidence_url="https://e.org/x"
        )

    record("first event", [energy], dt.date(2026, 2, 1), dt.date(2026, 1, 5))
    record("second event", [energy, trade], dt.date(2026, 3, 1), dt.date(2026, 1, 6))
    resolve("first event", dt.date(2026, 2, 1))
    resolve("second event", dt.date(2026, 3, 1))
    record("third event", [trade], dt.date(2026, 4, 1), dt.date(2026, 3, 20))
    resolve("third event", dt.date(2026, 4, 1))
    # Said on the 5th, recorded after the deadline: hindsight, and the latest resolution.
    record("late event", [trade], dt.date(2026, 4, 10), dt.date(2026, 4, 20), dt.date(2026, 4, 5))
    resolve("late event", dt.date(2026, 4, 21))

    def days() -> dict:
        rebuild.recompute_track_records()
        return {
            (r.topic_id, r.prospective_only): r.last_resolved_on
            for r in TrackRecord.objects.filter(expert=expert)
        }

    monkeypatch.setattr(records, "LATEST_ONE_BY_ONE", 0)
    grouped = days()
    monkeypatch.setattr(records, "LATEST_ONE_BY_ONE", 10_000)
    assert days() == grouped
    assert grouped[(None, False)] == grouped[(trade.pk, False)] == dt.date(2026, 4, 21)
    assert grouped[(None, True)] == grouped[(trade.pk, True)] == dt.date(2026, 4, 1)
    assert grouped[(energy.pk, False)] == grouped[(energy.pk, True)] == dt.date(2026, 3, 1)
