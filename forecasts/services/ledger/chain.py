"""The tamper-evident record: every published fact that a figure depends on, in one SHA-256 chain.

Chained: every prediction version (with when it was recorded and whether it was a late
correction), every verdict, every settlement of a question (resolution, re-resolution,
annulment: outcome, status, when, by which verdict), every revision of a question's terms
and context (title, criteria, deadline, topics, consensus) and every merge of two experts
(which predictions moved, who, why). Each entry stores the canonical JSON of what was
published and hash = SHA-256(prev_hash + payload).

This module writes the chain (and the daily head line for outside timestamping);
ledger_verify checks it.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from forecasts.models import (
    ExpertMerge,
    LedgerEntry,
    LedgerHead,
    Prediction,
    Question,
    QuestionRevision,
    Review,
)

GENESIS = "0" * 64
Kind = LedgerEntry.Kind
# Predictions chained before recorded_at existed (payloads without it) verify against the
# first field list; their recorded_at is then checked against its rule instead (see _Live).
PREDICTION_FIELDS_V1 = (
    "id", "expert_id", "question_id", "probability", "basis", "phrase", "table_version",
    "made_on", "source_id", "quote", "recorded_by_id", "version", "supersedes_id",
    "correction_reason", "created_at",
)  # fmt: skip
_PREDICTION_FIELDS = (
    *PREDICTION_FIELDS_V1, "recorded_at", "recorded_via", "corrected_after_deadline",
)  # fmt: skip
_REVIEW_FIELDS = (
    "id", "question_id", "reviewer_id", "round", "outcome", "evidence_url", "note", "reason",
    "created_at",
)  # fmt: skip
_REVISION_FIELDS = (
    "id", "question_id", "version", "title", "resolution_criteria", "deadline", "topic_ids",
    "consensus_probability", "consensus_source", "reason", "changed_by_id", "changed_at",
)  # fmt: skip
_MERGE_FIELDS = (
    "id", "merged_id", "into_id", "reason", "merged_by_id", "merged_at", "prediction_ids",
)  # fmt: skip
_RESOLUTION_FIELDS = (
    "review_id", "question_id", "round", "status", "outcome", "resolved_at", "first_resolved_at",
)  # fmt: skip
_FIELDS = {
    Kind.PREDICTION: _PREDICTION_FIELDS,
    Kind.REVIEW: _REVIEW_FIELDS,
    Kind.QUESTION_REVISION: _REVISION_FIELDS,
    Kind.EXPERT_MERGE: _MERGE_FIELDS,
}
# The kinds whose entries chain a row of their own (a resolution chains a question's state).
CHAINED_MODELS = {
    Kind.PREDICTION: Prediction,
    Kind.REVIEW: Review,
    Kind.QUESTION_REVISION: QuestionRevision,
    Kind.EXPERT_MERGE: ExpertMerge,
}


def _plain(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)  # the shortest string that reads back as the same double
    return value


# One encoder for every payload: json.dumps with options builds a new one per call.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _dump(data: dict) -> str:
    """Sorted keys, no whitespace, UTF-8: the same facts always give the same bytes."""
    return _ENCODER.encode(data)


def canonical_payload(kind: str, row: object, fields: Sequence[str] | None = None) -> str:
    data = {name: _plain(getattr(row, name)) for name in fields or _FIELDS[kind]}
    data["kind"] = kind
    return _dump(data)


def resolution_facts(question: Question, review_id: int) -> tuple:
    """A settlement as chained: the _RESOLUTION_FIELDS of a question just settled."""
    return (
        review_id, question.pk, question.review_round, question.status, question.outcome,
        question.resolved_at, question.first_resolved_at,
    )  # fmt: skip


# --- canonical payloads of rows in column order ------------------------------------------
# canonical_payload without model instances, for bulk writers (generate_demo_data, the CSV
# import) holding each row as a tuple in the model's column order: the same keys, the same
# _plain conversions (floats as repr strings, dates ISO, datetimes UTC to the microsecond),
# the same bytes, at a fraction of the cost of getattr and a type check per field.


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _float(value: float | None) -> str | None:
    return None if value is None else repr(float(value))


def prediction_payload(row: tuple) -> str:
    (pid, expert, question, p, basis, phrase, version, made_on, source, quote, recorded_by,
     created, number, supersedes, _superseded_at, reason, recorded_at, recorded_via,
     late) = row  # fmt: skip
    return _dump(
        {
            "id": pid,
            "expert_id": expert,
            "question_id": question,
            "probability": _float(p),
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
            "recorded_at": _iso(recorded_at),
            "recorded_via": recorded_via,
            "corrected_after_deadline": late,
            "kind": Kind.PREDICTION,
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
            "kind": Kind.REVIEW,
        }  # fmt: skip
    )


def revision_payload(row: tuple) -> str:
    (rid, question, version, title, criteria, deadline, topic_ids, consensus, consensus_source,
     reason, changed_by, changed_at) = row  # fmt: skip
    return _dump(
        {
            "id": rid,
            "question_id": question,
            "version": version,
            "title": title,
            "resolution_criteria": criteria,
            "deadline": deadline.isoformat(),
            "topic_ids": topic_ids,
            "consensus_probability": _float(consensus),
            "consensus_source": consensus_source,
            "reason": reason,
            "changed_by_id": changed_by,
            "changed_at": _iso(changed_at),
            "kind": Kind.QUESTION_REVISION,
        }  # fmt: skip
    )


def resolution_payload(row: tuple) -> str:
    review, question, round_, status, outcome, resolved_at, first_resolved_at = row
    return _dump(
        {
            "review_id": review,
            "question_id": question,
            "round": round_,
            "status": status,
            "outcome": outcome,
            "resolved_at": _iso(resolved_at),
            "first_resolved_at": _iso(first_resolved_at),
            "kind": Kind.RESOLUTION,
        }  # fmt: skip
    )


# By kind: the payload of a row (a tuple in the model's column order; for a resolution,
# resolution_facts' order).
ROW_PAYLOADS = {
    Kind.PREDICTION: prediction_payload,
    Kind.REVIEW: review_payload,
    Kind.QUESTION_REVISION: revision_payload,
    Kind.RESOLUTION: resolution_payload,
}


def chain_hash(prev_hash: str, payload: str) -> str:
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def _head() -> LedgerHead:
    head, _ = LedgerHead.objects.select_for_update().get_or_create(pk=1)
    return head


@transaction.atomic
def append_payloads(kind: str, items: Sequence[tuple[int, str]]) -> list[LedgerEntry]:
    """Chain (object_id, payload) pairs, in order, inside the caller's transaction."""
    if not items:
        return []
    head = _head()  # the lock that keeps two appends from chaining onto the same head
    entries, prev = [], head.hash
    for object_id, payload in items:
        digest = chain_hash(prev, payload)
        entries.append(
            LedgerEntry(
                kind=kind, object_id=object_id, payload=payload, prev_hash=prev, hash=digest
            )
        )
        prev = digest
    LedgerEntry.objects.bulk_create(entries)
    head.seq += len(entries)
    head.hash = prev
    head.save(update_fields=["seq", "hash"])
    return entries


def append(kind: str, rows: Sequence[object]) -> list[LedgerEntry]:
    """Chain these freshly published rows, in order, inside the caller's transaction."""
    # Hash what the database holds, not the objects in memory (a date passed as a string,
    # a float rounded by the column type), so verify_ledger reads back the same bytes.
    stored = CHAINED_MODELS[kind].objects.in_bulk([row.pk for row in rows])
    return append_payloads(kind, [(r.pk, canonical_payload(kind, stored[r.pk])) for r in rows])


def append_predictions(rows: Sequence[Prediction]) -> list[LedgerEntry]:
    return append(Kind.PREDICTION, rows)


def append_reviews(rows: Sequence[Review]) -> list[LedgerEntry]:
    return append(Kind.REVIEW, rows)


def append_revisions(rows: Sequence[QuestionRevision]) -> list[LedgerEntry]:
    return append(Kind.QUESTION_REVISION, rows)


def append_resolution(*, question_id: int, review_id: int) -> LedgerEntry:
    """Chain the settlement of a question (as stored now) that this verdict brought about."""
    question = Question.objects.get(pk=question_id)
    facts = resolution_facts(question, review_id)
    return append_payloads(Kind.RESOLUTION, [(review_id, resolution_payload(facts))])[0]


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
