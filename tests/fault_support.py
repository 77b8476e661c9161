"""Real parts for the tests that run real processes: a private redis-server, Celery worker
processes, an SMTP server, row locks. The one home of these helpers: the fault tests, the
reminder worker test and the browser journey all take them from here.

Each fault test gets a redis-server of its own on a free port (so it can stop and start it,
and no message leaks to or from another test), and workers that are the project's own app
(`celery -A config worker`) pointed at that Redis and at the pytest test database. Every wait
polls a condition with a deadline.
"""

import asyncio
import email
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RABBITMQ_URL = os.environ.get("RABBITMQ_URL") or "amqp://guest:guest@127.0.0.1:5672//"
WAIT = 60.0
TASK_LINE = re.compile(
    r"Task (?P<name>[\w.]+)\[(?P<id>[0-9a-f-]{36})\] "
    r"(?P<event>received|succeeded|retry|raised unexpected)(?: in [\d.e-]+s)?:? ?(?P<rest>.*)"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition: Callable[[], object], what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


class RedisServer:
    """A redis-server of the test's own. No persistence: after a restart it comes back empty,
    the harsher case, so whatever survives the outage survives it in PostgreSQL."""

    def __init__(self, log_dir: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = log_dir / f"redis-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--daemonize", "no"]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - a fixed command line
                command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        wait_for(self.answers, f"redis-server on port {self.port} to answer", timeout=20)

    def answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        """SIGTERM, as an orderly restart or a `systemctl stop` would, and wait for the exit."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None


def worker_database_url() -> str:
    """The pytest test database (the one this process is connected to), as a DATABASE_URL."""
    from django.db import connection

    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def project_environment(broker_url: str, **env: str) -> dict[str, str]:
    """The environment of one of the project's processes (a worker, beat, a web process):
    this one's, pointed at the pytest test database and at `broker_url` (as REDIS_URL)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": broker_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        **env,
    }


class Service:
    """A process in its own process group, logging to a file (appending: several may share
    one), started from the repository root."""

    def __init__(self, command: list[str], *, env: dict[str, str], log: Path) -> None:
        self.log = log
        with log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                command,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL to the whole process group: no cleanup, no ack, no rollback but the
        database's own. The host losing power looks the same from outside."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=WAIT)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


class Worker(Service):
    """`celery -A config worker` (one process). `fast_restore`: its restore sweep runs every
    second (CELERY_UNACKED_RESTORE_SECONDS=1), so an unacknowledged message comes back within a
    second of its visibility timeout; otherwise the setting's default. `queue`: consume only
    that queue (`-Q`); without it, what CELERY_WORKER_QUEUES says, every queue by default."""

    def __init__(
        self,
        *,
        broker_url: str,
        log: Path,
        pool: str = "solo",
        env: dict | None = None,
        queue: str | None = None,
        fast_restore: bool = True,
    ) -> None:
        self.queue = queue
        fast = {"CELERY_UNACKED_RESTORE_SECONDS": "1"} if fast_restore else {}
        environment = project_environment(broker_url, **{**fast, **(env or {})})
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", f"--pool={pool}"]
        command += ["--concurrency=1"]
        command += ["-Q", queue] if queue else []
        command += ["-n", f"fault-{uuid.uuid4().hex[:8]}@%h"]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"]
        super().__init__(command, env=environment, log=log)

    def wait_ready(self) -> "Worker":
        wait_for(lambda: " ready." in self.text() or self.process.poll() is not None, "worker")
        assert self.process.poll() is None, f"the worker exited:\n{self.text()[-3000:]}"
        return self

    def events(self, task_id: str | None = None) -> list[tuple[str, str, str, str]]:
        """(task name, task id, event, rest of line) for every task line logged so far."""
        found = [m.group("name", "id", "event", "rest") for m in TASK_LINE.finditer(self.text())]
        return [e for e in found if task_id is None or e[1] == task_id]

    def first_received(self, name: str) -> str | None:
        return next((e[1] for e in self.events() if e[0] == name and e[2] == "received"), None)

    def succeeded(self, task_id: str) -> str | None:
        """The logged return value once this task succeeded here, else None."""
        return next((e[3] for e in self.events(task_id) if e[2] == "succeeded"), None)

    def pool_children(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []


class SmtpSink:
    """An aiosmtpd handler that keeps what it accepts, and the client address (one per SMTP
    connection) each message came over. With `hold_at=k`, the k-th message is held until
    `release` is set, then refused: its sender never got a 250. With `refuse_at=k`, the k-th
    message is refused at once."""

    def __init__(self, hold_at: int | None = None, refuse_at: int | None = None) -> None:
        self.messages: list[email.message.Message] = []
        self.peers: list[tuple] = []
        self.hold_at = hold_at
        self.refuse_at = refuse_at
        self.seen = 0
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802
        self.seen += 1
        self.peers.append(tuple(session.peer))
        if self.seen == self.refuse_at:
            return "451 4.3.0 The test refused this message"
        if self.seen == self.hold_at:
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, WAIT)
            return "451 4.3.0 The test dropped this message"
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def recipients(self) -> list[str]:
        return sorted(m["To"] for m in self.messages)


def smtp_env(port: int) -> dict[str, str]:
    """The environment that sends a worker's mail to the SMTP server on this loopback port."""
    return {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port)}


class SmtpServer:
    """aiosmtpd on a free loopback port, started at once, handing what it accepts to `sink`
    (an SmtpSink made with `options`). `stop` releases a held message first."""

    def __init__(self, **options: object) -> None:
        from aiosmtpd.controller import Controller

        self.sink, self.port = SmtpSink(**options), free_port()
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def env(self) -> dict[str, str]:
        """The environment that sends a worker's mail here."""
        return smtp_env(self.port)

    def stop(self) -> None:
        self.sink.release.set()
        self.controller.stop()


