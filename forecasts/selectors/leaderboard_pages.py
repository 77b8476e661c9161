"""The leaderboard one page at a time, ranked in SQL.

`leaderboard.leaderboard` ranks every record in Python; the pages and the API read one page of
`LeaderboardRows` instead: the database ranks (RANK() over the tie key) and returns the page
with LIMIT/OFFSET. Tie semantics are `scoring.rank_experts`'s exactly: S and the raw Brier
are compared after Python's round(x, 12). SQL has no such rounding for floats (PostgreSQL's
float8 → numeric keeps 15 significant digits, so rounding that is a double rounding), so
`tie_key_sql` computes the integer round-half-even(x·10¹²) exactly in float arithmetic
(Dekker's exact product), the same on PostgreSQL and SQLite;
tests/selectors/test_leaderboard_scale.py checks it against rank_experts. The period filter
can't use stored records: its ranking is computed with rank_experts and cached for
PERIOD_CACHE_SECONDS under `leaderboard_version()`.
"""

import datetime as dt
import math
from dataclasses import dataclass

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Q

from forecasts.models import Expert, Topic, TrackRecord
from forecasts.selectors.leaderboard import (
    Leaderboard,
    LeaderboardRow,
    leaderboard,
    row_from_record,
)
from forecasts.selectors.leaderboard_version import leaderboard_version
from forecasts.selectors.track_records import ranking_policy

LEADERBOARD_PAGE_SIZE = 50
PERIOD_CACHE_SECONDS = 60
RESPONSE_CACHE_SECONDS = 60  # rendered pages and API payloads, under leaderboard_version()
_SPLIT = 134217729.0  # 2**27 + 1, Veltkamp's splitter for doubles
_SCALE, _SCALE_HI, _SCALE_LO = 1e12, 999999995904.0, 4096.0  # 10**12 = hi + lo, 26 bits each
_NULL_KEY = 2e12  # after every real key (x ≤ 1): a missing Brier sorts last, as inf does
SORT_COLUMNS = {  # sort key → (TrackRecord column, LeaderboardRow attribute)
    "rank": None,
    "n": "resolved_count",
    "hit_rate": "hit_rate",
    "brier": "brier",
    "skill": "brier_skill",
    "score": "ranking_score",
}
WHICH = ("all", "ranked", "provisional")


def _floor_sql(expression: str) -> str:
    # Only for expressions ≥ 0: SQLite may lack floor(); CAST truncates towards zero there.
    if connection.vendor == "postgresql":
        return f"FLOOR({expression})"
    return f"CAST({expression} AS INTEGER)"


def tie_key_sql(column: str, alias: str) -> tuple[str, str]:
    """(inner, outer) select items computing `alias` = round-half-even(column·10¹²) exactly.

    Python's round(x, 12) rounds the exact binary value of x; with p = fl(x·10¹²) and e the
    exact error of that product (x·10¹² = p + e, |e| ≤ ulp(p)/2), the fraction p − floor(p) is
    exact and, unless it is exactly one half, decides alone (it is a multiple of ulp(p)).
    """
    f = "CAST({} AS DOUBLE PRECISION)".format
    c = f"{f(_SPLIT)} * {column}"
    hi = f"(({c}) - (({c}) - {column}))"
    lo = f"({column} - {hi})"
    inner = (
        f"{column} * {f(_SCALE)} AS {alias}_p, "
        f"((({hi} * {f(_SCALE_HI)} - {column} * {f(_SCALE)}) + {hi} * {f(_SCALE_LO)}"
        f" + {lo} * {f(_SCALE_HI)}) + {lo} * {f(_SCALE_LO)}) AS {alias}_e"
    )
    p, e = f"{alias}_p", f"{alias}_e"
    floor = _floor_sql(p)
    half = f"({p} - {floor} - {f(0.5)})"
    parity = f"({floor} - {f(2)} * {_floor_sql(f'{floor} / {f(2)}')})"
    outer = (
        f"COALESCE({floor} + CASE WHEN {half} > 0 THEN 1 WHEN {half} < 0 THEN 0"
        f" WHEN {e} > 0 THEN 1 WHEN {e} < 0 THEN 0 ELSE {parity} END, {f(_NULL_KEY)}) AS {alias}"
    )
    return inner, outer


def _ranked_records_sql(topic_id: int | None, minimum: int, prospective: bool) -> tuple[str, list]:
    """Every record of the topic (or overall) over all forecasts or prospective ones, with its
    exact tie key, rank and position."""
    table = TrackRecord._meta.db_table
    s_inner, s_outer = tie_key_sql("ranking_score", "s_key")
    b_inner, b_outer = tie_key_sql("brier", "b_key")
    where, params = ("topic_id IS NULL", []) if topic_id is None else ("topic_id = %s", [topic_id])
    where += " AND prospective_only = %s"
    params.append(prospective)
    sql = f"""
        SELECT k.*,
            CASE WHEN k.is_ranked = 1 THEN RANK() OVER (
                PARTITION BY k.is_ranked ORDER BY k.s_key, k.resolved_count DESC, k.b_key
            ) END AS board_rank
        FROM (
            SELECT r.*, {s_outer}, {b_outer}
            FROM (
                SELECT id, expert_id, resolved_count, hit_rate, brier, brier_skill,
                    ranking_score,
                    CASE WHEN resolved_count >= %s THEN 1 ELSE 0 END AS is_ranked,
                    {s_inner}, {b_inner}
                FROM {table} WHERE {where}
            ) r
        ) k
    """  # noqa: S608 (constants and column names only)
    return sql, [minimum, *params]


