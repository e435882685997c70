"""The huey instance, chosen from config: a SQLite file in instance/ by default, PostgreSQL or Redis
(with priorities) when QUEUE_URL says so, memory for tests. Jobs carry ids only.

Run a worker with `flask worker` (the Procfile does).
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from huey import Huey
from huey.storage import MemoryStorage, PostgresStorage, PriorityRedisStorage, SqliteStorage

from app.config import config_from_env

URGENT_PRIORITY = 100
BULK_PRIORITY = 10

huey = Huey("homelink", results=False, utc=True, immediate_use_memory=False,
            storage_class=MemoryStorage)
flask_app: Flask | None = None


def make_storage(url: str | None, instance_path: str):
    """The queue storage QUEUE_URL names (None: instance/queue.db)."""
    if not url:
        Path(instance_path).mkdir(parents=True, exist_ok=True)
        return SqliteStorage("homelink", filename=str(Path(instance_path) / "queue.db"))
    if url.startswith("sqlite:///"):
        return SqliteStorage("homelink", filename=url.removeprefix("sqlite:///"))
    if url.startswith("memory://"):
        return MemoryStorage("homelink")
    if url.startswith(("redis://", "rediss://", "unix://")):
        return PriorityRedisStorage("homelink", url=url)
    if url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        return PostgresStorage("homelink", dsn=url.replace("postgresql+psycopg://", "postgresql://"))
    raise ValueError(f"QUEUE_URL not understood: {url!r}")


def init_app(app: Flask) -> None:
    """Bind the queue to this app: storage from its config; immediate mode when configured (tests)."""
    global flask_app
    flask_app = app
    url = app.config.get("QUEUE_URL")
    huey.storage = make_storage(url, app.instance_path)
    huey._immediate = bool(app.config.get("QUEUE_IMMEDIATE"))


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


def register_tasks() -> None:
    """Import every module that defines tasks, so the consumer knows them."""
    from app.messaging import dispatch  # noqa: F401
    from app.privacy import export  # noqa: F401


def run_worker(workers: int = 2, worker_type: str = "thread") -> None:
    """Run the huey consumer in this process (threads share the app)."""
    register_tasks()
    consumer = huey.create_consumer(workers=workers, worker_type=worker_type, periodic=False,
                                    backoff=1.15, max_delay=2.0, initial_delay=0.1)
    consumer.run()