class FaultRig:
    """The processes one test started; `close` ends every one of them."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="fl-faults-"))
        self.redis = RedisServer(self.dir)
        self.workers: list[Worker] = []
        self.services: list[Service] = []
        self.smtp: SmtpServer | None = None

    def smtp_sink(self, **options: object) -> tuple[SmtpSink, dict[str, str]]:
        """A started SMTP server; returns it and the environment that sends workers' mail there."""
        self.smtp = SmtpServer(**options)
        return self.smtp.sink, self.smtp.env()

    def worker(self, *, pool: str = "solo", ready: bool = True, **env: str) -> Worker:
        """A worker on this rig's Redis; `ready=False`: started, not waited for."""
        log = self.dir / f"worker-{len(self.workers) + 1}.log"
        env = {"VAR_DIR": str(self.dir / "var"), **env}
        worker = Worker(broker_url=self.redis.url, log=log, pool=pool, env=env)
        self.workers.append(worker)
        return worker.wait_ready() if ready else worker

    def service(self, name: str, command: list[str], **env: str) -> Service:
        """Another of the project's processes (beat, a web process), with a VAR_DIR of its own,
        logging to `name`.log; started, not waited for."""
        env = {"VAR_DIR": str(self.dir / name), **env}
        service = Service(
            command, env=project_environment(self.redis.url, **env), log=self.dir / f"{name}.log"
        )
        self.services.append(service)
        return service

    def logs(self) -> str:
        processes = [*self.workers, *self.services]
        return "\n".join(f"--- {p.log.name}\n{p.text()[-3000:]}" for p in processes)

    def close(self) -> None:
        """Stop everything, each step even when an earlier one failed; print the processes'
        logs (pytest shows them when the test failed) and remove them."""
        steps = [*(process.stop for process in [*self.workers, *self.services])]
        steps += [self.redis.stop, self._stop_smtp]
        steps += [lambda: print(self.logs()), lambda: shutil.rmtree(self.dir, ignore_errors=True)]
        errors = []
        for step in steps:
            try:
                step()
            except Exception as exc:  # noqa: BLE001 - reported below, after the other steps
                errors.append(exc)
        if errors:
            raise errors[0]

    def _stop_smtp(self) -> None:
        if self.smtp is not None:
            self.smtp.stop()


@contextmanager
def running_rig(*, before_close: Callable[[], object] | None = None) -> Iterator[FaultRig]:
    """A FaultRig with its redis-server up, this process's Celery publishing to it and its lock
    waits bounded; on the way out `before_close` (if any), then every process is stopped."""
    rig = FaultRig()
    try:
        rig.redis.start()
        with celery_broker(rig.redis.url), bounded_lock_waits():
            yield rig
    finally:
        try:
            if before_close is not None:
                before_close()
        finally:
            rig.close()


def track_record_figures() -> dict[tuple, tuple]:
    """Every track record's stored figures, by (expert, topic, scope); not its id or
    timestamp."""
    from forecasts.models import TrackRecord

    names = [f.attname for f in TrackRecord._meta.concrete_fields if f.name != "id"]
    names.remove("updated_at")
    return {(r[0], r[1], r[2]): r for r in TrackRecord.objects.values_list(*names)}


@contextmanager
def celery_broker(url: str) -> Iterator[None]:
    """Point this process's Celery app (the web side) at `url`, and back afterwards."""
    from config.celery import app

    saved = app.conf.broker_url
    app.conf.broker_url = url
    _forget_connections(app)
    try:
        yield
    finally:
        app.conf.broker_url = saved
        _forget_connections(app)


def _forget_connections(app) -> None:  # noqa: ANN001
    # The pools are built lazily from broker_url; dropping them makes the next publish use
    # the new URL (the same thing Celery does after a fork).
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def row_lock(table: str, pk: int) -> Iterator[int]:
    """Hold a row lock from a connection of its own; yields that connection's pid.

    FOR NO KEY UPDATE: it blocks the workers' `select_for_update()` (FOR UPDATE) but not the
    FOR KEY SHARE that inserting a row referencing this one takes, so the test can still
    resolve a question whose scores point at the locked expert.
    """
    holder = connect_to_test_server()
    try:
        holder.execute(f"SELECT id FROM {table} WHERE id = %s FOR NO KEY UPDATE", [pk])  # noqa: S608
        yield holder.info.backend_pid
    finally:
        holder.close()  # uncommitted: the lock goes with the session


@contextmanager
def bounded_lock_waits(seconds: int = 30) -> Iterator[None]:
    """A lock this test process waits on fails after `seconds` instead of hanging the run."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SET lock_timeout = '{int(seconds)}s'")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")


def connect_to_test_server(dbname: str | None = None, **options: object):  # noqa: ANN201
    """A psycopg connection of its own to the test database (or to `dbname` on its server),
    outside Django's connection handling."""
    import psycopg
    from django.db import connection

    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=dbname or db["NAME"],
        **options,
    )


def _scalar(sql: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def backends_waiting_on_locks() -> int:
    return _scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock'"
    )


def other_backends() -> int:
    """Connections to the test database other than this one (the workers', the holders')."""
    return _scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid()"
    )


def terminate_other_backends() -> int:
    return _scalar(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )


def allow_connections(allowed: bool) -> None:
    """ALTER DATABASE ... ALLOW_CONNECTIONS: while off, every new connection to the test
    database is refused, as during a restart; connections already open are not affected.
    PostgreSQL takes this only from a session on another database."""
    from django.db import connection

    name = connection.ops.quote_name(connection.settings_dict["NAME"])
    with connect_to_test_server("postgres", autocommit=True) as maintenance:
        maintenance.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS {str(allowed).lower()}")
