"""The leaderboard order (docs/scoring.md): shrinkage toward a coin flipper, ties, provisional."""

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, replace

# Sums accumulated in a different order differ in the last bits; rank ties must not hinge on that.
TIE_DECIMALS = 12


@dataclass(frozen=True)
class RankingPolicy:
    """Leaderboard policy: shrink toward `mu0` with weight `k`; rank only n >= min_resolved."""

    mu0: float = 0.25
    k: float = 10
    min_resolved: int = 5


def ranking_score(n: int, sum_brier: float, policy: RankingPolicy = RankingPolicy()) -> float:
    """S = (Σb + k·μ₀)/(n + k): Brier shrunk toward a coin flipper so one lucky call can't lead."""
    return (sum_brier + policy.k * policy.mu0) / (n + policy.k)


def mean(total: float, count: int) -> float | None:
    return total / count if count else None


@dataclass(frozen=True)
class RankingRow:
    """One expert's totals for the leaderboard; key is whatever identifies the expert."""

    key: Hashable
    n: int
    sum_brier: float

    @property
    def brier(self) -> float | None:
        return mean(self.sum_brier, self.n)


@dataclass(frozen=True)
class RankedExpert:
    """A leaderboard line; rank is None for provisional experts (n < min_resolved)."""

    key: Hashable
    n: int
    brier: float | None
    ranking_score: float
    rank: int | None

    @property
    def provisional(self) -> bool:
        return self.rank is None


def _tie_key(row: RankedExpert) -> tuple[float, int, float]:
    raw = math.inf if row.brier is None else round(row.brier, TIE_DECIMALS)
    return round(row.ranking_score, TIE_DECIMALS), -row.n, raw


def rank_experts(
    rows: Iterable[RankingRow], policy: RankingPolicy = RankingPolicy()
) -> list[RankedExpert]:
    """Leaderboard: ranked experts by S ascending, then provisional ones in the same order.

    Ties on S go to the larger n, then the lower raw Brier; equal on all three share a rank
    (competition ranking 1, 1, 3). An expert with no resolved forecast is never ranked (E11).
    """
    minimum = max(1, policy.min_resolved)
    scored = sorted(
        (
            RankedExpert(r.key, r.n, r.brier, ranking_score(r.n, r.sum_brier, policy), None)
            for r in rows
        ),
        key=_tie_key,
    )
    ranked: list[RankedExpert] = []
    for row in (r for r in scored if r.n >= minimum):
        tied = ranked and _tie_key(ranked[-1]) == _tie_key(row)
        rank = ranked[-1].rank if tied else len(ranked) + 1
        ranked.append(replace(row, rank=rank))
    return ranked + [r for r in scored if r.n < minimum]