def _order_by(sort: str, descending: bool, *, ranked_first: bool) -> str:
    rank_order = "k.s_key, k.resolved_count DESC, k.b_key, k.expert_id"
    if ranked_first:
        rank_order = "k.is_ranked DESC, " + rank_order
    column = SORT_COLUMNS[sort]
    if column is None:
        return rank_order
    direction = "DESC" if descending else "ASC"
    return f"(k.{column} IS NULL), k.{column} {direction}, {rank_order}"


_EXPERT_COLUMNS = ("name", "slug", "affiliation")  # what leaderboard rows show (text only)


def _stored_pages(
    board: "BoardFilters", sort: str, descending: bool, windows: dict[str, tuple[int, int]]
) -> tuple[dict[str, list[LeaderboardRow]], dict[str, int]]:
    """Slices of stored records with their experts, ranked in SQL, in one query.

    windows: {"all": (offset, limit)} (ranked then provisional), or "ranked" and/or
    "provisional" slices of those lists. Returns each slice's rows and, from the same query,
    each list's length (missing when its slice came back empty).
    """
    ranked_sql, params = _ranked_records_sql(board.topic_id, board.minimum, board.prospective)
    split = "all" not in windows
    conditions, window_params = [], []
    for which, (offset, limit) in windows.items():
        list_filter = {
            "all": "",
            "ranked": "o.is_ranked = 1 AND ",
            "provisional": "o.is_ranked = 0 AND ",
        }
        conditions.append(f"({list_filter[which]}o.pos >= %s AND o.pos < %s)")
        window_params += [offset, offset + limit]
    table = TrackRecord._meta.db_table
    sql = f"""
        SELECT tr.*, o.board_rank, o.is_ranked AS board_is_ranked, o.list_count AS board_count,
            {", ".join(f"e.{column} AS expert__{column}" for column in _EXPERT_COLUMNS)}
        FROM (
            SELECT k.id, k.board_rank, k.is_ranked,
                ROW_NUMBER() OVER (PARTITION BY {"k.is_ranked" if split else "0"}
                    ORDER BY {_order_by(sort, descending, ranked_first=not split)}) - 1 AS pos,
                COUNT(*) OVER (PARTITION BY {"k.is_ranked" if split else "0"}) AS list_count
            FROM ({ranked_sql}) k
        ) o JOIN {table} tr ON tr.id = o.id JOIN {Expert._meta.db_table} e ON e.id = tr.expert_id
        WHERE {" OR ".join(conditions)}
        ORDER BY o.is_ranked DESC, o.pos
    """  # noqa: S608 (constants and column names only)
    records = list(TrackRecord.objects.raw(sql, [*params, *window_params]))
    rows: dict[str, list[LeaderboardRow]] = {which: [] for which in windows}
    counts: dict[str, int] = {}
    for record in records:
        # The expert's columns came along: a partial Expert (others load if ever read).
        values = [record.expert_id, *(getattr(record, f"expert__{c}") for c in _EXPERT_COLUMNS)]
        record.expert = Expert.from_db(record._state.db, ["id", *_EXPERT_COLUMNS], values)
        which = "all" if not split else ("ranked" if record.board_is_ranked else "provisional")
        rows[which].append(row_from_record(record, record.board_rank))
        counts[which] = record.board_count
    return rows, counts


class LeaderboardRows:
    """A lazily read, sliceable list of leaderboard rows (ranked ones, provisional ones, or
    ranked then provisional), in rank order or by one column; for Paginator and DRF.

    `count()` is one query and each slice one more (the page's records with their experts).
    """

    def __init__(
        self,
        board: "BoardFilters",
        which: str = "all",
        sort: str = "rank",
        descending: bool = False,
    ) -> None:
        if which not in WHICH or sort not in SORT_COLUMNS:
            raise ValueError(f"bad leaderboard selection {which!r}, {sort!r}")
        self.board, self.which, self.sort, self.descending = board, which, sort, descending
        self._count: int | None = None
        self._computed: list[LeaderboardRow] | None = None  # the period filter's rows

    # Paginator and DRF call count() (or len()) and then slice.
    def count(self) -> int:
        if self._count is None:
            if self.board.period:
                self._count = len(self._period_rows())
            else:
                self._count = self.board.counts()[self.which]
        return self._count

    __len__ = count

    def __getitem__(self, index: slice) -> list[LeaderboardRow]:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("LeaderboardRows supports plain slices only")
        start, stop, _ = index.indices(self.count())
        stop = max(start, stop)
        if self.board.period:
            return self._period_rows()[start:stop]
        return self._stored_rows(start, stop - start)

    def _stored_rows(self, offset: int, limit: int) -> list[LeaderboardRow]:
        rows, _ = _stored_pages(
            self.board, self.sort, self.descending, {self.which: (offset, limit)}
        )
        return rows[self.which]

    def _period_rows(self) -> list[LeaderboardRow]:
        if self._computed is None:
            rows = self.board.period_board()
            rows = {
                "all": rows.rows,
                "ranked": rows.ranked,
                "provisional": rows.provisional,
            }[self.which]
            column = SORT_COLUMNS[self.sort]
            if column is not None:
                present = [r for r in rows if getattr(r, column) is not None]
                missing = [r for r in rows if getattr(r, column) is None]
                present.sort(key=lambda r: getattr(r, column), reverse=self.descending)
                rows = present + missing
            self._computed = rows
        return self._computed


