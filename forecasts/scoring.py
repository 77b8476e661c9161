"""Scoring math from SCORING.md: per-prediction scores, track-record figures, leaderboard order.

Pure functions over plain values (no Django, stdlib only). Probabilities p are in [0, 1];
outcomes o are 1 (YES) or 0 (NO). Brier scores use the 0..1 form; log scores are in nats.
"""

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, fields, replace

LOG_CLIP_LOW = 0.001
LOG_CLIP_HIGH = 0.999
WILSON_Z = 1.959964
COIN_FLIP_BRIER = 0.25  # Brier score of always saying 0.5: the reference for brier_skill
BASIS_POINTS = 10_000
# Sums accumulated in a different order differ in the last bits; rank ties must not hinge on that.
TIE_DECIMALS = 12


@dataclass(frozen=True)
class RankingPolicy:
    """Leaderboard policy: shrink toward `mu0` with weight `k`; rank only n >= min_resolved."""

    mu0: float = 0.25
    k: float = 10
    min_resolved: int = 5


def _check_forecast(p: float, o: int) -> None:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"probability {p!r} is outside [0, 1]")
    if o not in (0, 1):
        raise ValueError(f"outcome {o!r} is not 0 or 1")


def _clip(q: float) -> float:
    return min(max(q, LOG_CLIP_LOW), LOG_CLIP_HIGH)


def outcome_probability(p: float, o: int) -> float:
    """q: the probability the forecast gave to what happened, clipped for log scores."""
    _check_forecast(p, o)
    # Clipping q rather than p is the same (symmetric bounds) but avoids 1 - 0.999 rounding.
    return _clip(p if o == 1 else 1.0 - p)


def brier(p: float, o: int) -> float:
    """(p - o)² on the raw p: 0 is perfect, 0.25 a coin flip, 1 the worst."""
    _check_forecast(p, o)
    return (p - o) ** 2


def log_score(p: float, o: int) -> float:
    """ln q with p clipped to [0.001, 0.999]; always negative, log loss is its negation."""
    return math.log(outcome_probability(p, o))


def baseline_score(p: float, o: int) -> float:
    """Metaculus binary baseline score 100·(log₂ q + 1): 0 for a coin flip, 100 at best."""
    return 100.0 * (math.log2(outcome_probability(p, o)) + 1.0)


def peer_scores(ps: Sequence[float], o: int) -> list[float | None]:
    """Metaculus spot peer scores of everyone on one question; they sum to 0.

    peer_i = 100 · mean over j ≠ i of (ln q_i − ln q_j). With fewer than two forecasters there
    is no one to compare with, so every entry is None.
    """
    if len(ps) < 2:
        return [None] * len(ps)
    logs = [log_score(p, o) for p in ps]
    total = sum(logs)
    others = len(ps) - 1
    return [100.0 * (ell - (total - ell) / others) for ell in logs]


def consensus_relative(p: float, c: float, o: int) -> float:
    """100·ln(q / q_c) against consensus c; both clipped. Positive means beating consensus."""
    return 100.0 * (log_score(p, o) - log_score(c, o))


def called_side(p: float) -> int | None:
    """The outcome the forecast put above 0.5 (1 YES, 0 NO); None for exactly 0.5."""
    if p > 0.5:
        return 1
    if p < 0.5:
        return 0
    return None


def is_hit(p: float, o: int) -> bool | None:
    """Whether the called side happened; None when p = 0.5 called nothing."""
    _check_forecast(p, o)
    side = called_side(p)
    return None if side is None else side == o


def yield_from_called(q_called: Sequence[float], hits: Sequence[int]) -> float | None:
    """Mean of hit/q_c over called predictions; 1.0 means no better than the consensus.

    q_c is the consensus probability of the side the expert called (clipped like log scores so
    a consensus of 0 cannot divide by zero). None when nothing was called.
    """
    if len(q_called) != len(hits):
        raise ValueError("q_called and hits differ in length")
    if not q_called:
        return None
    return sum(hit / _clip(q) for q, hit in zip(q_called, hits, strict=True)) / len(q_called)


def called_consensus(p: float, c: float) -> float | None:
    """q_c: the consensus probability (c is P(YES)) of the side the forecast called."""
    side = called_side(p)
    if side is None:
        return None
    return c if side == 1 else 1.0 - c


def yield_score(forecasts: Iterable[tuple[float, float, int]]) -> float | None:
    """Yield over (p, consensus c, outcome o) triples; p = 0.5 called nothing and is skipped."""
    called = [(p, c, o) for p, c, o in forecasts if called_side(p) is not None]
    q_called = [called_consensus(p, c) for p, c, _ in called]
    return yield_from_called(q_called, [int(is_hit(p, o)) for p, _, o in called])


