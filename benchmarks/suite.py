"""The benchmark run: databases, data, each measurement in its own process, the report.

Everything runs on this machine against 127.0.0.1: a dedicated PostgreSQL database (dropped
and created by the run, never the dev or test ones), gunicorn with 2 workers for the HTTP
rows, wrk (or a threaded fallback) for the load.
"""

import contextlib
import datetime as dt
import json
import os
import platform
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from benchmarks.import_csv import write_import_csv
from benchmarks.load import WRK_HINT, LoadResult, measure

ROOT = Path(__file__).resolve().parent.parent
MANAGE = [sys.executable, str(ROOT / "manage.py")]
SCALES = {"full": 1.0, "small": 0.01}
SWEEP_RUNS = 3


@dataclass(frozen=True)
class Sizes:
    experts: int
    questions: int
    predictions: int
    sweep_questions: int
    sweep_overdue: int
    import_rows: int
    load_seconds: int

    @classmethod
    def at(cls, scale: float) -> "Sizes":
        def n(value: int, low: int) -> int:
            return max(low, int(value * scale))

        return cls(
            experts=n(10_000, 50),
            questions=n(200_000, 500),
            predictions=n(1_000_000, 2_000),
            sweep_questions=n(1_000_000, 2_000),
            sweep_overdue=n(50_000, 100),
            import_rows=n(100_000, 1_000),
            load_seconds=10 if scale >= 1 else 3,
        )


@dataclass
class Row:
    key: str
    what: str
    measured: str
    target: str
    met: bool | None  # None: informational


@dataclass
class Run:
    base_url: str
    db_prefix: str
    scale_name: str
    sizes: Sizes
    say: Callable[[str], None]
    rows: list[Row] = field(default_factory=list)
    details: dict = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)


