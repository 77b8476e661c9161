"""`make bench` from a clean clone: every row printed with its target and whether it was met.

Runs the whole suite at --scale small (1/100 of the sizes, 1-second load runs, one sweep
run) in its own databases, so the tooling (generation, stages, gunicorn + load generator,
report) stays working; the speed targets themselves are judged by the full run (docs/benchmarks.md).
"""

import os
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from tests.paths import ROOT

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

SEARCH_ROWS = tuple(f"s{i}" for i in range(1, 8))
ROWS = ("gen", "a", "b", "b′", "c0", "c1", "c2", "p", "f", *SEARCH_ROWS, "e", "d")


def _drop(url: str, names: list[str]) -> None:
    maintenance = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_small_benchmark_run_prints_every_row_with_its_target(tmp_path):
    base = os.environ["DATABASE_URL"]
    prefix = f"fl_bench_test_{os.getpid()}"
    report = tmp_path / "benchmarks.md"
    env = {**os.environ, "BENCH_DATABASE_URL": base, "BENCH_DATABASE_PREFIX": prefix}
    try:
        result = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "benchmarks", "--scale", "small"] + ["--output", str(report)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
    finally:
        _drop(base, [prefix, f"{prefix}_sweep"])
    assert result.returncode == 0, result.stderr[-3000:]
    lines = {line.split(" | ")[0].removeprefix("| "): line for line in result.stdout.splitlines()}
    for row in ROWS:
        cells = [cell.strip() for cell in lines[row].strip("|").split("|")]
        assert len(cells) == 5, lines[row]
        assert cells[2], f"row {row} measured nothing"
        assert cells[4] in ("yes", "**no**", "—"), lines[row]
        assert (cells[3] == "—") == (cells[4] == "—"), lines[row]  # a target says if it was met
    text = report.read_text()
    assert "## Results" in text
    assert '"rebuild"' in text  # the raw figures
