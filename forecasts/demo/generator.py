"""Synthetic ledgers for demos and benchmarks: deterministic for a seed, written in bulk.

The shape follows real prediction trackers: expert activity is heavy-tailed (a few prolific
pundits, many occasional ones), popular questions draw several experts, about 70% of questions
are resolved and a few annulled, and most predictions carry a verbal phrase or a stated number.
Rows go in with PostgreSQL's COPY (executemany elsewhere) with ids allocated here, so one pass
writes every table; published predictions and verdicts are chained into the ledger exactly as
ledger.append would chain them (tests/demo/test_generate_demo_data.py checks with verify_ledger).

Same seed, same sizes and same anchor date give the same rows.

This module draws the rows (DemoGenerator); shape.py holds the words and weights they
are drawn from, writing.py the COPY, the ledger chaining and the accounts and topics the
rows point at.
"""

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction

from forecasts.demo.shape import (
    EVENTS,
    FIRST,
    LAST,
    OUTLETS,
    SUBJECTS,
    activity,
    cumulative,
    draw_forecast,
    pick,
    question_order,
    question_state,
    verbal_levels,
)
from forecasts.demo.writing import (
    UTC,
    Progress,
    demo_topics,
    demo_users,
    next_id,
    reset_sequences,
    write,
    write_published,
)
from forecasts.models import (
    Expert,
    LedgerEntry,
    Prediction,
    Question,
    QuestionRevision,
    ReminderRecord,
    Review,
    ReviewAssignment,
    Source,
)
from forecasts.naming import name_keys
from forecasts.services.bulk import skip_row_triggers
from forecasts.services.reviews.reminder_claims import admin_ids

PENDING = ReviewAssignment.State.PENDING.value
# Predictions logged long after they were made (from an archive): hindsight (docs/scoring.md).
HINDSIGHT_SHARE = 0.05


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


def _noop(_: int) -> None:
    return None


@dataclass
class _Questions:
    """Per-question columns the prediction pass needs, kept as plain lists (ids from 0)."""

    first_id: int
    deadline: list[dt.date] = field(default_factory=list)
    truth: list[float] = field(default_factory=list)
    settled: list[str] = field(default_factory=list)  # status


