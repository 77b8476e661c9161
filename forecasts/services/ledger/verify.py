"""Checking the ledger: the chain, the live tables against it, and it against published heads.

verify_ledger walks the chain once and checks it three ways:
- each entry against the live row it chains, so an UPDATE made behind the service's back, a
  deleted row or a re-ordered chain is named;
- the live tables against the chain, for the state no row of its own carries: a question's
  outcome, status and resolution times against its last chained settlement, its terms and
  context against its last chained revision, a superseded prediction against its chained
  correction, and the recording time of predictions chained before it was part of payloads;
- the chain against the heads published in LEDGER_HEAD_FILE (written daily for outside
  timestamping), so a chain recomputed after an edit no longer matches what was published.
Every problem names its row.
"""

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Q

from forecasts.models import LedgerEntry, LedgerHead, Prediction, Question, QuestionRevision
from forecasts.services.ledger.chain import (
    CHAINED_MODELS,
    GENESIS,
    PREDICTION_FIELDS_V1,
    Kind,
    canonical_payload,
    chain_hash,
)


@dataclass(frozen=True)
class LedgerProblem:
    seq: int | None
    kind: str
    object_id: int
    reason: str

    def __str__(self) -> str:
        where = f"entry #{self.seq}" if self.seq is not None else "no entry"
        return f"{where}: {self.kind} {self.object_id}: {self.reason}"


def published_heads(path: Path | None = None) -> dict[int, tuple[str, str]]:
    """The heads written to LEDGER_HEAD_FILE: {chain length: (date, hash)}; empty if none."""
    path = Path(path or settings.LEDGER_HEAD_FILE)
    if not path.exists():
        return {}
    heads = {}
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) > 0:
            heads[int(parts[1])] = (parts[0], parts[2])
    return heads


def _entries_in_batches(size: int = 2000) -> Iterator[list[LedgerEntry]]:
    last = 0
    while True:
        batch = list(LedgerEntry.objects.filter(seq__gt=last).order_by("seq")[:size])
        if not batch:
            return
        yield batch
        last = batch[-1].seq


class _Walk:
    """One pass over the chain, remembering what the live-table checks need."""

    def __init__(self, heads: dict[int, tuple[str, str]]) -> None:
        self.heads = heads
        self.prev, self.checked = GENESIS, 0
        self.matched_heads: set[int] = set()
        self.seen: dict[str, set[int]] = {kind: set() for kind in CHAINED_MODELS}
        self.settlements: dict[int, list[dict]] = defaultdict(list)  # question → in order
        self.revisions: dict[int, QuestionRevision] = {}  # question → its latest revision
        self.corrections: dict[int, dt.datetime] = {}  # superseded id → correction time
        self.legacy: dict[int, Prediction] = {}  # predictions chained without recorded_at

    def check(self, entry: LedgerEntry, row: object | None) -> LedgerProblem | None:
        def problem(reason: str) -> LedgerProblem:
            return LedgerProblem(entry.seq, entry.kind, entry.object_id, reason)

        if entry.prev_hash != self.prev:
            return problem("the chain is broken here: an entry before it was removed or reordered")
        if chain_hash(self.prev, entry.payload) != entry.hash:
            return problem("the entry itself was altered (its hash does not match its payload)")
        # A published head is (chain length, hash): the hash after that many entries.
        published = self.heads.get(self.checked + 1)
        if published:
            if published[1] != entry.hash:
                return problem(
                    f"the chain differs from the head published on {published[0]}: "
                    "it was recomputed after that day"
                )
            self.matched_heads.add(self.checked + 1)
        if entry.kind == Kind.RESOLUTION:
            facts = json.loads(entry.payload)
            self.settlements[facts["question_id"]].append(facts)
        elif row is None:
            return problem("the published row is missing from the database")
        elif canonical_payload(entry.kind, row, self._fields(entry)) != entry.payload:
            return problem("the row was changed after publication")
        else:
            self._remember(entry, row)
        self.prev = entry.hash
        self.checked += 1
        return None

    @staticmethod
    def _fields(entry: LedgerEntry) -> Sequence[str] | None:
        if entry.kind == Kind.PREDICTION and '"recorded_at":' not in entry.payload:
            return PREDICTION_FIELDS_V1
        return None

    def _remember(self, entry: LedgerEntry, row: object) -> None:
        self.seen[entry.kind].add(entry.object_id)
        if isinstance(row, Prediction):
            if row.supersedes_id:
                self.corrections[row.supersedes_id] = row.created_at
            if self._fields(entry):
                self.legacy[row.pk] = row
        elif isinstance(row, QuestionRevision):
            latest = self.revisions.get(row.question_id)
            if latest is None or row.version > latest.version:
                self.revisions[row.question_id] = row

    def unmatched_head(self) -> LedgerProblem | None:
        missing = sorted(set(self.heads) - self.matched_heads)
        if not missing:
            return None
        date, _ = self.heads[missing[0]]
        reason = (
            f"the chain has {self.checked} entries, fewer than the {missing[0]} of the head "
            f"published on {date}: entries were removed"
        )
        return LedgerProblem(None, "head", 1, reason)


