"""Scoring math from docs/scoring.md: per-prediction scores, calibration, track-record figures and
the leaderboard order.

Pure functions over plain values (no Django, stdlib only), one module per part: `scores`
(per forecast), `calibration` (bins, Wilson intervals, Murphy), `records` (figures from running
sums) and `ranking` (shrinkage and ties). Callers use `from forecasts import scoring`; every
public name is here.
"""

from forecasts.scoring.calibration import (
    BinSums,
    CalibrationBin,
    CalibrationLevel,
    Murphy,
    calibration_bin,
    calibration_by_level,
    murphy_by_level,
    murphy_decomposition,
    wilson_interval,
)
from forecasts.scoring.hindsight import HINDSIGHT_POLICY, hindsight_share, is_prospective
from forecasts.scoring.ranking import (
    TIE_DECIMALS,
    RankedExpert,
    RankingPolicy,
    RankingRow,
    rank_experts,
    ranking_score,
)
from forecasts.scoring.records import (
    ExpertSums,
    TrackRecordFigures,
    figures_from_sums,
    sum_forecasts,
    summarize_forecasts,
)
from forecasts.scoring.scores import (
    BASIS_POINTS,
    COIN_FLIP_BRIER,
    LOG_CLIP_HIGH,
    LOG_CLIP_LOW,
    WILSON_Z,
    baseline_score,
    brier,
    called_consensus,
    called_side,
    consensus_relative,
    is_hit,
    log_score,
    outcome_probability,
    peer_scores,
    yield_from_called,
    yield_score,
)

__all__ = [
    "HINDSIGHT_POLICY",
    "hindsight_share",
    "is_prospective",
    "BASIS_POINTS",
    "BinSums",
    "COIN_FLIP_BRIER",
    "CalibrationBin",
    "CalibrationLevel",
    "ExpertSums",
    "LOG_CLIP_HIGH",
    "LOG_CLIP_LOW",
    "Murphy",
    "RankedExpert",
    "RankingPolicy",
    "RankingRow",
    "TIE_DECIMALS",
    "TrackRecordFigures",
    "WILSON_Z",
    "baseline_score",
    "brier",
    "calibration_bin",
    "calibration_by_level",
    "called_consensus",
    "called_side",
    "consensus_relative",
    "figures_from_sums",
    "is_hit",
    "log_score",
    "murphy_by_level",
    "murphy_decomposition",
    "outcome_probability",
    "peer_scores",
    "rank_experts",
    "ranking_score",
    "sum_forecasts",
    "summarize_forecasts",
    "wilson_interval",
    "yield_from_called",
    "yield_score",
]