def _bin_width(n_bins: int) -> int:
    if n_bins < 1 or BASIS_POINTS % n_bins:
        raise ValueError(f"n_bins {n_bins!r} must divide {BASIS_POINTS} basis points")
    return BASIS_POINTS // n_bins


def calibration_bin(p: float, n_bins: int = 10) -> int:
    """Right-closed bin: bin 0 = [0, w], bin k = (k·w, (k+1)·w] with w = 1/n_bins.

    Integer basis points keep 0.3 in bin 2 (floor(10·0.3) would say 3), matching
    scikit-learn's calibration_curve(strategy="uniform").
    """
    width = _bin_width(n_bins)
    bp = round(p * BASIS_POINTS)
    return max(0, -(-bp // width) - 1)


def wilson_interval(successes: float, n: int, z: float = WILSON_Z) -> tuple[float, float] | None:
    """Wilson score interval for a proportion (95% at the default z); None when n = 0."""
    if n == 0:
        return None
    rate = successes / n
    z2 = z * z
    denominator = 1.0 + z2 / n
    centre = (rate + z2 / (2 * n)) / denominator
    half = z * math.sqrt(rate * (1.0 - rate) / n + z2 / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class BinSums:
    """Sums over the forecasts in one calibration group: n_k, Σf, Σo, Σf², Σf·o."""

    count: int = 0
    sum_p: float = 0.0
    sum_o: int = 0
    sum_pp: float = 0.0
    sum_po: float = 0.0

    def add(self, p: float, o: int) -> "BinSums":
        return BinSums(
            self.count + 1, self.sum_p + p, self.sum_o + o, self.sum_pp + p * p, self.sum_po + p * o
        )

    def merge(self, other: "BinSums") -> "BinSums":
        return BinSums(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


@dataclass(frozen=True)
class Murphy:
    """Murphy decomposition: brier = reliability − resolution + uncertainty + wbv − wbc."""

    reliability: float
    resolution: float
    uncertainty: float
    within_bin_variance: float
    within_bin_covariance: float


@dataclass(frozen=True)
class CalibrationBin:
    """One non-empty calibration bin; mean_forecast is the mean of the actual p, not the centre."""

    index: int
    lower: float
    upper: float
    count: int
    mean_forecast: float
    observed_rate: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class CalibrationLevel:
    """Forecasts at one exact probability level (verbal records use a handful of levels)."""

    level: float
    count: int
    observed_rate: float
    ci_low: float
    ci_high: float


def _murphy_from_groups(groups: Iterable[BinSums]) -> Murphy | None:
    groups = [g for g in groups if g.count]
    n = sum(g.count for g in groups)
    if n == 0:
        return None
    mean_outcome = sum(g.sum_o for g in groups) / n
    rel = res = wbv = wbc = 0.0
    for g in groups:
        mean_p, mean_o = g.sum_p / g.count, g.sum_o / g.count
        rel += g.count * (mean_p - mean_o) ** 2
        res += g.count * (mean_o - mean_outcome) ** 2
        wbv += g.sum_pp - g.sum_p * mean_p  # Σ(f − f̄_k)² from sums
        wbc += g.sum_po - g.sum_p * mean_o  # Σ(o − ō_k)(f − f̄_k) from sums
    uncertainty = mean_outcome * (1.0 - mean_outcome)
    return Murphy(rel / n, res / n, uncertainty, wbv / n, 2.0 * wbc / n)


def _group_sums(ps: Sequence[float], os: Sequence[int], keys: Sequence[int]) -> dict[int, BinSums]:
    if len(ps) != len(os):
        raise ValueError("probabilities and outcomes differ in length")
    groups: dict[int, BinSums] = {}
    for p, o, key in zip(ps, os, keys, strict=True):
        _check_forecast(p, o)
        groups[key] = groups.get(key, BinSums()).add(p, o)
    return dict(sorted(groups.items()))


def _level_key(p: float) -> int:
    return round(p * BASIS_POINTS)


def murphy_decomposition(ps: Sequence[float], os: Sequence[int], n_bins: int = 10) -> Murphy | None:
    """Murphy terms over calibration bins; None when there are no forecasts."""
    keys = [calibration_bin(p, n_bins) for p in ps]
    return _murphy_from_groups(_group_sums(ps, os, keys).values())


def murphy_by_level(ps: Sequence[float], os: Sequence[int]) -> Murphy | None:
    """Murphy terms grouping by exact level (WBV = WBC = 0); for verbal-only records."""
    keys = [_level_key(p) for p in ps]
    return _murphy_from_groups(_group_sums(ps, os, keys).values())


def calibration_by_level(ps: Sequence[float], os: Sequence[int]) -> list[CalibrationLevel]:
    """Calibration grouped by exact level (to the basis point), lowest level first."""
    groups = _group_sums(ps, os, [_level_key(p) for p in ps])
    rows = []
    for key, g in groups.items():
        low, high = wilson_interval(g.sum_o, g.count) or (0.0, 1.0)
        rows.append(CalibrationLevel(key / BASIS_POINTS, g.count, g.sum_o / g.count, low, high))
    return rows


def ranking_score(n: int, sum_brier: float, policy: RankingPolicy = RankingPolicy()) -> float:
    """S = (Σb + k·μ₀)/(n + k): Brier shrunk toward a coin flipper so one lucky call can't lead."""
    return (sum_brier + policy.k * policy.mu0) / (n + policy.k)


@dataclass(frozen=True)
class ExpertSums:
    """Running totals from which every track-record figure of one expert is derived.

    The database layer can keep these per expert and `add` each newly resolved forecast, or
    rebuild them from scratch with `sum_forecasts`; `figures_from_sums` turns either into the
    same TrackRecordFigures that `summarize_forecasts` gives for the raw lists, because every
    figure is a function of these sums (Murphy terms need only the per-bin BinSums). `merge`
    combines partial sums (e.g. per topic). Counts are exact; float sums can differ in the last
    bits with addition order, far below the 1e-9 the spec compares at.
    """

    n_bins: int = 10
    n: int = 0
    sum_brier: float = 0.0
    sum_log: float = 0.0
    sum_baseline: float = 0.0
    sum_outcome: int = 0
    hits: int = 0
    hit_n: int = 0
    peer_n: int = 0
    sum_peer: float = 0.0
    relative_n: int = 0
    sum_relative: float = 0.0
    yield_n: int = 0
    sum_yield: float = 0.0
    bins: tuple[BinSums, ...] = ()

    def __post_init__(self) -> None:
        _bin_width(self.n_bins)
        if not self.bins:
            object.__setattr__(self, "bins", (BinSums(),) * self.n_bins)
        if len(self.bins) != self.n_bins:
            raise ValueError(f"expected {self.n_bins} bins, got {len(self.bins)}")

    def add(
        self, p: float, o: int, *, peer: float | None = None, consensus: float | None = None
    ) -> "ExpertSums":
        """These sums plus one resolved forecast, with its peer score and consensus if known."""
        k = calibration_bin(p, self.n_bins)
        hit = is_hit(p, o)
        sums = replace(
            self,
            n=self.n + 1,
            sum_brier=self.sum_brier + brier(p, o),
            sum_log=self.sum_log + log_score(p, o),
            sum_baseline=self.sum_baseline + baseline_score(p, o),
            sum_outcome=self.sum_outcome + o,
            hits=self.hits + int(hit is True),
            hit_n=self.hit_n + int(hit is not None),
            bins=self.bins[:k] + (self.bins[k].add(p, o),) + self.bins[k + 1 :],
        )
        if peer is not None:
            sums = replace(sums, peer_n=sums.peer_n + 1, sum_peer=sums.sum_peer + peer)
        return sums if consensus is None else sums._add_consensus(p, consensus, o)

    def _add_consensus(self, p: float, c: float, o: int) -> "ExpertSums":
        sums = replace(
            self,
            relative_n=self.relative_n + 1,
            sum_relative=self.sum_relative + consensus_relative(p, c, o),
        )
        q_c = called_consensus(p, c)
        if q_c is None:
            return sums
        hit = int(is_hit(p, o))
        return replace(sums, yield_n=sums.yield_n + 1, sum_yield=sums.sum_yield + hit / _clip(q_c))

    def merge(self, other: "ExpertSums") -> "ExpertSums":
        """The sums of both sets of forecasts; the order of merging does not matter."""
        if other.n_bins != self.n_bins:
            raise ValueError("cannot merge sums with different n_bins")
        totals = {
            f.name: getattr(self, f.name) + getattr(other, f.name)
            for f in fields(self)
            if f.name not in ("n_bins", "bins")
        }
        bins = tuple(a.merge(b) for a, b in zip(self.bins, other.bins, strict=True))
        return replace(self, bins=bins, **totals)


@dataclass(frozen=True)
class TrackRecordFigures:
    """Everything published about one expert. None means "not defined for this record"."""

    n: int
    brier: float | None
    log_score: float | None  # mean ln q, negative
    log_loss: float | None  # −log_score, nats
    baseline_score: float | None
    brier_skill: float | None
    base_rate_skill: float | None
    mean_outcome: float | None
    hit_count: int
    hit_n: int
    hit_rate: float | None
    hit_rate_low: float | None
    hit_rate_high: float | None
    calibration: tuple[CalibrationBin, ...]
    murphy: Murphy | None  # pages show it only for n >= 20; the API always returns it
    ranking_score: float
    peer_n: int
    peer_mean: float | None
    relative_n: int
    relative_mean: float | None
    yield_n: int
    consensus_yield: float | None


def _mean(total: float, count: int) -> float | None:
    return total / count if count else None


def _base_rate_skill(brier_mean: float | None, mean_outcome: float | None) -> float | None:
    if brier_mean is None or mean_outcome is None or mean_outcome in (0.0, 1.0):
        return None  # a forecaster cannot beat a base rate that has no uncertainty
    return 1.0 - brier_mean / (mean_outcome * (1.0 - mean_outcome))


def _calibration_rows(bins: Sequence[BinSums]) -> tuple[CalibrationBin, ...]:
    width = BASIS_POINTS // len(bins)
    rows = []
    for k, g in enumerate(bins):
        if g.count:
            low, high = wilson_interval(g.sum_o, g.count) or (0.0, 1.0)
            lower, upper = k * width / BASIS_POINTS, (k + 1) * width / BASIS_POINTS
            mean_p, rate = g.sum_p / g.count, g.sum_o / g.count
            rows.append(CalibrationBin(k, lower, upper, g.count, mean_p, rate, low, high))
    return tuple(rows)


def figures_from_sums(
    sums: ExpertSums, policy: RankingPolicy = RankingPolicy()
) -> TrackRecordFigures:
    """Track-record figures from running sums; identical to summarize_forecasts on the lists."""
    brier_mean = _mean(sums.sum_brier, sums.n)
    log_mean = _mean(sums.sum_log, sums.n)
    mean_outcome = _mean(sums.sum_outcome, sums.n)
    hit_low, hit_high = wilson_interval(sums.hits, sums.hit_n) or (None, None)
    return TrackRecordFigures(
        n=sums.n,
        brier=brier_mean,
        log_score=log_mean,
        log_loss=None if log_mean is None else -log_mean,
        baseline_score=_mean(sums.sum_baseline, sums.n),
        brier_skill=None if brier_mean is None else 1.0 - brier_mean / COIN_FLIP_BRIER,
        base_rate_skill=_base_rate_skill(brier_mean, mean_outcome),
        mean_outcome=mean_outcome,
        hit_count=sums.hits,
        hit_n=sums.hit_n,
        hit_rate=_mean(sums.hits, sums.hit_n),
        hit_rate_low=hit_low,
        hit_rate_high=hit_high,
        calibration=_calibration_rows(sums.bins),
        murphy=_murphy_from_groups(sums.bins),
        ranking_score=ranking_score(sums.n, sums.sum_brier, policy),
        peer_n=sums.peer_n,
        peer_mean=_mean(sums.sum_peer, sums.peer_n),
        relative_n=sums.relative_n,
        relative_mean=_mean(sums.sum_relative, sums.relative_n),
        yield_n=sums.yield_n,
        consensus_yield=_mean(sums.sum_yield, sums.yield_n),
    )


def sum_forecasts(
    probabilities: Sequence[float],
    outcomes: Sequence[int],
    *,
    n_bins: int = 10,
    peer: Sequence[float | None] | None = None,
    consensus: Sequence[float | None] | None = None,
) -> ExpertSums:
    """ExpertSums of resolved forecasts; peer/consensus lists align with them, None = absent."""
    count = len(probabilities)
    peer = [None] * count if peer is None else peer
    consensus = [None] * count if consensus is None else consensus
    if not len(outcomes) == len(peer) == len(consensus) == count:
        raise ValueError("probabilities, outcomes, peer and consensus differ in length")
    sums = ExpertSums(n_bins=n_bins)
    for p, o, s, c in zip(probabilities, outcomes, peer, consensus, strict=True):
        sums = sums.add(p, o, peer=s, consensus=c)
    return sums


def summarize_forecasts(
    probabilities: Sequence[float],
    outcomes: Sequence[int],
    *,
    n_bins: int = 10,
    policy: RankingPolicy = RankingPolicy(),
    peer: Sequence[float | None] | None = None,
    consensus: Sequence[float | None] | None = None,
) -> TrackRecordFigures:
    """An expert's track-record figures over resolved, scored forecasts (n = 0 allowed)."""
    sums = sum_forecasts(probabilities, outcomes, n_bins=n_bins, peer=peer, consensus=consensus)
    return figures_from_sums(sums, policy)


@dataclass(frozen=True)
class RankingRow:
    """One expert's totals for the leaderboard; key is whatever identifies the expert."""

    key: Hashable
    n: int
    sum_brier: float

    @property
    def brier(self) -> float | None:
        return _mean(self.sum_brier, self.n)


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
