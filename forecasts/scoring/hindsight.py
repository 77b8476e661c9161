"""Prospective and hindsight forecasts (docs/scoring.md; policy hindsight-v1).

A forecast logged after its outcome could be known may have been picked because of how it
turned out. So a scored forecast is prospective only when it entered the public record before
the question's deadline and before the question was first resolved; otherwise it is
hindsight. The deadline is a date: a record made on the deadline day is not before it.
"""

import datetime as dt

HINDSIGHT_POLICY = "hindsight-v1"


def is_prospective(
    *,
    recorded_on: dt.date,
    recorded_at: dt.datetime,
    deadline: dt.date,
    first_resolved_at: dt.datetime | None,
) -> bool:
    """`recorded_on` is `recorded_at`'s date in the service's time zone (the deadline's)."""
    if recorded_on >= deadline:
        return False
    return first_resolved_at is None or recorded_at < first_resolved_at


def hindsight_share(hindsight: int, total: int) -> float | None:
    """The share of hindsight forecasts among `total` scored ones; None when there are none."""
    return hindsight / total if total else None
