"""docs/scoring.md worked examples E1–E11 as test vectors (the spec has no E7 or E10).

The spec compares at 1e-9, but prints most figures to 6 decimals: a printed figure is only
within 5e-7 of the true value, so those compare at PRINTED = 1e-6. Figures the spec states
exactly (0.158, 0.1409375, 0.224375 ...) compare at EXACT = 1e-9.
"""

from dataclasses import asdict

import pytest

from forecasts.scoring import (
    ExpertSums,
    RankingPolicy,
    RankingRow,
    baseline_score,
    brier,
    calibration_bin,
    calibration_by_level,
    consensus_relative,
    figures_from_sums,
    log_score,
    murphy_by_level,
    murphy_decomposition,
    peer_scores,
    rank_experts,
    summarize_forecasts,
    wilson_interval,
    yield_from_called,
    yield_score,
)

PRINTED = 1e-6
EXACT = 1e-9

E1_P = (0.9, 0.8, 0.7, 0.6, 0.3)
E1_O = (1, 1, 0, 1, 0)
E3_P = (0.1, 0.2, 0.25, 0.3, 0.35, 0.95, 1.0, 0.0)
E3_O = (0, 0, 1, 0, 1, 1, 1, 0)
E4_P = (0.95, 0.95, 0.75, 0.75, 0.75, 0.40, 0.20, 0.95)
E4_O = (1, 0, 1, 1, 0, 0, 0, 1)


def flatten(value: object, prefix: str = "") -> dict[str, object]:
    """Nested dataclass-as-dict → {"calibration.0.count": 1, ...} for pytest.approx."""
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list | tuple):
        items = enumerate(value)
    else:
        return {prefix: value}
    return {k: v for key, item in items for k, v in flatten(item, f"{prefix}.{key}").items()}


def five_term_sum(murphy: object) -> float:
    m = murphy
    return (
        m.reliability
        - m.resolution
        + m.uncertainty
        + m.within_bin_variance
        - m.within_bin_covariance
    )


@pytest.mark.parametrize(
    ("field", "expected", "tolerance"),
    [
        ("brier", 0.158, EXACT),
        ("log_loss", 0.479995, PRINTED),
        ("brier_skill", 0.368, EXACT),
        ("base_rate_skill", 0.341667, PRINTED),
        ("mean_outcome", 0.6, EXACT),
        ("baseline_score", 30.751289, PRINTED),
    ],
)
def test_e1_track_record_figures(field: str, expected: float, tolerance: float) -> None:
    figures = summarize_forecasts(E1_P, E1_O)
    assert getattr(figures, field) == pytest.approx(expected, abs=tolerance)


def test_e1_log_score_is_the_negated_log_loss() -> None:
    figures = summarize_forecasts(E1_P, E1_O)
    assert figures.log_score == pytest.approx(-0.479995, abs=PRINTED)


@pytest.mark.parametrize(
    ("p", "o", "expected"),
    list(zip(E1_P, E1_O, (84.799691, 67.807191, -73.696559, 26.303441, 48.542683), strict=True)),
)
def test_e1_baseline_score_per_prediction(p: float, o: int, expected: float) -> None:
    assert baseline_score(p, o) == pytest.approx(expected, abs=PRINTED)


def test_e1_puts_each_forecast_in_its_own_bin() -> None:
    assert [calibration_bin(p) for p in E1_P] == [8, 7, 6, 5, 2]
    figures = summarize_forecasts(E1_P, E1_O)
    assert [(row.index, row.count) for row in figures.calibration] == [
        (2, 1),
        (5, 1),
        (6, 1),
        (7, 1),
        (8, 1),
    ]


@pytest.mark.parametrize(
    ("n_bins", "term", "expected", "tolerance"),
    [
        (10, "reliability", 0.158, EXACT),
        (10, "resolution", 0.24, EXACT),
        (10, "uncertainty", 0.24, EXACT),
        (10, "within_bin_variance", 0.0, EXACT),
        (10, "within_bin_covariance", 0.0, EXACT),
        (5, "reliability", 0.077, EXACT),
        (5, "resolution", 0.14, EXACT),
        (5, "uncertainty", 0.24, EXACT),
        (5, "within_bin_variance", 0.001, EXACT),
        (5, "within_bin_covariance", 0.02, EXACT),
    ],
)
def test_e1_e2_murphy_terms(n_bins: int, term: str, expected: float, tolerance: float) -> None:
    murphy = murphy_decomposition(E1_P, E1_O, n_bins=n_bins)
    assert getattr(murphy, term) == pytest.approx(expected, abs=tolerance)


