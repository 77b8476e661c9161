"""Import predictions from CSV rows: validated one by one, written in batches with bulk inserts.

Each batch (2,000 rows by default) is one transaction: experts, sources, topics and questions
it needs are looked up or created, its new predictions inserted, the questions it gives an
outcome for settled (a Review by the inactive "csv-import" user) and their scores stored. Track
records of every expert whose scores changed are rebuilt once at the end. A file that stops
half-way leaves whole batches behind, and running it again completes it.

Speed and memory (docs/benchmarks.md, row e): the rows are streamed, a batch at a time; each
batch costs a fixed number of queries, whatever its size (one lookup per kind of row, one
write per table). On PostgreSQL new rows get their ids from the table's sequence up front and
go in with COPY (services/bulk.py); elsewhere with bulk_create. Predictions and verdicts are
chained into the ledger from the values just written: they are exactly what the database
returns (ints, floats, dates, UTC datetimes, strings), so the payload is the one
ledger.canonical_payload computes from the stored row and verify_ledger reads back.

Idempotent: a row is "unchanged" when the same prediction (expert, question, made_on,
probability, quote) is already recorded. Rows are a multiset: the n-th copy of a row in the
file matches the n-th such prediction, so a file that repeats a row keeps both on the first run
and adds nothing on the second. Superseded versions count as present too, so re-importing a
file after an editor corrected one of its predictions does not bring the old version back.
"""

import bisect
import datetime as dt
from collections import Counter, namedtuple
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from urllib.parse import quote as url_quote

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from forecasts import scoring
from forecasts.models import (
    Expert,
    LedgerEntry,
    LedgerHead,
    Prediction,
    PredictionScore,
    Question,
    QuestionRevision,
    Review,
    ReviewAssignment,
    Source,
)
from forecasts.services import ledger
from forecasts.services.bulk import write_rows
from forecasts.services.csv_io import LedgerRow, RowProblem, SourceRow, parse_ledger_row
from forecasts.services.records import get_or_create_topic
from forecasts.services.track_records import SCORE_COLUMNS, score_values, update_track_records

IMPORT_USERNAME = "csv-import"
# A YES/NO verdict needs an evidence URL (a database rule). A row with neither evidence_url nor
# source_url gets this one: valid, clearly not a real page (.invalid is reserved, RFC 2606),
# and it names the file and row the outcome came from.
PLACEHOLDER_EVIDENCE = "https://forecast-ledger.invalid/csv-import/{file}#row-{row}"
OPEN_STATES = (Question.Status.OPEN, Question.Status.DUE)
SETTLED_STATES = (Question.Status.RESOLVED, Question.Status.ANNULLED)

QuestionKey = tuple[str, dt.date]
PredictionKey = tuple[int, int, dt.date, float | None, str]

# The columns this module writes, every column of the row but the id (in model attnames).
PREDICTION_COLUMNS = (
    "expert_id", "question_id", "probability", "basis", "phrase", "table_version", "made_on",
    "source_id", "quote", "recorded_by_id", "created_at", "version", "supersedes_id",
    "superseded_at", "correction_reason",
)  # fmt: skip
REVIEW_COLUMNS = (
    "question_id", "reviewer_id", "round", "outcome", "evidence_url", "note", "reason",
    "created_at",
)  # fmt: skip
QUESTION_COLUMNS = (
    "title", "resolution_criteria", "deadline", "status", "outcome", "resolved_at", "due_at",
    "review_round", "reminder_cycle", "consensus_probability", "consensus_source", "version",
    "created_by_id", "created_at",
)  # fmt: skip
REVISION_COLUMNS = (
    "question_id", "version", "title", "resolution_criteria", "deadline", "reason",
    "changed_by_id", "changed_at",
)  # fmt: skip
SOURCE_COLUMNS = ("kind", "title", "outlet", "via", "url", "published_on", "text", "created_at")
LEDGER_COLUMNS = ("kind", "object_id", "payload", "prev_hash", "hash", "created_at")
SCORE_ROW_COLUMNS = (
    "prediction_id", "expert_id", "question_id", *SCORE_COLUMNS, "peer", "resolved_on",
    "scoring_version",
)  # fmt: skip

