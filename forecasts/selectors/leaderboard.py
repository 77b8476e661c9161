"""The leaderboard: experts ranked by docs/scoring.md's policy, for the public pages and the API.

`leaderboard` ranks every record in Python (the period filter's path, cached per data version).
The pages and the API read one page at a time instead, ranked in SQL with an exact tie key
(leaderboard_pages: BoardFilters, LeaderboardRows); cached renderings are keyed to the data they
show by leaderboard_version. Each read runs a fixed number of queries whatever the number of
experts.
"""

import dataclasses
import datetime as dt
from dataclasses import dataclass

from django.db.models import Count

from forecasts import scoring
from forecasts.models import Expert, PredictionScore, Topic, TrackRecord
from forecasts.selectors.track_records import (
    aggregate_sums,
    expert_sums,
    ranking_policy,
    track_record,
)


@dataclass(frozen=True)
class LeaderboardRow:
    """One expert on the leaderboard; rank is None for provisional experts (n < min_resolved)."""

    rank: int | None
    expert: Expert
    resolved_count: int
    brier: float | None
    log_score: float | None
    brier_skill: float | None
    hit_rate: float | None
    hit_rate_low: float | None
    hit_rate_high: float | None
    ranking_score: float
    peer_mean: float | None
    consensus_relative_mean: float | None
    calibration: list[dict]
    hindsight_share: float | None = None  # of the expert's whole record (docs/scoring.md)

    @property
    def provisional(self) -> bool:
        return self.rank is None


@dataclass(frozen=True)
class Leaderboard:
    ranked: list[LeaderboardRow]
    provisional: list[LeaderboardRow]
    topic: Topic | None
    min_resolved: int
    period: tuple[dt.date | None, dt.date | None] | None
    prospective: bool = False  # ranked on prospective forecasts only

    @property
    def rows(self) -> list[LeaderboardRow]:
        return self.ranked + self.provisional


def row_from_record(record: TrackRecord, rank: int | None) -> LeaderboardRow:
    return LeaderboardRow(
        rank=rank,
        expert=record.expert,
        resolved_count=record.resolved_count,
        brier=record.brier,
        log_score=record.log_score,
        brier_skill=record.brier_skill,
        hit_rate=record.hit_rate,
        hit_rate_low=record.hit_rate_low,
        hit_rate_high=record.hit_rate_high,
        ranking_score=record.ranking_score,
        peer_mean=record.peer_mean,
        consensus_relative_mean=record.consensus_relative_mean,
        calibration=record.calibration,
        hindsight_share=record.hindsight_share,
    )


def _records_for_period(
    topic: Topic | None, start: dt.date | None, end: dt.date | None, *, prospective: bool
) -> list[TrackRecord]:
    """Unsaved TrackRecord-shaped figures over the scores resolved in a period (three
    queries), over every scored forecast or over prospective ones only; the hindsight counts
    are the period's."""
    scores = PredictionScore.objects.all()
    if start:
        scores = scores.filter(resolved_on__gte=start)
    if end:
        scores = scores.filter(resolved_on__lte=end)
    if topic:
        scores = scores.filter(question__topics=topic)
    hindsight = dict(
        scores.filter(hindsight=True)
        .values_list("expert_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("expert_id", "n")
    )
    sums = aggregate_sums(scores.filter(hindsight=False) if prospective else scores)
    experts = Expert.objects.in_bulk([expert_id for expert_id, _ in sums] + list(hindsight))
    records = []
    empty = expert_sums(())
    for expert_id in sorted(experts):
        figures = sums.get((expert_id, None), empty)
        record = track_record(
            expert_id,
            topic.pk if topic else None,
            figures,
            prospective_only=prospective,
            hindsight_count=hindsight.get(expert_id, 0),
        )
        record.expert = experts[expert_id]
        records.append(record)
    return records


def leaderboard(
    *,
    topic: Topic | None = None,
    min_resolved: int | None = None,
    period: tuple[dt.date | None, dt.date | None] | None = None,
    prospective: bool = False,
) -> Leaderboard:
    """docs/scoring.md's ranking: shrinkage score ascending, ties to larger n then lower Brier;
    over every scored forecast, or over prospective ones only."""
    policy = ranking_policy()
    if min_resolved is not None:
        policy = dataclasses.replace(policy, min_resolved=min_resolved)
    if period and any(period):
        records = _records_for_period(topic, *period, prospective=prospective)
    else:
        records = list(
            TrackRecord.objects.filter(topic=topic, prospective_only=prospective)
            .select_related("expert")
            .order_by("expert_id")
        )
    by_id = {r.expert_id: r for r in records}
    ranked_rows = scoring.rank_experts(
        [scoring.RankingRow(r.expert_id, r.resolved_count, r.sum_brier) for r in records], policy
    )
    rows = [row_from_record(by_id[row.key], row.rank) for row in ranked_rows]
    return Leaderboard(
        ranked=[r for r in rows if r.rank is not None],
        provisional=[r for r in rows if r.rank is None],
        topic=topic,
        min_resolved=policy.min_resolved,
        period=period,
        prospective=prospective,
    )