@pytest.mark.parametrize(
    ("probabilities", "outcomes", "n_bins"),
    [(E1_P, E1_O, 10), (E1_P, E1_O, 5), (E3_P, E3_O, 10), (E4_P, E4_O, 10), (E4_P, E4_O, 2)],
)
def test_murphy_five_terms_add_up_to_the_brier_score(
    probabilities: tuple[float, ...], outcomes: tuple[int, ...], n_bins: int
) -> None:
    figures = summarize_forecasts(probabilities, outcomes, n_bins=n_bins)
    assert five_term_sum(figures.murphy) == pytest.approx(figures.brier, abs=EXACT)


def test_e2_three_term_sum_is_not_the_brier_score() -> None:
    m = murphy_decomposition(E1_P, E1_O, n_bins=5)
    assert m.reliability - m.resolution + m.uncertainty == pytest.approx(0.177, abs=EXACT)


def test_e2_bins_of_width_0_2() -> None:
    figures = summarize_forecasts(E1_P, E1_O, n_bins=5)
    rows = [(r.index, r.lower, r.upper, r.count) for r in figures.calibration]
    assert rows == [(1, 0.2, 0.4, 1), (2, 0.4, 0.6, 1), (3, 0.6, 0.8, 2), (4, 0.8, 1.0, 1)]
    assert figures.calibration[2].mean_forecast == pytest.approx(0.75, abs=EXACT)


@pytest.mark.parametrize(
    ("p", "expected_bin"), list(zip(E3_P, (0, 1, 2, 2, 3, 9, 9, 0), strict=True))
)
def test_e3_bins_are_right_closed(p: float, expected_bin: int) -> None:
    assert calibration_bin(p) == expected_bin


def test_e3_bin_table_and_brier() -> None:
    figures = summarize_forecasts(E3_P, E3_O)
    rows = [(r.index, r.count, r.mean_forecast, r.observed_rate) for r in figures.calibration]
    expected = [
        (0, 2, 0.05, 0),
        (1, 1, 0.2, 0),
        (2, 2, 0.275, 0.5),
        (3, 1, 0.35, 1),
        (9, 2, 0.975, 1),
    ]
    for row, want in zip(rows, expected, strict=True):
        assert row == pytest.approx(want, abs=EXACT)
    assert (figures.calibration[0].lower, figures.calibration[0].upper) == (0.0, 0.1)
    assert figures.brier == pytest.approx(0.1409375, abs=EXACT)


@pytest.mark.parametrize(
    ("field", "expected", "tolerance"),
    [
        ("brier", 0.224375, EXACT),
        ("log_loss", 0.724243, PRINTED),
        ("brier_skill", 0.1025, EXACT),
    ],
)
def test_e4_verbal_record_figures(field: str, expected: float, tolerance: float) -> None:
    figures = summarize_forecasts(E4_P, E4_O)
    assert getattr(figures, field) == pytest.approx(expected, abs=tolerance)


def test_e4_calibration_by_level() -> None:
    rows = [(r.level, r.count, r.observed_rate) for r in calibration_by_level(E4_P, E4_O)]
    expected = [(0.2, 1, 0.0), (0.4, 1, 0.0), (0.75, 3, 0.666667), (0.95, 3, 0.666667)]
    for row, want in zip(rows, expected, strict=True):
        assert row == pytest.approx(want, abs=PRINTED)


@pytest.mark.parametrize(
    ("term", "expected", "tolerance"),
    [
        ("reliability", 0.057708, PRINTED),
        ("resolution", 0.083333, PRINTED),
        ("uncertainty", 0.25, EXACT),
        ("within_bin_variance", 0.0, EXACT),
        ("within_bin_covariance", 0.0, EXACT),
    ],
)
def test_e4_murphy_terms_by_level(term: str, expected: float, tolerance: float) -> None:
    # E4's REL/RES come from grouping by exact level. The 10 uniform bins give the same
    # figures here only because each of E4's four levels falls in a bin of its own.
    assert getattr(murphy_by_level(E4_P, E4_O), term) == pytest.approx(expected, abs=tolerance)
    assert getattr(murphy_decomposition(E4_P, E4_O), term) == pytest.approx(expected, abs=tolerance)


