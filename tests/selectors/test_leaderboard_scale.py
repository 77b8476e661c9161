"""The leaderboard ranked in SQL, one page at a time: same ranks as scoring.rank_experts.

selectors.LeaderboardRows ranks with RANK() over an exact tie key (round-half-even of x·10¹²,
computed with an exact float product), so these tests compare it with rank_experts on random
and adversarial data, and check the pages and the API are paginated with a fixed number of
queries. Runs on SQLite and, with DATABASE_URL=postgres://..., on PostgreSQL.
"""

import math
import random
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forecasts import scoring, selectors
from forecasts.models import Expert, TrackRecord
from forecasts.selectors.track_records import ranking_policy
from forecasts.services import get_or_create_topic

pytestmark = pytest.mark.django_db


def _python_key(x: float) -> int:
    """round(x, 12)·10¹² as an integer, from the exact binary value (what round() does)."""
    return int(Decimal(x).quantize(Decimal("1e-12"), rounding=ROUND_HALF_EVEN) * 10**12)


def _sql_keys(values: list[float]) -> list[int]:
    inner, outer = selectors.tie_key_sql("x", "k")
    rows = " UNION ALL ".join("SELECT %s AS i, CAST(%s AS DOUBLE PRECISION) AS x" for _ in values)
    sql = f"SELECT i, {outer} FROM (SELECT i, x, {inner} FROM ({rows}) v) w ORDER BY i"  # noqa: S608
    params = [p for i, v in enumerate(values) for p in (i, v)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [int(k) for _, k in cursor.fetchall()]


def _adversarial_values(rng: random.Random) -> list[float]:
    values = [0.0, 1.0, 0.25, 0.5, 1 / 8192, 3 / 8192, 5 / 8192, 1e-13, 4.9e-13, 5e-13]
    for _ in range(60):  # floats right around a half-way point of the 12th decimal
        half = (rng.randrange(10**12) + 0.5) / 10**12
        values += [half, math.nextafter(half, 0), math.nextafter(half, 1)]
    values += [rng.random() for _ in range(100)]
    return values


def test_sql_tie_key_rounds_like_python_round():
    values = _adversarial_values(random.Random(7))
    assert _sql_keys(values) == [_python_key(v) for v in values]
    for v in values:  # and that integer is what round(x, 12) means
        assert round(v, 12) == _python_key(v) / 10**12


def _random_records(rng: random.Random, count: int, topic=None) -> list[TrackRecord]:
    policy = ranking_policy()
    experts = Expert.objects.bulk_create(
        [Expert(name=f"Expert {i}", slug=f"expert-{i}") for i in range(count)]
    )
    shapes: list[tuple[int, float]] = []
    for _ in range(count):
        kind = rng.random()
        if kind < 0.15 and shapes:  # an exact duplicate of an earlier expert: a shared rank
            shapes.append(rng.choice(shapes))
        elif kind < 0.25:  # the same S with another n: (Σb + 2.5)/(n + 10) = S
            n = rng.randint(0, 12)
            target = rng.choice([0.2, 0.15, 0.25])
            shapes.append((n, target * (n + 10) - 2.5 if target * (n + 10) >= 2.5 else 0.0))
        else:
            n = rng.randint(0, 30)
            shapes.append(
                (n, sum(rng.choice([0.01, 0.04, 0.09, 0.16, 0.25, 0.36]) for _ in range(n)))
            )
    records = []
    for expert, (n, sum_brier) in zip(experts, shapes, strict=True):
        records.append(
            TrackRecord(
                expert=expert,
                topic=topic,
                resolved_count=n,
                sum_brier=sum_brier,
                brier=sum_brier / n if n else None,
                ranking_score=scoring.ranking_score(n, sum_brier, policy),
                hit_rate=rng.choice([None, rng.random()]),
                scoring_version="test",
            )
        )
    return TrackRecord.objects.bulk_create(records)


@pytest.mark.parametrize("min_resolved", [None, 1, 3, 8])
def test_sql_ranks_match_rank_experts_on_random_records(min_resolved):
    records = _random_records(random.Random(min_resolved or 0), 300)
    policy = ranking_policy()
    if min_resolved is not None:
        policy = scoring.RankingPolicy(policy.mu0, policy.k, min_resolved)
    expected = scoring.rank_experts(
        [
            scoring.RankingRow(r.expert_id, r.resolved_count, r.sum_brier)
            for r in sorted(records, key=lambda r: r.expert_id)
        ],
        policy,
    )
    board = selectors.BoardFilters(min_resolved=min_resolved)
    rows = board.rows("all")
    got = [
        (row.expert.pk, row.rank) for start in range(0, 300, 50) for row in rows[start : start + 50]
    ]
    assert got == [(r.key, r.rank) for r in expected]
    assert len({rank for _, rank in got if rank}) < len([1 for _, rank in got if rank])  # ties
    assert board.counts()["ranked"] == sum(1 for r in expected if r.rank is not None)
    ranked = board.rows("ranked")[0:1000]
    provisional = board.rows("provisional")[0:1000]
    assert [row.expert.pk for row in ranked + provisional] == [k for k, _ in got]


def test_sorted_pages_match_a_python_sort_of_the_whole_board():
    _random_records(random.Random(3), 120)
    board = selectors.BoardFilters()
    everything = board.rows("ranked")[0:1000]
    for sort, attribute in (("hit_rate", "hit_rate"), ("n", "resolved_count")):
        for descending in (False, True):
            present = [r for r in everything if getattr(r, attribute) is not None]
            missing = [r for r in everything if getattr(r, attribute) is None]
            present.sort(key=lambda r: getattr(r, attribute), reverse=descending)
            rows = board.rows("ranked", sort, descending)
            got = rows[0:50] + rows[50:1000]
            assert [r.expert.pk for r in got] == [r.expert.pk for r in present + missing]


def test_topic_board_reads_only_that_topics_records():
    topic = get_or_create_topic(name="Harbour politics")
    _random_records(random.Random(5), 40)
    on_topic = TrackRecord.objects.filter(topic=None).order_by("id")[:10]
    TrackRecord.objects.bulk_create(
        [
            TrackRecord(
                expert_id=r.expert_id,
                topic=topic,
                resolved_count=6,
                sum_brier=0.5,
                brier=0.5 / 6,
                ranking_score=scoring.ranking_score(6, 0.5, ranking_policy()),
                scoring_version="test",
            )
            for r in on_topic
        ]
    )
    board = selectors.BoardFilters(topic=topic)
    rows = board.rows()[0:50]
    assert board.counts() == {"all": 10, "ranked": 10, "provisional": 0}
    assert {r.rank for r in rows} == {1}  # all equal: one shared rank
    assert [r.expert.pk for r in rows] == sorted(r.expert_id for r in on_topic)


def _queries(client, url: str) -> tuple[int, object]:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return len(queries), response


def test_page_and_api_paginate_with_a_fixed_number_of_queries(client):
    _random_records(random.Random(11), 30)
    few = {url: _queries(client, url)[0] for url in ("/", "/?page=1", "/api/leaderboard/")}
    _random_records_offset = Expert.objects.count()
    more = []
    for i in range(170):
        more.append(Expert(name=f"More {i}", slug=f"more-{i + _random_records_offset}"))
    experts = Expert.objects.bulk_create(more)
    TrackRecord.objects.bulk_create(
        [
            TrackRecord(
                expert=e,
                resolved_count=10 + i % 7,
                sum_brier=0.1 * (i % 13),
                brier=0.1 * (i % 13) / (10 + i % 7),
                ranking_score=scoring.ranking_score(10 + i % 7, 0.1 * (i % 13), ranking_policy()),
                scoring_version="test",
            )
            for i, e in enumerate(experts)
        ]
    )
    many = {url: _queries(client, url)[0] for url in few}
    assert many == few

    count, response = _queries(client, "/?page=2")
    ranked = response.context["ranked"]
    assert len(ranked) == selectors.LEADERBOARD_PAGE_SIZE
    html = response.content.decode()
    assert 'aria-label="Pages of ranked experts"' in html
    assert 'aria-current="page"' in html
    assert html.count('class="num calibration-gap"') <= 2 * selectors.LEADERBOARD_PAGE_SIZE

    count, response = _queries(client, "/api/leaderboard/?page=2")
    body = response.json()
    assert body["count"] == TrackRecord.objects.count()
    assert len(body["results"]) == 50
    assert body["next"]
    assert body["previous"]
    ranks = [row["rank"] for row in body["results"] if row["rank"] is not None]
    assert ranks == sorted(ranks)


def test_provisional_experts_have_their_own_pages(client):
    _random_records(random.Random(13), 500)
    response = client.get("/")
    provisional_count = response.context["provisional_count"]
    assert provisional_count == TrackRecord.objects.filter(resolved_count__lt=5).count()
    assert provisional_count > selectors.LEADERBOARD_PAGE_SIZE
    assert len(response.context["provisional"]) == selectors.LEADERBOARD_PAGE_SIZE
    assert "provisional_page=2" in response.content.decode()
    response = client.get("/", {"provisional_page": 2})
    rows = [row for row, _ in response.context["provisional"]]
    assert all(row.rank is None for row in rows)
    assert len(rows) == provisional_count - selectors.LEADERBOARD_PAGE_SIZE
    assert [row.rank for row, _ in response.context["ranked"]][:1] == [1]  # ranked: page 1
