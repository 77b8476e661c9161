"""Synthetic ledgers for demos and benchmarks: deterministic for a seed, written in bulk.

The shape follows real prediction trackers: expert activity is heavy-tailed (a few prolific
pundits, many occasional ones), popular questions draw several experts, about 70% of questions
are resolved and a few annulled, and most predictions carry a verbal phrase or a stated number.
Rows go in with PostgreSQL's COPY (executemany elsewhere) with ids allocated here, so one pass
writes every table; published predictions and verdicts are chained into the ledger exactly as
ledger.append would chain them (tests/test_generate_demo_data.py checks with verify_ledger).

Same seed, same sizes and same anchor date give the same rows.
"""

import datetime as dt
import hashlib
import json
import random
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate, islice

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import DatabaseError, connection, transaction
from django.db.models import Max

from forecasts.models import (
    Expert,
    LedgerEntry,
    LedgerHead,
    Prediction,
    Question,
    QuestionRevision,
    Review,
    ReviewAssignment,
    Source,
    Topic,
)
from forecasts.services.bulk import write_rows
from forecasts.services.ledger import GENESIS
from forecasts.services.reviews import REVIEWERS_GROUP
from forecasts.verbal import TABLE_VERSION, VERBAL_TABLE

UTC = dt.UTC
FIRST = [
    "Ana",
    "Boris",
    "Chen",
    "Dana",
    "Elif",
    "Farid",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Kira",
    "Levan",
    "Mara",
    "Nino",
    "Omar",
    "Petra",
    "Quinn",
    "Rustam",
    "Sofia",
    "Tamar",
    "Umar",
    "Vera",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zara",
    "Aram",
    "Lena",
    "Davit",
    "Irina",
]
LAST = [
    "Abbasov",
    "Berger",
    "Costa",
    "Demir",
    "Eriksen",
    "Fischer",
    "Gelashvili",
    "Horvat",
    "Ivanova",
    "Jensen",
    "Kovacs",
    "Lopez",
    "Mammadov",
    "Novak",
    "Ostrova",
    "Petrosyan",
    "Quispe",
    "Rossi",
    "Sato",
    "Tsereteli",
    "Ulrich",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zielinski",
    "Aliyev",
    "Brandt",
    "Chkheidze",
    "Dumas",
]
REGIONS = [
    "South Caucasus",
    "Central Asia",
    "Baltic states",
    "Black Sea",
    "Eastern Mediterranean",
    "Sahel",
    "Andes",
    "Balkans",
    "Gulf states",
    "Horn of Africa",
    "Southeast Asia",
    "Nordic countries",
    "Iberia",
    "Great Lakes",
    "Levant",
]
THEMES = [
    "elections",
    "energy",
    "trade",
    "security",
    "inflation",
    "migration",
    "climate policy",
    "technology",
]
SUBJECTS = [
    "the central bank",
    "the ruling coalition",
    "the opposition",
    "the energy ministry",
    "the port authority",
    "parliament",
    "the constitutional court",
    "the national airline",
    "the football federation",
    "the regional governor",
    "the trade union federation",
    "the state railway",
]
EVENTS = [
    "cut its main rate",
    "call an early vote",
    "sign the pipeline deal",
    "lift the export ban",
    "open the new terminal",
    "pass the budget",
    "reach a ceasefire",
    "join the customs union",
    "devalue the currency",
    "hold a referendum",
    "announce a merger",
    "raise the minimum wage",
]
OUTLETS = "Harbour Times|Caucasus Ledger|Morning Wire|The Plain Dealer|Radio Meridian|Daily Axis"
OUTLETS = OUTLETS.split("|")
CHUNK = 50_000  # rows per COPY of published rows and their ledger entries
PROVENANCE = {"editor": "demo-editor", "reviewer": "demo-reviewer-{}"}


@dataclass(frozen=True)
class DemoSpec:
    """What to generate. `overdue` open questions have a passed deadline (for the due sweep)."""

    experts: int = 200
    questions: int = 2_000
    predictions: int = 10_000
    seed: int = 1
    topics: int = 40
    reviewers: int = 20
    overdue: int = 0
    anchor: dt.date = field(default_factory=dt.date.today)


@dataclass
class DemoReport:
    rows: dict[str, int] = field(default_factory=dict)


Progress = Callable[[int], None]


def _noop(_: int) -> None:
    return None


# --- writing --------------------------------------------------------------------------------


