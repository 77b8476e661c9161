"""Properties of the scoring math on random data, and a cross-check against scikit-learn."""

import random
from dataclasses import asdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.calibration import calibration_curve
from sklearn.metrics import brier_score_loss

from forecasts.scoring import (
    COIN_FLIP_BRIER,
    ExpertSums,
    RankingPolicy,
    RankingRow,
    brier,
    calibration_bin,
    figures_from_sums,
    murphy_decomposition,
    peer_scores,
    rank_experts,
    ranking_score,
    summarize_forecasts,
)

# Verbal levels and bin edges are where off-by-one binning bugs live; mix them in.
EDGES = [k / 10 for k in range(11)] + [0.05, 0.15, 0.95, 0.99, 0.01]
probability = st.one_of(st.floats(0.0, 1.0), st.sampled_from(EDGES))
outcome = st.integers(0, 1)
forecasts = st.lists(st.tuples(probability, outcome), min_size=1, max_size=60)
n_bins = st.sampled_from([1, 2, 4, 5, 10, 20, 25, 100])


def flatten(value: object, prefix: str = "") -> dict[str, object]:
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list | tuple):
        items = enumerate(value)
    else:
        return {prefix: value}
    return {k: v for key, item in items for k, v in flatten(item, f"{prefix}.{key}").items()}


def murphy_two_pass(ps: list[float], os: list[int], bins: int) -> tuple[float, ...]:
    """The spec's formulas read literally, as an independent reference for the sums version."""
    n, o_bar = len(ps), sum(os) / len(os)
    groups: dict[int, list[tuple[float, int]]] = {}
    for p, o in zip(ps, os, strict=True):
        groups.setdefault(calibration_bin(p, bins), []).append((p, o))
    rel = res = wbv = wbc = 0.0
    for members in groups.values():
        f_k = sum(p for p, _ in members) / len(members)
        o_k = sum(o for _, o in members) / len(members)
        rel += len(members) * (f_k - o_k) ** 2
        res += len(members) * (o_k - o_bar) ** 2
        wbv += sum((p - f_k) ** 2 for p, _ in members)
        wbc += sum((o - o_k) * (p - f_k) for p, o in members)
    return rel / n, res / n, o_bar * (1 - o_bar), wbv / n, 2 * wbc / n


@settings(max_examples=300, deadline=None)
@given(forecasts, n_bins)
def test_murphy_identity_holds(data: list[tuple[float, int]], bins: int) -> None:
    ps, os = [p for p, _ in data], [o for _, o in data]
    figures = summarize_forecasts(ps, os, n_bins=bins)
    m = figures.murphy
    five = (
        m.reliability
        - m.resolution
        + m.uncertainty
        + m.within_bin_variance
        - m.within_bin_covariance
    )
    assert five == pytest.approx(figures.brier, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(forecasts, n_bins)
def test_murphy_from_sums_matches_the_literal_formulas(
    data: list[tuple[float, int]], bins: int
) -> None:
    ps, os = [p for p, _ in data], [o for _, o in data]
    m = murphy_decomposition(ps, os, n_bins=bins)
    terms = (
        m.reliability,
        m.resolution,
        m.uncertainty,
        m.within_bin_variance,
        m.within_bin_covariance,
    )
    assert terms == pytest.approx(murphy_two_pass(ps, os, bins), abs=1e-12)
    assert m.within_bin_variance >= 0.0  # a variance: rounding once gave -1e-17


@given(probability, outcome)
def test_brier_is_between_zero_and_one(p: float, o: int) -> None:
    assert 0.0 <= brier(p, o) <= 1.0


@given(forecasts)
def test_mean_brier_is_between_zero_and_one(data: list[tuple[float, int]]) -> None:
    figures = summarize_forecasts([p for p, _ in data], [o for _, o in data])
    assert 0.0 <= figures.brier <= 1.0


@given(forecasts)
def test_shrinkage_lies_between_raw_brier_and_coin_flip(data: list[tuple[float, int]]) -> None:
    figures = summarize_forecasts([p for p, _ in data], [o for _, o in data])
    low, high = sorted([figures.brier, COIN_FLIP_BRIER])
    assert low - 1e-12 <= figures.ranking_score <= high + 1e-12


@given(st.lists(probability, min_size=2, max_size=30), outcome)
def test_peer_scores_sum_to_zero(ps: list[float], o: int) -> None:
    assert sum(peer_scores(ps, o)) == pytest.approx(0.0, abs=1e-9)


# Few distinct (n, Σb) values so that ties actually happen.
ranking_rows = st.lists(
    st.tuples(st.integers(0, 12), st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.5, 3.0])),
    max_size=25,
)


