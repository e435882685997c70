"""A real worker process killed (SIGKILL) in the middle of a 1,000-recipient send, then restarted."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.messaging.models import Delivery
from app.messaging.services import counts, send_now
from app.messaging.sweep import sweep
from messaging_helpers import message

ROOT = Path(__file__).resolve().parents[2]
FLASK = Path(sys.executable).with_name("flask")


def _wait(condition, what: str, timeout: float = 120) -> None:
    """Poll until another process has done something (not waiting for a time to pass)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _count(status: str) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Delivery).where(Delivery.status == status))


@pytest.fixture
def worker_env(app, smtp, tmp_path):
    """The queue in a SQLite file shared by this test and real `flask worker` processes."""
    from huey.storage import SqliteStorage

    from app.tasks import huey

    queue_file = tmp_path / "queue.db"
    saved = (huey.storage, huey._immediate)
    huey.storage, huey._immediate = SqliteStorage("homelink", filename=str(queue_file)), False
    env = {**os.environ, "HOMELINK_ENV": "development", "HOMELINK_INSTANCE": str(tmp_path),
           "SECRET_KEY": app.config["SECRET_KEY"], "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "QUEUE_URL": f"sqlite:///{queue_file}", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp.port),
           "EMAIL_RATE": "100000 per second", "SEND_BATCH": "50", "PUBLIC_BASE_URL": "http://localhost"}
    yield env
    huey.storage, huey._immediate = saved


def _start(env):
    return subprocess.Popen([str(FLASK), "--app", "app", "worker", "--threads", "2"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_killed_worker_restart_and_sweep_nobody_missed(app, make, smtp, worker_env, frozen_clock):
    setting = make.setting()
    child = make.child(setting)
    contacts = [make.contact(setting, children=[child], email=f"k{i}@example.org") for i in range(1000)]
    msg = message(setting)
    db.session.commit()
    send_now(msg.id)
    worker = _start(worker_env)
    try:
        _wait(lambda: len(smtp.store.raw) >= 300, "300 emails")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    in_flight = _count("sending")
    arrived_at_kill = len(smtp.store.raw)
    assert 300 <= arrived_at_kill < 1000
    from app.tasks import huey

    worker = _start(worker_env)  # restart: it sends what is still queued
    try:
        _wait(lambda: huey.pending_count() == 0, "the restarted worker to take every job")
    finally:
        worker.send_signal(signal.SIGINT)  # huey's graceful stop: running jobs finish first
        worker.wait(timeout=60)
    # Left now: the dead worker's claimed rows (in `sending`), and rows whose job it had taken from
    # the queue but not started (still `queued`, with no job). The sweep finds both.
    assert _count("sending") == in_flight
    lost = _count("queued")
    from datetime import datetime, timezone

    frozen_clock.now = datetime.now(timezone.utc) + timedelta(minutes=30)  # the workers use real time
    assert sweep() == {"flagged": in_flight, "requeued": in_flight + lost}
    worker = _start(worker_env)
    try:
        _wait(lambda: _count("sent") == 1000, "every row sent")
    finally:
        worker.terminate()
        worker.wait(timeout=10)
    copies = [len(smtp.to(c.email)) for c in contacts]
    assert min(copies) == 1, "somebody was missed"
    assert sum(n - 1 for n in copies) <= in_flight
    assert counts(msg.id)["sent"] == 1000
