"""Calibration (docs/scoring.md): bins, Wilson intervals and the Murphy decomposition."""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields

from forecasts.scoring.scores import BASIS_POINTS, WILSON_Z, check_forecast


def bin_width(n_bins: int) -> int:
    if n_bins < 1 or BASIS_POINTS % n_bins:
        raise ValueError(f"n_bins {n_bins!r} must divide {BASIS_POINTS} basis points")
    return BASIS_POINTS // n_bins


def calibration_bin(p: float, n_bins: int = 10) -> int:
    """Right-closed bin: bin 0 = [0, w], bin k = (k·w, (k+1)·w] with w = 1/n_bins.

    Integer basis points keep 0.3 in bin 2 (floor(10·0.3) would say 3), matching
    scikit-learn's calibration_curve(strategy="uniform").
    """
    width = bin_width(n_bins)
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


def murphy_from_groups(groups: Iterable[BinSums]) -> Murphy | None:
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
        # Σ(f − f̄_k)² from sums: a variance, never below 0, which rounding gave (−1e−17)
        wbv += max(0.0, g.sum_pp - g.sum_p * mean_p)
        wbc += g.sum_po - g.sum_p * mean_o  # Σ(o − ō_k)(f − f̄_k) from sums
    uncertainty = mean_outcome * (1.0 - mean_outcome)
    return Murphy(rel / n, res / n, uncertainty, wbv / n, 2.0 * wbc / n)


def _group_sums(ps: Sequence[float], os: Sequence[int], keys: Sequence[int]) -> dict[int, BinSums]:
    if len(ps) != len(os):
        raise ValueError("probabilities and outcomes differ in length")
    groups: dict[int, BinSums] = {}
    for p, o, key in zip(ps, os, keys, strict=True):
        check_forecast(p, o)
        groups[key] = groups.get(key, BinSums()).add(p, o)
    return dict(sorted(groups.items()))


def _level_key(p: float) -> int:
    return round(p * BASIS_POINTS)


def murphy_decomposition(ps: Sequence[float], os: Sequence[int], n_bins: int = 10) -> Murphy | None:
    """Murphy terms over calibration bins; None when there are no forecasts."""
    keys = [calibration_bin(p, n_bins) for p in ps]
    return murphy_from_groups(_group_sums(ps, os, keys).values())


def murphy_by_level(ps: Sequence[float], os: Sequence[int]) -> Murphy | None:
    """Murphy terms grouping by exact level (WBV = WBC = 0); for verbal-only records."""
    keys = [_level_key(p) for p in ps]
    return murphy_from_groups(_group_sums(ps, os, keys).values())


def calibration_by_level(ps: Sequence[float], os: Sequence[int]) -> list[CalibrationLevel]:
    """Calibration grouped by exact level (to the basis point), lowest level first."""
    groups = _group_sums(ps, os, [_level_key(p) for p in ps])
    rows = []
    for key, g in groups.items():
        low, high = wilson_interval(g.sum_o, g.count) or (0.0, 1.0)
        rows.append(CalibrationLevel(key / BASIS_POINTS, g.count, g.sum_o / g.count, low, high))
    return rows
