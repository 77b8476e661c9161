"""Writing a synthetic ledger: COPY with ids allocated here, and published rows chained.

Rows go in with PostgreSQL's COPY (executemany elsewhere, services/bulk.py) with ids taken as
max(id) + 1 and the sequences set past them afterwards, so one pass writes every table.
Published predictions and verdicts are chained into the ledger exactly as ledger.append would
chain them, from payloads computed over the row tuples (no model instances). Also the demo
accounts and topics the rows point at.
"""

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from itertools import islice

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import Max

from forecasts.demo.shape import REGIONS, THEMES
from forecasts.models import LedgerEntry, LedgerHead, Topic
from forecasts.services.bulk import write_rows
from forecasts.services.ledger import chain as ledger
from forecasts.services.ledger.chain import GENESIS
from forecasts.services.roles import REVIEWERS_GROUP

UTC = dt.UTC
CHUNK = 50_000  # rows per COPY of published rows and their ledger entries
PROVENANCE = {"editor": "demo-editor", "reviewer": "demo-reviewer-{}"}

Progress = Callable[[int], None]


def write(table: str, columns: tuple[str, ...], rows: Iterable[tuple], progress: Progress) -> int:
    return write_rows(table, columns, rows, progress)


def next_id(model: type) -> int:
    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1  # type: ignore[attr-defined]


def reset_sequences(models: Iterable[type]) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite's AUTOINCREMENT-free rowids follow max(id) by themselves
    with connection.cursor() as cursor:
        for model in models:
            table, pk = model._meta.db_table, model._meta.pk.column
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{pk}'), "  # noqa: S608
                f"COALESCE((SELECT MAX({pk}) FROM {table}), 1))"
            )


def demo_users(reviewer_count: int) -> tuple[int, list[int]]:
    users = get_user_model().objects
    editor, _ = users.get_or_create(
        username=PROVENANCE["editor"], defaults={"email": "demo-editor@example.org"}
    )
    group = Group.objects.get(name=REVIEWERS_GROUP)
    reviewers = []
    for i in range(1, reviewer_count + 1):
        name = PROVENANCE["reviewer"].format(i)
        user, created = users.get_or_create(
            username=name, defaults={"email": f"{name}@example.org", "is_staff": True}
        )
        if created:
            user.groups.add(group)
        reviewers.append(user.pk)
    return editor.pk, reviewers


def demo_topics(count: int) -> list[int]:
    names = [f"{region} {theme}" for theme in THEMES for region in REGIONS][:count]
    existing = dict(Topic.objects.filter(name__in=names).values_list("name", "pk"))
    Topic.objects.bulk_create(
        [Topic(name=n, slug=f"demo-{i}") for i, n in enumerate(names) if n not in existing]
    )
    return list(Topic.objects.filter(name__in=names).order_by("pk").values_list("pk", flat=True))


def write_published(
    name: str,
    kind: str,
    columns: tuple[str, ...],
    rows: Iterable[tuple],
    *,
    created_at: dt.datetime,
    progress: Progress,
    record: Callable[[str, int], None],
) -> None:
    """Write published rows and chain each into the ledger, in chunks (bounded memory).

    `kind` is the ledger's; its row model is written too, except for resolutions (whose
    facts are the questions', written before). Entries are stamped `created_at`;
    `record(name, count)` adds written rows to the report."""
    payload = ledger.ROW_PAYLOADS[kind]
    model = ledger.CHAINED_MODELS.get(kind)
    head, _ = LedgerHead.objects.select_for_update().get_or_create(pk=1)
    prev, seq = head.hash or GENESIS, next_id(LedgerEntry)
    entry_columns = (
        "seq", "kind", "object_id", "payload", "prev_hash", "hash", "created_at",
    )  # fmt: skip
    iterator = iter(rows)
    while chunk := list(islice(iterator, CHUNK)):
        if model is not None:
            record(name, write(model._meta.db_table, columns, chunk, progress))
        entries = []
        for row in chunk:
            text = payload(row)
            digest = hashlib.sha256((prev + text).encode()).hexdigest()
            entries.append((seq, kind, row[0], text, prev, digest, created_at))
            prev, seq = digest, seq + 1
        written = write("forecasts_ledgerentry", entry_columns, entries, progress)
        record("ledger entries", written)
        head.seq += written
    head.hash = prev
    head.save(update_fields=["seq", "hash"])