def verify_ledger(*, head_file: Path | None = None) -> tuple[int, LedgerProblem | None]:
    """Check the chain, the live tables against it and it against the published heads;
    return (entries checked, the first problem found, or None)."""
    walk = _Walk(published_heads(head_file))
    for batch in _entries_in_batches():
        rows = {
            kind: model.objects.in_bulk([e.object_id for e in batch if e.kind == kind])
            for kind, model in CHAINED_MODELS.items()
        }
        for entry in batch:
            problem = walk.check(entry, rows.get(entry.kind, {}).get(entry.object_id))
            if problem:
                return walk.checked, problem
    head = LedgerHead.objects.filter(pk=1).first()
    if head and head.hash != walk.prev:
        return walk.checked, LedgerProblem(
            None, "head", 1, "the chain head does not match the chain"
        )
    problem = (
        walk.unmatched_head()
        or _first_unchained(walk.seen)
        or _first_question_problem(walk)
        or _first_supersession_problem(walk)
        or _first_legacy_problem(walk)
    )
    return walk.checked, problem


def _first_unchained(seen: dict[str, set[int]]) -> LedgerProblem | None:
    for kind, model in CHAINED_MODELS.items():
        for pk in model.objects.order_by("pk").values_list("pk", flat=True).iterator():
            if pk not in seen[kind]:
                return LedgerProblem(None, kind, pk, "published but never entered in the ledger")
    return None


# --- the live tables against the chain ------------------------------------------------------

_TERMS = ("title", "resolution_criteria", "deadline", "version")
_CONTEXT = ("consensus_probability", "consensus_source")


def _question_problem(pk: int, reason: str) -> LedgerProblem:
    return LedgerProblem(None, "question", pk, reason)


def _first_question_problem(walk: _Walk) -> LedgerProblem | None:
    """Each question's settlement, terms and context equal what the chain last published."""
    topics = _topics_by_question()
    columns = ("pk", "status", "outcome", "resolved_at", "first_resolved_at", *_TERMS, *_CONTEXT)
    rows = Question.objects.order_by("pk").values_list(*columns)
    for pk, status, outcome, resolved_at, first_resolved_at, *rest in rows.iterator(2000):
        facts = walk.settlements.get(pk)
        problem = _settlement_problem(pk, status, outcome, resolved_at, first_resolved_at, facts)
        if problem:
            return problem
        values = dict(zip((*_TERMS, *_CONTEXT), rest, strict=True))
        problem = _revision_problem(pk, values, topics.get(pk, []), walk.revisions.get(pk))
        if problem:
            return problem
    return None