@settings(max_examples=300, deadline=None)
@given(ranking_rows, st.integers(0, 6))
def test_ranking_is_a_permutation_with_the_tie_rules(
    pairs: list[tuple[int, float]], min_resolved: int
) -> None:
    rows = [RankingRow(i, n, min(total, n)) for i, (n, total) in enumerate(pairs)]
    policy = RankingPolicy(min_resolved=min_resolved)
    board = rank_experts(rows, policy)
    assert sorted(r.key for r in board) == list(range(len(rows)))
    ranked = [r for r in board if r.rank is not None]
    minimum = max(1, min_resolved)  # n = 0 is never ranked (E11)
    assert all(r.n >= minimum for r in ranked)
    assert all(r.n < minimum for r in board[len(ranked) :])
    order = [(round(r.ranking_score, 12), -r.n, round(r.brier, 12)) for r in ranked]
    assert order == sorted(order)
    for position, (row, key) in enumerate(zip(ranked, order, strict=True)):
        if position and key == order[position - 1]:
            assert row.rank == ranked[position - 1].rank
        else:
            assert row.rank == position + 1


@settings(max_examples=200, deadline=None)
@given(forecasts, st.integers(1, 5), st.randoms(use_true_random=False))
def test_merging_sums_in_any_order_gives_the_same_figures(
    data: list[tuple[float, int]], chunks: int, rng: random.Random
) -> None:
    parts = [ExpertSums() for _ in range(chunks)]
    for i, (p, o) in enumerate(data):
        parts[i % chunks] = parts[i % chunks].add(p, o)
    rng.shuffle(parts)
    merged = ExpertSums()
    for part in parts:
        merged = merged.merge(part)
    expected = summarize_forecasts([p for p, _ in data], [o for _, o in data])
    assert merged.n == expected.n
    assert flatten(asdict(figures_from_sums(merged))) == pytest.approx(
        flatten(asdict(expected)), abs=1e-12
    )


def test_ranking_score_of_nobody_is_the_prior() -> None:
    assert ranking_score(0, 0.0) == 0.25


def random_record(size: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities on the basis-point grid, bin edges included, as the service stores them.

    Off the grid, basis-point rounding and scikit-learn's float edges can disagree within
    0.00005 of an edge; on it they must agree exactly.
    """
    rng = np.random.default_rng(seed)
    ps = np.concatenate([np.round(rng.random(size), 4), np.linspace(0.0, 1.0, 11)])
    return ps, (rng.random(ps.size) < ps).astype(int)


@pytest.mark.parametrize(("size", "seed"), [(10, 1), (100, 2), (1000, 3), (5000, 4)])
def test_brier_matches_scikit_learn(size: int, seed: int) -> None:
    ps, os = random_record(size, seed)
    figures = summarize_forecasts(ps.tolist(), os.tolist())
    assert figures.brier == pytest.approx(brier_score_loss(os, ps), abs=1e-12)


@pytest.mark.parametrize(("size", "seed"), [(10, 1), (100, 2), (1000, 3), (5000, 4)])
def test_calibration_bins_match_scikit_learn(size: int, seed: int) -> None:
    ps, os = random_record(size, seed)
    figures = summarize_forecasts(ps.tolist(), os.tolist())
    prob_true, prob_pred = calibration_curve(os, ps, n_bins=10, strategy="uniform")
    observed = [row.observed_rate for row in figures.calibration]
    forecast = [row.mean_forecast for row in figures.calibration]
    assert observed == pytest.approx(prob_true.tolist(), abs=1e-12)
    assert forecast == pytest.approx(prob_pred.tolist(), abs=1e-12)


def test_e1_brier_matches_scikit_learn() -> None:
    ps, os = [0.9, 0.8, 0.7, 0.6, 0.3], [1, 1, 0, 1, 0]
    assert brier_score_loss(os, ps) == pytest.approx(0.158, abs=1e-9)
    assert summarize_forecasts(ps, os).brier == pytest.approx(0.158, abs=1e-9)


def test_within_bin_variance_is_never_negative_from_rounding() -> None:
    # Three forecasts of 0.2 in one bin: Σp² − (Σp)²/n came out at −1.4e−17.
    m = murphy_decomposition([0.2, 0.2, 0.2], [1, 0, 0], n_bins=10)
    assert m.within_bin_variance == 0.0
