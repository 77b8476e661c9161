"""Writing a CSV import's rows: many rows per statement, and their ledger entries.

On PostgreSQL new rows get their ids from the table's sequence up front and go in with COPY
(services/bulk.py); elsewhere with bulk_create. Predictions and verdicts are chained into the
ledger from the values just written: they are exactly what the database returns (ints, floats,
dates, UTC datetimes, strings), so the payload is the one ledger.canonical_payload computes
from the stored row and verify_ledger reads back.
"""

from collections import namedtuple

from django.db import connection
from django.utils import timezone

from forecasts.models import LedgerEntry, LedgerHead
from forecasts.services.bulk import write_rows
from forecasts.services.ledger import chain as ledger
from forecasts.services.track_records.scores import SCORE_COLUMNS

# The columns the import writes, every column of the row but the id (in model attnames).
PREDICTION_COLUMNS = (
    "expert_id", "question_id", "probability", "basis", "phrase", "table_version", "made_on",
    "source_id", "quote", "recorded_by_id", "created_at", "version", "supersedes_id",
    "superseded_at", "correction_reason", "recorded_at", "recorded_via",
    "corrected_after_deadline",
)  # fmt: skip
REVIEW_COLUMNS = (
    "question_id", "reviewer_id", "round", "outcome", "evidence_url", "note", "reason",
    "created_at",
)  # fmt: skip
QUESTION_COLUMNS = (
    "title", "resolution_criteria", "deadline", "status", "outcome", "resolved_at", "due_at",
    "review_round", "reminder_cycle", "consensus_probability", "consensus_source", "version",
    "created_by_id", "created_at", "first_resolved_at",
)  # fmt: skip
REVISION_COLUMNS = (
    "question_id", "version", "title", "resolution_criteria", "deadline", "topic_ids",
    "consensus_probability", "consensus_source", "reason", "changed_by_id", "changed_at",
)  # fmt: skip
SOURCE_COLUMNS = (
    "kind", "title", "outlet", "via", "url", "url_key", "published_on", "text", "created_at",
)  # fmt: skip
LEDGER_COLUMNS = ("kind", "object_id", "payload", "prev_hash", "hash", "created_at")
SCORE_ROW_COLUMNS = (
    "prediction_id", "expert_id", "question_id", *SCORE_COLUMNS, "peer", "resolved_on",
    "hindsight", "scoring_version",
)  # fmt: skip

# A written row as ledger.canonical_payload reads it: the same attribute names as the model.
PredictionRecord = namedtuple("PredictionRecord", ("id", *PREDICTION_COLUMNS))
ReviewRecord = namedtuple("ReviewRecord", ("id", *REVIEW_COLUMNS))
RevisionRecord = namedtuple("RevisionRecord", ("id", *REVISION_COLUMNS))


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


def chain(kind: str, records: list[tuple]) -> None:
    """ledger.append for rows the import has just written, in order, inside the caller's
    transaction and under the same head lock: hashed from the values written (which are what
    the database returns) instead of reading the rows back. `records` are tuples in the
    order ledger.ROW_PAYLOADS[kind] reads (for resolutions: ledger.resolution_facts')."""
    if not records:
        return
    head, _ = LedgerHead.objects.select_for_update().get_or_create(pk=1)
    now, prev, entries = timezone.now(), head.hash, []
    payload_of = ledger.ROW_PAYLOADS[kind]  # records are tuples in the model's column order
    for record in records:
        payload = payload_of(record)
        digest = ledger.chain_hash(prev, payload)
        entries.append((kind, record[0], payload, prev, digest, now))
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