def _write(table: str, columns: tuple[str, ...], rows: Iterable[tuple], progress: Progress) -> int:
    return write_rows(table, columns, rows, progress)


def _next_id(model: type) -> int:
    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1  # type: ignore[attr-defined]


def _reset_sequences(models: Iterable[type]) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite's AUTOINCREMENT-free rowids follow max(id) by themselves
    with connection.cursor() as cursor:
        for model in models:
            table, pk = model._meta.db_table, model._meta.pk.column
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{pk}'), "  # noqa: S608
                f"COALESCE((SELECT MAX({pk}) FROM {table}), 1))"
            )


# --- the shape ------------------------------------------------------------------------------


def _cumulative(weights: list[float]) -> list[float]:
    return list(accumulate(weights))


def _activity(n: int, rng: random.Random, exponent: float) -> list[float]:
    """Heavy-tailed weights (Zipf-like), shuffled so activity does not follow the id."""
    weights = [1.0 / (rank + 1) ** exponent for rank in range(n)]
    rng.shuffle(weights)
    return weights


def _verbal_levels() -> list[tuple[float, str]]:
    """One phrase per probability level of the table (the first listed), lowest level first."""
    levels: dict[float, str] = {}
    for marker in VERBAL_TABLE.markers.values():
        if marker.basis == Prediction.Basis.VERBAL:
            levels.setdefault(marker.probability, marker.phrase)
    return sorted(levels.items())


@dataclass
class _Questions:
    """Per-question columns the prediction pass needs, kept as plain lists (ids from 0)."""

    first_id: int
    deadline: list[dt.date] = field(default_factory=list)
    truth: list[float] = field(default_factory=list)
    settled: list[str] = field(default_factory=list)  # status


def _users(spec: DemoSpec) -> tuple[int, list[int]]:
    users = get_user_model().objects
    editor, _ = users.get_or_create(
        username=PROVENANCE["editor"], defaults={"email": "demo-editor@example.org"}
    )
    group = Group.objects.get(name=REVIEWERS_GROUP)
    reviewers = []
    for i in range(1, spec.reviewers + 1):
        name = PROVENANCE["reviewer"].format(i)
        user, created = users.get_or_create(
            username=name, defaults={"email": f"{name}@example.org", "is_staff": True}
        )
        if created:
            user.groups.add(group)
        reviewers.append(user.pk)
    return editor.pk, reviewers


def _topics(spec: DemoSpec) -> list[int]:
    names = [f"{region} {theme}" for theme in THEMES for region in REGIONS][: spec.topics]
    existing = dict(Topic.objects.filter(name__in=names).values_list("name", "pk"))
    Topic.objects.bulk_create(
        [Topic(name=n, slug=f"demo-{i}") for i, n in enumerate(names) if n not in existing]
    )
    return list(Topic.objects.filter(name__in=names).order_by("pk").values_list("pk", flat=True))


def _skip_row_triggers() -> None:
    """Let this transaction skip foreign-key and made_on triggers on PostgreSQL.

    Checking a million generated rows one by one at COMMIT takes most of a minute, and they
    are consistent by construction (ids allocated here, made_on never after the deadline;
    tests/test_generate_demo_data.py checks). Needs a superuser; without one, checks run.
    """
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        return