# A written row as ledger.canonical_payload reads it: the same attribute names as the model.
PredictionRecord = namedtuple("PredictionRecord", ("id", *PREDICTION_COLUMNS))
ReviewRecord = namedtuple("ReviewRecord", ("id", *REVIEW_COLUMNS))


@dataclass(frozen=True)
class RowError:
    row: int
    reason: str
    values: dict[str, str]


@dataclass
class ImportReport:
    created: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    skipped: list[RowError] = field(default_factory=list)
    experts_created: int = 0
    questions_created: int = 0
    questions_settled: int = 0
    questions_scored: int = 0
    track_records: int = 0


@dataclass
class _QuestionState:
    id: int | None
    status: str
    outcome: str
    criteria: str
    topics: tuple[str, ...] = ()
    consensus: float | None = None
    review_round: int = 1
    existed: bool = True  # in the database before this run: its predictions may match rows


@dataclass(frozen=True)
class _Verdict:
    """The outcome a file gives a question, and what its Review needs of the row saying so."""

    outcome: str
    number: int
    resolved_on: dt.date | None
    evidence: str


class _IdRanges:
    """A set of ids kept as sorted intervals: the ids of the rows one run created, in a few
    numbers however many rows (sequences hand out ids in runs)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, ids: Iterable[int]) -> None:
        for pk in sorted(ids):
            i = bisect.bisect_right(self.starts, pk)
            if i and self.ends[i - 1] + 1 >= pk:
                self.ends[i - 1] = max(self.ends[i - 1], pk)
            else:
                self.starts.insert(i, pk)
                self.ends.insert(i, pk)
                i += 1
            if i < len(self.starts) and self.starts[i] == self.ends[i - 1] + 1:
                self.ends[i - 1] = self.ends.pop(i)  # it now touches the next range: merge
                del self.starts[i]

    def __contains__(self, pk: int) -> bool:
        i = bisect.bisect_right(self.starts, pk)
        return bool(i) and pk <= self.ends[i - 1]


def get_or_create_import_user() -> AbstractBaseUser:
    """The account imports are recorded and resolved by: inactive, no usable password."""
    user, created = get_user_model().objects.get_or_create(
        username=IMPORT_USERNAME, defaults={"is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def allocate_slugs(model: type, texts: list[str], *, max_length: int = 200) -> list[str]:
    """Unique slugs for many new rows at once, like services.unique_slug ("-2", "-3" ...),
    with two queries for the whole batch instead of one per row."""
    bases = [slugify(text)[:max_length].strip("-") or "item" for text in texts]
    manager = model.objects  # type: ignore[attr-defined]
    taken = set(manager.filter(slug__in=set(bases)).values_list("slug", flat=True))
    repeated = Counter(bases)
    for base in {b for b in bases if b in taken or repeated[b] > 1}:
        taken.update(manager.filter(slug__startswith=f"{base}-").values_list("slug", flat=True))
    slugs = []
    for base in bases:
        slug, suffix = base, 2
        while slug in taken:
            slug, suffix = f"{base}-{suffix}", suffix + 1
        taken.add(slug)
        slugs.append(slug)
    return slugs


# --- writing many rows -------------------------------------------------------------------------


def _new_ids(model: type, count: int) -> list[int]:
    """`count` ids from the table's own sequence (PostgreSQL), ascending: a later row of the
    file gets a larger id, as with one INSERT per row."""
    table = model._meta.db_table  # type: ignore[attr-defined]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return sorted(pk for (pk,) in cursor.fetchall())


def insert_rows(model: type, columns: tuple[str, ...], rows: list[tuple]) -> list[int]:
    """Insert rows (tuples in `columns` order, model attnames, values as the database stores
    them) and return their new ids in order: COPY on PostgreSQL, bulk_create elsewhere."""
    if not rows:
        return []
    if connection.vendor == "postgresql":
        ids = _new_ids(model, len(rows))
        write_rows(
            model._meta.db_table,  # type: ignore[attr-defined]
            ("id", *columns),
            [(pk, *row) for pk, row in zip(ids, rows, strict=True)],
        )
        return ids
    objects = [model(**dict(zip(columns, row, strict=True))) for row in rows]
    model.objects.bulk_create(objects, batch_size=500)  # type: ignore[attr-defined]
    return [obj.pk for obj in objects]


def chain(kind: str, records: list[PredictionRecord] | list[ReviewRecord]) -> None:
    """ledger.append for rows this module has just written, in order, inside the caller's
    transaction and under the same head lock: hashed from the values written (which are what
    the database returns) instead of reading the rows back."""
    if not records:
        return
    head, _ = LedgerHead.objects.select_for_update().get_or_create(pk=1)
    now, prev, entries = timezone.now(), head.hash, []
    for record in records:
        payload = ledger.canonical_payload(kind, record)  # type: ignore[arg-type]
        digest = ledger.chain_hash(prev, payload)
        entries.append((kind, record.id, payload, prev, digest, now))
        prev = digest
    if connection.vendor == "postgresql":
        write_rows(LedgerEntry._meta.db_table, LEDGER_COLUMNS, entries)  # seq: in COPY order
    else:
        LedgerEntry.objects.bulk_create(
            [LedgerEntry(**dict(zip(LEDGER_COLUMNS, e, strict=True))) for e in entries],
            batch_size=500,
        )
    head.seq += len(entries)
    head.hash = prev
    head.save(update_fields=["seq", "hash"])


# --- the import --------------------------------------------------------------------------------


def _batches(rows: Iterable[SourceRow], size: int) -> Iterator[list[SourceRow]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def import_rows(
    rows: Iterable[SourceRow],
    *,
    file_label: str,
    batch_size: int = 2000,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import rows of our format (csv_io); see the module docstring for the rules."""
    importer = _Importer(file_label)
    for batch in _batches(rows, batch_size):
        importer.import_batch(batch)
        if progress:
            progress(len(batch))
    if importer.touched_experts:
        importer.report.track_records = update_track_records(expert_ids=importer.touched_experts)
    return importer.report