E5_EXPERTS = [
    # name, calls, hits, p, raw brier, S, Wilson lower bound of the hit rate
    ("A", 1, 1, 0.9, 0.01, 0.228182, 0.206549),
    ("B", 10, 8, 0.8, 0.16, 0.205, 0.490162),
    ("C", 40, 36, 0.9, 0.09, 0.122, 0.769482),
]


def e5_figures(calls: int, hits: int, p: float) -> object:
    return summarize_forecasts([p] * calls, [1] * hits + [0] * (calls - hits))


@pytest.mark.parametrize(("name", "calls", "hits", "p", "raw", "score", "low"), E5_EXPERTS)
def test_e5_shrinkage_and_wilson_lower_bound(
    name: str, calls: int, hits: int, p: float, raw: float, score: float, low: float
) -> None:
    figures = e5_figures(calls, hits, p)
    assert figures.brier == pytest.approx(raw, abs=EXACT)
    assert figures.ranking_score == pytest.approx(score, abs=PRINTED)
    assert figures.hit_rate_low == pytest.approx(low, abs=PRINTED)


def e5_rows() -> list[RankingRow]:
    rows = []
    for name, calls, hits, p, *_ in E5_EXPERTS:
        rows.append(RankingRow(name, calls, e5_figures(calls, hits, p).brier * calls))
    return rows


def test_e5_shrinkage_ranks_c_then_b_then_a() -> None:
    board = rank_experts(e5_rows(), RankingPolicy(min_resolved=1))
    assert [(r.key, r.rank) for r in board] == [("C", 1), ("B", 2), ("A", 3)]


def test_e5_with_default_policy_a_is_provisional() -> None:
    # One call is below min_resolved = 5: A is listed after the ranked experts, unranked.
    board = rank_experts(e5_rows())
    assert [(r.key, r.rank, r.provisional) for r in board] == [
        ("C", 1, False),
        ("B", 2, False),
        ("A", None, True),
    ]


@pytest.mark.parametrize(
    ("o", "baselines", "peers"),
    [
        (1, (84.799691, 26.303441, -132.192809), (95.477125, 34.657359, -130.134484)),
        (0, (-232.192809, -32.192809, 67.807191), (-173.286795, 34.657359, 138.629436)),
    ],
)
def test_e6_peer_scores(o: int, baselines: tuple[float, ...], peers: tuple[float, ...]) -> None:
    ps = (0.9, 0.6, 0.2)
    assert [baseline_score(p, o) for p in ps] == pytest.approx(baselines, abs=PRINTED)
    assert peer_scores(ps, o) == pytest.approx(peers, abs=PRINTED)
    assert sum(peer_scores(ps, o)) == pytest.approx(0.0, abs=EXACT)


@pytest.mark.parametrize("ps", [(), (0.7,)])
def test_peer_scores_need_two_forecasters(ps: tuple[float, ...]) -> None:
    assert peer_scores(ps, 1) == [None] * len(ps)


@pytest.mark.parametrize(
    ("p", "o", "score", "expected"),
    [
        (1.0, 0, "brier", 1.0),
        (1.0, 0, "log_loss", 6.907755),
        (1.0, 0, "baseline", -896.578428),
        (0.0, 0, "brier", 0.0),
        (0.0, 0, "log_loss", 0.001001),
        (0.0, 0, "baseline", 99.855658),
    ],
)
def test_e8_clipping_applies_to_log_scores_only(
    p: float, o: int, score: str, expected: float
) -> None:
    value = {"brier": brier, "log_loss": lambda p, o: -log_score(p, o), "baseline": baseline_score}
    assert value[score](p, o) == pytest.approx(expected, abs=PRINTED)


def test_e9_yield_over_called_consensus() -> None:
    assert yield_from_called([0.26, 0.5, 0.8, 0.4], [1, 0, 1, 0]) == pytest.approx(
        1.274038, abs=PRINTED
    )


# E9 rebuilt from (p, consensus c of YES, outcome): q_c is c when YES was called, else 1 − c.
E9_FORECASTS = [(0.8, 0.26, 1), (0.3, 0.5, 1), (0.9, 0.8, 1), (0.2, 0.6, 1), (0.5, 0.1, 1)]


def test_e9_yield_from_forecasts_skips_p_of_one_half() -> None:
    assert yield_score(E9_FORECASTS) == pytest.approx(1.274038, abs=PRINTED)
    ps, cs, os = zip(*E9_FORECASTS, strict=True)
    figures = summarize_forecasts(ps, os, consensus=cs)
    assert figures.yield_n == 4
    assert figures.consensus_yield == pytest.approx(1.274038, abs=PRINTED)
    assert figures.relative_n == 5


