"""Reading track records from their exact sums: what the leaderboard's period filter, the
record builders and the rebuild share.

Scores are summed as integers in 1e-12 units (see UNITS_PER_ONE) per expert, topic and
calibration bin; `expert_sums` turns one group's sums rows into scoring.ExpertSums, and
`record_values` the figures into TrackRecord fields. `aggregate_sums` computes the same sums
from any filtered set of scores (a period's), so a record computed here equals a stored one
over the same scores. Services build and store records (services/track_records); this module
only reads and derives.
"""

from collections.abc import Iterable, Sequence
from itertools import groupby
from operator import add

from django.conf import settings
from django.db.models import (
    BigIntegerField,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    QuerySet,
    Sum,
)

from forecasts import scoring
from forecasts.models import TrackRecord

OVERALL = None  # the topic key of an expert's overall record

# Every float a track record adds up (p, p², p·o, Brier, log, baseline, peer, consensus-relative
# and yield terms) is rounded once, in SQL, to an integer number of 1e-12 units, and the
# integers are summed. Integer sums are exact: they do not depend on the order rows arrive in,
# and a running sum adjusted by deltas (a question's old scores out, its new ones in) equals the
# sum rebuilt from scratch to the last unit. The rounding moves a mean by at most 5e-13, far
# below the 1e-9 that docs/scoring.md compares at.

UNITS_PER_ONE = 10**12

COUNT_COLUMNS = ("n", "sum_o", "hits", "hit_n", "peer_n", "relative_n", "yield_n")

UNIT_COLUMNS = (
    "sum_p", "sum_pp", "sum_po", "sum_brier", "sum_log", "sum_baseline", "sum_peer",
    "sum_relative", "sum_yield",
)  # fmt: skip

SUM_COLUMNS = COUNT_COLUMNS + UNIT_COLUMNS


def units_sql(expression: str) -> str:
    """One value in integer 1e-12 units: the only rounding the exact sums make."""
    return f"CAST(ROUND(({expression}) * CAST(1e12 AS DOUBLE PRECISION)) AS BIGINT)"


_EMPTY_BIN = scoring.BinSums()


def merged_bins(rows: Iterable[Sequence]) -> list[tuple]:
    """Rows (calibration_bin, *SUM_COLUMNS) with each bin's rows added up (exactly)."""
    by_bin: dict[int, list[int]] = {}
    for k, *values in rows:
        exact = [int(v or 0) for v in values]
        by_bin[k] = exact if k not in by_bin else list(map(add, by_bin[k], exact))
    return [(k, *by_bin[k]) for k in sorted(by_bin)]


def expert_sums(rows: Iterable[Sequence]) -> scoring.ExpertSums:
    """ExpertSums from one group's rows (calibration_bin, *SUM_COLUMNS), one row per bin."""
    bins = [_EMPTY_BIN] * 10
    totals: list[int] | None = None
    for k, *values in rows:
        exact = [int(v or 0) for v in values]  # int, or numeric (Decimal) from SUM: exact
        bins[k] = scoring.BinSums(
            exact[0],
            exact[7] / UNITS_PER_ONE,
            exact[1],
            exact[8] / UNITS_PER_ONE,
            exact[9] / UNITS_PER_ONE,
        )  # fmt: skip  (n, Σp, Σo, Σp², Σp·o)
        totals = exact if totals is None else list(map(add, totals, exact))
    if totals is None:
        totals = [0] * len(SUM_COLUMNS)
    # In SUM_COLUMNS order: the counts, then Σp, Σp², Σp·o (bins only), then the score sums.
    n, sum_o, hits, hit_n, peer_n, relative_n, yield_n, _, _, _, *units = totals
    sum_brier, sum_log, sum_baseline, sum_peer, sum_relative, sum_yield = units
    return scoring.ExpertSums(
        n_bins=10,
        bins=tuple(bins),
        n=n,
        sum_outcome=sum_o,
        hits=hits,
        hit_n=hit_n,
        peer_n=peer_n,
        relative_n=relative_n,
        yield_n=yield_n,
        # int / int is correctly rounded, so each float depends only on the exact sum.
        sum_brier=sum_brier / UNITS_PER_ONE,
        sum_log=sum_log / UNITS_PER_ONE,
        sum_baseline=sum_baseline / UNITS_PER_ONE,
        sum_peer=sum_peer / UNITS_PER_ONE,
        sum_relative=sum_relative / UNITS_PER_ONE,
        sum_yield=sum_yield / UNITS_PER_ONE,
    )


class _Units(Func):
    """ORM form of units_sql, for aggregate_sums over any filtered set of scores."""

    template = units_sql("%(expressions)s")
    output_field = BigIntegerField()