class _Importer:
    """State carried from batch to batch: what this run has looked up, created and matched.

    It grows with the experts, sources and questions of the file (small next to its rows),
    plus one int per row matched to a prediction recorded before the run; nothing is kept
    per created row but the id ranges the sequence handed out.
    """

    def __init__(self, file_label: str) -> None:
        self.file_label = file_label
        self.user = get_or_create_import_user()
        self.report = ImportReport()
        self.experts: dict[str, int] = {}
        self.sources: dict[tuple[str, str], int] = {}
        self.topics: dict[str, int] = {}
        self.questions: dict[QuestionKey, _QuestionState] = {}
        self.verdicts: dict[QuestionKey, _Verdict] = {}
        self.matched: set[int] = set()  # predictions from before the run that rows matched
        self.created = _IdRanges()  # predictions this run inserted
        self.touched_experts: set[int] = set()
        self.now = timezone.now()
        self.born_settled: list[tuple[int, QuestionKey, dt.datetime]] = []
        self.scored: set[int] = set()

    def import_batch(self, batch: list[SourceRow]) -> None:
        rows = []
        for row in batch:
            if row.skip:
                self.report.skipped.append(RowError(row.number, row.skip, dict(row.values)))
                continue
            try:
                rows.append((parse_ledger_row(row), row))
            except RowProblem as exc:
                self._error(row.number, str(exc), row.values)
        self.now = timezone.now()  # one resolution time per batch, so settling groups well
        with transaction.atomic():
            self._load_questions({parsed.question_key for parsed, _ in rows})
            good = [parsed for parsed, raw in rows if self._check_question(parsed, raw.values)]
            self._resolve_experts(good)
            self._resolve_sources(good)
            self._create_questions(good)
            predictions = self._insert_predictions(good)
            settled, reviews = self._settle(good)
            self._score({*(p.question_id for p in predictions), *settled})
            # Published, in file order: chained last, so that the ledger head (one row every
            # append locks) stays locked only from here to the commit.
            chain(LedgerEntry.Kind.PREDICTION, predictions)
            chain(LedgerEntry.Kind.REVIEW, reviews)

    def _error(self, number: int, reason: str, values) -> None:
        self.report.errors.append(RowError(number, reason, dict(values)))

    # --- questions ----------------------------------------------------------------------------

    def _load_questions(self, keys: set[QuestionKey]) -> None:
        missing = keys - self.questions.keys()
        if not missing:
            return
        # Every status, so that the (status, deadline) index serves the lookup (titles have
        # none): without it PostgreSQL reads the whole table once per batch.
        found = Question.objects.filter(
            status__in=Question.Status.values,
            title__in={t for t, _ in missing},
            deadline__in={d for _, d in missing},
        ).order_by("id")
        for q in found.values_list(
            "id", "title", "deadline", "status", "outcome", "resolution_criteria", "review_round"
        ):
            key = (q[1], q[2])
            if key in missing and key not in self.questions:
                self.questions[key] = _QuestionState(
                    q[0], q[3], q[4], q[5], review_round=q[6], existed=True
                )

    def _check_question(self, row: LedgerRow, values) -> bool:
        """Row errors that depend on the question's state in the database or earlier rows."""
        try:
            self._plan_question(row)
        except RowProblem as exc:
            self._error(row.number, str(exc), values)
            return False
        return True

    def _plan_question(self, row: LedgerRow) -> None:
        key, state = row.question_key, self.questions.get(row.question_key)
        if (
            state
            and row.criteria
            and row.criteria != state.criteria
            and " ".join(row.criteria.split()) != " ".join(state.criteria.split())
        ):
            raise RowProblem(
                "resolution_criteria differ from those of the existing question "
                f"{row.title!r} ({row.deadline}); edit the question instead"
            )
        if state is None and not row.criteria:
            raise RowProblem(
                f"missing resolution_criteria: question {row.title!r} ({row.deadline}) is new"
            )
        if row.outcome:
            self._check_outcome(row, state)
        if state is None:
            self.questions[key] = _QuestionState(
                None,
                Question.Status.OPEN,
                "",
                row.criteria,
                row.topics,
                row.consensus,
                existed=False,
            )

    def _check_outcome(self, row: LedgerRow, state: _QuestionState | None) -> None:
        earlier = self.verdicts.get(row.question_key)
        if earlier and earlier.outcome != row.outcome:
            raise RowProblem(
                f"outcome {row.outcome} conflicts with {earlier.outcome} on row {earlier.number}"
            )
        if earlier:
            return
        if state and state.status in SETTLED_STATES and state.outcome != row.outcome:
            raise RowProblem(
                f"question {row.title!r} is already settled as {state.outcome}, the file says "
                f"{row.outcome}; re-resolve it in the admin, with a reason"
            )
        if state and state.status == Question.Status.DISPUTED:
            raise RowProblem(f"question {row.title!r} is disputed; settle it in the review queue")
        self.verdicts[row.question_key] = _Verdict(
            row.outcome, row.number, row.resolved_on, row.evidence_url or row.source_url
        )

    def _create_questions(self, rows: list[LedgerRow]) -> None:
        new_keys = [k for k in dict.fromkeys(r.question_key for r in rows) if not self._id(k)]
        if not new_keys:
            return
        values = []
        for key in new_keys:
            title, deadline = key
            state = self.questions[key]
            status, outcome, resolved_at = Question.Status.OPEN, "", None
            if key in self.verdicts:
                # A question whose outcome the file already gave is born settled: no UPDATE.
                status, outcome, resolved_at = self._apply_verdict(key)
            values.append(
                (
                    title,
                    state.criteria,
                    deadline,
                    status,
                    outcome,
                    resolved_at,
                    None,
                    1,
                    1,
                    state.consensus,
                    "",
                    1,
                    self.user.pk,
                    self.now,
                )  # fmt: skip
            )
        ids = insert_rows(Question, QUESTION_COLUMNS, values)
        links: dict[tuple[int, int], None] = {}
        for key, pk, value in zip(new_keys, ids, values, strict=True):
            state = self.questions[key]
            state.id = pk
            for name in state.topics:
                links[(pk, self._topic_id(name))] = None
            state.topics, state.consensus = (), None  # only needed to create it
            if value[5] is not None:
                self.born_settled.append((pk, key, value[5]))
        insert_rows(
            QuestionRevision,
            REVISION_COLUMNS,
            [
                (pk, 1, v[0], v[1], v[2], "Created.", self.user.pk, self.now)
                for pk, v in zip(ids, values, strict=True)
            ],
        )
        insert_rows(Question.topics.through, ("question_id", "topic_id"), list(links))
        self.report.questions_created += len(values)

    def _id(self, key: QuestionKey) -> int | None:
        return self.questions[key].id

    def _topic_id(self, name: str) -> int:
        # Topics are few; the service's case-insensitive match is what editors get in the admin.
        if name.lower() not in self.topics:
            self.topics[name.lower()] = get_or_create_topic(name=name).pk
        return self.topics[name.lower()]

    # --- experts and sources -------------------------------------------------------------------

    def _resolve_experts(self, rows: list[LedgerRow]) -> None:
        names = {r.expert for r in rows} - self.experts.keys()
        if not names:
            return
        for name, pk in (
            Expert.objects.filter(name__in=names).order_by("-id").values_list("name", "id")
        ):
            self.experts[name] = pk  # the oldest expert of a name wins (written last)
        new = [name for name in dict.fromkeys(r.expert for r in rows) if name not in self.experts]
        if not new:
            return
        for attempt in range(3):
            experts = [
                Expert(name=name, slug=slug)
                for name, slug in zip(new, allocate_slugs(Expert, new), strict=True)
            ]
            try:
                with transaction.atomic():
                    Expert.objects.bulk_create(experts)
                break
            except IntegrityError:
                if attempt == 2:  # someone keeps taking the same slugs; give up loudly
                    raise
        self.experts.update((e.name, e.pk) for e in experts)
        self.report.experts_created += len(experts)

    @staticmethod
    def _source_key(row: LedgerRow) -> tuple[str, str] | None:
        if row.source_url:
            return ("url", row.source_url)
        return ("title", row.source_title) if row.source_title else None

    def _resolve_sources(self, rows: list[LedgerRow]) -> None:
        wanted = {k for r in rows if (k := self._source_key(r))} - self.sources.keys()
        if not wanted:
            return
        urls = {v for kind, v in wanted if kind == "url"}
        titles = {v for kind, v in wanted if kind == "title"}
        if urls:
            # url <> '' as in the unique index's condition, so that it serves the lookup.
            found = Source.objects.filter(url__in=urls).exclude(url="").values_list("url", "id")
            self.sources.update((("url", url), pk) for url, pk in found)
        if titles:
            by_title = Source.objects.filter(url="", outlet="", title__in=titles).order_by("-id")
            self.sources.update((("title", t), pk) for t, pk in by_title.values_list("title", "id"))
        new: dict[tuple[str, str], tuple] = {}
        for row in rows:
            key = self._source_key(row)
            if key and key not in self.sources and key not in new:
                title = (row.source_title or row.source_url)[:500]
                new[key] = (Source.Kind.ARTICLE, title, "", "", row.source_url, None, "", self.now)
        ids = insert_rows(Source, SOURCE_COLUMNS, list(new.values()))
        self.sources.update(zip(new, ids, strict=True))

    # --- predictions ---------------------------------------------------------------------------

    def _key(self, row: LedgerRow) -> PredictionKey:
        return (
            self.experts[row.expert],
            self._id(row.question_key),  # type: ignore[return-value]
            row.made_on,
            row.parsed.probability,
            row.quote,
        )

    def _recorded(self, rows: list[LedgerRow]) -> dict[PredictionKey, list[int]]:
        """Predictions recorded before this run that rows of this batch may match, by key,
        not matched by an earlier row: a row is "unchanged" while its key has one left.

        Only questions that existed before the run can have such predictions. Superseded
        versions count too (re-importing after a correction brings nothing back)."""
        existing = [r for r in rows if self.questions[r.question_key].existed]
        if not existing:
            return {}
        found = (
            Prediction.objects.filter(
                question_id__in={self._id(r.question_key) for r in existing},
                expert_id__in={self.experts[r.expert] for r in existing},
            )
            .order_by("-id")  # popped from the end: the oldest is matched first
            .values_list("id", "expert_id", "question_id", "made_on", "probability", "quote")
        )
        recorded: dict[PredictionKey, list[int]] = {}
        for pk, *key in found:
            if pk not in self.matched and pk not in self.created:
                recorded.setdefault(tuple(key), []).append(pk)  # type: ignore[arg-type]
        return recorded

    def _insert_predictions(self, rows: list[LedgerRow]) -> list[PredictionRecord]:
        """Insert the rows not recorded yet; returns them, for the ledger.

        Rows are a multiset: the n-th row of a key matches the n-th prediction of that key
        recorded before the run; rows beyond those are new."""
        recorded = self._recorded(rows)
        new = []
        for row in rows:
            left = recorded.get(self._key(row)) if recorded else None
            if left:
                self.matched.add(left.pop())
                self.report.unchanged += 1
                continue
            new.append(self._prediction(row))
        ids = insert_rows(Prediction, PREDICTION_COLUMNS, new)
        self.created.add(ids)
        self.report.created += len(new)
        return [PredictionRecord(pk, *values) for pk, values in zip(ids, new, strict=True)]

    def _prediction(self, row: LedgerRow) -> tuple:
        """PREDICTION_COLUMNS of a new prediction, with the model's defaults."""
        parsed = row.parsed
        source_key = self._source_key(row)
        return (
            self.experts[row.expert],
            self._id(row.question_key),
            parsed.probability,
            parsed.basis,
            row.phrase,
            parsed.table_version if parsed.basis != "stated" else "",
            row.made_on,
            self.sources[source_key] if source_key else None,
            row.quote,
            self.user.pk,
            self.now,
            1,
            None,
            None,
            "",
        )

    # --- outcomes and scores -------------------------------------------------------------------

    def _settle(self, rows: list[LedgerRow]) -> tuple[set[int], list[ReviewRecord]]:
        """Settle the questions these rows give an outcome for, if open or due or created by
        this batch: a Review each by the import user. Returns their ids and the reviews."""
        keys = {
            self._id(key): key
            for key in {r.question_key for r in rows}
            if key in self.verdicts and self.questions[key].status in OPEN_STATES
        }
        settled = self.born_settled
        self.born_settled = []
        if keys:
            # Found by primary key alone, the status checked here: with a status condition the
            # planner may scan the (status, ...) index over every open question instead.
            questions = [
                (pk, review_round)
                for pk, status, review_round in Question.objects.select_for_update()
                .filter(pk__in=keys)
                .values_list("pk", "status", "review_round")
                if status in OPEN_STATES
            ]
            # One UPDATE per (outcome, resolution time): bulk_update's CASE per row is quadratic.
            groups: dict[tuple, list[int]] = {}
            for pk, review_round in questions:
                self.questions[keys[pk]].review_round = review_round
                status, outcome, resolved_at = self._apply_verdict(keys[pk])
                groups.setdefault((outcome, status, resolved_at), []).append(pk)
                settled.append((pk, keys[pk], resolved_at))
            for (outcome, status, resolved_at), ids in groups.items():
                Question.objects.filter(pk__in=ids).update(
                    outcome=outcome, status=status, resolved_at=resolved_at
                )
            if questions:
                ReviewAssignment.objects.filter(
                    question_id__in=[pk for pk, _ in questions], state="pending"
                ).update(state="cancelled")
        reviews = [self._review(pk, key, resolved_at) for pk, key, resolved_at in settled]
        ids = insert_rows(Review, REVIEW_COLUMNS, reviews)
        self.report.questions_settled += len(settled)
        records = [ReviewRecord(pk, *values) for pk, values in zip(ids, reviews, strict=True)]
        return {pk for pk, _, _ in settled}, records

    def _apply_verdict(self, key: QuestionKey) -> tuple[str, str, dt.datetime]:
        """(status, outcome, resolved_at) of the question the file settles; noted in its state."""
        verdict = self.verdicts[key]
        status = (
            Question.Status.ANNULLED
            if verdict.outcome == Question.Outcome.ANNULLED
            else Question.Status.RESOLVED
        )
        state = self.questions[key]
        state.status, state.outcome = status, verdict.outcome
        return status, verdict.outcome, self._resolved_at(verdict)

    def _resolved_at(self, verdict: _Verdict) -> dt.datetime:
        if verdict.resolved_on is None:
            return self.now
        return timezone.make_aware(dt.datetime.combine(verdict.resolved_on, dt.time.min))

    def _review(self, question_id: int, key: QuestionKey, resolved_at: dt.datetime) -> tuple:
        """REVIEW_COLUMNS of the verdict that settles this question."""
        verdict = self.verdicts[key]
        evidence = verdict.evidence
        if not evidence and verdict.outcome != Question.Outcome.ANNULLED:
            evidence = PLACEHOLDER_EVIDENCE.format(
                file=url_quote(self.file_label), row=verdict.number
            )
        note = f"Imported from {self.file_label}, row {verdict.number}."
        # created_at as the database returns it (UTC), since the ledger hashes this value.
        created_at = resolved_at.astimezone(dt.UTC)
        return (
            question_id, self.user.pk, self.questions[key].review_round, verdict.outcome,
            evidence, note, "", created_at,
        )  # fmt: skip

    def _score(self, question_ids: set[int]) -> None:
        """Replace the scores of these questions, where settled; as score_question does, in bulk."""
        if not question_ids:
            return
        questions = {  # by primary key alone, as in _settle
            pk: (outcome, consensus, resolved_at)
            for pk, status, outcome, consensus, resolved_at in Question.objects.select_for_update()
            .filter(pk__in=question_ids)
            .values_list("pk", "status", "outcome", "consensus_probability", "resolved_at")
            if status in SETTLED_STATES
        }
        if not questions:
            return
        old = PredictionScore.objects.filter(question_id__in=questions)
        self.touched_experts.update(old.values_list("expert_id", flat=True))
        old.delete()
        resolved = [pk for pk, (outcome, _, _) in questions.items() if outcome in ("yes", "no")]
        rows = []
        version = settings.SCORING_VERSION
        for question_id, counting in counting_predictions_of(resolved).items():
            outcome, c, resolved_at = questions[question_id]
            o = 1 if outcome == Question.Outcome.YES else 0
            peers = scoring.peer_scores([p for _, _, p in counting], o)
            resolved_on = timezone.localdate(resolved_at)
            for (expert_id, prediction_id, p), peer in zip(counting, peers, strict=True):
                rows.append(
                    (
                        prediction_id,
                        expert_id,
                        question_id,
                        *score_values(p, o, c),
                        peer,
                        resolved_on,
                        version,
                    )  # fmt: skip
                )
                self.touched_experts.add(expert_id)
        write_rows(PredictionScore._meta.db_table, SCORE_ROW_COLUMNS, rows)
        self.scored.update(resolved)
        self.report.questions_scored = len(self.scored)


def counting_predictions_of(question_ids: list[int]) -> dict[int, list[tuple[int, int, float]]]:
    """track_records.counting_predictions for many questions in one query, in the same order:
    per question, each expert's latest current prediction made by the deadline, with a number,
    as (expert_id, prediction_id, probability) in expert order."""
    if not question_ids:
        return {}
    latest: dict[int, dict[int, tuple[int, int, float]]] = {pk: {} for pk in question_ids}
    rows = (
        Prediction.objects.current()
        .filter(
            question_id__in=question_ids,
            made_on__lte=F("question__deadline"),
            probability__isnull=False,
        )
        .order_by("question_id", "expert_id", "made_on", "id")
        .values_list("question_id", "expert_id", "id", "probability")
    )
    for question_id, expert_id, prediction_id, p in rows.iterator(chunk_size=5000):
        latest[question_id][expert_id] = (expert_id, prediction_id, p)
    return {pk: list(by_expert.values()) for pk, by_expert in latest.items() if by_expert}
