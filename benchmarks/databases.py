"""The benchmark's databases and subprocesses: each measurement runs in a fresh process
(`python -m benchmarks --stage NAME`) against a database this module creates."""

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
MANAGE = [sys.executable, str(ROOT / "manage.py")]


def db_url(base_url: str, name: str) -> str:
    parts = urlsplit(base_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate_database(base_url: str, name: str, *, template: str | None = None) -> str:
    """Drop `name` and create it empty, or as a copy of `template` (then CHECKPOINT, so the
    copy's own writes do not land in the measurement that follows)."""
    drop_database(base_url, name)
    with psycopg.connect(db_url(base_url, "postgres"), autocommit=True) as conn:
        if template is None:
            conn.execute(f'CREATE DATABASE "{name}"')
        else:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            checkpoint(conn)
    return db_url(base_url, name)


def drop_database(base_url: str, name: str) -> None:
    with psycopg.connect(db_url(base_url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def checkpoint(conn: psycopg.Connection) -> None:
    # Superusers and pg_checkpoint only; without it the server flushes on its own schedule.
    with contextlib.suppress(psycopg.errors.InsufficientPrivilege):
        conn.execute("CHECKPOINT")


def settle(url: str, say: Callable[[str], None]) -> None:
    """VACUUM (ANALYZE) and CHECKPOINT the database before the next measurement: the state a
    live database is in between bulk loads, and otherwise autovacuum and the checkpointer
    work through the rows just written while the next row is being measured (on 2 cores,
    that moved rows d and e by 20-30% between runs)."""
    say("  (settling: VACUUM ANALYZE, CHECKPOINT)")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
        checkpoint(conn)


def subprocess_env(database_url: str, **extra: str) -> dict:
    """This process's environment for a subprocess on `database_url` (no Redis: eager)."""
    values = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL",)}
    values.update(DATABASE_URL=database_url, **extra)
    return values


def manage(database_url: str, *args: str, env: dict | None = None) -> str:
    result = subprocess.run(  # noqa: S603
        [*MANAGE, *args],
        env=env or subprocess_env(database_url),
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def stage(database_url: str, name: str) -> dict:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "benchmarks", "--stage", name],
        env=subprocess_env(database_url),
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if result.returncode:
        raise RuntimeError(f"benchmark stage {name} failed:\n{result.stderr[-3000:]}")
    out = result.stdout
    return json.loads(out.strip().splitlines()[-1])


def postgres_version(base_url: str) -> str:
    with psycopg.connect(db_url(base_url, "postgres")) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]
