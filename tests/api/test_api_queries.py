"""List endpoints run a fixed number of SQL queries whatever the number of rows."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from forecasts.services import (
    correct_prediction,
    create_expert,
    create_question,
    get_or_create_source,
    get_or_create_topic,
    record_prediction,
)
from forecasts.services.reviews.verdicts import resolve_question
from forecasts.services.track_records.records import update_track_records
from tests.builders import late_corrector

PATHS = [
    "/api/experts/",
    "/api/experts/?search=expert",
    "/api/sources/",
    "/api/topics/",
    "/api/questions/",
    "/api/questions/?status=resolved&status=open",
    "/api/predictions/",
    "/api/predictions/?include_superseded=true",
    "/api/predictions.csv",
    "/api/reviews/",
    "/api/track-records/",
    "/api/leaderboard/",
    "/api/feeds/predictions/",
    "/api/feeds/resolutions/",
]


def _add_rows(start: int, count: int, admin, today: dt.date) -> None:
    for i in range(start, start + count):
        expert = create_expert(name=f"Expert {i}")
        source = get_or_create_source(title=f"Source {i}", url=f"https://e.org/{i}")
        topics = [get_or_create_topic(name=f"Topic {i}"), get_or_create_topic(name="Shared")]
        question = create_question(
            title=f"Question {i}?",
            resolution_criteria="YES if so.",
            deadline=today - dt.timedelta(days=1),
            topics=topics,
        )
        first = record_prediction(
            expert=expert,
            question=question,
            probability=0.6,
            made_on=today - dt.timedelta(days=30),
            source=source,
        )
        correct_prediction(
            prediction=first, reason="Typo", probability=0.65, corrected_by=late_corrector()
        )
        resolve_question(
            question=question, outcome="yes", resolved_by=admin, evidence_url="https://e.org/ev"
        )
        update_track_records(expert_ids=[expert.pk])


def _counts() -> list[int]:
    counts = []
    for path in PATHS:
        with CaptureQueriesContext(connection) as captured:
            response = APIClient().get(path)
            assert response.status_code == 200, (path, response.content[:200])
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
        counts.append(len(captured))
    return counts


def test_list_endpoints_run_the_same_queries_for_few_and_many_rows(carol, today):
    _add_rows(0, 1, carol, today)
    few = _counts()
    _add_rows(1, 8, carol, today)
    many = _counts()
    assert dict(zip(PATHS, many, strict=True)) == dict(zip(PATHS, few, strict=True))
