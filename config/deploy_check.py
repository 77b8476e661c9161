"""What `manage.py deploy_check` reports about this host: its worker's queues and every task's
route, whether beat runs here, and whether the site, SMTP, the broker and the database are set
and reachable. Each check returns findings; nothing here changes anything."""

import os
import smtplib
import ssl
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from celery import Celery
from django.conf import settings
from django.db import connection
from django.http.request import validate_host
from kombu.utils.url import maybe_sanitize_url

OK, WARN, FAIL = "ok", "WARN", "FAIL"
TIMEOUT = 3


@dataclass(frozen=True)
class Finding:
    status: str
    topic: str
    detail: str


def _set_here(name: str) -> bool:
    return bool(os.environ.get(name))


def task_hold_seconds(app: Celery, name: str) -> float:
    """How long a worker may hold a task's message unacknowledged: its hard time limit plus its
    longest retry countdown (a retry waits out its countdown in the worker that took it)."""
    task = app.tasks[name]
    limit = task.time_limit or app.conf.task_time_limit
    if not task.retry_backoff:
        return limit + task.default_retry_delay
    factor = 1 if task.retry_backoff is True else task.retry_backoff
    last_retry = max((task.max_retries or 1) - 1, 0)
    return limit + min(getattr(task, "retry_backoff_max", 600), factor * 2**last_retry)


def routes(app: Celery) -> dict[str, str]:
    """Each of our tasks and the queue any sender routes it to."""
    ours = sorted(name for name in app.tasks if name.startswith("forecasts."))
    return {name: app.amqp.router.route({}, name)["queue"].name for name in ours}


def check_worker(app: Celery, running: list[int]) -> Iterator[Finding]:
    source = "CELERY_WORKER_QUEUES" if _set_here("CELERY_WORKER_QUEUES") else "default: all"
    processes = app.conf.worker_concurrency or f"one per core ({os.cpu_count()})"
    queues = ", ".join(settings.WORKER_QUEUES)
    pids = f"running here: pid {', '.join(map(str, running))}" if running else "none running"
    yield Finding(
        OK, "worker", f"a worker here consumes {queues} ({source}), {processes} processes; {pids}"
    )
    consumed = set(settings.WORKER_QUEUES)
    for task, queue in routes(app).items():
        here = "consumed here" if queue in consumed else "not consumed here"
        yield Finding(OK, "route", f"{task.rsplit('.', 1)[-1]} -> {queue} ({here})")


def check_consumers(app: Celery) -> Iterator[Finding]:
    """Every routed queue should have a worker somewhere in the deployment."""
    try:
        replies = app.control.inspect(timeout=1).active_queues() or {}
    except Exception as exc:  # noqa: BLE001 - reported as a finding
        yield Finding(WARN, "consumers", f"could not ask the workers: {exc}")
        return
    consumers: dict[str, list[str]] = {}
    for worker, queues in replies.items():
        for queue in queues:
            consumers.setdefault(queue["name"], []).append(worker)
    for queue in sorted(set(routes(app).values())):
        if workers := consumers.get(queue):
            yield Finding(OK, "consumers", f"{queue}: {', '.join(sorted(workers))}")
        else:
            yield Finding(WARN, "consumers", f"{queue}: no running worker consumes it")


def celery_processes(command: str, proc: Path = Path("/proc")) -> list[int]:
    """Process ids of `celery ... <command>` (worker, beat) on this host (Linux): the main
    process of each, not its pool."""
    found: dict[int, int] = {}  # pid: parent pid
    for entry in proc.glob("[0-9]*/cmdline"):
        try:
            argv = entry.read_bytes().split(b"\0")
            stat = (entry.parent / "stat").read_text()
        except OSError:
            continue
        if any(arg.endswith(b"celery") for arg in argv) and command.encode() in argv:
            found[int(entry.parent.name)] = int(stat.rpartition(")")[2].split()[1])
    return sorted(pid for pid, parent in found.items() if parent not in found)


def check_beat(running: list[int]) -> Iterator[Finding]:
    pids = ", ".join(map(str, running))
    if settings.RUN_BEAT and running:
        yield Finding(OK, "beat", f"runs here (pid {pids}); no other host may run it")
    elif settings.RUN_BEAT:
        yield Finding(WARN, "beat", "RUN_BEAT is true but no beat runs here: start it, once")
    elif running:
        yield Finding(FAIL, "beat", f"RUN_BEAT is false but beat runs here (pid {pids})")
    else:
        yield Finding(OK, "beat", "not here (RUN_BEAT=false): exactly one other host runs it")


