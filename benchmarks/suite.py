"""The benchmark run: its data and its rows, each measured in its own process (databases.py
starts those; report.py writes the results up).

Everything runs on this machine against 127.0.0.1: a dedicated PostgreSQL database (dropped
and created by the run, never the dev or test ones), gunicorn with 2 workers for the HTTP
rows, wrk (or a threaded fallback) for the load.
"""

import datetime as dt
import os
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
from urllib.parse import urlsplit

from benchmarks.databases import (
    MANAGE,
    ROOT,
    drop_database,
    manage,
    postgres_version,
    recreate_database,
    settle,
    stage,
    subprocess_env,
)
from benchmarks.import_csv import write_import_csv
from benchmarks.load import WRK_HINT, LoadResult, measure
from benchmarks.report import Row, machine

SCALES = {"full": 1.0, "small": 0.01}


@dataclass(frozen=True)
class Sizes:
    experts: int
    questions: int
    predictions: int
    sweep_questions: int
    sweep_overdue: int
    import_rows: int
    load_seconds: int
    sweep_runs: int  # row d reports the median of these

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
            # The small run checks the tooling, not the speed (tests/project/test_benchmarks.py):
            # one-second load runs and one sweep run keep it a minute shorter.
            load_seconds=10 if scale >= 1 else 1,
            sweep_runs=3 if scale >= 1 else 1,
        )


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


def _generate(run: Run, database_url: str, **sizes: int) -> float:
    args = ["generate_demo_data", "--seed", "1", "--quiet", "--no-scores"]
    for name, value in sizes.items():
        args += [f"--{name}", str(value)]
    started = time.perf_counter()
    manage(database_url, "migrate", "--no-input")
    manage(database_url, *args)
    return time.perf_counter() - started


# --- the rows -------------------------------------------------------------------------------


def bench_data(run: Run) -> str:
    s = run.sizes
    url = recreate_database(run.base_url, run.db_prefix)
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
    r = stage(url, "rebuild")
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
    r = stage(url, "incremental")
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
    return subprocess_env(
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


def bench_pages(run: Run, url: str) -> None:
    run.say("(p) pages and API reads at the extremes ...")
    r = stage(url, "pages")
    run.details["pages"] = r
    run.rows.append(
        Row(
            "p",
            f"the slowest of {len(r['timings'])} pages and API reads, uncached: the expert with "
            f"the most predictions ({r['expert_predictions']:,}), the busiest question "
            f"({r['question_predictions']:,}), the big lists' first pages",
            f"{r['worst_ms']:.0f} ms ({r['worst_path'].split('?')[0]}); every figure under "
            "Raw figures",
            "—",
            None,
        )
    )


SEARCH_TARGET_MS = 150


def bench_search(run: Run, url: str) -> None:
    run.say("(s) text search and the similar-question lookup ...")
    r = stage(url, "search")
    run.details["search"] = r
    for i, (name, figures) in enumerate(r["endpoints"].items(), start=1):
        path = name.replace("_", " ")
        run.rows.append(
            Row(
                f"s{i}",
                f"{path}: {len(figures['terms'])} terms drawn from the data, uncached",
                f"p50 {figures['p50_ms']:.0f} ms, p95 {figures['p95_ms']:.0f} ms "
                f"(slowest: {figures['slowest_term']!r}, {figures['max_ms']:.0f} ms)",
                f"p95 < {SEARCH_TARGET_MS} ms",
                figures["p95_ms"] < SEARCH_TARGET_MS,
            )
        )


def bench_http(run: Run, url: str) -> None:
    run.say("(c) leaderboard under load ...")
    var_dir = tempfile.mkdtemp(prefix="bench-var-")
    env = _server_env(url, var_dir)
    manage(url, "collectstatic", "--no-input", env=env)
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


def bench_audit(run: Run, url: str) -> None:
    run.say("(f) audit dump and the stand-alone verifier ...")
    r = stage(url, "audit")
    run.details["audit"] = r
    run.rows.append(
        Row(
            "f",
            f"public audit dump ({r['predictions']:,} prediction versions, {r['ledger']:,} "
            "ledger entries, gzip JSON Lines) built, then checked by tools/verify_audit.py "
            "in its own process",
            f"build {r['build_s']:.1f} s, {r['size_bytes'] / 1e6:,.0f} MB; verifier "
            f"{r['verify_s']:.1f} s, peak {r['verify_rss_mb']:,.0f} MB"
            + (", all figures reproduced" if r["reproduced"] else ", **differences found**"),
            "the verifier reproduces every published figure",
            r["reproduced"],
        )
    )


def bench_import(run: Run, url: str) -> None:
    rows = run.sizes.import_rows
    run.say(f"(e) import_predictions of {rows:,} rows ...")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "import.csv"
        write_import_csv(path, rows, anchor=dt.date.today())
        # Output to files, not pipes: a report longer than a pipe's 64 KB (one line per bad
        # row) blocked the import on its write while this process waited for it to exit.
        out_path, err_path = Path(tmp) / "out.txt", Path(tmp) / "err.txt"
        started = time.perf_counter()
        with out_path.open("wb") as out_file, err_path.open("wb") as err_file:
            proc = subprocess.Popen(  # noqa: S603
                [*MANAGE, "import_predictions", str(path), "--quiet"],
                env=subprocess_env(url),
                cwd=ROOT,
                stdout=out_file,
                stderr=err_file,
            )
            _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out = out_path.read_text()[-500:]
        if proc.returncode:
            raise RuntimeError(f"import failed: {err_path.read_text()[-2000:]}")
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
    url = recreate_database(run.base_url, f"{run.db_prefix}_sweep")
    run.say(f"(d) generating {s.sweep_questions:,} questions, {s.sweep_overdue:,} overdue ...")
    _generate(
        run,
        url,
        experts=max(50, s.experts // 10),
        questions=s.sweep_questions,
        predictions=s.sweep_questions // 5,
        overdue=s.sweep_overdue,
    )
    settle(url, run.say)
    # The pass changes the data, so each run gets a fresh copy of the generated database;
    # the reported run is the median of sweep_runs (this row moved by ±25% between runs).
    runs = []
    for i in range(s.sweep_runs):
        run.say(f"(d) due sweep and reminder pass, run {i + 1} of {s.sweep_runs} ...")
        source = urlsplit(url).path.lstrip("/")
        copy = recreate_database(run.base_url, f"{run.db_prefix}_sweep_run", template=source)
        runs.append(stage(copy, "sweep"))
    drop_database(run.base_url, f"{run.db_prefix}_sweep_run")
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
    box["postgres"] = postgres_version(base_url)
    run.details["machine"] = box
    run.details["sizes"] = run.sizes.__dict__
    wanted = only or {"a", "b", "c", "p", "f", "s", "d", "e"}
    url = bench_data(run) if wanted - {"d"} else ""
    if url:
        settle(url, run.say)
    if "a" in wanted:
        bench_rebuild(run, url)
        if wanted - {"a", "d"}:
            settle(url, run.say)
    if "b" in wanted:
        bench_incremental(run, url)
    if "c" in wanted:
        bench_http(run, url)
    if "p" in wanted:
        bench_pages(run, url)
    if "f" in wanted:
        bench_audit(run, url)
    if "s" in wanted:
        bench_search(run, url)
    if "e" in wanted:
        bench_import(run, url)
    if "d" in wanted:
        bench_sweep(run)
    run.details["machine"]["peak_rss_children_mb"] = (
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    )
    return run
