"""Per-forecast scores (docs/scoring.md): Brier, log, baseline, peer, consensus-relative,
hits, yield.

Pure functions over plain values (no Django, stdlib only). Probabilities p are in [0, 1];
outcomes o are 1 (YES) or 0 (NO). Brier scores use the 0..1 form; log scores are in nats.
"""

import math
from collections.abc import Iterable, Sequence

LOG_CLIP_LOW = 0.001
LOG_CLIP_HIGH = 0.999
WILSON_Z = 1.959964
COIN_FLIP_BRIER = 0.25  # Brier score of always saying 0.5: the reference for brier_skill
BASIS_POINTS = 10_000


def check_forecast(p: float, o: int) -> None:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"probability {p!r} is outside [0, 1]")
    if o not in (0, 1):
        raise ValueError(f"outcome {o!r} is not 0 or 1")


def clip(q: float) -> float:
    return min(max(q, LOG_CLIP_LOW), LOG_CLIP_HIGH)


def outcome_probability(p: float, o: int) -> float:
    """q: the probability the forecast gave to what happened, clipped for log scores."""
    check_forecast(p, o)
    # Clipping q rather than p is the same (symmetric bounds) but avoids 1 - 0.999 rounding.
    return clip(p if o == 1 else 1.0 - p)


def brier(p: float, o: int) -> float:
    """(p - o)² on the raw p: 0 is perfect, 0.25 a coin flip, 1 the worst."""
    check_forecast(p, o)
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
    check_forecast(p, o)
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
    return sum(hit / clip(q) for q, hit in zip(q_called, hits, strict=True)) / len(q_called)


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
