"""Exact running sums (ScoreSums): an update costs the changed scores, not the history, and
still equals a rebuild from scratch to the last unit, on SQLite and PostgreSQL."""

import pytest
from django.contrib.auth.models import User
from django.db import connection

from forecasts import scoring
from forecasts.models import PredictionScore, ScoreSums, TrackRecord
from forecasts.selectors import track_records as reads
from forecasts.selectors.track_records import merged_bins
from forecasts.services import create_expert, get_or_create_topic
from forecasts.services.track_records import rebuild, sums
from forecasts.services.track_records import records as tr
from tests.builders import forecast, make_question, random_history, resolve

pytestmark = pytest.mark.django_db(transaction=True)
postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the sums trigger is PostgreSQL only"
)


def _sums() -> list[tuple]:
    rows = ScoreSums.objects.filter(n__gt=0).values_list(
        "expert_id", "topic_id", "calibration_bin", "hindsight", *reads.SUM_COLUMNS
    )
    return sorted((tuple(int(v) if v is not None else v for v in r) for r in rows), key=str)


def _records() -> list[tuple]:
    fields = [f.attname for f in tr.RECORD_FIELDS if f.attname != "updated_at"]
    # RECORD_FIELDS start with the expert, the topic and the record's scope.
    return sorted(TrackRecord.objects.values_list(*fields), key=lambda r: (r[0], r[1] or 0, r[2]))


@pytest.mark.parametrize("seed", [11, 12])
def test_running_sums_equal_sums_from_scratch(seed):
    random_history(seed, User.objects.create_superuser("root", "root@example.org", "pw"))
    incremental_sums, incremental_records = _sums(), _records()
    assert incremental_sums
    assert incremental_records
    assert rebuild.recompute_track_records() == len(incremental_records)
    assert _sums() == incremental_sums
    assert _records() == incremental_records
    assert rebuild.rebuild_track_records() == len(incremental_records)
    assert _records() == incremental_records


@pytest.mark.parametrize("seed", [5, 6])
def test_aggregate_sums_matches_the_stored_sums(seed, carol):
    # At this size some sums reach 16 digits (in 1e-12 units), which numeric columns lost
    # on SQLite (read back rounded to 15 significant digits).
    random_history(seed, carol, questions=72)
    stored = {}
    for (expert_id, topic_id), group in _grouped(_sums()):
        # Hindsight and prospective rows of a bin add up to the bin.
        stored[(expert_id, topic_id)] = reads.expert_sums(
            merged_bins((r[2], *r[4:]) for r in group)
        )
    computed = reads.aggregate_sums(PredictionScore.objects.all())
    computed.update(reads.aggregate_sums(PredictionScore.objects.all(), by_topic=True))
    assert computed == stored


def _grouped(rows):
    from itertools import groupby

    ordered = sorted(rows, key=lambda r: (r[0], -1 if r[1] is None else r[1], r[2]))
    return groupby(ordered, key=lambda r: (r[0], r[1]))


def test_exact_sums_are_within_the_spec_tolerance_of_float_sums(carol):
    expert = create_expert(name="Ivo Example")
    ps, os_ = [0.9, 0.8, 0.7, 0.6, 0.3], [1, 1, 0, 1, 0]
    for i, (p, o) in enumerate(zip(ps, os_, strict=True)):
        question = make_question(f"E1 question {i}")
        forecast(expert, question, p)
        resolve(question, "yes" if o else "no", carol)
    stored = reads.aggregate_sums(PredictionScore.objects.all())[(expert.pk, None)]
    exact = scoring.sum_forecasts(ps, os_)
    assert stored.n == exact.n
    assert stored.hits == exact.hits
    for name in ("sum_brier", "sum_log", "sum_baseline"):
        assert getattr(stored, name) == pytest.approx(getattr(exact, name), abs=1e-11)


@postgres_only
def test_installed_trigger_matches_the_service():
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'forecasts_score_sums'")
        (installed,) = cursor.fetchone()
    expected = sums.score_sums_trigger_sql().split("$$")[1]
    assert installed == expected


@postgres_only
def test_an_update_rebuilds_only_the_changed_groups(carol):
    politics, weather = get_or_create_topic(name="Politics"), get_or_create_topic(name="Weather")
    expert = create_expert(name="Prolific")
    for i in range(6):
        question = make_question(f"Weather {i}", topics=[weather])
        forecast(expert, question, 0.7)
        resolve(question, "yes", carol)
    before = TrackRecord.objects.get(prospective_only=False, expert=expert, topic=weather)
    question = make_question("Politics 1", topics=[politics])
    forecast(expert, question, 0.2)
    resolve(question, "no", carol)
    # The weather record did not change, so it was not rewritten; the others were.
    assert (
        TrackRecord.objects.get(prospective_only=False, expert=expert, topic=weather).pk
        == before.pk
    )
    assert (
        TrackRecord.objects.get(
            prospective_only=False, expert=expert, topic=politics
        ).resolved_count
        == 1
    )
    assert (
        TrackRecord.objects.get(prospective_only=False, expert=expert, topic=None).resolved_count
        == 7
    )
    assert not ScoreSums.objects.filter(dirty=True).exists()


@postgres_only
def test_any_score_writer_keeps_the_sums_in_step(carol):
    """Scores written or deleted outside score_question (an import, the admin) still move the
    sums: the trigger is on the table."""
    expert = create_expert(name="Ivo Example")
    question = make_question("Q", topics=[get_or_create_topic(name="T")])
    forecast(expert, question, 0.8)
    resolve(question, "yes", carol)
    assert ScoreSums.objects.filter(expert=expert, n=1).count() == 2  # overall and topic
    PredictionScore.objects.filter(expert=expert).delete()
    assert set(ScoreSums.objects.filter(expert=expert).values_list("n", "dirty")) == {(0, True)}
    tr.update_track_records(expert_ids=[expert.pk])
    assert not ScoreSums.objects.filter(expert=expert).exists()
    assert not TrackRecord.objects.filter(prospective_only=False, expert=expert).exists()