def _db_url(base_url: str, name: str) -> str:
    parts = urlsplit(base_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _recreate_database(base_url: str, name: str, *, template: str | None = None) -> str:
    """Drop `name` and create it empty, or as a copy of `template` (then CHECKPOINT, so the
    copy's own writes do not land in the measurement that follows)."""
    _drop_database(base_url, name)
    with psycopg.connect(_db_url(base_url, "postgres"), autocommit=True) as conn:
        if template is None:
            conn.execute(f'CREATE DATABASE "{name}"')
        else:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            _checkpoint(conn)
    return _db_url(base_url, name)


def _drop_database(base_url: str, name: str) -> None:
    with psycopg.connect(_db_url(base_url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _checkpoint(conn: psycopg.Connection) -> None:
    # Superusers and pg_checkpoint only; without it the server flushes on its own schedule.
    with contextlib.suppress(psycopg.errors.InsufficientPrivilege):
        conn.execute("CHECKPOINT")


def _settle(run: Run, url: str) -> None:
    """VACUUM (ANALYZE) and CHECKPOINT the database before the next measurement: the state a
    live database is in between bulk loads, and otherwise autovacuum and the checkpointer
    work through the rows just written while the next row is being measured (on 2 cores,
    that moved rows d and e by 20-30% between runs)."""
    run.say("  (settling: VACUUM ANALYZE, CHECKPOINT)")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
        _checkpoint(conn)


def _env(database_url: str, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL",)}
    env.update(DATABASE_URL=database_url, **extra)
    return env


def _manage(database_url: str, *args: str, env: dict | None = None) -> str:
    result = subprocess.run(  # noqa: S603
        [*MANAGE, *args],
        env=env or _env(database_url),
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def _stage(database_url: str, name: str) -> dict:
    out = _manage(database_url, "run_benchmarks", "--stage", name)
    return json.loads(out.strip().splitlines()[-1])


def _generate(run: Run, database_url: str, **sizes: int) -> float:
    args = ["generate_demo_data", "--seed", "1", "--quiet", "--no-scores"]
    for name, value in sizes.items():
        args += [f"--{name}", str(value)]
    started = time.perf_counter()
    _manage(database_url, "migrate", "--no-input")
    _manage(database_url, *args)
    return time.perf_counter() - started


# --- the rows -------------------------------------------------------------------------------


def bench_data(run: Run) -> str:
    s = run.sizes
    url = _recreate_database(run.base_url, run.db_prefix)
    run.say(f"generating {s.experts:,} experts, {s.predictions:,} predictions ...")
    seconds = _generate(
        run, url, experts=s.experts, questions=s.questions, predictions=s.predictions
    )
    run.rows.append(
        Row(
            "gen",
            f"generate_demo_data: {s.experts:,} experts, {s.questions:,} questions, "
            f"{s.predictions:,} predictions (chained)",
            f"{seconds:.1f} s ({s.predictions / seconds:,.0f} predictions/s)",
            "—",
            None,
        )
    )
    return url


def bench_rebuild(run: Run, url: str) -> None:
    run.say("(a) full rebuild vs the floor ...")
    r = _stage(url, "rebuild")
    run.details["rebuild"] = r
    run.rows.append(
        Row(
            "a",
            f"full track-record rebuild ({r['experts']:,} experts, {r['scores']:,} scores, "
            f"{r['records']:,} records) vs one SQL query (floor)",
            f"{r['rebuild_s']:.1f} s vs floor {r['floor_s']:.1f} s = {r['ratio']:.1f}× "
            f"(storing its output alone: {r['store_s']:.1f} s)",
            "≤ 2× floor and < 30 s",
            r["ratio"] <= 2 and r["rebuild_s"] < 30,
        )
    )


def bench_incremental(run: Run, url: str) -> None:
    run.say("(b) incremental update ...")
    r = _stage(url, "incremental")
    rebuild_s = run.details.get("rebuild", {}).get("rebuild_s")
    ratio = f", {r['typical_ms'] / 1000 / rebuild_s:.5f} of (a)" if rebuild_s else ""
    run.details["incremental"] = r
    run.rows.append(
        Row(
            "b",
            "question with 20 predictions resolves: scoring + 20 track records (typical experts)",
            f"{r['typical_ms']:.0f} ms{ratio}",
            "< 100 ms",
            r["typical_ms"] < 100,
        )
    )
    run.rows.append(
        Row(
            "b′",
            f"same, the 20 most prolific experts ({r['prolific_scores']:,} scores between them)",
            f"{r['prolific_ms']:.0f} ms",
            "< 100 ms",
            r["prolific_ms"] < 100,
        )
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(url: str, var_dir: str) -> dict:
    return _env(
        url,
        DEBUG="false",
        SECRET_KEY="benchmark-only-not-a-secret",  # noqa: S106
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        API_THROTTLE_ANON="off",
        API_THROTTLE_USER="off",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        VAR_DIR=var_dir,
        LOG_LEVEL="WARNING",
    )


def bench_http(run: Run, url: str) -> None:
    run.say("(c) leaderboard under load ...")
    var_dir = tempfile.mkdtemp(prefix="bench-var-")
    env = _server_env(url, var_dir)
    _manage(url, "collectstatic", "--no-input", env=env)
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(port)
        paths = ["/health/live", "/api/leaderboard/", "/"]
        for path in paths:  # warm both workers' caches and connections
            for _ in range(4):
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60).read()  # noqa: S310
        results = {p: measure(port, p, seconds=run.sizes.load_seconds) for p in paths}
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(var_dir, ignore_errors=True)
    run.details["http"] = {p: r.__dict__ for p, r in results.items()}
    live = results["/health/live"]
    run.rows.append(
        Row(
            "c0",
            f"GET /health/live (reference; {live.tool}, 8 connections, 2 gunicorn workers)",
            _load_text(live),
            "—",
            None,
        )
    )
    for key, path, what in (("c1", "/api/leaderboard/", "API"), ("c2", "/", "page")):
        r = results[path]
        ratio = r.requests_per_s / live.requests_per_s
        run.rows.append(
            Row(
                key,
                f"leaderboard {what} GET {path}",
                f"{_load_text(r)}; {ratio:.2f}× /health/live",
                "≥ 0.5× /health/live, p99 < 100 ms",
                ratio >= 0.5 and r.p99_ms < 100 and r.errors == 0,
            )
        )


def _load_text(r: LoadResult) -> str:
    errors = f", {r.errors} errors" if r.errors else ""
    return f"{r.requests_per_s:,.0f} req/s, p50 {r.p50_ms:.1f} ms, p99 {r.p99_ms:.1f} ms{errors}"


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health/live", timeout=2).read()  # noqa: S310
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer /health/live within 60 s")


def bench_import(run: Run, url: str) -> None:
    rows = run.sizes.import_rows
    run.say(f"(e) import_predictions of {rows:,} rows ...")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "import.csv"
        write_import_csv(path, rows, anchor=dt.date.today())
        started = time.perf_counter()
        proc = subprocess.Popen(  # noqa: S603
            [*MANAGE, "import_predictions", str(path), "--quiet"],
            env=_env(url),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out = proc.stdout.read().decode()[-500:]
        if proc.returncode:
            raise RuntimeError(f"import failed: {proc.stderr.read().decode()[-2000:]}")
    peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    run.details["import"] = {"seconds": seconds, "peak_mb": peak_mb, "output": out}
    run.rows.append(
        Row(
            "e",
            f"import_predictions of {rows:,} rows (into the database of (a))",
            f"{rows / seconds:,.0f} rows/s ({seconds:.1f} s), peak RSS {peak_mb:.0f} MB",
            "≥ 5,000 rows/s, peak < 500 MB",
            rows / seconds >= 5000 and peak_mb < 500,
        )
    )


def bench_sweep(run: Run) -> None:
    s = run.sizes
    url = _recreate_database(run.base_url, f"{run.db_prefix}_sweep")
    run.say(f"(d) generating {s.sweep_questions:,} questions, {s.sweep_overdue:,} overdue ...")
    _generate(
        run,
        url,
        experts=max(50, s.experts // 10),
        questions=s.sweep_questions,
        predictions=s.sweep_questions // 5,
        overdue=s.sweep_overdue,
    )
    _settle(run, url)
    # The pass changes the data, so each run gets a fresh copy of the generated database;
    # the reported run is the median of SWEEP_RUNS (this row moved by ±25% between runs).
    runs = []
    for i in range(SWEEP_RUNS):
        run.say(f"(d) due sweep and reminder pass, run {i + 1} of {SWEEP_RUNS} ...")
        source = urlsplit(url).path.lstrip("/")
        copy = _recreate_database(run.base_url, f"{run.db_prefix}_sweep_run", template=source)
        runs.append(_stage(copy, "sweep"))
    _drop_database(run.base_url, f"{run.db_prefix}_sweep_run")
    runs.sort(key=lambda r: r["total_s"])
    r = runs[len(runs) // 2]
    r["runs_total_s"] = [x["total_s"] for x in runs]
    run.details["sweep"] = r
    run.rows.append(
        Row(
            "d",
            f"due sweep ({r['questions']:,} questions, {r['overdue']:,} newly due, "
            f"{r['assigned']:,} assigned) + reminder pass ({r['digests']} digests, "
            f"{r['reminder_rows']:,} items)",
            f"{r['total_s']:.1f} s (sweep {r['sweep_s']:.1f} s, reminders "
            f"{r['reminders_s']:.1f} s); median of {len(runs)}, "
            f"{runs[0]['total_s']:.1f}–{runs[-1]['total_s']:.1f} s",
            "< 5 s",
            r["total_s"] < 5,
        )
    )


# --- the report -----------------------------------------------------------------------------


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "load_average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def _postgres_version(base_url: str) -> str:
    with psycopg.connect(_db_url(base_url, "postgres")) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


def table(rows: list[Row]) -> str:
    lines = ["| row | what | measured | target | met |", "|---|---|---|---|---|"]
    for r in rows:
        met = "—" if r.met is None else ("yes" if r.met else "**no**")
        lines.append(f"| {r.key} | {r.what} | {r.measured} | {r.target} | {met} |")
    return "\n".join(lines)


def render_markdown(run: Run, box: dict, notes: str) -> str:
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    minutes = (time.monotonic() - run.started) / 60
    return f"""# Benchmarks

Written by `make bench` (`manage.py run_benchmarks --scale {run.scale_name}`) on {when};
the whole run took {minutes:.1f} minutes. Re-run it to refresh this page.

## Machine
- CPU: {box["cpu"]}, {box["cores"]} cores; memory {box["memory_gb"]} GB
- {box["os"]}; Python {box["python"]}; PostgreSQL {box["postgres"]}
- load average when the run started: {box["load_average"]}
- one machine for everything: PostgreSQL, gunicorn (2 sync workers), the load generator

## Results
{table(run.rows)}

{notes}

## Raw figures
```json
{json.dumps(run.details, indent=2, default=str)}
```
"""


DEFAULT_PREFIX = "forecast_ledger_bench"


def run_suite(
    *,
    base_url: str,
    scale_name: str,
    say: Callable[[str], None],
    only: set[str] | None = None,
    db_prefix: str = DEFAULT_PREFIX,
) -> Run:
    """Every row in `only` (default all); databases `db_prefix` and `db_prefix`_sweep on the
    server of `base_url` are dropped and created."""
    run = Run(base_url, db_prefix, scale_name, Sizes.at(SCALES[scale_name]), say)
    if not shutil.which("wrk"):
        say(f"wrk not found ({WRK_HINT}); using the threaded load generator instead.")
    box = machine()
    box["postgres"] = _postgres_version(base_url)
    run.details["machine"] = box
    run.details["sizes"] = run.sizes.__dict__
    wanted = only or {"a", "b", "c", "d", "e"}
    url = bench_data(run) if wanted - {"d"} else ""
    if url:
        _settle(run, url)
    if "a" in wanted:
        bench_rebuild(run, url)
        if wanted - {"a", "d"}:
            _settle(run, url)
    if "b" in wanted:
        bench_incremental(run, url)
    if "c" in wanted:
        bench_http(run, url)
    if "e" in wanted:
        bench_import(run, url)
    if "d" in wanted:
        bench_sweep(run)
    run.details["machine"]["peak_rss_children_mb"] = (
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    )
    return run