def _orm_sums() -> dict:
    p, o = F("probability"), F("outcome")

    def units(expression) -> Sum:
        return Sum(_Units(expression), output_field=BigIntegerField())

    return {
        "n": Count("id"),
        "sum_o": Sum("outcome"),
        "hits": Sum("hit"),
        "hit_n": Count("hit"),
        "peer_n": Count("peer"),
        "relative_n": Count("consensus_relative"),
        "yield_n": Count("yield_term"),
        "sum_p": units(p),
        "sum_pp": units(ExpressionWrapper(p * p, output_field=FloatField())),
        "sum_po": units(ExpressionWrapper(p * o, output_field=FloatField())),
        "sum_brier": units(F("brier")),
        "sum_log": units(F("log_score")),
        "sum_baseline": units(F("baseline")),
        "sum_peer": units(F("peer")),
        "sum_relative": units(F("consensus_relative")),
        "sum_yield": units(F("yield_term")),
    }


def aggregate_sums(scores: QuerySet, *, by_topic: bool = False) -> dict[tuple, scoring.ExpertSums]:
    """ExpertSums per expert (or per expert and topic) from stored scores, in one query.

    The same exact sums as the stored ScoreSums, so a record computed here for some set of
    scores (a period, say) equals a stored one over the same scores.
    """
    keys = ["expert_id", "question__topics"] if by_topic else ["expert_id"]
    grouped = (
        scores.values(*keys, "calibration_bin")
        .annotate(**_orm_sums())
        .order_by(*keys, "calibration_bin")
    )
    rows = (
        (
            row["expert_id"],
            row["question__topics"] if by_topic else OVERALL,
            row["calibration_bin"],
            *(row[c] for c in SUM_COLUMNS),
        )
        for row in grouped
        if not (by_topic and row["question__topics"] is None)  # no topic: counts overall only
    )
    sums = {key: expert_sums(r[2:] for r in group) for key, group in groupby(rows, group_key)}
    return dict(sorted(sums.items(), key=_sort_key))


def group_key(row: Sequence) -> tuple:
    return (row[0], row[1])


def _sort_key(item: tuple) -> tuple:
    (expert_id, topic_id), _ = item
    return (expert_id, -1 if topic_id is None else topic_id)


def ranking_policy() -> scoring.RankingPolicy:
    return scoring.RankingPolicy(
        mu0=settings.RANKING_MU0, k=settings.RANKING_K, min_resolved=settings.RANKING_MIN_RESOLVED
    )


def track_record(
    expert_id: int,
    topic_id: int | None,
    sums: scoring.ExpertSums,
    *,
    prospective_only: bool = False,
    hindsight_count: int = 0,
) -> TrackRecord:
    """An unsaved record over these sums (a period's, say), as the stored ones are built."""
    values = record_values(expert_id, topic_id, sums, ranking_policy())
    values.update(prospective_only=prospective_only, hindsight_count=hindsight_count)
    return TrackRecord(**values, updated_at=None)


def record_values(
    expert_id: int, topic_id: int | None, sums: scoring.ExpertSums, policy: scoring.RankingPolicy
) -> dict:
    """TrackRecord field values (all but id, the record's scope and updated_at) from one
    group's sums."""
    figures = scoring.figures_from_sums(sums, policy)
    murphy = figures.murphy
    return {
        "expert_id": expert_id,
        "topic_id": topic_id,
        "resolved_count": figures.n,
        "sum_brier": sums.sum_brier,
        "brier": figures.brier,
        "log_score": figures.log_score,
        "brier_skill": figures.brier_skill,
        "base_rate_skill": figures.base_rate_skill,
        "hit_count": figures.hit_count,
        "hit_n": figures.hit_n,
        "hit_rate": figures.hit_rate,
        "hit_rate_low": figures.hit_rate_low,
        "hit_rate_high": figures.hit_rate_high,
        "ranking_score": figures.ranking_score,
        "peer_mean": figures.peer_mean,
        "peer_count": figures.peer_n,
        "consensus_relative_mean": figures.relative_mean,
        "consensus_count": figures.relative_n,
        "yield_score": figures.consensus_yield,
        "calibration": [
            {
                "lower": b.lower,
                "upper": b.upper,
                "count": b.count,
                "mean_forecast": b.mean_forecast,
                "observed_rate": b.observed_rate,
                "ci_low": b.ci_low,
                "ci_high": b.ci_high,
            }
            for b in figures.calibration
        ],
        "murphy": {}
        if murphy is None
        else {
            "reliability": murphy.reliability,
            "resolution": murphy.resolution,
            "uncertainty": murphy.uncertainty,
            "within_bin_variance": murphy.within_bin_variance,
            "within_bin_covariance": murphy.within_bin_covariance,
        },
        "scoring_version": settings.SCORING_VERSION,
        "last_resolved_on": None,  # a maximum, not a sum: the stored records set it (records.py)
    }