def test_yield_is_none_when_nothing_was_called() -> None:
    assert yield_score([(0.5, 0.3, 1)]) is None
    assert yield_from_called([], []) is None


def test_consensus_relative_is_log_ratio_of_clipped_probabilities() -> None:
    assert consensus_relative(0.9, 0.6, 1) == pytest.approx(40.546511, abs=PRINTED)
    assert consensus_relative(1.0, 0.0, 1) == pytest.approx(690.675478, abs=PRINTED)


@pytest.mark.parametrize("outcome", [0, 1])
def test_e11_base_rate_skill_is_null_when_all_outcomes_are_equal(outcome: int) -> None:
    figures = summarize_forecasts([0.2, 0.7, 0.9], [outcome] * 3)
    assert figures.base_rate_skill is None
    assert figures.brier is not None


def test_e11_no_resolved_forecasts() -> None:
    figures = summarize_forecasts([], [])
    assert figures.ranking_score == 0.25
    assert figures.n == 0
    assert figures.calibration == ()
    none_fields = ("brier", "log_score", "log_loss", "brier_skill", "base_rate_skill")
    assert all(getattr(figures, name) is None for name in none_fields)
    assert (figures.hit_rate, figures.hit_rate_low, figures.murphy) == (None, None, None)
    assert rank_experts([RankingRow("nobody", 0, 0.0)])[0].rank is None


def test_hit_rate_ignores_calls_of_one_half() -> None:
    figures = summarize_forecasts([0.5, 0.7, 0.2, 0.9], [1, 0, 0, 1])
    assert (figures.hit_count, figures.hit_n) == (2, 3)
    assert (figures.hit_rate_low, figures.hit_rate_high) == wilson_interval(2, 3)


def test_wilson_interval_is_none_without_trials() -> None:
    assert wilson_interval(0, 0) is None


def test_bins_must_divide_basis_points() -> None:
    with pytest.raises(ValueError, match="must divide"):
        calibration_bin(0.5, n_bins=3)


@pytest.mark.parametrize(("p", "o"), [(1.2, 1), (-0.1, 0), (0.5, 2)])
def test_invalid_forecasts_are_rejected(p: float, o: int) -> None:
    with pytest.raises(ValueError, match="outside|not 0 or 1"):
        summarize_forecasts([p], [o])


def test_equal_rows_share_a_rank_and_the_next_rank_is_skipped() -> None:
    rows = [RankingRow("x", 10, 0.1 + 0.2), RankingRow("y", 10, 0.3), RankingRow("z", 10, 2.0)]
    assert [(r.key, r.rank) for r in rank_experts(rows)] == [("x", 1), ("y", 1), ("z", 3)]


def test_equal_ranking_scores_go_to_the_larger_n() -> None:
    rows = [RankingRow("few", 10, 1.5), RankingRow("many", 30, 5.5)]  # both S = 0.2
    assert [(r.key, r.rank) for r in rank_experts(rows)] == [("many", 1), ("few", 2)]


def test_figures_from_incremental_sums_equal_figures_from_lists() -> None:
    ps, os = E3_P + E1_P, E3_O + E1_O
    peer = [None, 3.5, -2.0] + [None] * (len(ps) - 3)
    consensus = [0.4] * 4 + [None] * (len(ps) - 4)
    from_lists = summarize_forecasts(ps, os, peer=peer, consensus=consensus)
    sums = ExpertSums()
    for i in reversed(range(len(ps))):
        sums = sums.add(ps[i], os[i], peer=peer[i], consensus=consensus[i])
    assert flatten(asdict(figures_from_sums(sums))) == pytest.approx(
        flatten(asdict(from_lists)), abs=1e-12
    )
    assert from_lists.peer_n == 2
    assert from_lists.peer_mean == pytest.approx(0.75, abs=EXACT)


def test_merged_sums_equal_sums_of_all_forecasts() -> None:
    ps, os = E3_P + E1_P, E3_O + E1_O
    whole = ExpertSums()
    for p, o in zip(ps, os, strict=True):
        whole = whole.add(p, o)
    halves = [ExpertSums(), ExpertSums()]
    for i, (p, o) in enumerate(zip(ps, os, strict=True)):
        halves[i % 2] = halves[i % 2].add(p, o)
    merged = halves[1].merge(halves[0])
    assert flatten(asdict(figures_from_sums(merged))) == pytest.approx(
        flatten(asdict(figures_from_sums(whole))), abs=1e-12
    )
