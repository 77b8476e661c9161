"""The leaderboard's data version: what cached pages and API payloads are keyed to.

A rendering cached under leaderboard_cache_key is used until the data it shows changes:
bump_leaderboard_version after track records change, and a cheap fingerprint of the newest
records, scores and topics for writers that do not bump (another process, a bulk load).
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from forecasts.models import PredictionScore, Topic, TrackRecord

LEADERBOARD_GENERATION = "leaderboard:generation"


def bump_leaderboard_version() -> None:
    """Call after track records change (on commit): cached leaderboards are then unused."""
    try:
        cache.incr(LEADERBOARD_GENERATION)
    except ValueError:
        cache.set(LEADERBOARD_GENERATION, 1, None)


def leaderboard_cache_key(kind: str, *parts: object) -> str:
    """A cache key for one rendering of the leaderboard under the current data version."""
    digest = hashlib.sha256(repr((leaderboard_version(), *parts)).encode()).hexdigest()
    return f"leaderboard:{kind}:{digest}"


_fingerprint_memo: tuple[float, object, str] | None = None  # (checked at, generation, value)


def leaderboard_version() -> str:
    """Changes when the leaderboard's data changes: the generation `bump_leaderboard_version`
    advances, and a fingerprint read from the database in one cheap query (the newest
    TrackRecord's id and write time and the newest score id, through primary-key indexes;
    the topics' count and newest id). Each process re-reads the fingerprint at most once a
    second (LEADERBOARD_VERSION_RECHECK_SECONDS), so a cache hit touches no database and other
    processes' writes show within about a second. Records updated in place or deleted without
    a rewrite change neither, so cached entries also expire after RESPONSE_CACHE_SECONDS."""
    global _fingerprint_memo
    generation = cache.get(LEADERBOARD_GENERATION, 0)
    now = time.monotonic()
    memo = _fingerprint_memo
    if (
        memo
        and memo[1] == generation
        and now - memo[0] < settings.LEADERBOARD_VERSION_RECHECK_SECONDS
    ):
        return memo[2]
    records, scores = TrackRecord._meta.db_table, PredictionScore._meta.db_table
    topics = Topic._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT id FROM {records} ORDER BY id DESC LIMIT 1),"  # noqa: S608
            f" (SELECT updated_at FROM {records} ORDER BY id DESC LIMIT 1),"
            f" (SELECT id FROM {scores} ORDER BY id DESC LIMIT 1),"
            f" (SELECT COUNT(*) FROM {topics}), (SELECT MAX(id) FROM {topics})"
        )
        fingerprint = cursor.fetchone()
    value = f"{generation}.{'.'.join(map(str, fingerprint))}".replace(" ", "_")
    _fingerprint_memo = (now, generation, value)
    return value
