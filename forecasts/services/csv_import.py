"""Import predictions from CSV rows: validated one by one, written in batches with bulk inserts.

Each batch (2,000 rows by default) is one transaction: experts, sources, topics and questions
it needs are looked up or created, its new predictions inserted, the questions it gives an
outcome for settled (a Review by the inactive "csv-import" user) and their scores stored. Track
records of every expert whose scores changed are rebuilt once at the end. A file that stops
half-way leaves whole batches behind, and running it again completes it.

Idempotent: a row is "unchanged" when the same prediction (expert, question, made_on,
probability, quote) is already recorded. Rows are a multiset: the n-th copy of a row in the
file matches the n-th such prediction, so a file that repeats a row keeps both on the first run
and adds nothing on the second. Superseded versions count as present too, so re-importing a
file after an editor corrected one of its predictions does not bring the old version back.
"""

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from urllib.parse import quote as url_quote

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from forecasts.models import (
    Expert,
    Prediction,
    PredictionScore,
    Question,
    QuestionRevision,
    Review,
    ReviewAssignment,
    Source,
)
from forecasts.services import ledger
from forecasts.services.csv_io import LedgerRow, RowProblem, SourceRow, parse_ledger_row
from forecasts.services.records import get_or_create_topic
from forecasts.services.track_records import score_rows, update_track_records

IMPORT_USERNAME = "csv-import"
# A YES/NO verdict needs an evidence URL (a database rule). A row with neither evidence_url nor
# source_url gets this one: valid, clearly not a real page (.invalid is reserved, RFC 2606),
# and it names the file and row the outcome came from.
PLACEHOLDER_EVIDENCE = "https://forecast-ledger.invalid/csv-import/{file}#row-{row}"
OPEN_STATES = (Question.Status.OPEN, Question.Status.DUE)
SETTLED_STATES = (Question.Status.RESOLVED, Question.Status.ANNULLED)

QuestionKey = tuple[str, dt.date]
PredictionKey = tuple[int, int, dt.date, float | None, str]


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


