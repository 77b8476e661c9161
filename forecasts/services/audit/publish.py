"""Building the audit dump into a file, publishing it to storage, and finding the one to serve.

A build reads one consistent snapshot (REPEATABLE READ on PostgreSQL), so the ledger, the rows
and the published figures in it agree. The file is gzip with no timestamp in it and the
manifest holds no build time, so the same data always gives the same bytes: a rerun, or two
overlapping builds, find the row for those bytes already there (a unique constraint claims it)
and change nothing. The file goes to the default storage under a name carrying its hash
before the row that serves it commits, so a build that fails half way leaves the previous
dump served, and nothing a request can reach is ever partly written.
"""

import datetime as dt
import gzip
import hashlib
import json
import logging
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from forecasts.models import AuditDump, LedgerHead, StaleTrackRecord
from forecasts.services.audit import rows
from forecasts.services.track_records.records import refresh_track_records

logger = logging.getLogger(__name__)
STORAGE_DIR = "audit"
KEEP = 3  # dumps kept in storage: the served one and two before it
DOWNLOAD_NAME = "forecast-ledger-audit.jsonl.gz"


class AuditDumpNotReady(Exception):
    """Track records are still being updated: their figures would not match the ledger yet."""


@dataclass(frozen=True)
class BuiltDump:
    path: Path
    sha256: str
    size: int
    head_seq: int
    head_hash: str
    counts: dict[str, int]
    seconds: float
    taken_at: dt.datetime  # the snapshot's time: of two overlapping builds, the later wins


def _lines(head: LedgerHead) -> Iterator[dict]:
    yield rows.manifest(head)
    yield from rows.head_lines(head.seq)  # before the chain, so a reader checks them on the way
    yield from rows.ledger_lines()
    yield from rows.expert_lines()
    yield from rows.topic_lines()
    yield from rows.source_lines()
    yield from rows.question_lines()
    yield from rows.revision_lines()
    yield from rows.prediction_lines()
    yield from rows.verdict_lines()
    yield from rows.track_record_lines()
    yield from rows.leaderboard_lines()


def write_dump(handle: BinaryIO) -> tuple[LedgerHead, dict[str, int], dt.datetime]:
    """Write the dump (gzip JSON Lines) to an open binary file; one snapshot of the data.
    Returns the head, the count of lines of each type and when the snapshot was taken."""
    with transaction.atomic():
        if connection.vendor == "postgresql" and not _inside_outer_transaction():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        if StaleTrackRecord.objects.exists():
            raise AuditDumpNotReady("track records are being updated; build again shortly")
        head = LedgerHead.objects.filter(pk=1).first() or LedgerHead(seq=0, hash=rows.GENESIS)
        taken_at = timezone.now()
        counts: Counter[str] = Counter()
        # No name and no time in the gzip header: the same data gives the same bytes.
        with gzip.GzipFile("", "wb", 6, handle, mtime=0) as out:
            for line in _lines(head):
                counts[line["type"]] += 1
                out.write(_encode(line))
            summary = {"type": "summary", "head": {"seq": head.seq, "hash": head.hash}}
            out.write(_encode(summary | {"lines": dict(sorted(counts.items()))}))
    return head, dict(counts), taken_at


def _inside_outer_transaction() -> bool:
    # atomic() above made one block; more means a caller's transaction (tests) has already run
    # queries, when PostgreSQL refuses to change the isolation level.
    return bool(connection.savepoint_ids)


def _encode(line: dict) -> bytes:
    return (json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def build_dump_file(directory: Path | None = None) -> BuiltDump:
    """Build a dump into a new file (in `directory`, default the system's temp directory)."""
    while refresh_track_records():  # finish pending record updates, so figures match
        pass
    started = time.perf_counter()
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, kept on success
        dir=directory, prefix="audit-", suffix=".jsonl.gz", delete=False
    )
    path = Path(handle.name)
    try:
        with handle:
            head, counts, taken_at = write_dump(handle)
        digest, size = _sha256(path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    seconds = time.perf_counter() - started
    return BuiltDump(path, digest, size, head.seq, head.hash, counts, seconds, taken_at)


def _sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def publish_audit_dump() -> AuditDump:
    """Build the dump and make it the one served; safe to run twice and to overlap itself."""
    built = build_dump_file()
    try:
        existing = AuditDump.objects.filter(sha256=built.sha256).first()
        if existing and default_storage.exists(existing.path):
            return existing  # the same data as a dump already published: nothing to do
        name = f"{STORAGE_DIR}/audit-{built.head_seq}-{built.sha256[:16]}.jsonl.gz"
        if not default_storage.exists(name):
            with built.path.open("rb") as handle:
                name = default_storage.save(name, File(handle))
        dump = _claim_row(built, name)
    finally:
        built.path.unlink(missing_ok=True)
    prune_audit_dumps()
    return dump


def _claim_row(built: BuiltDump, name: str) -> AuditDump:
    values = {
        "built_at": built.taken_at,
        "path": name,
        "size": built.size,
        "head_seq": built.head_seq,
        "head_hash": built.head_hash,
        "build_seconds": built.seconds,
        "counts": built.counts,
    }
    try:
        with transaction.atomic():
            dump, created = AuditDump.objects.get_or_create(sha256=built.sha256, defaults=values)
    except IntegrityError:  # an overlapping build claimed the same content first
        return AuditDump.objects.get(sha256=built.sha256)
    if not created and dump.path != name:
        AuditDump.objects.filter(pk=dump.pk).update(path=name)  # its file had gone missing
        dump.path = name
    logger.info("audit dump %s published: %s bytes at head #%s", name, built.size, built.head_seq)
    return dump


def prune_audit_dumps(keep: int = KEEP) -> int:
    """Delete all but the newest `keep` dumps and their files; returns how many went."""
    old = list(AuditDump.objects.order_by("-built_at", "-id")[keep:])
    for dump in old:
        default_storage.delete(dump.path)
        dump.delete()
    return len(old)


def latest_audit_dump() -> AuditDump | None:
    """The newest dump whose file is in storage: what the API serves and the page describes."""
    for dump in AuditDump.objects.order_by("-built_at", "-id")[:KEEP]:
        if default_storage.exists(dump.path):
            return dump
    return None