class DemoGenerator:
    """One generation run; `run` writes everything inside one transaction."""

    def __init__(self, spec: DemoSpec, progress: Progress = _noop) -> None:
        if spec.reviewers < 1:
            raise ValueError("Settled demo questions need a reviewer: reviewers must be >= 1.")
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
        # Generated rows are consistent by construction (ids allocated here, made_on never
        # after the deadline; tests/demo/test_generate_demo_data.py checks): skip row checks.
        skip_row_triggers()
        self.editor, self.reviewers = demo_users(self.spec.reviewers)
        self.topic_ids = demo_topics(self.spec.topics)
        self._experts()
        self._sources()
        self._questions()
        self._predictions()
        self._reviews()
        reset_sequences(
            [Expert, Source, Question, QuestionRevision, Prediction, Review, ReviewAssignment]
        )
        reset_sequences([ReminderRecord])
        reset_sequences([LedgerEntry])
        if connection.vendor == "postgresql":
            # Millions of new rows and no statistics yet: the planner would guess until
            # autovacuum got round to them (see track_records._rebuild_from_scores).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return self.report

    def _record(self, name: str, count: int) -> None:
        self.report.rows[name] = self.report.rows.get(name, 0) + count

    # --- experts and sources --------------------------------------------------------------

    def _experts(self) -> None:
        start, rng = next_id(Expert), self.rng
        self.expert_first = start
        created = self.noon - dt.timedelta(days=2000)

        def rows() -> Iterator[tuple]:
            for i in range(self.spec.experts):
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                slug = f"{name.lower().replace(' ', '-')}-{start + i}"
                outlet = rng.choice(OUTLETS)
                row = (start + i, name, slug, f"Columnist, {outlet}", "", "[]", "[]")
                yield (*row, name_keys(name), created)

        columns = (
            "id", "name", "slug", "affiliation", "bio", "links", "aliases", "search_names",
            "created_at",
        )  # fmt: skip
        self._record("experts", write("forecasts_expert", columns, rows(), self.progress))
        self.expert_weights = cumulative(activity(self.spec.experts, rng, 1.1))

    def _sources(self) -> None:
        start, rng = next_id(Source), self.rng
        self.source_first, self.source_count = start, max(1, self.spec.predictions // 20)
        anchor = self.spec.anchor

        def rows() -> Iterator[tuple]:
            for i in range(self.source_count):
                outlet = rng.choice(OUTLETS)
                published = anchor - dt.timedelta(days=rng.randint(0, 2500))
                url = f"https://news.example.org/{start + i}"
                title = f"{outlet} interview {start + i}"
                yield (start + i, "article", title, outlet, "", url, url, published, "", self.noon)

        columns = (
            "id", "kind", "title", "outlet", "via", "url", "url_key", "published_on", "text",
            "created_at",
        )  # fmt: skip
        self._record("sources", write("forecasts_source", columns, rows(), self.progress))

    # --- questions ------------------------------------------------------------------------

    def _questions(self) -> None:
        spec, rng = self.spec, self.rng
        start = next_id(Question)
        self.q = _Questions(first_id=start)
        self.settled_ids: list[tuple[int, str, dt.datetime]] = []
        self.due_ids: list[tuple[int, dt.datetime]] = []
        topic_links: list[tuple[int, int]] = []
        topic_weights = cumulative(activity(len(self.topic_ids), rng, 1.0))

        def rows() -> Iterator[tuple]:
            for i in range(spec.questions):
                qid = start + i
                if i < spec.overdue:
                    deadline = spec.anchor - dt.timedelta(days=rng.randint(1, 30))
                else:
                    deadline = spec.anchor + dt.timedelta(days=rng.randint(-5 * 365, 365))
                status, outcome, resolved_at = question_state(
                    rng, deadline, anchor=spec.anchor, overdue=i < spec.overdue
                )
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
                    self.settled_ids.append((qid, status, outcome, resolved_at))
                consensus = round(rng.uniform(0.05, 0.95), 2) if rng.random() < 0.3 else None
                topics = sorted(
                    {
                        self.topic_ids[pick(rng, topic_weights)]
                        for _ in range(rng.choice((0, 1, 1, 1, 2, 2, 3)))
                    }
                )
                topic_links.extend((qid, topic_id) for topic_id in topics)
                title = (
                    f"Will {rng.choice(SUBJECTS)} {rng.choice(EVENTS)} by {deadline.isoformat()}"
                    f" (case {qid})?"
                )
                criteria = "YES if a primary source confirms it by the deadline; NO otherwise."
                created = dt.datetime.combine(deadline, dt.time(8), tzinfo=UTC) - dt.timedelta(
                    days=450
                )
                source = "market" if consensus is not None else ""
                revisions.append(
                    (
                        qid,
                        1,
                        title,
                        criteria,
                        deadline,
                        topics,
                        consensus,
                        source,
                        "Created.",
                        self.editor,
                        created,
                    )  # fmt: skip
                )
                yield (
                    qid, title, criteria, deadline, status, outcome, resolved_at, due_at, 1, 1,
                    consensus, source, 1, self.editor, created, resolved_at,
                )  # fmt: skip

        revisions: list[tuple] = []  # the questions' first revisions, as revision_payload reads
        columns = (
            "id", "title", "resolution_criteria", "deadline", "status", "outcome", "resolved_at",
            "due_at", "review_round", "reminder_cycle", "consensus_probability",
            "consensus_source", "version", "created_by_id", "created_at", "first_resolved_at",
        )  # fmt: skip
        self._record("questions", write("forecasts_question", columns, rows(), self.progress))
        table, columns = Question.topics.through._meta.db_table, ("question_id", "topic_id")
        self._record("question topics", write(table, columns, topic_links, self.progress))
        first = next_id(QuestionRevision)
        columns = (
            "id", "question_id", "version", "title", "resolution_criteria", "deadline",
            "topic_ids", "consensus_probability", "consensus_source", "reason", "changed_by_id",
            "changed_at",
        )  # fmt: skip
        write_published(
            "question revisions", LedgerEntry.Kind.QUESTION_REVISION, columns,
            ((first + n, *row) for n, row in enumerate(revisions)),
            created_at=self.noon, progress=self.progress, record=self._record,
        )  # fmt: skip

    # --- predictions and the ledger -------------------------------------------------------

    def _predictions(self) -> None:
        spec, rng, q = self.spec, self.rng, self.q
        start = next_id(Prediction)
        self.levels = verbal_levels()
        sharpness = [rng.uniform(0.15, 0.5) for _ in range(spec.experts)]

        def rows() -> Iterator[tuple]:
            for n, qi in enumerate(question_order(rng, spec.questions, spec.predictions)):
                pid, ei = start + n, pick(rng, self.expert_weights)
                p, basis, phrase, version = draw_forecast(
                    rng, self.levels, q.truth[qi], sharpness[ei]
                )
                deadline = q.deadline[qi]
                made_on = deadline - dt.timedelta(days=rng.randint(0, 400))
                created = dt.datetime.combine(made_on, dt.time(9), tzinfo=UTC) + dt.timedelta(
                    seconds=n % 3600
                )
                if deadline < spec.anchor and rng.random() < HINDSIGHT_SHARE:
                    # Logged after its deadline, from an archive: hindsight (docs/scoring.md).
                    late = dt.datetime.combine(deadline, dt.time(10), tzinfo=UTC)
                    created = min(late + dt.timedelta(days=rng.randint(1, 400)), self.noon)
                source = self.source_first + rng.randrange(self.source_count)
                source = None if rng.random() < 0.2 else source
                quote = f"{phrase.capitalize()}, the expert said on air."
                yield (
                    pid, self.expert_first + ei, q.first_id + qi, p, basis, phrase, version,
                    made_on, source, quote, self.editor, created, 1, None, None, "", created,
                    "", False,
                )  # fmt: skip

        columns = (
            "id", "expert_id", "question_id", "probability", "basis", "phrase", "table_version",
            "made_on", "source_id", "quote", "recorded_by_id", "created_at", "version",
            "supersedes_id", "superseded_at", "correction_reason", "recorded_at", "recorded_via",
            "corrected_after_deadline",
        )  # fmt: skip
        write_published(
            "predictions", LedgerEntry.Kind.PREDICTION, columns, rows(),
            created_at=self.noon, progress=self.progress, record=self._record,
        )  # fmt: skip

    def _reviews(self) -> None:
        """A verdict for each settled question, by one of the reviewers (who recorded nothing
        on it: the demo editor records everything), and its settlement chained after it."""
        start, rng = next_id(Review), self.rng

        def rows() -> Iterator[tuple]:
            for n, (qid, _, outcome, resolved_at) in enumerate(self.settled_ids):
                reviewer = rng.choice(self.reviewers)
                evidence = "" if outcome == "annulled" else f"https://evidence.example.org/{qid}"
                yield (start + n, qid, reviewer, 1, outcome, evidence, "Checked.", "", resolved_at)

        columns = (
            "id", "question_id", "reviewer_id", "round", "outcome", "evidence_url", "note",
            "reason", "created_at",
        )  # fmt: skip
        write_published(
            "reviews", LedgerEntry.Kind.REVIEW, columns, rows(),
            created_at=self.noon, progress=self.progress, record=self._record,
        )  # fmt: skip
        settlements = (
            (start + n, qid, 1, status, outcome, resolved_at, resolved_at)
            for n, (qid, status, outcome, resolved_at) in enumerate(self.settled_ids)
        )
        write_published(
            "resolutions", LedgerEntry.Kind.RESOLUTION, (), settlements,
            created_at=self.noon, progress=self.progress, record=self._record,
        )  # fmt: skip
        self._assignments(rng)

    def _assignments(self, rng: random.Random) -> None:
        """Questions already due wait on one reviewer each (pending assignments)."""
        start = next_id(ReviewAssignment)
        rows = (
            (start + n, qid, self.reviewers[n % len(self.reviewers)], 1, PENDING, due_at, None)
            for n, (qid, due_at) in enumerate(self.due_ids)
        )
        columns = ("id", "question_id", "reviewer_id", "round", "state", "assigned_at")
        columns += ("completed_at",)
        table = "forecasts_reviewassignment"
        self._record("review assignments", write(table, columns, rows, self.progress))
        self._reminder_history(start)

    def _reminder_history(self, first_assignment: int) -> None:
        """The reminders a running service would already have sent for the questions that fell
        due before the anchor: each reviewer stage reached, and the admins' escalation, each
        sent on its day. Without them the first reminder pass would send the whole backlog at
        once, which no live ledger ever does."""
        stages = sorted((days, stage) for stage, days in settings.REMINDER_STAGE_DAYS.items())
        escalate = dt.timedelta(days=settings.ESCALATION_AFTER_DAYS)
        admins = admin_ids()
        start = next_id(ReminderRecord)

        def rows() -> Iterator[tuple]:
            n = start
            for i, (qid, due_at) in enumerate(self.due_ids):
                reviewer = self.reviewers[i % len(self.reviewers)]
                owed = [
                    (reviewer, first_assignment + i, stage, due_at + dt.timedelta(days=days))
                    for days, stage in stages
                ]
                owed += [(admin, None, "escalation", due_at + escalate) for admin in admins]
                for recipient, assignment, stage, when in owed:
                    if when <= self.noon:
                        yield (n, qid, recipient, assignment, stage, 1, when, when)
                        n += 1

        columns = (
            "id", "question_id", "recipient_id", "assignment_id", "stage", "cycle", "claimed_at",
            "sent_at",
        )  # fmt: skip
        table = ReminderRecord._meta.db_table
        self._record("reminders sent", write(table, columns, rows(), self.progress))


def generate_demo_data(spec: DemoSpec, *, progress: Progress = _noop) -> DemoReport:
    """Write a synthetic ledger of this shape and size (see the module docstring)."""
    return DemoGenerator(spec, progress).run()
