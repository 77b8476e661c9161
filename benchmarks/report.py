"""The benchmark's report: the machine, the results table, docs/benchmarks.md."""

import datetime as dt
import json
import os
import platform
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from benchmarks.suite import Run


@dataclass
class Row:
    key: str
    what: str
    measured: str
    target: str
    met: bool | None  # None: informational


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


def table(rows: list[Row]) -> str:
    lines = ["| row | what | measured | target | met |", "|---|---|---|---|---|"]
    for r in rows:
        met = "—" if r.met is None else ("yes" if r.met else "**no**")
        lines.append(f"| {r.key} | {r.what} | {r.measured} | {r.target} | {met} |")
    return "\n".join(lines)


def render_markdown(run: "Run", box: dict, notes: str) -> str:
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    minutes = (time.monotonic() - run.started) / 60
    return f"""# Benchmarks

Written by `make bench` (`python -m benchmarks --scale {run.scale_name}`) on {when};
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
