"""Track-record figures from running sums: what every expert page and leaderboard shows."""

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace

from forecasts.scoring.calibration import (
    BinSums,
    CalibrationBin,
    Murphy,
    bin_width,
    calibration_bin,
    murphy_from_groups,
    wilson_interval,
)
from forecasts.scoring.ranking import RankingPolicy, mean, ranking_score
from forecasts.scoring.scores import (
    BASIS_POINTS,
    COIN_FLIP_BRIER,
    baseline_score,
    brier,
    called_consensus,
    clip,
    consensus_relative,
    is_hit,
    log_score,
)


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
        bin_width(self.n_bins)
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
        return replace(sums, yield_n=sums.yield_n + 1, sum_yield=sums.sum_yield + hit / clip(q_c))

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
    brier_mean = mean(sums.sum_brier, sums.n)
    log_mean = mean(sums.sum_log, sums.n)
    mean_outcome = mean(sums.sum_outcome, sums.n)
    hit_low, hit_high = wilson_interval(sums.hits, sums.hit_n) or (None, None)
    return TrackRecordFigures(
        n=sums.n,
        brier=brier_mean,
        log_score=log_mean,
        log_loss=None if log_mean is None else -log_mean,
        baseline_score=mean(sums.sum_baseline, sums.n),
        brier_skill=None if brier_mean is None else 1.0 - brier_mean / COIN_FLIP_BRIER,
        base_rate_skill=_base_rate_skill(brier_mean, mean_outcome),
        mean_outcome=mean_outcome,
        hit_count=sums.hits,
        hit_n=sums.hit_n,
        hit_rate=mean(sums.hits, sums.hit_n),
        hit_rate_low=hit_low,
        hit_rate_high=hit_high,
        calibration=_calibration_rows(sums.bins),
        murphy=murphy_from_groups(sums.bins),
        ranking_score=ranking_score(sums.n, sums.sum_brier, policy),
        peer_n=sums.peer_n,
        peer_mean=mean(sums.sum_peer, sums.peer_n),
        relative_n=sums.relative_n,
        relative_mean=mean(sums.sum_relative, sums.relative_n),
        yield_n=sums.yield_n,
        consensus_yield=mean(sums.sum_yield, sums.yield_n),
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
