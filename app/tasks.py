"""The two queues (huey instances), chosen from config: a SQLite file in instance/ by default,
PostgreSQL or Redis when QUEUE_URL says so, memory for tests. Jobs carry ids only.

Urgent messages (late-collection alerts, illness notices, emergency closures) have a queue of their
own, `urgent_huey`, with workers of their own that take nothing else. However much bulk work is
queued or running (a batch of a 10,000-family newsletter takes seconds), an urgent job never waits
behind it: it waits only for the urgent workers, which are idle nearly all the time and poll often.
The urgent workers are processes forked by `flask worker`, so they never wait for the bulk threads'
share of the GIL either, and they end with it (even when it is killed).

`flask worker` (the Procfile's `worker`) runs both: bulk workers (`--threads`) and urgent worker
processes (`--urgent-workers`, 1 by default).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from huey import Huey
from huey.consumer import Consumer, ProcessEnvironment
from huey.storage import MemoryStorage, PostgresStorage, PriorityRedisStorage, SqliteStorage

from app.config import config_from_env

BULK_QUEUE, URGENT_QUEUE = "homelink", "homelink-urgent"
# Idle polling of the urgent queue (SQLite and Redis; PostgreSQL is woken by NOTIFY): at most this
# many seconds between two looks, so an alert waits at most this long for a worker to notice it.
URGENT_POLL_SECONDS = 0.1

huey = Huey(BULK_QUEUE, results=False, utc=True, immediate_use_memory=False, storage_class=MemoryStorage)
urgent_huey = Huey(URGENT_QUEUE, results=False, utc=True, immediate_use_memory=False,
                   storage_class=MemoryStorage)
QUEUES = (huey, urgent_huey)
flask_app: Flask | None = None


def queue_for(urgent: bool) -> Huey:
    """The queue a job goes on: urgent work has its own."""
    return urgent_huey if urgent else huey


class QueueFile(SqliteStorage):
    """huey's SQLite queue, run as the app's own database is (app.extensions): WAL without an fsync on
    every commit, which huey's default makes for each job put on or taken off the queue (ms each, on a
    busy disk, with the queue locked meanwhile). A power cut may lose the last jobs, never the file's
    integrity; the sweep puts the rows of lost jobs back on the queue."""

    def _create_connection(self):
        conn = super()._create_connection()
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn


def make_storage(url: str | None, instance_path: str, name: str = BULK_QUEUE):
    """The storage of queue `name` where QUEUE_URL says (None: instance/queue.db); queues share it."""
    if not url:
        Path(instance_path).mkdir(parents=True, exist_ok=True)
        return QueueFile(name, filename=str(Path(instance_path) / "queue.db"))
    if url.startswith("sqlite:///"):
        return QueueFile(name, filename=url.removeprefix("sqlite:///"))
    if url.startswith("memory://"):
        return MemoryStorage(name)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return PriorityRedisStorage(name, url=url)
    if url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        return PostgresStorage(name, dsn=url.replace("postgresql+psycopg://", "postgresql://"))
    raise ValueError(f"QUEUE_URL not understood: {url!r}")


def init_app(app: Flask) -> None:
    """Bind both queues to this app: storage from its config; immediate mode when configured (tests)."""
    global flask_app
    flask_app = app
    url = app.config.get("QUEUE_URL")
    for queue in QUEUES:
        queue.storage = make_storage(url, app.instance_path, queue.name)
        queue._immediate = bool(app.config.get("QUEUE_IMMEDIATE"))


def job_app() -> Flask:
    """The Flask app jobs run in (the worker's own, created on first use)."""
    global flask_app
    if flask_app is None:
        from app import create_app

        create_app(config_from_env())
    return flask_app


@contextmanager
def job_context():
    """A fresh app context (own db session) and a request context on PUBLIC_BASE_URL, for url_for."""
    app = job_app()
    with app.app_context(), app.test_request_context(base_url=app.config["PUBLIC_BASE_URL"]):
        yield app


def task_on_both(name: str):
    """Register a job function on both queues; returns (bulk task, urgent task)."""
    def register(func):
        return huey.task(name=name)(func), urgent_huey.task(name=name)(func)
    return register


def register_tasks() -> None:
    """Import every module that defines tasks, so the consumers know them."""
    from app.messaging import dispatch  # noqa: F401
    from app.privacy import export  # noqa: F401


class WorkerConsumer(Consumer):
    """The bulk consumer, running the urgent queue's consumer beside it.

    The bulk consumer owns the signal handling; stopping it (gracefully or not) stops both, the
    urgent workers last, so they keep serving alerts while bulk jobs finish."""

    def __init__(self, urgent: Consumer, **options) -> None:
        self.urgent = urgent
        super().__init__(huey, **options)

    def start(self) -> None:
        self.urgent.start()  # forks the urgent workers before any bulk thread exists
        super().start()  # its signal handlers replace the urgent consumer's

    def stop(self, graceful: bool = False) -> None:
        super().stop(graceful)
        self.urgent.stop(graceful)


PR_SET_PDEATHSIG = 1


class UrgentEnvironment(ProcessEnvironment):
    """Huey's process environment, whose children end when the `flask worker` process does."""

    def __init__(self, *args) -> None:
        super().__init__(*args)
        self.parent = os.getpid()

    def init_child(self, process) -> None:
        super().init_child(process)
        libc = ctypes.util.find_library("c")
        if libc and hasattr(ctypes.CDLL(libc), "prctl"):  # Linux: killed with the parent, even by SIGKILL
            ctypes.CDLL(libc).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != self.parent:  # the parent died before that took effect
            os._exit(1)
        from app.extensions import db

        with job_app().app_context():
            db.engine.dispose(close=False)  # never share the parent's database connections


class UrgentConsumer(Consumer):
    """The urgent queue's consumer: worker processes of its own."""

    def get_environment(self, worker_type):
        return UrgentEnvironment(self._graceful_sig, self._interrupt_sig)


def run_worker(workers: int = 2, worker_type: str = "thread", urgent_workers: int = 1) -> None:
    """Run the bulk queue's workers (threads or processes) and the urgent queue's worker processes."""
    register_tasks()
    urgent = UrgentConsumer(urgent_huey, workers=urgent_workers, worker_type="process", periodic=False,
                            backoff=1.5, max_delay=URGENT_POLL_SECONDS, initial_delay=0.02)
    WorkerConsumer(urgent, workers=workers, worker_type=worker_type, periodic=False,
                   backoff=1.15, max_delay=2.0, initial_delay=0.1).run()