class DemoGenerator:
    """One generation run; `run` writes everything inside one transaction."""

    def __init__(self, spec: DemoSpec, progress: Progress = _noop) -> None:
        self.spec = spec
        self.rng = random.Random(spec.seed)
        self.progress = progress
        self.report = DemoReport()
        anchor = spec.anchor
        self.noon = dt.datetime(anchor.year, anchor.month, anchor.day, 12, tzinfo=UTC)

    @property
    def total_rows(self) -> int:
        s = self.spec
        resolved_guess = int(s.questions * 0.75)
        return (
            s.experts
            + s.questions * 3
            + s.predictions * 2
            + resolved_guess * 2
            + max(1, s.predictions // 20)
        )

    @transaction.atomic
    def run(self) -> DemoReport:
        _skip_row_triggers()
        self.editor, self.reviewers = _users(self.spec)
        self.topic_ids = _topics(self.spec)
        self._experts()
        self._sources()
        self._questions()
        self._predictions()
        self._reviews()
        _reset_sequences(
            [Expert, Source, Question, QuestionRevision, Prediction, Review, ReviewAssignment]
        )
        _reset_sequences([LedgerEntry])
        return self.report

    def _record(self, name: str, count: int) -> None:
        self.report.rows[name] = self.report.rows.get(name, 0) + count

    # --- experts and sources --------------------------------------------------------------

    def _experts(self) -> None:
        start, rng = _next_id(Expert), self.rng
        self.expert_first = start
        created = self.noon - dt.timedelta(days=2000)

        def rows() -> Iterator[tuple]:
            for i in range(self.spec.experts):
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                slug = f"{name.lower().replace(' ', '-')}-{start + i}"
                outlet = rng.choice(OUTLETS)
                yield (start + i, name, slug, f"Columnist, {outlet}", "", "[]", created)

        columns = ("id", "name", "slug", "affiliation", "bio", "links", "created_at")
        self._record("experts", _write("forecasts_expert", columns, rows(), self.progress))
        self.expert_weights = _cumulative(_activity(self.spec.experts, rng, 1.1))

    def _sources(self) -> None:
        start, rng = _next_id(Source), self.rng
        self.source_first, self.source_count = start, max(1, self.spec.predictions // 20)
        anchor = self.spec.anchor

        def rows() -> Iterator[tuple]:
            for i in range(self.source_count):
                outlet = rng.choice(OUTLETS)
                published = anchor - dt.timedelta(days=rng.randint(0, 2500))
                url = f"https://news.example.org/{start + i}"
                title = f"{outlet} interview {start + i}"
                yield (start + i, "article", title, outlet, "", url, published, "", self.noon)

        columns = (
            "id", "kind", "title", "outlet", "via", "url", "published_on", "text", "created_at",
        )  # fmt: skip
        self._record("sources", _write("forecasts_source", columns, rows(), self.progress))

    # --- questions ------------------------------------------------------------------------

    def _question_state(self, i: int, deadline: dt.date) -> tuple[str, str, dt.datetime | None]:
        """(status, outcome, resolved_at) for a question whose deadline is set."""
        rng, anchor = self.rng, self.spec.anchor
        if deadline >= anchor or i < self.spec.overdue:
            return Question.Status.OPEN, "", None
        roll = rng.random()
        if roll < 0.08:
            return Question.Status.DUE, "", None
        resolved_on = min(anchor, deadline + dt.timedelta(days=rng.randint(1, 30)))
        resolved_at = dt.datetime.combine(resolved_on, dt.time(12), tzinfo=UTC)
        if roll < 0.12:
            return Question.Status.ANNULLED, Question.Outcome.ANNULLED, resolved_at
        return Question.Status.RESOLVED, "", resolved_at  # outcome drawn from the truth

    def _questions(self) -> None:
        spec, rng = self.spec, self.rng
        start = _next_id(Question)
        self.q = _Questions(first_id=start)
        self.settled_ids: list[tuple[int, str, dt.datetime]] = []
        self.due_ids: list[tuple[int, dt.datetime]] = []
        topic_links: list[tuple[int, int]] = []
        topic_weights = _cumulative(_activity(len(self.topic_ids), rng, 1.0))

        def rows() -> Iterator[tuple]:
            for i in range(spec.questions):
                qid = start + i
                if i < spec.overdue:
                    deadline = spec.anchor - dt.timedelta(days=rng.randint(1, 30))
                else:
                    deadline = spec.anchor + dt.timedelta(days=rng.randint(-5 * 365, 365))
                status, outcome, resolved_at = self._question_state(i, deadline)
                truth = rng.betavariate(0.7, 0.9)
                if status == Question.Status.RESOLVED:
                    outcome = "yes" if rng.random() < truth else "no"
                self.q.deadline.append(deadline)
                self.q.truth.append(truth)
                self.q.settled.append(status)
                due_at = None
                if status == Question.Status.DUE:
                    due_at = dt.datetime.combine(deadline, dt.time(6), tzinfo=UTC)
                    self.due_ids.append((qid, due_at))
                elif resolved_at:
                    self.settled_ids.append((qid, outcome, resolved_at))
                consensus = round(rng.uniform(0.05, 0.95), 2) if rng.random() < 0.3 else None
                for _ in range(rng.choice((0, 1, 1, 1, 2, 2, 3))):
                    topic_links.append((qid, self.topic_ids[self._pick(topic_weights)]))
                title = (
                    f"Will {rng.choice(SUBJECTS)} {rng.choice(EVENTS)} by {deadline.isoformat()}"
                    f" (case {qid})?"
                )
                criteria = "YES if a primary source confirms it by the deadline; NO otherwise."
                created = dt.datetime.combine(deadline, dt.time(8), tzinfo=UTC) - dt.timedelta(
                    days=450
                )
                yield (
                    qid, title, criteria, deadline, status, outcome, resolved_at, due_at, 1, 1,
                    consensus, "market" if consensus is not None else "", 1, self.editor, created,
                )  # fmt: skip

        columns = (
            "id", "title", "resolution_criteria", "deadline", "status", "outcome", "resolved_at",
            "due_at", "review_round", "reminder_cycle", "consensus_probability",
            "consensus_source", "version", "created_by_id", "created_at",
        )  # fmt: skip
        self._record("questions", _write("forecasts_question", columns, rows(), self.progress))
        self._question_revisions(start)
        links = sorted(set(topic_links))
        columns = ("question_id", "topic_id")
        table = Question.topics.through._meta.db_table
        self._record("question topics", _write(table, columns, links, self.progress))

    def _question_revisions(self, start: int) -> None:
        # One statement on the server: the rows are the questions just written.
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO forecasts_questionrevision (question_id, version, title, "
                "resolution_criteria, deadline, reason, changed_by_id, changed_at) "
                "SELECT id, 1, title, resolution_criteria, deadline, 'Created.', created_by_id, "
                "created_at FROM forecasts_question WHERE id >= %s ORDER BY id",
                [start],
            )
            self._record("question revisions", cursor.rowcount)
            self.progress(cursor.rowcount)

    def _pick(self, cumulative: list[float]) -> int:
        # Bisect on cumulative weights: random.choices without building a population list.
        return min(
            bisect_right(cumulative, self.rng.random() * cumulative[-1]), len(cumulative) - 1
        )

    # --- predictions and the ledger -------------------------------------------------------

    def _question_order(self) -> Iterator[int]:
        """Question indexes for the predictions: each question once while there are enough,
        then popular questions again (several experts each)."""
        spec, rng = self.spec, self.rng
        weights = _cumulative(_activity(spec.questions, rng, 0.8))
        covered = min(spec.questions, spec.predictions)
        yield from range(covered)
        for _ in range(spec.predictions - covered):
            yield self._pick(weights)

    def _forecast(self, truth: float, sharpness: float) -> tuple[float | None, str, str, str]:
        """(probability, basis, phrase, table_version) of one call on a question."""
        rng = self.rng
        signal = truth + rng.gauss(0, sharpness)
        p = min(0.99, max(0.01, signal))
        roll = rng.random()
        if roll < 0.02:
            return None, Prediction.Basis.UNKNOWN, "we must be prepared for", ""
        if roll < 0.55:
            level, phrase = min(self.levels, key=lambda lp: abs(lp[0] - p))
            return level, Prediction.Basis.VERBAL, phrase, TABLE_VERSION
        return round(p, 2), Prediction.Basis.STATED, f"{round(p * 100)}%", ""

    def _predictions(self) -> None:
        spec, rng, q = self.spec, self.rng, self.q
        start = _next_id(Prediction)
        self.levels = _verbal_levels()
        sharpness = [rng.uniform(0.15, 0.5) for _ in range(spec.experts)]

        def rows() -> Iterator[tuple]:
            for n, qi in enumerate(self._question_order()):
                pid, ei = start + n, self._pick(self.expert_weights)
                p, basis, phrase, version = self._forecast(q.truth[qi], sharpness[ei])
                deadline = q.deadline[qi]
                made_on = deadline - dt.timedelta(days=rng.randint(0, 400))
                created = dt.datetime.combine(made_on, dt.time(9), tzinfo=UTC) + dt.timedelta(
                    seconds=n % 3600
                )
                source = self.source_first + rng.randrange(self.source_count)
                source = None if rng.random() < 0.2 else source
                quote = f"{phrase.capitalize()}, the expert said on air."
                yield (
                    pid, self.expert_first + ei, q.first_id + qi, p, basis, phrase, version,
                    made_on, source, quote, self.editor, created, 1, None, None, "",
                )  # fmt: skip

        columns = (
            "id", "expert_id", "question_id", "probability", "basis", "phrase", "table_version",
            "made_on", "source_id", "quote", "recorded_by_id", "created_at", "version",
            "supersedes_id", "superseded_at", "correction_reason",
        )  # fmt: skip
        self._write_published("predictions", Prediction, columns, rows(), prediction_payload)

    def _reviews(self) -> None:
        start, rng = _next_id(Review), self.rng

        def rows() -> Iterator[tuple]:
            for n, (qid, outcome, resolved_at) in enumerate(self.settled_ids):
                reviewer = rng.choice(self.reviewers)
                evidence = "" if outcome == "annulled" else f"https://evidence.example.org/{qid}"
                yield (start + n, qid, reviewer, 1, outcome, evidence, "Checked.", "", resolved_at)

        columns = (
            "id", "question_id", "reviewer_id", "round", "outcome", "evidence_url", "note",
            "reason", "created_at",
        )  # fmt: skip
        if self.reviewers:
            self._write_published("reviews", Review, columns, rows(), review_payload)
            self._assignments(rng)

    def _assignments(self, rng: random.Random) -> None:
        """Questions already due wait on one reviewer each (pending assignments)."""
        start = _next_id(ReviewAssignment)
        rows = (
            (start + n, qid, self.reviewers[n % len(self.reviewers)], 1, "pending", due_at, None)
            for n, (qid, due_at) in enumerate(self.due_ids)
        )
        columns = ("id", "question_id", "reviewer_id", "round", "state", "assigned_at")
        columns += ("completed_at",)
        table = "forecasts_reviewassignment"
        self._record("review assignments", _write(table, columns, rows, self.progress))

    def _write_published(
        self,
        name: str,
        model: type,
        columns: tuple[str, ...],
        rows: Iterable[tuple],
        payload: Callable[[tuple], str],
    ) -> None:
        """Write published rows and chain each into the ledger, in chunks (bounded memory)."""
        kind = LedgerEntry.Kind.PREDICTION if model is Prediction else LedgerEntry.Kind.REVIEW
        head, _ = LedgerHead.objects.select_for_update().get_or_create(pk=1)
        prev, seq = head.hash or GENESIS, _next_id(LedgerEntry)
        table, entry_columns = model._meta.db_table, (
            "seq", "kind", "object_id", "payload", "prev_hash", "hash", "created_at",
        )  # fmt: skip
        iterator = iter(rows)
        while chunk := list(islice(iterator, CHUNK)):
            self._record(name, _write(table, columns, chunk, self.progress))
            entries = []
            for row in chunk:
                text = payload(row)
                digest = hashlib.sha256((prev + text).encode()).hexdigest()
                entries.append((seq, kind, row[0], text, prev, digest, self.noon))
                prev, seq = digest, seq + 1
            written = _write("forecasts_ledgerentry", entry_columns, entries, self.progress)
            self._record("ledger entries", written)
            head.seq += written
        head.hash = prev
        head.save(update_fields=["seq", "hash"])


# --- canonical payloads without model instances ---------------------------------------------
# ledger.canonical_payload over a dict of the row's columns: the same keys, the same _plain
# conversions (floats as repr strings, dates ISO, datetimes UTC to the microsecond).


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat(timespec="microseconds")


def _dump(data: dict) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def prediction_payload(row: tuple) -> str:
    (pid, expert, question, p, basis, phrase, version, made_on, source, quote, recorded_by,
     created, number, supersedes, _superseded_at, reason) = row  # fmt: skip
    return _dump(
        {
            "id": pid,
            "expert_id": expert,
            "question_id": question,
            "probability": None if p is None else repr(float(p)),
            "basis": basis,
            "phrase": phrase,
            "table_version": version,
            "made_on": made_on.isoformat(),
            "source_id": source,
            "quote": quote,
            "recorded_by_id": recorded_by,
            "version": number,
            "supersedes_id": supersedes,
            "correction_reason": reason,
            "created_at": _iso(created),
            "kind": LedgerEntry.Kind.PREDICTION,
        }  # fmt: skip
    )


def review_payload(row: tuple) -> str:
    rid, question, reviewer, round_, outcome, evidence, note, reason, created = row
    return _dump(
        {
            "id": rid,
            "question_id": question,
            "reviewer_id": reviewer,
            "round": round_,
            "outcome": outcome,
            "evidence_url": evidence,
            "note": note,
            "reason": reason,
            "created_at": _iso(created),
            "kind": LedgerEntry.Kind.REVIEW,
        }  # fmt: skip
    )


def generate_demo_data(spec: DemoSpec, *, progress: Progress = _noop) -> DemoReport:
    """Write a synthetic ledger of this shape and size (see the module docstring)."""
    return DemoGenerator(spec, progress).run()