def _page_number(value) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


class _Preloaded:
    """A list of `count` rows of which those from `offset` on are loaded, for Paginator."""

    def __init__(self, count: int, offset: int, rows: list) -> None:
        self._count, self.offset, self.rows = count, offset, rows

    def count(self) -> int:
        return self._count

    def __getitem__(self, index: slice) -> list:
        return self.rows[index.start - self.offset : index.stop - self.offset]


@dataclass
class BoardFilters:
    """One leaderboard's filters (topic, period, min_resolved, and whether it ranks the
    record over prospective forecasts only) and what is shared between its lists: the ranked
    and provisional counts, the period filter's computed ranking."""

    topic: Topic | None = None
    min_resolved: int | None = None
    period: tuple[dt.date | None, dt.date | None] | None = None
    prospective: bool = False

    def __post_init__(self) -> None:
        if self.period and not any(self.period):
            self.period = None
        if self.min_resolved is None:
            self.min_resolved = ranking_policy().min_resolved
        self._counts: dict[str, int] | None = None
        self._period_board: Leaderboard | None = None

    @property
    def topic_id(self) -> int | None:
        return self.topic.pk if self.topic else None

    @property
    def minimum(self) -> int:
        return max(1, self.min_resolved)  # rank_experts never ranks n = 0 (E11)

    def rows(self, which: str = "all", sort: str = "rank", descending: bool = False):
        return LeaderboardRows(self, which, sort, descending)

    def pages(
        self, sort: str = "rank", descending: bool = False, ranked_page=1, provisional_page=1
    ) -> tuple[Page, Page]:
        """One page of ranked and one of provisional experts (Django Page objects), read
        together in two queries; page numbers are clamped like Paginator.get_page does."""
        size = LEADERBOARD_PAGE_SIZE
        if self.period:
            return tuple(
                Paginator(self.rows(which, sort, descending), size).get_page(number)
                for which, number in (("ranked", ranked_page), ("provisional", provisional_page))
            )
        numbers = {
            "ranked": _page_number(ranked_page),
            "provisional": _page_number(provisional_page),
        }
        windows = {which: ((n - 1) * size, size) for which, n in numbers.items()}
        rows, counts = _stored_pages(self, sort, descending, windows)
        missing = [w for w in windows if w not in counts and numbers[w] > 1]
        if missing:  # a page past the end: show the last one, as get_page does
            totals = self.counts()
            for which in missing:
                numbers[which] = max(1, math.ceil(totals[which] / size))
                windows[which] = ((numbers[which] - 1) * size, size)
            rows, counts = _stored_pages(self, sort, descending, windows)
        pages = []
        for which in ("ranked", "provisional"):
            listing = _Preloaded(counts.get(which, 0), windows[which][0], rows[which])
            pages.append(Paginator(listing, size).page(numbers[which]))
        return tuple(pages)

    def counts(self) -> dict[str, int]:
        """{"all", "ranked", "provisional"}: how many records each list holds (one query)."""
        if self._counts is None:
            if self.period:
                board = self.period_board()
                ranked, provisional = len(board.ranked), len(board.provisional)
            else:
                records = TrackRecord.objects.filter(
                    topic=self.topic, prospective_only=self.prospective
                )
                ranked_filter = Q(resolved_count__gte=self.minimum)
                totals = records.aggregate(
                    total=Count("id"), ranked=Count("id", filter=ranked_filter)
                )
                ranked, provisional = totals["ranked"], totals["total"] - totals["ranked"]
            self._counts = {
                "all": ranked + provisional,
                "ranked": ranked,
                "provisional": provisional,
            }
        return self._counts

    def period_board(self) -> Leaderboard:
        """The period filter's full ranking (scores aggregated by resolution date), cached for
        PERIOD_CACHE_SECONDS under the data version, per (topic, period, min_resolved)."""
        if self._period_board is None:
            start, end = self.period
            version = leaderboard_version()
            key = (
                f"leaderboard:period:{version}:{self.topic_id}:{start}:{end}:"
                f"{self.min_resolved}:{int(self.prospective)}"
            )
            board = cache.get(key)
            if board is None:
                board = leaderboard(
                    topic=self.topic,
                    min_resolved=self.min_resolved,
                    period=self.period,
                    prospective=self.prospective,
                )
                cache.set(key, board, PERIOD_CACHE_SECONDS)
            self._period_board = board
        return self._period_board
