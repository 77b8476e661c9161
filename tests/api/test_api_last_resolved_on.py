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
