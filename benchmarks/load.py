"""HTTP load against a local server: wrk when installed, else a small threaded client.

Both are bounded in time and connections and only ever talk to 127.0.0.1.
"""

import http.client
import re
import shutil
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass

WRK_HINT = "apt-get install -y wrk"


@dataclass(frozen=True)
class LoadResult:
    path: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    tool: str


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text).groups()
    return (
        float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}[unit]
    )


def run_wrk(port: int, path: str, *, seconds: int, connections: int) -> LoadResult:
    out = subprocess.run(  # noqa: S603
        [
            shutil.which("wrk") or "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "--timeout",
            "10s",
            f"http://127.0.0.1:{port}{path}",
        ],  # fmt: skip
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    # Anchored to the start of a line: the Stdev column can end in "…50%" too ("72.50%").
    p50 = _ms(re.search(r"^\s*50%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s*99%\s+(\S+)", out, re.M).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    errors = (int(bad.group(1)) if bad else 0) + (
        sum(int(g) for g in socket_errors.groups()) if socket_errors else 0
    )
    return LoadResult(path, rps, p50, p99, total, errors, "wrk")


def run_threads(port: int, path: str, *, seconds: int, connections: int) -> LoadResult:
    """Keep-alive GETs from `connections` threads for `seconds` (at most 100,000 requests)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop and len(latencies) < 100_000:
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                ok = response.status < 400
            except OSError:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                ok = False
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
                errors[0] += not ok
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return LoadResult(
        path, len(latencies) / elapsed, cuts[49], cuts[98], len(latencies), errors[0], "threads"
    )


def measure(port: int, path: str, *, seconds: int, connections: int = 8) -> LoadResult:
    runner = run_wrk if shutil.which("wrk") else run_threads
    return runner(port, path, seconds=seconds, connections=connections)