def _topics_by_question() -> dict[int, list[int]]:
    through = Question.topics.through.objects.order_by("question_id", "topic_id")
    topics: dict[int, list[int]] = defaultdict(list)
    for question_id, topic_id in through.values_list("question_id", "topic_id").iterator(5000):
        topics[question_id].append(topic_id)
    return topics


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _settlement_problem(
    pk: int,
    status: str,
    outcome: str,
    resolved_at: dt.datetime | None,
    first_resolved_at: dt.datetime | None,
    facts: list[dict] | None,
) -> LedgerProblem | None:
    if not facts:
        if status in Question.SETTLED or outcome or resolved_at or first_resolved_at:
            return _question_problem(
                pk, f"it is {status} (outcome {outcome or 'none'}) but no resolution is chained"
            )
        return None
    last = facts[-1]
    live = {
        "status": status,
        "outcome": outcome,
        "resolved_at": _iso(resolved_at),
        "first_resolved_at": _iso(first_resolved_at),
    }
    for name, value in live.items():
        if last[name] != value:
            return _question_problem(
                pk,
                f"its {name} is {value!r} but its last chained resolution "
                f"(verdict {last['review_id']}) says {last[name]!r}",
            )
    return None


def _revision_problem(
    pk: int, values: dict, topic_ids: list[int], revision: QuestionRevision | None
) -> LedgerProblem | None:
    if revision is None:
        return _question_problem(pk, "no revision of its terms is chained")
    for name in _TERMS:
        if values[name] != getattr(revision, name):
            return _question_problem(
                pk,
                f"its {name} differs from its last chained revision (v{revision.version}): "
                f"{values[name]!r} against {getattr(revision, name)!r}",
            )
    if revision.topic_ids is None:
        return None  # a revision from before topics and consensus were kept
    chained = {"topics": sorted(revision.topic_ids)} | {n: getattr(revision, n) for n in _CONTEXT}
    live = {"topics": topic_ids} | {n: values[n] for n in _CONTEXT}
    for name, value in live.items():
        if value != chained[name]:
            return _question_problem(
                pk,
                f"its {name} differs from its last chained revision (v{revision.version}): "
                f"{value!r} against {chained[name]!r}",
            )
    return None


def _first_supersession_problem(walk: _Walk) -> LedgerProblem | None:
    """A prediction is superseded exactly when a chained correction replaced it, at its time."""
    superseded = Prediction.objects.filter(
        Q(superseded_at__isnull=False) | Q(pk__in=list(walk.corrections))
    )
    for pk, superseded_at in superseded.order_by("pk").values_list("pk", "superseded_at"):
        corrected_at = walk.corrections.get(pk)
        if corrected_at is None:
            return LedgerProblem(
                None, "prediction", pk, "marked superseded, but no chained correction replaces it"
            )
        if superseded_at != corrected_at:
            return LedgerProblem(
                None,
                "prediction",
                pk,
                f"superseded at {_iso(superseded_at)}, but its chained correction was made at "
                f"{_iso(corrected_at)}",
            )
    return None


def _first_legacy_problem(walk: _Walk) -> LedgerProblem | None:
    """Predictions chained before recorded_at was: it must follow its rule, the creation time
    of the first version (a correction keeps the original's), with no platform and no flag."""
    for pk in sorted(walk.legacy):
        row = walk.legacy[pk]
        if row.supersedes_id is None:
            expected = row.created_at
        else:
            original = walk.legacy.get(row.supersedes_id) or Prediction.objects.get(
                pk=row.supersedes_id
            )
            expected = original.recorded_at
        if row.recorded_at != expected or row.recorded_via or row.corrected_after_deadline:
            return LedgerProblem(
                None,
                "prediction",
                pk,
                f"recorded_at {_iso(row.recorded_at)} (via {row.recorded_via or 'this ledger'}) "
                f"does not follow from its chained history ({_iso(expected)})",
            )
    return None
