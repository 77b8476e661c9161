"""Appending many rows at once: PostgreSQL's COPY, batched executemany elsewhere.

For derived data (scores) and generated data only: rows bypass model save() and signals, so
callers pass complete rows with every column the table needs (the id may be left out).
"""

import json
from collections.abc import Callable, Iterable

from django.db import DatabaseError, connection, transaction
from psycopg.types.json import Jsonb

BATCH = 5_000


def write_rows(
    table: str,
    columns: tuple[str, ...],
    rows: Iterable[tuple],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Append rows (tuples in `columns` order) to `table`; returns how many were written.

    `rows` must not read from the database while it is consumed: the connection is busy with
    the COPY until the last row. On PostgreSQL the COPY is binary, so each value must be of
    its column's Python type, as the database returns it: int for integer columns, float (or
    int) for floats, str for text, date and aware datetime objects, bool for booleans, JSON
    text or Jsonb for JSON; text COPY used to cast a "2026-01-01" or a "1" on the server,
    binary COPY refuses them with a TypeError here (or, for a str in a bool column, reads any
    non-empty text as true).
    """
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = ", ".join(columns)
            types = _column_types(cursor, table, columns)
            json_columns = [i for i, oid in enumerate(types) if oid in JSON_OIDS]
            sql = f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)"  # noqa: S608
            with cursor.cursor.copy(sql) as copy:
                copy.set_types(types)
                for row in rows:
                    if json_columns:
                        row = _json_verbatim(row, json_columns)
                    copy.write_row(row)
                    count += 1
                    if progress and count % BATCH == 0:
                        progress(BATCH)
            if progress:
                progress(count % BATCH)
            return count
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
        batch: list[tuple] = []
        for row in [*rows, None]:
            if row is not None:
                # Lists and dicts (JSON columns) as the JSON text SQLite stores.
                batch.append(tuple(_json_text(v) for v in row))
            if batch and (row is None or len(batch) == BATCH):
                cursor.executemany(sql, batch)
                count += len(batch)
                if progress:
                    progress(len(batch))
                batch = []
        return count


# COPY's binary format: no text to format here or to parse in the server (a rebuild's
# 800,000 rows of floats spent ~3 s in each). It needs every value's exact column type, which
# the catalogue gives. JSON columns take JSON text, as text COPY did (see _json_verbatim).
JSON_OIDS = (114, 3802)  # json, jsonb


def _column_types(cursor, table: str, columns: tuple[str, ...]) -> list[int]:
    """The type OIDs of these columns (built-in types: their OIDs are the same in every
    database, so they are read once per process and table)."""
    key = (table, columns)
    if key not in _TYPES:
        _TYPES[key] = _read_column_types(cursor, table, columns)
    return _TYPES[key]


_TYPES: dict[tuple[str, tuple[str, ...]], list[int]] = {}


def _read_column_types(cursor, table: str, columns: tuple[str, ...]) -> list[int]:
    cursor.execute(
        "SELECT attname, atttypid FROM pg_attribute "
        "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
        [table],
    )
    types = dict(cursor.fetchall())
    return [types[column] for column in columns]


def _json_text(value: object) -> object:
    return json.dumps(value) if isinstance(value, list | dict) else value


def _verbatim(text: str) -> str:
    return text


def _json_verbatim(row: tuple, positions: list[int]) -> tuple:
    """Send str values of JSON columns as the JSON text they are (the binary JSON dumper
    would encode a str as a JSON string), lists and dicts as JSON (not as arrays); model-
    prepared values (Jsonb) pass as they are."""
    values = list(row)
    for i in positions:
        if isinstance(values[i], str):
            values[i] = Jsonb(values[i], dumps=_verbatim)
        elif isinstance(values[i], list | dict):
            values[i] = Jsonb(values[i])
    return tuple(values)


def write_models(model: type, objects: Iterable) -> int:
    """Append unsaved model instances (ids left to the database), like bulk_create without
    returning ids; values go through each field's own preparation (JSON, dates)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]  # type: ignore[attr-defined]
    columns = tuple(f.column for f in fields)
    rows = (
        tuple(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields)
        for obj in objects
    )
    return write_rows(model._meta.db_table, columns, rows)  # type: ignore[attr-defined]


def skip_row_triggers() -> bool:
    """Let the current transaction skip row triggers (foreign-key checks, made_on) on
    PostgreSQL; returns whether it could. For writers whose rows are consistent by
    construction (generated, or derived from rows they hold locked): checking millions of
    them one by one at COMMIT proves nothing and costs most of the time. It needs a
    superuser; without one the checks simply run. SET LOCAL ends with the transaction."""
    if connection.vendor != "postgresql":
        return False
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        return False
    return True


def commit_asynchronously() -> None:
    """Let the current transaction's COMMIT return before its WAL reaches the disk (PostgreSQL).

    Only for work that is idempotent and that nothing outside the database has seen until a
    later transaction: a server crash may then lose the last fraction of a second of such
    commits, intact, and the next run does them again. The due sweep and reminder claims
    qualify (nobody is told anything until delivery, which commits synchronously); a batch of
    the sweep at 1,000,000 questions waited 50-120 ms per COMMIT for the disk. Ends with the
    transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def wait_for_disk() -> None:
    """Return once every earlier commit of this connection is on disk (PostgreSQL): commits a
    transaction that has a transaction id, which a synchronous commit flushes together with
    all the WAL before it. The end of a run whose batches used commit_asynchronously."""
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT txid_current()")
