"""What one CSV import run carries from batch to batch, and what it reports.

The run's lookups (experts, sources, topics, questions by title key and deadline), the outcomes the
file gives questions, and which predictions rows have matched or created. The stages of a batch
(questions, matching, settling) are functions of this state; run.py hands it from batch to
batch.
"""

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from forecasts.models import Expert, Question
from forecasts.naming import KEY_SEPARATOR

IMPORT_USERNAME = "csv-import"
OPEN_STATES = (Question.Status.OPEN, Question.Status.DUE)
SETTLED_STATES = Question.SETTLED

QuestionKey = tuple[str, dt.date]  # (naming.question_title_key, deadline): LedgerRow's
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
class QuestionState:
    id: int | None
    status: str
    outcome: str
    criteria: str
    topics: tuple[str, ...] = ()
    consensus: float | None = None
    review_round: int = 1
    existed: bool = True  # in the database before this run: its predictions may match rows
    title: str = ""  # as the question is (or will be) recorded: the first row's spelling


@dataclass(frozen=True)
class Verdict:
    """The outcome a file gives a question, and what its Review needs of the row saying so."""

    outcome: str
    number: int
    resolved_on: dt.date | None
    evidence: str


class IdRanges:
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


class ImportRun:
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
        self.questions: dict[QuestionKey, QuestionState] = {}
        self.verdicts: dict[QuestionKey, Verdict] = {}
        self.matched: set[int] = set()  # predictions from before the run that rows matched
        self.created = IdRanges()  # predictions this run inserted
        self.touched_experts: set[int] = set()
        self.batch_sources: set[int] = set()  # sources the current batch created
        self._expert_keys: dict[str, int | None] | None = None  # expert_keys()
        self.new_experts: set[int] = set()  # created by this run
        self.now = timezone.now()
        self.born_settled: list[tuple[int, QuestionKey, dt.datetime]] = []
        self.scored: set[int] = set()
        # This batch's new revisions and settlements, chained with its predictions and verdicts.
        self.new_revisions: list[tuple] = []
        self.settlements: list[tuple] = []

    def expert_keys(self) -> dict[str, int | None]:
        """{search key: expert id} over the names and aliases of every unmerged expert on
        record when first asked (experts number thousands, not millions), read once per run;
        None where two experts share a key. Experts this run creates are not added: whether a
        new name matches must not depend on the batch it falls in."""
        if self._expert_keys is None:
            keys: dict[str, int | None] = {}
            current = (
                Expert.objects.filter(merged_into__isnull=True)
                .exclude(pk__in=self.new_experts)
                .order_by("id")
            )
            for pk, search_names in current.values_list("id", "search_names").iterator(2000):
                for key in filter(None, search_names.split(KEY_SEPARATOR)):
                    keys[key] = pk if keys.get(key, pk) == pk else None
            self._expert_keys = keys
        return self._expert_keys

    def error(self, number: int, reason: str, values) -> None:
        self.report.errors.append(RowError(number, reason, dict(values)))

    def question_id(self, key: QuestionKey) -> int | None:
        return self.questions[key].id

    def apply_verdict(self, key: QuestionKey) -> tuple[str, str, dt.datetime]:
        """(status, outcome, resolved_at) of the question the file settles; noted in its state."""
        verdict = self.verdicts[key]
        status = (
            Question.Status.ANNULLED
            if verdict.outcome == Question.Outcome.ANNULLED
            else Question.Status.RESOLVED
        )
        state = self.questions[key]
        state.status, state.outcome = status, verdict.outcome
        return status, verdict.outcome, self.resolved_at(verdict)

    def resolved_at(self, verdict: Verdict) -> dt.datetime:
        if verdict.resolved_on is None:
            return self.now
        return timezone.make_aware(dt.datetime.combine(verdict.resolved_on, dt.time.min))