def check_site() -> Iterator[Finding]:
    site = urlsplit(settings.SITE_URL)
    if not _set_here("SITE_URL"):
        yield Finding(WARN, "SITE_URL", f"not set: email links point at {settings.SITE_URL}")
    elif site.scheme != "https" and not settings.DEBUG:
        yield Finding(WARN, "SITE_URL", f"{settings.SITE_URL} is not https")
    else:
        yield Finding(OK, "SITE_URL", settings.SITE_URL)
    yield _reachable_site()
    hosts = settings.ALLOWED_HOSTS
    if not validate_host(site.hostname or "", hosts):
        yield Finding(FAIL, "ALLOWED_HOSTS", f"{hosts} does not admit SITE_URL's host")
    elif not _set_here("ALLOWED_HOSTS"):
        yield Finding(WARN, "ALLOWED_HOSTS", f"not set: the local default {hosts}")
    else:
        yield Finding(OK, "ALLOWED_HOSTS", ", ".join(hosts))
    origin = f"{site.scheme}://{site.netloc}"
    trusted = settings.CSRF_TRUSTED_ORIGINS
    if origin in trusted:
        yield Finding(OK, "CSRF_TRUSTED_ORIGINS", ", ".join(trusted))
    else:
        yield Finding(
            WARN, "CSRF_TRUSTED_ORIGINS", f"{trusted or 'unset'}: add {origin} (admin forms)"
        )
    proxies = settings.NUM_PROXIES
    if proxies == 0 and not settings.DEBUG:
        yield Finding(WARN, "NUM_PROXIES", "0: behind a load balancer, every client is its address")
    else:
        yield Finding(OK, "NUM_PROXIES", str(proxies))


def _reachable_site() -> Finding:
    url = f"{settings.SITE_URL}/health/live"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:  # noqa: S310 - our URL
            status = response.status
    except Exception as exc:  # noqa: BLE001 - reported as a finding
        return Finding(FAIL, "SITE_URL", f"{url} unreachable: {exc}")
    return Finding(OK if status == 200 else FAIL, "SITE_URL", f"{url} answers {status}")


def check_smtp() -> Iterator[Finding]:
    if not settings.EMAIL_HOST:
        status = FAIL if not settings.DEBUG else WARN
        yield Finding(
            status, "SMTP", f"EMAIL_HOST not set: mail goes to {settings.EMAIL_FILE_PATH}"
        )
        return
    where = f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    try:
        with smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=TIMEOUT) as smtp:
            smtp.ehlo()
            if settings.EMAIL_USE_TLS:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if settings.EMAIL_HOST_USER:
                smtp.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
            smtp.noop()
    except (OSError, smtplib.SMTPException) as exc:
        yield Finding(FAIL, "SMTP", f"{where} unreachable: {exc}")
        return
    login = " and login" if settings.EMAIL_HOST_USER else ""
    yield Finding(OK, "SMTP", f"{where} answers (EHLO{login} accepted)")


def check_broker(app: Celery) -> Iterator[Finding]:
    url = maybe_sanitize_url(app.conf.broker_url)  # a password shows as **
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=TIMEOUT)
    except Exception as exc:  # noqa: BLE001 - reported as a finding
        yield Finding(FAIL, "broker", f"{url} unreachable: {exc}")
        return
    yield Finding(OK, "broker", f"{settings.BROKER_KIND} at {url} reachable")
    if settings.BROKER_KIND == "redis":
        yield from _check_visibility_timeout(app)


def _check_visibility_timeout(app: Celery) -> Iterator[Finding]:
    timeout = settings.VISIBILITY_TIMEOUT
    name, hold = max(((name, task_hold_seconds(app, name)) for name in routes(app)), key=_second)
    if hold >= timeout:
        yield Finding(
            WARN,
            "visibility",
            f"CELERY_VISIBILITY_TIMEOUT={timeout} s, but {name} may hold its message {hold:.0f} s:"
            " Redis would deliver it again while it runs",
        )
    else:
        restore = settings.UNACKED_RESTORE_SECONDS
        yield Finding(
            OK, "visibility", f"a lost worker's messages return after {timeout + restore} s"
        )


def _second(pair: tuple) -> float:
    return pair[1]


def check_database() -> Iterator[Finding]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - reported as a finding
        yield Finding(FAIL, "database", f"unreachable: {exc}")
        return
    yield Finding(OK, "database", f"{connection.vendor} reachable")


def run_checks(app: Celery) -> list[Finding]:
    broker = list(check_broker(app))
    reachable = broker[0].status == OK
    return [
        *check_worker(app, celery_processes("worker")),
        *(check_consumers(app) if reachable else []),
        *check_beat(celery_processes("beat")),
        *check_site(),
        *check_smtp(),
        *broker,
        *check_database(),
    ]
