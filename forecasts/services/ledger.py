"""The tamper-evident record: every published prediction and verdict in one SHA-256 chain.

Each entry stores the canonical JSON of its row as published and
hash = SHA-256(prev_hash + payload). verify_ledger recomputes the payload from the live row,
so an UPDATE made behind the service's back, a deleted row or a re-ordered chain is named.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from forecasts.models import LedgerEntry, LedgerHead, Prediction, Review

GENESIS = "0" * 64
_PREDICTION_FIELDS = (
    "id", "expert_id", "question_id", "probability", "basis", "phrase", "table_version",
    "made_on", "source_id", "quote", "recorded_by_id", "version", "supersedes_id",
    "correction_reason", "created_at",
)  # fmt: skip
_REVIEW_FIELDS = (
    "id", "question_id", "reviewer_id", "round", "outcome", "evidence_url", "note", "reason",
    "created_at",
)  # fmt: skip
_FIELDS = {LedgerEntry.Kind.PREDICTION: _PREDICTION_FIELDS, LedgerEntry.Kind.REVIEW: _REVIEW_FIELDS}
_MODELS = {LedgerEntry.Kind.PREDICTION: Prediction, LedgerEntry.Kind.REVIEW: Review}


def _plain(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)  # the shortest string that reads back as the same double
    return value


def canonical_payload(kind: str, row: Prediction | Review) -> str:
    """Sorted keys, no whitespace, UTF-8: the same row always gives the same bytes."""
    data = {name: _plain(getattr(row, name)) for name in _FIELDS[kind]}
    data["kind"] = kind
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# --- canonical payloads of rows in column order ------------------------------------------
# canonical_payload without model instances, for bulk writers (generate_demo_data, the CSV
# import) holding each row as a tuple in the model's column order: the same keys, the same
# _plain conversions (floats as repr strings, dates ISO, datetimes UTC to the microsecond),
# the same bytes, at a fraction of the cost of getattr and a type check per field.


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).isoformat(timespec="microseconds")


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


# By kind: the payload of a row (a tuple in the model's column order).
ROW_PAYLOADS = {
    LedgerEntry.Kind.PREDICTION: prediction_payload,
    LedgerEntry.Kind.REVIEW: review_payload,
}


def chain_hash(prev_hash: str, payload: str) -> str:
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def _head() -> LedgerHead:
    head, _ = LedgerHead.objects.select_for_update().get_or_create(pk=1)
    return head


@transaction.atomic
def append(kind: str, rows: Sequence[Prediction | Review]) -> list[LedgerEntry]:
    """Chain these freshly published rows, in order, inside the caller's transaction."""
    if not rows:
        return []
    head = _head()  # the lock that keeps two appends from chaining onto the same head
    # Hash what the database holds, not the objects in memory (a date passed as a string,
    # a float rounded by the column type), so verify_ledger reads back the same bytes.
    stored = _MODELS[kind].objects.in_bulk([row.pk for row in rows])
    entries, prev = [], head.hash
    for row in (stored[r.pk] for r in rows):
        payload = canonical_payload(kind, row)
        digest = chain_hash(prev, payload)
        entries.append(
            LedgerEntry(kind=kind, object_id=row.pk, payload=payload, prev_hash=prev, hash=digest)
        )
        prev = digest
    LedgerEntry.objects.bulk_create(entries)
    head.seq += len(entries)
    head.hash = prev
    head.save(update_fields=["seq", "hash"])
    return entries


def append_predictions(rows: Sequence[Prediction]) -> list[LedgerEntry]:
    return append(LedgerEntry.Kind.PREDICTION, rows)


def append_reviews(rows: Sequence[Review]) -> list[LedgerEntry]:
    return append(LedgerEntry.Kind.REVIEW, rows)


@dataclass(frozen=True)
class LedgerProblem:
    seq: int | None
    kind: str
    object_id: int
    reason: str

    def __str__(self) -> str:
        where = f"entry #{self.seq}" if self.seq is not None else "no entry"
        return f"{where}: {self.kind} {self.object_id}: {self.reason}"


def _entries_in_batches(size: int = 2000) -> Iterator[list[LedgerEntry]]:
    last = 0
    while True:
        batch = list(LedgerEntry.objects.filter(seq__gt=last).order_by("seq")[:size])
        if not batch:
            return
        yield batch
        last = batch[-1].seq


def verify_ledger() -> tuple[int, LedgerProblem | None]:
    """Recompute the chain against the live rows; return (entries checked, first problem)."""
    prev, checked, seen = GENESIS, 0, {kind: set() for kind in _MODELS}
    for batch in _entries_in_batches():
        rows = {
            kind: _MODELS[kind].objects.in_bulk([e.object_id for e in batch if e.kind == kind])
            for kind in _MODELS
        }
        for entry in batch:
            problem = _check_entry(entry, prev, rows[entry.kind].get(entry.object_id))
            if problem:
                return checked, problem
            prev = entry.hash
            seen[entry.kind].add(entry.object_id)
            checked += 1
    head = LedgerHead.objects.filter(pk=1).first()
    if head and head.hash != prev:
        return checked, LedgerProblem(None, "head", 1, "the chain head does not match the chain")
    return checked, _first_unchained(seen)


def _check_entry(
    entry: LedgerEntry, prev: str, row: Prediction | Review | None
) -> LedgerProblem | None:
    def problem(reason: str) -> LedgerProblem:
        return LedgerProblem(entry.seq, entry.kind, entry.object_id, reason)

    if entry.prev_hash != prev:
        return problem("the chain is broken here: an entry before it was removed or reordered")
    if chain_hash(prev, entry.payload) != entry.hash:
        return problem("the entry itself was altered (its hash does not match its payload)")
    if row is None:
        return problem("the published row is missing from the database")
    if canonical_payload(entry.kind, row) != entry.payload:
        return problem("the row was changed after publication")
    return None


def _first_unchained(seen: dict[str, set[int]]) -> LedgerProblem | None:
    for kind, model in _MODELS.items():
        for pk in model.objects.order_by("pk").values_list("pk", flat=True).iterator():
            if pk not in seen[kind]:
                return LedgerProblem(None, kind, pk, "published but never entered in the ledger")
    return None


def write_head_file(now: dt.datetime | None = None) -> str:
    """Append today's head to LEDGER_HEAD_FILE once; a rerun the same day adds nothing."""
    path = Path(settings.LEDGER_HEAD_FILE)
    line = head_line(now or timezone.now())
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = path.read_text() if path.exists() else ""
    if line not in existing:
        with path.open("a") as handle:
            handle.write(line)
    return line.strip()


def head_line(now: dt.datetime) -> str:
    """The line written daily for outside timestamping: date, sequence number, head hash."""
    head = LedgerHead.objects.filter(pk=1).first() or LedgerHead(seq=0, hash=GENESIS)
    return f"{now.date().isoformat()} {head.seq} {head.hash}\n"


def hashes_for(kind: str, object_ids: Iterable[int]) -> dict[int, str]:
    """The chain hash of each of these rows, for pages that show them."""
    return dict(
        LedgerEntry.objects.filter(kind=kind, object_id__in=list(object_ids)).values_list(
            "object_id", "hash"
        )
    )
