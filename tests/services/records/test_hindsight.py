"""Prospective and hindsight forecasts (docs/scoring.md, E12), read back
through the API, and corrections after the deadline."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from forecasts import scoring
from forecasts.models import Prediction, PredictionScore
from forecasts.services import (
    correct_prediction,
    create_expert,
    create_question,
    record_prediction,
)
from forecasts.services.reviews.verdicts import resolve_question
from forecasts.services.track_records.rebuild import recompute_track_records
from forecasts.services.track_records.records import refresh_track_records

pytestmark = pytest.mark.django_db
UTC = dt.UTC


class Clock:
    """A test clock: timezone.now() answers what it is set to."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = dt.datetime(2026, 1, 1, tzinfo=UTC)
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def set(self, *args: int) -> None:
        self.now = dt.datetime(*args, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


@pytest.mark.parametrize(
    ("recorded_at", "first_resolved_at", "prospective"),
    [
        (dt.datetime(2026, 3, 1, tzinfo=UTC), dt.datetime(2026, 7, 3, tzinfo=UTC), True),
        (dt.datetime(2026, 7, 10, tzinfo=UTC), dt.datetime(2026, 7, 3, tzinfo=UTC), False),
        (dt.datetime(2026, 6, 30, 10, tzinfo=UTC), dt.datetime(2026, 7, 3, tzinfo=UTC), False),
        (dt.datetime(2026, 6, 29, 23, 59, tzinfo=UTC), None, True),
        # Resolved early (before the deadline): a record after the resolution is hindsight.
        (dt.datetime(2026, 5, 2, tzinfo=UTC), dt.datetime(2026, 5, 1, tzinfo=UTC), False),
    ],
)
def test_the_rule_in_pure_form(recorded_at, first_resolved_at, prospective):
    assert (
        scoring.is_prospective(
            recorded_on=recorded_at.date(),
            recorded_at=recorded_at,
            deadline=dt.date(2026, 6, 30),
            first_resolved_at=first_resolved_at,
        )
        is prospective
    )


@pytest.fixture
def e12(clock, carol, alice):
    """E12: deadline 2026-06-30, resolved 2026-07-03 YES; X, Y and Z recorded as it says."""
    clock.set(2026, 1, 10, 9)
    question = create_question(
        title="Will the tunnel open by 30 June 2026?",
        resolution_criteria="YES if it opens to traffic by the deadline.",
        deadline=dt.date(2026, 6, 30),
        created_by=alice,
    )
    x, y, z = (create_expert(name=name) for name in ("Expert X", "Expert Y", "Expert Z"))
    clock.set(2026, 3, 1, 12)
    record_prediction(
        expert=x, question=question, probability=0.8, made_on=dt.date(2026, 3, 1), recorded_by=alice
    )
    clock.set(2026, 6, 30, 10)
    record_prediction(
        expert=z,
        question=question,
        probability=0.6,
        made_on=dt.date(2026, 6, 30),
        recorded_by=alice,
    )
    clock.set(2026, 7, 3, 15)
    resolve_question(
        question=question, outcome="yes", resolved_by=carol, evidence_url="https://e.org/t"
    )
    clock.set(2026, 7, 10, 8)
    record_prediction(
        expert=y, question=question, probability=0.3, made_on=dt.date(2026, 2, 1), recorded_by=alice
    )
    refresh_track_records()  # what the worker does once the resolutions commit
    return question, x, y, z


def test_e12_through_the_api(e12):
    _, x, y, z = e12
    client = APIClient()
    for expert, brier, prospective_n, share in (
        (x, 0.04, 1, 0.0),
        (y, 0.49, 0, 1.0),
        (z, 0.16, 0, 1.0),
    ):
        body = client.get(f"/api/experts/{expert.slug}/").json()
        record, prospective = body["track_record"], body["prospective_track_record"]
        assert record["resolved_count"] == 1
        assert record["brier"] == pytest.approx(brier, abs=1e-9)
        assert record["hindsight_share"] == share
        assert prospective["resolved_count"] == prospective_n
        assert prospective["hindsight_share"] == share
        assert record["last_resolved_on"] == "2026-07-03"
        assert prospective["last_resolved_on"] == ("2026-07-03" if prospective_n else None)
        if prospective_n:
            assert prospective["brier"] == pytest.approx(brier, abs=1e-9)
        else:
            assert prospective["brier"] is None
    predictions = client.get("/api/predictions/").json()["results"]
    flags = {p["expert"]["name"]: (p["hindsight"], p["recorded_at"]) for p in predictions}
    assert flags == {
        "Expert X": (False, "2026-03-01T12:00:00Z"),
        "Expert Y": (True, "2026-07-10T08:00:00Z"),
        "Expert Z": (True, "2026-06-30T10:00:00Z"),
    }


def test_e12_on_the_leaderboard_all_and_prospective(e12):
    _, x, y, z = e12
    client = APIClient()
    every = client.get("/api/leaderboard/?min_resolved=1").json()["results"]
    assert [(r["expert"]["name"], r["rank"], r["hindsight_share"]) for r in every] == [
        ("Expert X", 1, 0.0),
        ("Expert Z", 2, 1.0),
        ("Expert Y", 3, 1.0),
    ]
    prospective = client.get("/api/leaderboard/?min_resolved=1&record=prospective").json()
    rows = [(r["expert"]["name"], r["rank"], r["resolved_count"]) for r in prospective["results"]]
    assert rows[0] == ("Expert X", 1, 1)
    assert sorted(rows[1:]) == [("Expert Y", None, 0), ("Expert Z", None, 0)]  # unranked there
    assert client.get("/api/leaderboard/?record=later").status_code == 400


def test_e12_pages_show_the_share_beside_n(e12, client):
    _, x, y, _ = e12
    board = client.get("/?min_resolved=1").content.decode()
    assert "hindsight" in board.lower()
    prospective = client.get("/?min_resolved=1&record=prospective").content.decode()
    assert "prospective" in prospective.lower()
    page = client.get(f"/experts/{y.slug}/").content.decode()
    assert "100% hindsight" in page
    assert "0% hindsight" in client.get(f"/experts/{x.slug}/").content.decode()


def test_the_rebuild_gives_the_same_records_as_the_incremental_path(e12):
    from forecasts.models import TrackRecord

    def snapshot():
        return sorted(
            TrackRecord.objects.values_list(
                "expert_id", "topic_id", "prospective_only", "resolved_count", "hindsight_count",
                "brier",
            )
        )  # fmt: skip

    before = snapshot()
    recompute_track_records()
    assert snapshot() == before
    assert set(PredictionScore.objects.values_list("hindsight", flat=True)) == {True, False}


# --- corrections after the deadline ---------------------------------------------------------


@pytest.fixture
def late(clock, alice, carol):
    clock.set(2026, 1, 10, 9)
    question = create_question(
        title="Will the ferry run by 31 March 2026?",
        resolution_criteria="YES if a scheduled crossing runs by then.",
        deadline=dt.date(2026, 3, 31),
    )
    prediction = record_prediction(
        expert=create_expert(name="Ida Moss"),
        question=question,
        probability=0.7,
        made_on=dt.date(2026, 1, 5),
        recorded_by=alice,
    )
    clock.set(2026, 4, 10, 9)
    return prediction


def test_a_late_correction_by_an_editor_or_the_recorder_is_refused(late, alice, carol, dave):
    from django.contrib.auth.models import User

    client = APIClient()
    client.force_authenticate(alice)
    response = client.post(
        f"/api/predictions/{late.pk}/corrections/", {"reason": "x", "probability": 0.2}
    )
    assert response.status_code == 403
    assert "only an admin who did not record" in response.json()["detail"]
    recorder_admin = User.objects.create_superuser("root", "root@example.org", "pw")
    mine = record_prediction(
        expert=late.expert,
        question=late.question,
        probability=0.6,
        made_on=dt.date(2026, 1, 6),
        recorded_by=recorder_admin,
    )
    client.force_authenticate(recorder_admin)
    response = client.post(
        f"/api/predictions/{mine.pk}/corrections/", {"reason": "x", "probability": 0.2}
    )
    assert response.status_code == 403
    assert "another admin must make this correction" in response.json()["detail"]
    assert Prediction.objects.filter(supersedes__isnull=False).count() == 0


def test_a_late_correction_by_another_admin_is_accepted_flagged_and_shown(late, carol, client):
    api = APIClient()
    api.force_authenticate(carol)
    response = api.post(
        f"/api/predictions/{late.pk}/corrections/",
        {"reason": "The transcript says 60%.", "probability": 0.6},
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["corrected_after_deadline"] is True
    assert body["recorded_at"] == "2026-01-10T09:00:00Z"  # the original's: still prospective
    assert body["hindsight"] is False
    corrected = Prediction.objects.get(pk=body["id"])
    assert corrected.corrected_after_deadline
    question_page = client.get(f"/questions/{late.question_id}/").content.decode()
    expert_page = client.get(f"/experts/{late.expert.slug}/").content.decode()
    feed = client.get("/api/feeds/predictions/").content.decode()
    for text in (question_page, expert_page, feed):
        assert "corrected after the deadline" in text.lower()
    from forecasts.services.transfer.csv_export import export_rows

    rows = list(export_rows())
    assert any(row.get("corrected_after_deadline") == "yes" for row in rows)


def test_a_correction_before_the_deadline_is_not_flagged(clock, alice):
    clock.set(2026, 1, 10, 9)
    question = create_question(
        title="Will the ferry run by 31 March 2026?",
        resolution_criteria="YES if a scheduled crossing runs by then.",
        deadline=dt.date(2026, 3, 31),
    )
    prediction = record_prediction(
        expert=create_expert(name="Ida Moss"),
        question=question,
        probability=0.7,
        made_on=dt.date(2026, 1, 5),
        recorded_by=alice,
    )
    clock.set(2026, 2, 1, 9)
    corrected = correct_prediction(
        prediction=prediction, reason="Typo.", corrected_by=alice, probability=0.75
    )
    assert not corrected.corrected_after_deadline
    assert corrected.recorded_at == prediction.recorded_at


def test_predictions_added_after_the_deadline_are_allowed_and_hindsight(clock, alice):
    clock.set(2026, 1, 10, 9)
    question = create_question(
        title="Will the ferry run by 31 March 2026?",
        resolution_criteria="YES if a scheduled crossing runs by then.",
        deadline=dt.date(2026, 3, 31),
    )
    clock.set(2026, 5, 1, 9)
    prediction = record_prediction(
        expert=create_expert(name="Ida Moss"),
        question=question,
        probability=0.7,
        made_on=dt.date(2026, 1, 5),
        recorded_by=alice,
    )
    assert prediction.hindsight
