"""Shared reads: the leaderboard and an expert's track record, for pages and the API alike.

Two sub-domains: the leaderboard (`leaderboard`: ranked in Python, for the period filter;
`leaderboard_pages`: one page at a time, ranked in SQL; `leaderboard_version`: cache keys and
the data version), and `records` (an expert's record and predictions, a question's detail,
with ledger hashes). Callers import from this package
(`from forecasts import selectors`); the names below are re-exported for them. Module state,
such as the leaderboard version's memo, lives in its own module and is not re-exported: patch
it there (`forecasts.selectors.leaderboard_version._fingerprint_memo`).
"""

from forecasts.selectors.leaderboard import Leaderboard, LeaderboardRow, leaderboard
from forecasts.selectors.leaderboard_pages import (
    LEADERBOARD_PAGE_SIZE,
    PERIOD_CACHE_SECONDS,
    RESPONSE_CACHE_SECONDS,
    SORT_COLUMNS,
    WHICH,
    BoardFilters,
    LeaderboardRows,
    tie_key_sql,
)
from forecasts.selectors.leaderboard_version import (
    LEADERBOARD_GENERATION,
    bump_leaderboard_version,
    leaderboard_cache_key,
    leaderboard_version,
)
from forecasts.selectors.records import (
    DetailsChange,
    ExpertRecord,
    brier_over_time,
    current_prediction_count,
    details_history,
    expert_merges,
    expert_prediction_counts,
    expert_predictions,
    expert_record,
    question_detail,
    question_predictions,
    surviving_expert,
)

__all__ = [
    "LEADERBOARD_GENERATION",
    "LEADERBOARD_PAGE_SIZE",
    "PERIOD_CACHE_SECONDS",
    "RESPONSE_CACHE_SECONDS",
    "SORT_COLUMNS",
    "WHICH",
    "BoardFilters",
    "DetailsChange",
    "ExpertRecord",
    "Leaderboard",
    "LeaderboardRow",
    "LeaderboardRows",
    "tie_key_sql",  # tests/selectors/test_leaderboard_scale.py checks the tie key directly
    "bump_leaderboard_version",
    "details_history",
    "brier_over_time",
    "current_prediction_count",
    "expert_merges",
    "expert_prediction_counts",
    "expert_predictions",
    "expert_record",
    "surviving_expert",
    "leaderboard",
    "leaderboard_cache_key",
    "leaderboard_version",
    "question_detail",
    "question_predictions",
]