@dataclass(frozen=True)
class _Verdict:
    outcome: str
    row: LedgerRow


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
    """State carried from batch to batch: what this run has looked up, created and seen."""

    def __init__(self, file_label: str) -> None:
        self.file_label = file_label
        self.user = get_or_create_import_user()
        self.report = ImportReport()
        self.experts: dict[str, int] = {}
        self.sources: dict[tuple[str, str], int] = {}
        self.topics: dict[str, int] = {}
        self.questions: dict[QuestionKey, _QuestionState] = {}
        self.verdicts: dict[QuestionKey, _Verdict] = {}
        self.seen: Counter[PredictionKey] = Counter()
        self.created: Counter[PredictionKey] = Counter()
        self.touched_experts: set[int] = set()
        self.now = timezone.now()
        self.born_settled: list[Question] = []
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
            changed = self._insert_predictions(good)
            settled = self._settle(good)
            self._score({*changed, *settled})

    def _error(self, number: int, reason: str, values) -> None:
        self.report.errors.append(RowError(number, reason, dict(values)))

    # --- questions ----------------------------------------------------------------------------

    def _load_questions(self, keys: set[QuestionKey]) -> None:
        missing = keys - self.questions.keys()
        if not missing:
            return
        found = Question.objects.filter(
            title__in={t for t, _ in missing}, deadline__in={d for _, d in missing}
        ).order_by("id")
        for q in found.values(
            "id", "title", "deadline", "status", "outcome", "resolution_criteria"
        ):
            key = (q["title"], q["deadline"])
            if key in missing and key not in self.questions:
                self.questions[key] = _QuestionState(
                    q["id"], q["status"], q["outcome"], q["resolution_criteria"]
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
                None, Question.Status.OPEN, "", row.criteria, row.topics, row.consensus
            )

    def _check_outcome(self, row: LedgerRow, state: _QuestionState | None) -> None:
        earlier = self.verdicts.get(row.question_key)
        if earlier and earlier.outcome != row.outcome:
            raise RowProblem(
                f"outcome {row.outcome} conflicts with {earlier.outcome} "
                f"on row {earlier.row.number}"
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
        self.verdicts[row.question_key] = _Verdict(row.outcome, row)

    def _create_questions(self, rows: list[LedgerRow]) -> None:
        new_keys = [k for k in dict.fromkeys(r.question_key for r in rows) if not self._id(k)]
        if not new_keys:
            return
        questions = [
            Question(
                title=title,
                resolution_criteria=self.questions[(title, deadline)].criteria,
                deadline=deadline,
                created_by=self.user,
                consensus_probability=self.questions[(title, deadline)].consensus,
            )
            for title, deadline in new_keys
        ]
        # A question whose outcome the file already gave is born settled: no UPDATE later.
        self.born_settled = [
            self._apply_verdict(q, self.verdicts[key])
            for key, q in zip(new_keys, questions, strict=True)
            if key in self.verdicts
        ]
        Question.objects.bulk_create(questions)
        through = Question.topics.through
        links = []
        for key, question in zip(new_keys, questions, strict=True):
            self.questions[key].id = question.pk
            for name in self.questions[key].topics:
                links.append(through(question_id=question.pk, topic_id=self._topic_id(name)))
        QuestionRevision.objects.bulk_create(
            QuestionRevision(
                question=q,
                version=1,
                title=q.title,
                resolution_criteria=q.resolution_criteria,
                deadline=q.deadline,
                reason="Created.",
                changed_by=self.user,
            )
            for q in questions
        )
        through.objects.bulk_create(links, ignore_conflicts=True)
        self.report.questions_created += len(questions)

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
        found = Source.objects.filter(url__in=urls).values_list("url", "id")
        self.sources.update((("url", url), pk) for url, pk in found)
        by_title = Source.objects.filter(url="", outlet="", title__in=titles).order_by("-id")
        self.sources.update((("title", t), pk) for t, pk in by_title.values_list("title", "id"))
        new: dict[tuple[str, str], Source] = {}
        for row in rows:
            key = self._source_key(row)
            if key and key not in self.sources and key not in new:
                title = (row.source_title or row.source_url)[:500]
                new[key] = Source(title=title, url=row.source_url)
        Source.objects.bulk_create(new.values())
        self.sources.update((key, source.pk) for key, source in new.items())

    # --- predictions ---------------------------------------------------------------------------

    def _key(self, row: LedgerRow) -> PredictionKey:
        question_id = self._id(row.question_key)
        return (
            self.experts[row.expert],
            question_id,
            row.made_on,
            row.parsed.probability,
            row.quote,
        )

    def _insert_predictions(self, rows: list[LedgerRow]) -> set[int]:
        """Insert the rows not recorded yet; returns the ids of questions that got some."""
        present: Counter[PredictionKey] = Counter(
            Prediction.objects.filter(
                question_id__in={self._id(r.question_key) for r in rows},
                expert_id__in={self.experts[r.expert] for r in rows},
            ).values_list("expert_id", "question_id", "made_on", "probability", "quote")
        )
        before_this_run = present - self.created
        new = []
        for row in rows:
            key = self._key(row)
            self.seen[key] += 1
            if self.seen[key] <= before_this_run[key]:
                self.report.unchanged += 1
                continue
            self.created[key] += 1
            new.append(self._prediction(row))
        Prediction.objects.bulk_create(new, batch_size=1000)
        ledger.append_predictions(new)  # published: chained in file order, like one by one
        self.report.created += len(new)
        return {p.question_id for p in new}

    def _prediction(self, row: LedgerRow) -> Prediction:
        parsed = row.parsed
        source_key = self._source_key(row)
        return Prediction(
            expert_id=self.experts[row.expert],
            question_id=self._id(row.question_key),
            probability=parsed.probability,
            basis=parsed.basis,
            phrase=row.phrase,
            table_version=parsed.table_version if parsed.basis != "stated" else "",
            made_on=row.made_on,
            source_id=self.sources[source_key] if source_key else None,
            quote=row.quote,
            recorded_by=self.user,
        )

    # --- outcomes and scores -------------------------------------------------------------------

    def _settle(self, rows: list[LedgerRow]) -> set[int]:
        """Settle the questions these rows give an outcome for, if open or due or created by
        this batch: a Review each by the import user. Returns their ids."""
        born = {q.pk for q in self.born_settled}
        verdicts = {
            self._id(key): self.verdicts[key]
            for key in {r.question_key for r in rows}
            if key in self.verdicts
            and self.questions[key].status in OPEN_STATES
            and self._id(key) not in born
        }
        questions = list(
            Question.objects.select_for_update().filter(pk__in=verdicts, status__in=OPEN_STATES)
        )
        for question in questions:
            self._apply_verdict(question, verdicts[question.pk])
        # One UPDATE per (outcome, resolution time): bulk_update's CASE per row is quadratic.
        groups: dict[tuple, list[int]] = {}
        for q in questions:
            groups.setdefault((q.outcome, q.status, q.resolved_at), []).append(q.pk)
        for (outcome, status, resolved_at), ids in groups.items():
            Question.objects.filter(pk__in=ids).update(
                outcome=outcome, status=status, resolved_at=resolved_at
            )
        ReviewAssignment.objects.filter(question__in=questions, state="pending").update(
            state="cancelled"
        )
        settled = [*self.born_settled, *questions]
        self.born_settled = []
        reviews = Review.objects.bulk_create([self._review(q) for q in settled], batch_size=1000)
        ledger.append_reviews(reviews)
        self.report.questions_settled += len(settled)
        return {q.pk for q in settled}

    def _apply_verdict(self, question: Question, verdict: _Verdict) -> Question:
        question.outcome = verdict.outcome
        question.status = (
            Question.Status.ANNULLED
            if verdict.outcome == Question.Outcome.ANNULLED
            else Question.Status.RESOLVED
        )
        question.resolved_at = self._resolved_at(verdict.row)
        state = self.questions[verdict.row.question_key]
        state.status, state.outcome = question.status, question.outcome
        return question

    def _resolved_at(self, row: LedgerRow) -> dt.datetime:
        if row.resolved_on is None:
            return self.now
        return timezone.make_aware(dt.datetime.combine(row.resolved_on, dt.time.min))

    def _review(self, question: Question) -> Review:
        verdict = self.verdicts[(question.title, question.deadline)]
        row = verdict.row
        evidence = row.evidence_url or row.source_url
        if not evidence and verdict.outcome != Question.Outcome.ANNULLED:
            evidence = PLACEHOLDER_EVIDENCE.format(file=url_quote(self.file_label), row=row.number)
        return Review(
            question=question,
            reviewer=self.user,
            round=question.review_round,
            outcome=verdict.outcome,
            evidence_url=evidence,
            note=f"Imported from {self.file_label}, row {row.number}.",
            created_at=question.resolved_at,
        )

    def _score(self, question_ids: set[int]) -> None:
        """Replace the scores of these questions, where settled; as score_question does, in bulk."""
        questions = Question.objects.select_for_update().filter(
            pk__in=question_ids, status__in=SETTLED_STATES
        )
        questions = {q.pk: q for q in questions}
        if not questions:
            return
        old = PredictionScore.objects.filter(question_id__in=questions)
        self.touched_experts.update(old.values_list("expert_id", flat=True))
        old.delete()
        resolved = [pk for pk, q in questions.items() if q.outcome in ("yes", "no")]
        rows = []
        for question_id, predictions in counting_predictions_of(resolved).items():
            rows.extend(score_rows(questions[question_id], predictions))
        PredictionScore.objects.bulk_create(rows, batch_size=1000)
        self.touched_experts.update(row.expert_id for row in rows)
        self.scored.update(resolved)
        self.report.questions_scored = len(self.scored)


def counting_predictions_of(question_ids: list[int]) -> dict[int, list[Prediction]]:
    """track_records.counting_predictions for many questions in one query, in the same order:
    per question, each expert's latest current prediction made by the deadline, with a number."""
    latest: dict[int, dict[int, Prediction]] = {pk: {} for pk in question_ids}
    rows = (
        Prediction.objects.current()
        .filter(
            question_id__in=question_ids,
            made_on__lte=F("question__deadline"),
            probability__isnull=False,
        )
        .order_by("question_id", "expert_id", "made_on", "id")
    )
    for prediction in rows.iterator(chunk_size=5000):
        latest[prediction.question_id][prediction.expert_id] = prediction
    return {pk: list(by_expert.values()) for pk, by_expert in latest.items() if by_expert}
